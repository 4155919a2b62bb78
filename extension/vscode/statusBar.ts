// The Airlock status bar item: a shield that says whether Airlock is guarding this window.
import * as vscode from 'vscode';

export interface StatusBar {
  /** Replaces the text after the shield and the tooltip. */
  update(state: { text: string; tooltip: string; warning?: boolean }): void;
}

export function createStatusBar(context: vscode.ExtensionContext): StatusBar {
  const item = vscode.window.createStatusBarItem('airlock.status', vscode.StatusBarAlignment.Left, 100);
  item.name = 'Airlock';
  item.command = 'airlock.showView';
  context.subscriptions.push(item);

  const update: StatusBar['update'] = ({ text, tooltip, warning }) => {
    item.text = `$(shield) ${text}`;
    item.tooltip = tooltip;
    item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  const applyVisibility = () => {
    if (vscode.workspace.getConfiguration('airlock').get<boolean>('statusBar.enabled', true)) item.show();
    else item.hide();
  };

  update({ text: 'Airlock', tooltip: 'Airlock is guarding this window. Click to open the Airlock view.' });
  applyVisibility();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('airlock.statusBar.enabled')) applyVisibility();
    }),
  );
  return { update };
}
