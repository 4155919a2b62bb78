// The Airlock status bar item: one shield that sums up the policy in force and the gateway.
// Each concern reports its own part; the item renders them together.
import * as vscode from 'vscode';

export type StatusLevel = 'ok' | 'warning' | 'error';

export interface StatusPart {
  /** Short text shown after the icon, or empty to add nothing. */
  text: string;
  /** One line for the tooltip. */
  tooltip: string;
  level: StatusLevel;
}

export interface StatusBar {
  /** Sets (or with undefined clears) one named part, e.g. `policy` or `gateway`. */
  set(part: string, value: StatusPart | undefined): void;
}

const ICONS: Record<StatusLevel, string> = { ok: '$(shield)', warning: '$(warning)', error: '$(error)' };

/** Text without $(icon) syntax or markdown emphasis, for screen readers. */
export function plain(text: string): string {
  return text.replace(/\$\([a-z0-9-~]+\)\s*/gi, '').replace(/\*\*|__|`/g, '').trim();
}

export function createStatusBar(context: vscode.ExtensionContext): StatusBar {
  const item = vscode.window.createStatusBarItem('airlock.status', vscode.StatusBarAlignment.Left, 100);
  item.name = 'Airlock';
  item.command = 'airlock.showView';
  context.subscriptions.push(item);
  const parts = new Map<string, StatusPart>();

  const render = () => {
    const values = [...parts.values()];
    const level: StatusLevel = values.some((p) => p.level === 'error') ? 'error' : values.some((p) => p.level === 'warning') ? 'warning' : 'ok';
    const texts = values.map((p) => p.text).filter(Boolean);
    item.text = `${ICONS[level]} Airlock${texts.length ? `: ${texts.join(' · ')}` : ''}`;
    // Tooltips may use $(icon) syntax (rendered, not shown literally); screen readers get the
    // same sentences as plain text, without markdown or icon syntax.
    const tooltip = new vscode.MarkdownString(['**Airlock**', ...values.map((p) => p.tooltip), '', 'Click to open the Airlock view.'].join('\n\n'), true);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: ['Airlock', ...texts, ...values.map((p) => plain(p.tooltip))].join('. ').replace(/\.\./g, '.'), role: 'button' };
    item.backgroundColor =
      level === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : level === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  };
  const applyVisibility = () => {
    if (vscode.workspace.getConfiguration('airlock').get<boolean>('statusBar.enabled', true)) item.show();
    else item.hide();
  };

  render();
  applyVisibility();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('airlock.statusBar.enabled')) applyVisibility();
    }),
  );
  return {
    set(part, value) {
      if (value) parts.set(part, value);
      else parts.delete(part);
      render();
    },
  };
}
