// Command handlers. Each command is declared in package.json under the Airlock category.
import * as vscode from 'vscode';
import { installClaudeCodeHooks } from './claudeHooks';
import { connectAssistant, type ConnectOptions } from './connectAssistant';
import { openRule } from './decisionNotifier';
import type { GatewayService } from './gatewayService';
import type { Logger } from './log';
import type { PolicyService } from './policyService';
import type { ProtectedIndexService } from './protectedIndex';
import type { StatusBar } from './statusBar';
import { testPolicyAgainstSelection } from './testPolicyCommand';

export interface CommandDeps {
  log: Logger;
  statusBar: StatusBar;
  policies: PolicyService;
  gateway: GatewayService;
  protectedIndex?: ProtectedIndexService;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const register = (id: string, handler: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register('airlock.showView', () => vscode.commands.executeCommand('workbench.view.extension.airlock'));
  register('airlock.showOutput', () => deps.log.show());
  register('airlock.reloadPolicy', () => deps.policies.reload());
  register('airlock.testPolicyAgainstSelection', () => testPolicyAgainstSelection(deps.policies, deps.protectedIndex));
  register('airlock.connectAssistant', (options) =>
    connectAssistant(deps.gateway, context.globalState, typeof options === 'object' && options !== null ? (options as ConnectOptions) : {}),
  );
  register('airlock.installClaudeCodeHooks', (options) =>
    installClaudeCodeHooks(context.extensionUri, typeof options === 'object' && options !== null ? (options as { confirmed?: boolean }) : {}),
  );
  register('airlock.openRule', (rule) => (typeof rule === 'string' ? openRule(context, deps.policies, rule) : false));
  register('airlock.toggleGateway', async () => {
    const config = vscode.workspace.getConfiguration('airlock');
    await config.update('gateway.enabled', !config.get<boolean>('gateway.enabled', true), vscode.ConfigurationTarget.Global);
  });
  register('airlock.showAuditLog', async () => {
    try {
      await vscode.window.showTextDocument(deps.gateway.auditLogUri, { preview: true });
    } catch {
      void vscode.window.showInformationMessage('Airlock: no gateway decisions have been recorded yet.');
    }
  });
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
