// Command handlers. Each command is declared in package.json under the Airlock category.
import * as vscode from 'vscode';
import type { Logger } from './log';
import type { StatusBar } from './statusBar';

export interface CommandDeps {
  log: Logger;
  statusBar: StatusBar;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const register = (id: string, handler: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register('airlock.showView', () => vscode.commands.executeCommand('workbench.view.extension.airlock'));
  register('airlock.showOutput', () => deps.log.show());
  register('airlock.openPolicy', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showInformationMessage('Airlock: open a folder to give it a workspace policy.');
      return;
    }
    const relative = vscode.workspace.getConfiguration('airlock', folder.uri).get<string>('policy.path', '.airlock/policy.jsonc');
    const uri = vscode.Uri.joinPath(folder.uri, relative);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      void vscode.window.showInformationMessage(`Airlock: no workspace policy at ${relative}; the bundled airlock:secrets preset applies.`);
      return;
    }
    await vscode.window.showTextDocument(uri);
  });
}
