// "Airlock: Test Policy Against Selection": what would the policy do if the selected text were
// sent to a model? Shows the verdict without ever echoing a matched value in full.
import * as vscode from 'vscode';
import type { EgressRequest, Verdict } from '../core/egress/types';
import type { PolicyService } from './policyService';
import type { ProtectedIndexService } from './protectedIndex';
import { loadEngine } from './engine';
import { completeWalkthroughStep } from './createPolicy';
import { repoRelativePath, workspaceRepo } from './workspaceRepo';

export async function testPolicyAgainstSelection(policies: PolicyService, protectedIndex?: ProtectedIndexService): Promise<Verdict | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Airlock: open a file and select the text to test.');
    return undefined;
  }
  const selection = editor.selection.isEmpty ? undefined : editor.selection;
  const text = editor.document.getText(selection);
  const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
  // Paths from the repository's top, as the policy (the top's) and the gateway name them.
  const repo = workspaceRepo();
  const root = folder && repo?.ok && repo.folder.uri.toString() === folder.uri.toString() ? repo : undefined;
  const path = root ? repoRelativePath(root, editor.document.uri) : folder ? vscode.workspace.asRelativePath(editor.document.uri, false) : editor.document.uri.fsPath;
  const destination = vscode.workspace.getConfiguration('airlock').get<string>('policy.testDestination', 'https://api.openai.com/v1/chat/completions');
  const request: EgressRequest = {
    destination,
    segments: [{ id: 'selection', role: 'file', text, path }],
    referencedPaths: [path],
    ...(folder ? { workspaceRoots: [(root?.uri ?? folder.uri).fsPath] } : {}),
  };
  const { policy } = await policies.current();
  // Copies of other protected files in the selection count too (the gateway's index).
  const index = await protectedIndex?.ready();
  const verdict = policy.evaluateEgress(request, index ? { protectedIndex: index } : {});
  const findings = verdict.findings
    .slice(0, 5)
    .map((f) => {
      const where = f.start !== undefined ? ` at ${editor.document.positionAt(editor.document.offsetAt(selection?.start ?? new vscode.Position(0, 0)) + f.start).line + 1}` : '';
      const origin = f.source ? ` from ${f.source}${f.sourceLines ? `:${f.sourceLines[0]}-${f.sourceLines[1]}` : ''}` : '';
      return `${f.detector ?? f.kind}${origin}${f.preview ? ` (${f.preview})` : ''}${where}`;
    })
    .join(', ');
  const summary = `Airlock: sending this ${selection ? 'selection' : 'file'} to ${new URL(destination).host} → ${verdict.action.toUpperCase()}${verdict.rule ? ` by rule ${verdict.rule}` : ''}.${verdict.message ? ` ${verdict.message}` : ''}${findings ? ` Findings: ${findings}.` : ''}`;
  const show = verdict.action === 'block' ? vscode.window.showErrorMessage : verdict.action === 'allow' || verdict.action === 'audit' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  // Why? opens the deciding rule (as the gateway's notices do); the walkthrough step is done.
  void show(summary, ...(verdict.rule ? ['Why?'] : [])).then((choice) => choice === 'Why?' && vscode.commands.executeCommand('airlock.openRule', verdict.rule));
  completeWalkthroughStep('policyTested');
  // Callers (tests, other extensions) get the printable form only: no prompt text.
  const { printableVerdict } = loadEngine().policy;
  return printableVerdict(verdict) as Verdict;
}
