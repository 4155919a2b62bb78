// Tells the engineer when the gateway blocked or redacted a request, with the way to the rule
// that decided it and to the audit log. Only rule ids and the policy's own message are shown.
import * as vscode from 'vscode';
import type { DecisionEvent } from '../gateway';
import type { GatewayService } from './gatewayService';
import type { PolicyService } from './policyService';
import { loadEngine } from './engine';

const WHY = 'Why?';
const SHOW_AUDIT = 'Show audit log';

export function notifyDecisions(context: vscode.ExtensionContext, gateway: GatewayService, policies: PolicyService): void {
  context.subscriptions.push(
    gateway.onDidDecide(async (event: DecisionEvent) => {
      const { action, rule } = event.record;
      if (action !== 'block' && action !== 'redact' && action !== 'warn') return;
      const verb = action === 'block' ? 'blocked' : action === 'redact' ? 'redacted' : 'flagged';
      // What was found where (never the value), so a redaction in a terminal agent is visible.
      const found = (event.findings ?? []).slice(0, 3).map((f) => `${f.detector ?? f.kind} in ${f.where}`);
      const text = `Airlock ${verb} a request to ${hostOf(event.record.destination)}${rule ? ` (rule ${rule})` : ''}: ${event.message}${found.length ? ` Found: ${found.join(', ')}.` : ''}`;
      const show = action === 'block' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      const choice = await show(text, ...(rule ? [WHY] : []), SHOW_AUDIT);
      if (choice === WHY && rule) await openRule(context, policies, rule);
      if (choice === SHOW_AUDIT) await vscode.commands.executeCommand('airlock.showAuditLog');
    }),
  );
}

function hostOf(destination: string): string {
  try {
    return new URL(destination).host;
  } catch {
    return 'an AI service';
  }
}

/** Scheme of the read-only documents that show a bundled preset (`airlock-preset:/secrets.jsonc`). */
export const PRESET_SCHEME = 'airlock-preset';
let presetProvider: vscode.Disposable | undefined;

/**
 * Bundled presets open as read-only virtual documents with the text compiled into the engine
 * (the one Airlock enforces): never as the extension's own file, which one keystroke with
 * autosave would change for every workspace.
 */
export function presetUri(context: vscode.ExtensionContext, preset: string): vscode.Uri {
  if (!presetProvider) {
    presetProvider = vscode.workspace.registerTextDocumentContentProvider(PRESET_SCHEME, {
      provideTextDocumentContent: (uri) => loadEngine().policy.BUNDLED_PRESETS[uri.path.replace(/^\//, '').replace(/\.jsonc$/, '')] ?? '',
    });
    context.subscriptions.push(presetProvider, { dispose: () => (presetProvider = undefined) });
  }
  return vscode.Uri.from({ scheme: PRESET_SCHEME, path: `/${preset.slice('airlock:'.length)}.jsonc` });
}

/** Opens the policy file that defines `rule`, at its `"id"`. */
export async function openRule(context: vscode.ExtensionContext, policies: PolicyService, rule: string): Promise<boolean> {
  const { policy } = await policies.current();
  // The root file first: a rule is usually looked for where the team wrote it.
  for (const source of [...policy.sources].reverse().concat(presetSources(policy.sources))) {
    const uri = source.startsWith('airlock:') ? presetUri(context, source) : vscode.Uri.file(source);
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(uri);
    } catch {
      continue;
    }
    const match = new RegExp(`"id"\\s*:\\s*"${rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).exec(document.getText());
    if (!match) continue;
    const position = document.positionAt(match.index);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, document.positionAt(match.index + match[0].length)) });
    return true;
  }
  void vscode.window.showInformationMessage(`Airlock: rule ${rule} is built into Airlock (see the policy documentation).`);
  return false;
}

/** The bundled presets, searched after the policy's own files (rules inherited through extends). */
function presetSources(own: readonly string[]): string[] {
  return ['airlock:meta-style', 'airlock:secrets', 'airlock:strict'].filter((p) => !own.includes(p));
}
