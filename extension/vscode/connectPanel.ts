// The "Connect an Assistant" page: per assistant, the exact values to paste, each in its own
// monospace block with a Copy button that copies that value and nothing else. A webview (not a
// modal dialog) keeps alignment and code formatting; it opens at once and fills in the URLs as
// soon as the gateway runs, and follows it when the port changes.
import * as vscode from 'vscode';
import { GUIDES, type GuideSection } from './connectAssistant';
import type { GatewayService } from './gatewayService';
import { makeNonce } from './review/panelHtml';

const escapeHtml = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** `code` spans in guide prose. */
const prose = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

export class ConnectPanel implements vscode.Disposable {
  static readonly viewType = 'airlock.connectAssistant';
  private static current: ConnectPanel | undefined;
  private snippets: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  static get instance(): ConnectPanel | undefined {
    return ConnectPanel.current;
  }

  static show(context: Pick<vscode.ExtensionContext, 'extensionUri'>, gateway: GatewayService, write: (label: string) => Promise<string | undefined>): ConnectPanel {
    if (ConnectPanel.current) {
      ConnectPanel.current.panel.reveal();
      void ConnectPanel.current.refresh();
      return ConnectPanel.current;
    }
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(ConnectPanel.viewType, 'Airlock: Connect an Assistant', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    ConnectPanel.current = new ConnectPanel(panel, media, gateway, write);
    return ConnectPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly media: vscode.Uri,
    private readonly gateway: GatewayService,
    private readonly write: (label: string) => Promise<string | undefined>,
  ) {
    panel.iconPath = vscode.Uri.joinPath(media, 'airlock-icon.svg');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      gateway.onDidChangeState(() => void this.refresh()),
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
    );
    void this.refresh();
  }

  /** Renders now (gateway starting…) and again once it runs. */
  async refresh(): Promise<void> {
    this.render();
    if (!this.gateway.urls && this.gateway.enabled()) {
      await this.gateway.start();
      this.render();
    }
  }

  /** The values on the page, in order (tests check Copy against these). */
  get values(): readonly string[] {
    return this.snippets;
  }

  private async receive(raw: unknown): Promise<void> {
    const message = raw as { type?: unknown; index?: unknown; label?: unknown } | undefined;
    if (message?.type === 'copy' && typeof message.index === 'number' && Number.isInteger(message.index) && this.snippets[message.index] !== undefined) {
      await vscode.env.clipboard.writeText(this.snippets[message.index]!);
      void this.panel.webview.postMessage({ type: 'copied', index: message.index });
    } else if (message?.type === 'write' && typeof message.label === 'string' && GUIDES.some((g) => g.label === message.label && g.write)) {
      await this.write(message.label);
    } else if (message?.type === 'command' && message.label === 'toggleGateway') {
      await vscode.commands.executeCommand('airlock.toggleGateway');
    }
  }

  private render(): void {
    const urls = this.gateway.urls;
    const nonce = makeNonce();
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'connect.js')).toString();
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'connect.css')).toString();
    this.snippets = [];
    let body: string;
    if (!urls) {
      body = this.gateway.enabled()
        ? '<p class="status" role="status">The Airlock gateway is starting… this page fills in as soon as it runs.</p>'
        : '<p class="status" role="status">The Airlock gateway is off for this workspace, so there is nothing to connect to. <button type="button" data-command="toggleGateway">Turn it on</button></p>';
    } else {
      const sections = GUIDES.map((guide) => {
        const parts = guide.sections(urls).map((s) => this.section(s, s.title !== guide.label)).join('');
        const write = guide.write ? `<p><button type="button" class="primary" data-write="${escapeHtml(guide.label)}">Write ${escapeHtml(guide.label)} settings for me</button></p>` : '';
        return `<section aria-labelledby="h-${this.snippets.length}"><h2 id="h-${this.snippets.length}">${escapeHtml(guide.label)}</h2><p class="detail">${prose(guide.detail)}</p>${parts}${write}</section>`;
      });
      body = `<p class="status">Gateway on <code>127.0.0.1:${escapeHtml(new URL(urls.openai).port)}</code> (the same port every session). Point each assistant at it; API keys pass through untouched.</p>${sections.join('')}`;
    }
    const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
    webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(style)}">
<title>Airlock Connect an Assistant</title>
</head>
<body>
<h1>Connect an Assistant</h1>
${body}
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(script)}"></script>
</body>
</html>`;
  }

  private section(section: GuideSection, heading: boolean): string {
    const rows = section.snippets
      .map((snippet) => {
        const index = this.snippets.push(snippet.text) - 1;
        return `<div class="snippet"><div class="label">${escapeHtml(snippet.label)}</div><pre id="s-${index}">${escapeHtml(snippet.text)}</pre><button type="button" data-copy="${index}" aria-label="Copy ${escapeHtml(snippet.label)}">Copy</button></div>`;
      })
      .join('');
    return `${heading ? `<h3>${escapeHtml(section.title)}</h3>` : ''}<p>${prose(section.intro)}</p>${rows}${section.note ? `<p class="note">${prose(section.note)}</p>` : ''}`;
  }

  dispose(): void {
    if (ConnectPanel.current === this) ConnectPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
