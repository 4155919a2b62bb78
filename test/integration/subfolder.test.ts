// VS Code opened on a folder BELOW the repository's top (a monorepo package): the AI code the
// editor captures lands in the top's ledger, named from the top, so `airlock check` (another
// process, at the top, the commit and CI gate) sees it, and an approval in the panel clears it
// there. Before, the editor kept a second ledger in the opened folder that check never read.
// Registered only in the window the harness opens with `--open src` (AIRLOCK_TEST_OPENED_BELOW).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockApi } from '../../extension/vscode/extension';
import type { FlaggedDiffPanel } from '../../extension/vscode/review/flaggedDiffPanel';
import { click, hasBrowser, pressKey, sleep, until, waitForText } from './support/harness';

const EXTENSION_ID = 'airlock-dev.airlock';
const FRAME = 'Airlock Flagged Diff';
const OPENED_BELOW = process.env.AIRLOCK_TEST_OPENED_BELOW;
const COMPLETION = 'export function discounted(cents: number): number {\n  const rate = 0.15;\n  return Math.round(cents * (1 - rate));\n}';

if (OPENED_BELOW) {
  describe('A folder opened below the repository top', function () {
    this.timeout(60_000);
    let api: AirlockApi;
    const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const top = () => join(folder(), ...OPENED_BELOW.split('/').map(() => '..'));
    const cli = () => join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');

    /** `airlock check` as the commit hook and CI run it: another process, at the top. */
    function check(): { status: number | null; violations: string[] } {
      const run = spawnSync(process.execPath, [cli(), 'check', '--format', 'json'], { cwd: top(), encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 30_000 });
      if (run.status !== 0 && run.status !== 1) throw new Error(`airlock check exited ${run.status ?? run.signal}: ${run.stderr}`);
      const { violations } = JSON.parse(run.stdout) as { violations: { path: string; startLine: number; endLine: number; kind: string }[] };
      return { status: run.status, violations: violations.map((v) => `${v.path}:${v.startLine}-${v.endLine} ${v.kind}`) };
    }

    before(async () => {
      // By itself: the top's .airlock/ (package.json's workspaceContains:../.airlock/… events,
      // up to four folders up), not the test's activate() call.
      await until(() => vscode.extensions.getExtension(EXTENSION_ID)!.isActive, 20_000, 'Airlock to activate by itself in a window on a folder below the top');
      api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
      await api.reviews!.ready();
    });

    it('uses the top policy, records a captured completion in the top ledger, check fails, approving in the panel passes it', async () => {
      assert.ok(existsSync(join(top(), '.git')) && !existsSync(join(folder(), '.git')), 'the window is on a folder below the top');
      const { policy, failedClosed } = await api.policies.current();
      assert.equal(failedClosed, false);
      assert.deepEqual(policy.sources.filter((s) => s.endsWith('.jsonc') && !s.startsWith('airlock:')), [join(top(), '.airlock', 'policy.jsonc')], 'the top policy is in force');

      const path = `${OPENED_BELOW}/below.ts`;
      const file = join(folder(), 'below.ts');
      writeFileSync(file, '// Written by a human.\nexport const base = 1;\n\n');
      assert.deepEqual(check().violations, [], 'nothing to review before the AI code');

      // A real inline completion, accepted through Airlock's Tab (as review.test.ts does).
      const target = vscode.Uri.file(file);
      let offered = 0;
      const provider = vscode.languages.registerInlineCompletionItemProvider({ scheme: 'file' }, {
        provideInlineCompletionItems(document, position) {
          if (document.uri.toString() !== target.toString() || document.lineAt(position.line).text !== '') return [];
          offered++;
          return [new vscode.InlineCompletionItem(COMPLETION, new vscode.Range(position, position))];
        },
      });
      try {
        const editor = await vscode.window.showTextDocument(target);
        const end = new vscode.Position(editor.document.lineCount - 1, 0);
        editor.selection = new vscode.Selection(end, end);
        await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await until(() => offered > 0, 10_000, 'the inline completion provider to be asked');
        if (hasBrowser) {
          await waitForText('.monaco-editor', 'discounted', 10_000);
          await pressKey('Tab');
        } else {
          await sleep(1000);
          await vscode.commands.executeCommand('airlock.inlineSuggest.commit');
        }
        await until(() => api.reviews!.hunks().some((h) => h.path === path), 15_000, 'the accepted completion to be recorded, named from the top');
        await editor.document.save();
      } finally {
        provider.dispose();
      }
      const hunk = api.reviews!.hunks().find((h) => h.path === path)!;
      assert.equal(hunk.status, 'needs-approval');
      assert.equal(hunk.uri.fsPath, file);

      // In the top's ledger, none in the opened folder.
      const ledger = readFileSync(join(top(), '.airlock', 'ledger', 'ledger.jsonl'), 'utf8');
      assert.ok(ledger.includes(`"path":"${path}"`), 'the contribution is in the top ledger, named from the top');
      assert.equal(existsSync(join(folder(), '.airlock')), false, 'no second .airlock in the opened folder');
      const before = check();
      assert.equal(before.status, 1, 'airlock check fails on the unreviewed AI code');
      assert.deepEqual(before.violations, [`${path}:${hunk.startLine}-${hunk.endLine} unreviewed`]);

      // Approve in the flagged-diff panel.
      const panel = (await vscode.commands.executeCommand('airlock.showFlaggedDiff')) as FlaggedDiffPanel;
      if (hasBrowser) await click(`button[aria-label="Approve hunk ${path}:${hunk.startLine}-${hunk.endLine}"]`, FRAME);
      else await panel.receive({ type: 'approve', id: hunk.id });
      await until(() => !api.reviews!.hunks().some((h) => h.path === path), 10_000, 'the approval to clear the hunk');
      assert.equal(dirname(file), folder());
      const after = check();
      assert.deepEqual(after, { status: 0, violations: [] }, 'airlock check passes once approved in the editor');
    });

    it('sets up the agent guard rails at the top, and a Claude Code write from the opened folder is listed for review', async () => {
      assert.equal(await vscode.commands.executeCommand('airlock.installClaudeCodeHooks', { confirmed: true }), true);
      assert.ok(existsSync(join(top(), '.claude', 'settings.json')), 'the hooks are in the top, where `airlock agents install` writes them');
      assert.equal(existsSync(join(folder(), '.claude')), false, 'none in the opened folder');
      const settings = JSON.parse(readFileSync(join(top(), '.claude', 'settings.json'), 'utf8')) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
      const command = settings.hooks.PostToolUse![0]!.hooks[0]!.command;

      // A Claude Code session on this repository, working in the opened folder. (Which
      // .claude/settings.json Claude Code reads when started below the top is Claude Code's
      // rule, not tested here; CLAUDE_PROJECT_DIR is its project's top, as the hook command uses.)
      const file = join(folder(), 'agent-below.ts');
      const content = 'export function triple(n: number): number {\n  return n * 3;\n}\n';
      writeFileSync(file, content);
      const payload = { session_id: 'below-1', transcript_path: '/dev/null', cwd: folder(), hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: file, content }, tool_response: { type: 'create', filePath: file, content, structuredPatch: [] } };
      const hook = spawnSync('sh', ['-c', `${command} 2>&1`], { input: JSON.stringify(payload), cwd: folder(), env: { ...process.env, CLAUDE_PROJECT_DIR: top() }, encoding: 'utf8', timeout: 20_000 });
      const path = `${OPENED_BELOW}/agent-below.ts`;
      const ledger = readFileSync(join(top(), '.airlock', 'ledger', 'ledger.jsonl'), 'utf8');
      assert.ok(ledger.includes(`"path":"${path}"`), `the hook recorded the write in the top ledger (hook said: ${hook.stdout.slice(0, 300)} ${hook.status})`);
      await until(() => api.reviews!.hunks().some((h) => h.path === path), 15_000, `the hook's record to be listed, named from the top (hook said: ${hook.stdout.slice(0, 300)})`);
      assert.deepEqual(check().violations, [`${path}:1-3 unreviewed`]);
      assert.equal(existsSync(join(folder(), '.airlock')), false, 'no second .airlock in the opened folder');
    });
  });
}

// The window the harness opens with `--open broken-git/pkg`: below a .git git cannot read.
if (OPENED_BELOW?.startsWith('broken-git/')) {
  describe('A folder below a repository git cannot read', function () {
    this.timeout(60_000);

    it('fails closed: the policy blocks, nothing is recorded or reviewed, no second .airlock appears', async () => {
      const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
      const api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
      assert.equal(api.reviews, undefined, 'no review state: it would have kept a ledger nobody checks');
      assert.equal(api.capture, undefined, 'no capture');
      const state = await api.policies.current();
      assert.equal(state.failedClosed, true, 'the policy fails closed');
      const verdict = state.policy.evaluateEgress({ destination: 'https://api.openai.com/v1/chat/completions', segments: [{ id: 's', role: 'user', text: 'hello' }], referencedPaths: [] });
      assert.equal(verdict.action, 'block');
      assert.match(verdict.message ?? '', /git cannot tell its top folder/);
      assert.equal(await vscode.commands.executeCommand('airlock.installClaudeCodeHooks', { confirmed: true }), false, 'no guard rails written');
      assert.equal(existsSync(join(folder, '.airlock')), false);
      assert.equal(existsSync(join(folder, '..', '.airlock')), false);
      assert.equal(existsSync(join(folder, '.claude')), false);
    });
  });
}
