// "Airlock: Set Up Agent Guard Rails…": writes each chosen agent's hooks and ignore/deny files
// from the policy (the same files as `airlock agents install`), after showing every change and
// asking. Committed files run the repository's launcher, never this machine's paths; the
// launcher finds this extension's CLI through .airlock/local/cli-path (untracked).
import * as vscode from 'vscode';
import { loadEngine } from './engine';
import { workspaceRepo } from './workspaceRepo';

export interface GuardRailsOptions {
  /** Skip the questions (tests, scripted setup). */
  confirmed?: boolean;
  agents?: string[];
}

export async function setUpAgentGuardRails(extensionUri: vscode.Uri, options: GuardRailsOptions = {}): Promise<boolean> {
  const repo = workspaceRepo();
  if (!repo || repo.folder.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('Airlock: open a folder first; the guard rails go into its agent settings.');
    return false;
  }
  // The repository's top, where `airlock agents install` writes them and the hooks record to.
  if (!repo.ok) {
    void vscode.window.showErrorMessage(`Airlock: ${repo.problem}; no guard rails are written.`);
    return false;
  }
  const root = repo.uri.fsPath;
  const { agentGuard } = loadEngine();
  let guard;
  try {
    guard = await agentGuard.loadGuardPolicy(root);
  } catch (error) {
    void vscode.window.showErrorMessage(`Airlock: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  const manifest = agentGuard.readManifest(root);
  let agents = options.agents as typeof agentGuard.GUARD_AGENTS[number][] | undefined;
  if (!agents && !options.confirmed) {
    const picked = await vscode.window.showQuickPick(
      agentGuard.GUARD_AGENTS.map((a) => ({ label: a, picked: manifest ? manifest.agents.includes(a) : a === 'claude-code' || a === 'vscode' })),
      { canPickMany: true, title: 'Airlock: which agents get guard rails in this workspace?' },
    );
    if (!picked || picked.length === 0) return false;
    agents = picked.map((p) => p.label);
  }
  agents ??= manifest?.agents ?? ['claude-code'];
  const changes = agentGuard.plan(root, guard, agents, manifest).filter((p) => p.changed);
  if (changes.length > 0 && !options.confirmed) {
    for (;;) {
      const answer = await vscode.window.showWarningMessage(
        'Set up Airlock guard rails for these agents?',
        { modal: true, detail: `Airlock writes (keeping everything else in these files):\n${changes.map((c) => `• ${c.file.path} — ${c.file.summary}`).join('\n')}` },
        'Install',
        'Preview Changes',
      );
      if (answer === 'Install') break;
      if (answer !== 'Preview Changes') return false;
      for (const c of changes) {
        const after = await vscode.workspace.openTextDocument({ content: c.file.text });
        await vscode.commands.executeCommand('vscode.diff', vscode.Uri.joinPath(repo.uri, c.file.path), after.uri, `${c.file.path} (Airlock guard rails)`, { preview: false });
      }
    }
  }
  for (const c of changes) agentGuard.writeGuardFile(root, c.file);
  // This machine's CLI for the launcher: untracked (.airlock/.gitignore lists local/).
  const pointer = vscode.Uri.joinPath(repo.uri, agentGuard.LOCAL_CLI_POINTER);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(pointer, '..'));
  await vscode.workspace.fs.writeFile(pointer, new TextEncoder().encode(vscode.Uri.joinPath(extensionUri, 'dist', 'hook.js').fsPath));
  void vscode.window.showInformationMessage(`Airlock: guard rails set up for ${agents.join(', ')}${changes.length === 0 ? ' (already up to date)' : ''}.`);
  return true;
}
