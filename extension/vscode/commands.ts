// Command handlers. Each command is declared in package.json under the Airlock category.
import * as vscode from 'vscode';
import { setUpAgentGuardRails, type GuardRailsOptions } from './agentGuardRails';
import { createWorkspacePolicy, openWorkspacePolicy } from './createPolicy';
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
    connectAssistant(context, deps.gateway, typeof options === 'object' && options !== null ? (options as ConnectOptions) : {}),
  );
  const guardOptions = (options: unknown) => (typeof options === 'object' && options !== null ? (options as GuardRailsOptions) : {});
  register('airlock.setUpAgentGuardRails', (options) => setUpAgentGuardRails(context.extensionUri, guardOptions(options)));
  // The earlier command id: Claude Code only, same files.
  register('airlock.installClaudeCodeHooks', (options) => setUpAgentGuardRails(context.extensionUri, { agents: ['claude-code'], ...guardOptions(options) }));
  register('airlock.openRule', (rule) => (typeof rule === 'string' ? openRule(context, deps.policies, rule) : false));
  // Off/on for this workspace only, said out loud; never a silent write to the user's settings.
  register('airlock.toggleGateway', async () => {
    if (!vscode.workspace.getConfiguration('airlock').get<boolean>('gateway.enabled', true)) {
      void vscode.window.showInformationMessage('Airlock: the gateway is turned off in your settings (airlock.gateway.enabled); turn it on there.');
      return false;
    }
    const on = await deps.gateway.toggleHere();
    const urls = deps.gateway.urls;
    void vscode.window.showInformationMessage(
      on
        ? `Airlock: gateway on${urls ? ` (127.0.0.1:${new URL(urls.openai).port})` : ''}; new terminals route AI clients through it.`
        : 'Airlock: gateway off for this workspace. New terminals go straight to the AI services; run "Airlock: Turn Gateway On/Off" again to turn it back on.',
    );
    return on;
  });
  register('airlock.routeExtensionsThroughGateway', async () => {
    const routed = await deps.gateway.routeExtensions();
    void vscode.window.showInformationMessage(
      routed
        ? `Airlock: http.proxy points at the gateway; Copilot and other extensions are inspected. It is put back when the gateway stops.`
        : 'Airlock: agreed; http.proxy will point at the gateway once it runs (see the Airlock output if it does not).',
    );
    return routed;
  });
  register('airlock.showAuditLog', async () => {
    try {
      await vscode.window.showTextDocument(deps.gateway.auditLogUri, { preview: true });
    } catch {
      void vscode.window.showInformationMessage('Airlock: no gateway decisions have been recorded yet.');
    }
  });
  register('airlock.openPolicy', () => openWorkspacePolicy());
  register('airlock.createPolicy', (options) => createWorkspacePolicy(typeof options === 'object' && options !== null ? (options as { preset?: string }) : {}));
}
