// The flagged-diff panel: a webview listing every pending AI hunk as a diff of baseline vs
// current, where a reviewer approves, rejects or opens each one, keyboard first. The host
// computes everything (diffs, ages, labels) and posts plain data; the webview only renders
// and reports keys and clicks, which are validated here before anything happens.
// It shows the window's ReviewService, the same one the Needs Review tree shows, for its whole
// life: it takes no other model, so the two cannot list different code.
import * as vscode from 'vscode';
import type { PendingHunk } from './model';
import type { ReviewService } from './reviewService';
import { baselineUri } from './baselineDocuments';
import { splitLines } from './panelDiff';
import { makeNonce, panelHtml } from './panelHtml';
import { parsePanelMessage, type PanelMessage } from './panelMessages';
import { hunkLabel, panelView, type PanelView } from './panelView';
import { announceReject, modalConfirmReject, rejectQuestion, type ConfirmReject } from './rejectFlow';

/** What "Approve all in file" asks before it approves anything. */
export interface ApproveAllQuestion {
  path: string;
  count: number;
  forbidden: number;
  message: string;
  detail: string;
  /** The label of the confirming button. */
  confirm: string;
}

/** Asks the reviewer; resolves true only on an explicit yes. */
export type ConfirmApproveAll = (question: ApproveAllQuestion) => Thenable<boolean>;

/**
 * Who answers the panel's questions. VS Code refuses modal dialogs while extension tests run,
 * so integration tests answer here instead (FlaggedDiffPanel.answerQuestionsWith); everyone
 * else keeps the modals.
 */
export interface PanelQuestionAnswers {
  confirmApproveAll?: ConfirmApproveAll;
  /** Replaces the modal "Reject …?" question. */
  confirmReject?: ConfirmReject;
}

/** The modal warning dialog. */
export const modalConfirmApproveAll: ConfirmApproveAll = async (question) =>
  (await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.confirm)) === question.confirm;

/** Re-renders triggered in a burst (a ledger write touching many spans) collapse into one. */
const RENDER_DEBOUNCE_MS = 30;
const AGE_REFRESH_MS = 60_000;

export class FlaggedDiffPanel implements vscode.Disposable {
  static readonly viewType = 'airlock.flaggedDiff';
  static readonly title = 'Airlock: Flagged Diff';
  private static current: FlaggedDiffPanel | undefined;

  /** The open panel, if any. */
  static get instance(): FlaggedDiffPanel | undefined {
    return FlaggedDiffPanel.current;
  }

  /** Opens the panel over `reviews`, or reveals the one already open over it. */
  static show(context: Pick<vscode.ExtensionContext, 'extensionUri'>, reviews: ReviewService): FlaggedDiffPanel {
    const existing = FlaggedDiffPanel.current;
    if (existing) {
      // One window, one review state: a panel never switches to other hunks than the tree's.
      if (existing.reviews !== reviews) throw new Error('the flagged-diff panel is already open over another review state');
      existing.panel.reveal();
      return existing;
    }
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(FlaggedDiffPanel.viewType, FlaggedDiffPanel.title, column, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [media],
    });
    FlaggedDiffPanel.current = new FlaggedDiffPanel(panel, media, reviews);
    return FlaggedDiffPanel.current;
  }

  private readonly disposables: vscode.Disposable[] = [];
  private confirmApproveAll: ConfirmApproveAll = modalConfirmApproveAll;
  private confirmReject: ConfirmReject = modalConfirmReject;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  /** Hunks with a decision in flight: a second key press must not decide them twice. */
  private readonly deciding = new Set<string>();
  private readonly rendered = new vscode.EventEmitter<PanelView>();
  /** Fires after each view is posted to the webview (tests wait on it). */
  readonly onDidRender = this.rendered.event;
  private disposed = false;
  /** Renders are async; only the newest one may post, so an older view never overwrites it. */
  private renderSeq = 0;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly media: vscode.Uri,
    private readonly reviews: ReviewService,
  ) {
    panel.iconPath = vscode.Uri.joinPath(media, 'airlock-icon.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      this.rendered,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      reviews.onDidChange(() => this.scheduleRender()),
    );
    // Ages ("3 min ago") go stale while the panel sits open.
    const ages = setInterval(() => {
      if (panel.visible) this.scheduleRender();
    }, AGE_REFRESH_MS);
    this.disposables.push({ dispose: () => clearInterval(ages) });
    this.scheduleRender();
  }

  /** Replaces the modal questions (tests: VS Code refuses modals while extension tests run). */
  answerQuestionsWith(answers: PanelQuestionAnswers): void {
    if (answers.confirmApproveAll) this.confirmApproveAll = answers.confirmApproveAll;
    if (answers.confirmReject) this.confirmReject = answers.confirmReject;
  }

  private html(): string {
    const webview = this.panel.webview;
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'flaggedDiff.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'flaggedDiff.css')).toString(),
    });
  }

  private scheduleRender(): void {
    if (this.disposed) return;
    clearTimeout(this.renderTimer);
    // A hidden webview is torn down (retainContextWhenHidden: false) and asks for a fresh
    // view with 'ready' when shown again, so rendering for it now would be wasted work.
    this.renderTimer = setTimeout(() => {
      if (this.panel.visible) void this.render();
    }, RENDER_DEBOUNCE_MS);
  }

  /** Builds the view from the review state now and posts it to the webview. */
  async render(): Promise<PanelView> {
    clearTimeout(this.renderTimer);
    const seq = ++this.renderSeq;
    const hunks = this.reviews.hunks();
    const lines = await fileLinesOf(hunks);
    const view = panelView(hunks, (path) => lines.get(path), Date.now());
    if (this.disposed || seq !== this.renderSeq) return view;
    await this.panel.webview.postMessage({ type: 'render', view });
    this.rendered.fire(view);
    return view;
  }

  /**
   * Handles one message from the webview. Anything malformed, or naming a hunk or file the
   * review state does not hold right now, is ignored: the webview is never trusted.
   */
  async receive(raw: unknown): Promise<void> {
    const hunks = this.reviews.hunks();
    const message = parsePanelMessage(raw, { ids: new Set(hunks.map((h) => h.id)), paths: new Set(hunks.map((h) => h.path)) });
    if (!message) return;
    try {
      await this.act(message, hunks);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(`Airlock: ${message.type} failed: ${reason}`);
      this.scheduleRender();
    }
  }

  private async act(message: PanelMessage, hunks: readonly PendingHunk[]): Promise<void> {
    if (message.type === 'ready') {
      await this.render();
      return;
    }
    if (message.type === 'approveFile') {
      await this.approveFile(message.path, hunks.filter((h) => h.path === message.path));
      return;
    }
    const hunk = hunks.find((h) => h.id === message.id)!;
    switch (message.type) {
      case 'approve':
        // A forbidden hunk cannot be approved into being allowed: the panel offers no Approve
        // for it, and a stray message changes nothing.
        if (hunk.status === 'forbidden') return;
        await this.decide(hunk, message.type);
        return;
      case 'reject':
        await this.decide(hunk, message.type);
        return;
      case 'open':
        await vscode.window.showTextDocument(hunk.uri, { selection: await rangeOf(hunk), viewColumn: this.otherColumn(), preview: true });
        return;
      case 'diff':
        await vscode.commands.executeCommand('vscode.diff', baselineUri(hunk), hunk.uri, `${hunkLabel(hunk)} (before AI ↔ now)`, {
          selection: await rangeOf(hunk),
          viewColumn: this.otherColumn(),
          preview: true,
        });
        return;
    }
  }

  private async decide(hunk: PendingHunk, decision: 'approve' | 'reject'): Promise<void> {
    if (this.deciding.has(hunk.id)) return;
    this.deciding.add(hunk.id);
    try {
      if (decision === 'approve') await this.reviews.approve(hunk.id);
      else if (await this.confirmReject(rejectQuestion(hunk))) announceReject(hunk, await this.reviews.reject(hunk.id));
    } finally {
      this.deciding.delete(hunk.id);
      // The review state fires onDidChange; render anyway so the list never shows a decided hunk.
      this.scheduleRender();
    }
  }

  private async approveFile(path: string, all: readonly PendingHunk[]): Promise<void> {
    // Forbidden hunks are not approvable: they are left out and the reviewer is told so.
    const forbidden = all.filter((h) => h.status === 'forbidden').length;
    const hunks = all.filter((h) => h.status !== 'forbidden');
    if (hunks.length === 0) return;
    const noun = hunks.length === 1 ? 'hunk' : 'hunks';
    const detail =
      forbidden > 0
        ? `Each is recorded as reviewed by you. ${forbidden} forbidden ${forbidden === 1 ? 'hunk stays' : 'hunks stay'}: AI code may not stay there; reject or remove ${forbidden === 1 ? 'it' : 'them'}.`
        : 'Each hunk is recorded as reviewed by you.';
    const confirmed = await this.confirmApproveAll({
      path,
      count: hunks.length,
      forbidden,
      message: `Approve ${forbidden ? '' : 'all '}${hunks.length} AI ${noun} in ${path}?`,
      detail,
      confirm: `Approve ${hunks.length} ${noun}`,
    });
    if (!confirmed) return;
    try {
      await this.reviews.approveFile(path);
    } finally {
      this.scheduleRender();
    }
  }

  /** Editors open beside the panel, not on top of it. */
  private otherColumn(): vscode.ViewColumn {
    return this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (FlaggedDiffPanel.current === this) FlaggedDiffPanel.current = undefined;
    clearTimeout(this.renderTimer);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/**
 * The hunk's lines, from the start of its first to the end of its last: ending at column 0 of
 * the next line would put the cursor (and the editor's attention) one line below the hunk.
 */
async function rangeOf(hunk: PendingHunk): Promise<vscode.Range> {
  const document = await vscode.workspace.openTextDocument(hunk.uri);
  const last = Math.min(hunk.endLine, document.lineCount) - 1;
  return new vscode.Range(hunk.startLine - 1, 0, last, document.lineAt(Math.max(0, last)).text.length);
}

/** Current lines of every file with pending hunks (for the context around each diff). */
async function fileLinesOf(hunks: readonly PendingHunk[]): Promise<Map<string, readonly string[]>> {
  const uris = new Map<string, vscode.Uri>();
  for (const h of hunks) if (!uris.has(h.path)) uris.set(h.path, h.uri);
  const lines = new Map<string, readonly string[]>();
  await Promise.all(
    [...uris].map(async ([path, uri]) => {
      try {
        const document = await vscode.workspace.openTextDocument(uri);
        lines.set(path, splitLines(document.getText()));
      } catch {
        // A deleted or unreadable file: its hunks show without context.
      }
    }),
  );
  return lines;
}
