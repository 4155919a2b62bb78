// "Airlock: Install Claude Code Hooks": adds Airlock's hook to the workspace's
// .claude/settings.json, so Claude Code's edits are recorded as AI-written (PostToolUse) and its
// reads of protected paths are refused (PreToolUse). Shows what it writes and asks first; keeps
// the file's other settings and comments; installing twice changes nothing.
import * as vscode from 'vscode';
import { loadEngine } from './engine';

const PRE_MATCHER = 'Read|Grep|Glob|LS|NotebookRead';
const POST_MATCHER = 'Edit|MultiEdit|Write';

interface HookEntry {
  matcher?: string;
  hooks?: { type?: string; command?: string }[];
}

/** The command Claude Code runs: this installation's node and CLI, by absolute path. */
export function claudeHookCommand(extensionUri: vscode.Uri): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `${quote(process.execPath)} ${quote(vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath)} hook claude-code`;
}

export async function installClaudeCodeHooks(extensionUri: vscode.Uri, options: { confirmed?: boolean } = {}): Promise<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage('Airlock: open a folder first; the hooks go into its .claude/settings.json.');
    return false;
  }
  const command = claudeHookCommand(extensionUri);
  if (!options.confirmed) {
    const answer = await vscode.window.showWarningMessage(
      'Install Airlock hooks for Claude Code in this workspace?',
      {
        modal: true,
        detail: `Airlock adds to .claude/settings.json:\n• PostToolUse (${POST_MATCHER}): record the lines Claude Code wrote as AI-written\n• PreToolUse (${PRE_MATCHER}): refuse reads of protected paths\n\nCommand: ${command}`,
      },
      'Install',
    );
    if (answer !== 'Install') return false;
  }
  const { applyEdits, modify, parse } = loadEngine().jsonc;
  const uri = vscode.Uri.joinPath(folder.uri, '.claude', 'settings.json');
  let text = '{}\n';
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    // a new file
  }
  const settings = (parse(text) ?? {}) as { hooks?: Record<string, HookEntry[]> };
  const format = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
  for (const [event, matcher] of [
    ['PreToolUse', PRE_MATCHER],
    ['PostToolUse', POST_MATCHER],
  ] as const) {
    const entries = settings.hooks?.[event] ?? [];
    // Replace an earlier Airlock entry (the path may have changed), keep everyone else's.
    const others = entries.filter((e) => !e.hooks?.some((h) => h.command?.includes('hook claude-code')));
    const next = [...others, { matcher, hooks: [{ type: 'command', command }] }];
    text = applyEdits(text, modify(text, ['hooks', event], next, format));
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  void vscode.window.showInformationMessage('Airlock: Claude Code hooks installed in .claude/settings.json.');
  return true;
}
