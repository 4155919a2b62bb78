// Opening the workspace policy, and creating one from a preset when there is none. Opened
// beside a non-text editor (the Welcome walkthrough), so the walkthrough stays in view; the
// walkthrough's steps are ticked by context keys set only when something really happened.
import * as vscode from 'vscode';
import { workspaceRepo } from './workspaceRepo';

export const PRESET_CHOICES = [
  { preset: 'meta-style', detail: 'Protected code stays internal, secrets never leave, no AI code in tests, approval for all other AI code.' },
  { preset: 'secrets', detail: 'Secrets never leave for any AI assistant (what applies without a policy).' },
  { preset: 'strict', detail: 'Nothing leaves for public AI APIs; every AI line needs approval.' },
] as const;

/** Sets a walkthrough completion key (`onContext:airlock.walkthrough.<step>`). */
export function completeWalkthroughStep(step: 'policyOpened' | 'policyTested' | 'reviewOpened'): void {
  void vscode.commands.executeCommand('setContext', `airlock.walkthrough.${step}`, true);
}

/**
 * The workspace policy file: in the repository's top (the one `airlock check` and the policy
 * service read), also when a folder below it is open. Undefined, said, without a folder or
 * when git cannot name the top: a policy written elsewhere would apply nowhere.
 */
function policyUri(): vscode.Uri | undefined {
  const repo = workspaceRepo();
  if (!repo) {
    void vscode.window.showInformationMessage('Airlock: open a folder to give it a workspace policy.');
    return undefined;
  }
  if (!repo.ok) {
    void vscode.window.showErrorMessage(`Airlock: ${repo.problem}; no workspace policy is opened or written.`);
    return undefined;
  }
  const relative = vscode.workspace.getConfiguration('airlock', repo.folder.uri).get<string>('policy.path', '.airlock/policy.jsonc');
  return vscode.Uri.joinPath(repo.uri, relative);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

/** Beside the active editor when that is not a text editor (the walkthrough), else in place. */
function column(): vscode.ViewColumn {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!tab) return vscode.ViewColumn.Active;
  // The Welcome walkthrough (and other non-text editors) shows as a tab without a text input.
  const text = tab.input instanceof vscode.TabInputText || tab.input instanceof vscode.TabInputTextDiff;
  return text ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
}

async function show(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(uri, { viewColumn: column(), preview: false });
  completeWalkthroughStep('policyOpened');
  return editor;
}

export async function openWorkspacePolicy(): Promise<vscode.TextEditor | undefined> {
  const uri = policyUri();
  if (!uri) return undefined;
  if (await exists(uri)) return show(uri);
  const create = 'Create a Policy…';
  const choice = await vscode.window.showInformationMessage(`Airlock: no workspace policy at ${vscode.workspace.asRelativePath(uri)}; the bundled airlock:secrets preset applies.`, create);
  return choice === create ? createWorkspacePolicy() : undefined;
}

/** Writes .airlock/policy.jsonc extending the chosen preset (never over an existing one) and opens it. */
export async function createWorkspacePolicy(options: { preset?: string } = {}): Promise<vscode.TextEditor | undefined> {
  const uri = policyUri();
  if (!uri) return undefined;
  if (await exists(uri)) {
    void vscode.window.showInformationMessage(`Airlock: ${vscode.workspace.asRelativePath(uri)} already exists; opened it.`);
    return show(uri);
  }
  const preset =
    PRESET_CHOICES.find((c) => c.preset === options.preset)?.preset ??
    (
      await vscode.window.showQuickPick(
        PRESET_CHOICES.map((c) => ({ label: `airlock:${c.preset}`, detail: c.detail, preset: c.preset })),
        { title: 'Airlock: Create a Policy', placeHolder: 'Start from which preset? (you add your own markers and endpoints)' },
      )
    )?.preset;
  if (!preset) return undefined;
  const text = `// Airlock workspace policy, started from the airlock:${preset} preset.
// Add what is yours: markers in your file headers, internal model endpoints, review rules.
// Reference: the policy language section of Airlock's README and policies/README.md.
{
  "extends": ["airlock:${preset}"],
  "protected": {
    // "markers": ["ACME CONFIDENTIAL"]
  },
  "destinations": {
    // "internal": ["llm.example.internal"]
  }
}
`;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return show(uri);
}
