// After a write: the lines each agent wrote are recorded with tool and model — by the tool's own
// evidence, or by comparing the work tree before and after a shell command (a heredoc, sed -i,
// Codex apply_patch), and NotebookEdit cells too. The model comes from the transcript when the
// payload does not carry it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readLedger } from '../../../extension/cli/provenance/ledgerFile';
import type { ContributionRecord } from '../../../extension/core/ledger/records';
import { answerHook } from '../../../extension/cli/hooks/command';
import { fixtureRepo, removedAtEnd, write } from './support';

function repo(): string {
  return removedAtEnd(fixtureRepo());
}

function contributions(root: string): ContributionRecord[] {
  return readLedger(root).records.filter((r): r is ContributionRecord => r.type === 'contribution');
}

async function hook(root: string, args: string[], payload: object) {
  return answerHook(args, JSON.stringify(payload), root);
}

function transcript(root: string, model: string): string {
  const file = join(root, '.transcript.jsonl');
  const lines = [
    { type: 'user', message: { role: 'user', content: 'write a helper' } },
    { type: 'assistant', message: { id: 'msg_1', model, role: 'assistant', content: [{ type: 'tool_use', name: 'Write' }] } },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

test('Claude Code Write: recorded with the model from the transcript (the payload has none)', async () => {
  const root = repo();
  const common = { session_id: 'sess-1', transcript_path: transcript(root, 'claude-sonnet-4-5-20250929'), cwd: root };
  const content = 'export function twice(n: number): number {\n  return n * 2;\n}\n';
  const input = { file_path: join(root, 'src/twice.ts'), content };
  assert.equal((await hook(root, ['claude-code'], { ...common, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: input, tool_use_id: 'toolu_w1' })).exitCode, 0);
  write(root, 'src/twice.ts', content);
  await hook(root, ['claude-code'], { ...common, hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: input, tool_response: { type: 'create', filePath: input.file_path }, tool_use_id: 'toolu_w1' });
  const [c] = contributions(root);
  assert.equal(c?.path, 'src/twice.ts');
  assert.deepEqual([c?.startLine, c?.endLine], [1, 3]);
  assert.equal(c?.tool, 'claude-code');
  assert.equal(c?.model, 'claude-sonnet-4-5-20250929');
  assert.equal(c?.session, 'sess-1');
  assert.equal(c?.channel, 'agent-hook');
});

test('Claude Code Bash heredoc: the file it wrote is recorded from the before/after pair', async () => {
  const root = repo();
  const common = { session_id: 'sess-2', transcript_path: transcript(root, 'claude-opus-4-1'), cwd: root, tool_name: 'Bash', tool_use_id: 'toolu_b1' };
  const command = "cat > src/gen.ts <<'EOF'\nexport const a = 1;\nexport const b = 2;\nEOF";
  assert.equal((await hook(root, ['claude-code'], { ...common, hook_event_name: 'PreToolUse', tool_input: { command } })).exitCode, 0);
  execFileSync('sh', ['-c', command], { cwd: root });
  await hook(root, ['claude-code'], { ...common, hook_event_name: 'PostToolUse', tool_input: { command }, tool_response: { stdout: '', stderr: '', interrupted: false } });
  const records = contributions(root);
  assert.deepEqual(
    records.map((r) => [r.path, r.startLine, r.endLine, r.model]),
    [['src/gen.ts', 1, 2, 'claude-opus-4-1']],
  );
});

test('sed -i on a tracked file: exactly the changed line is recorded, not the whole file', async () => {
  const root = repo();
  write(root, 'src/list.ts', 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-qm', 'list'], { cwd: root });
  // A change made before the command by someone else stays theirs.
  write(root, 'docs/guide.md', 'hello world\nedited by a human\n');
  const common = { session_id: 's', cwd: root, tool_name: 'Bash', tool_use_id: 'toolu_sed' };
  const command = "sed -i 's/b = 2/b = 20/' src/list.ts";
  await hook(root, ['claude-code'], { ...common, hook_event_name: 'PreToolUse', tool_input: { command } });
  execFileSync('sh', ['-c', command], { cwd: root });
  await hook(root, ['claude-code'], { ...common, hook_event_name: 'PostToolUse', tool_input: { command } });
  assert.deepEqual(contributions(root).map((r) => [r.path, r.startLine, r.endLine]), [['src/list.ts', 2, 2]]);
});

test('NotebookEdit: the edited cell is recorded in the notebook', async () => {
  const root = repo();
  const nb = (cells: string[][]) => JSON.stringify({ cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })), metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';
  write(root, 'analysis.ipynb', nb([['import math\n', 'print(math.pi)']]));
  const path = join(root, 'analysis.ipynb');
  const input = { notebook_path: path, new_source: 'total = sum(range(10))\nprint(total)', cell_id: 'cell-1', edit_mode: 'insert', cell_type: 'code' };
  const common = { session_id: 's', cwd: root, transcript_path: transcript(root, 'claude-sonnet-4-5'), tool_name: 'NotebookEdit', tool_use_id: 'toolu_nb' };
  await hook(root, ['claude-code'], { ...common, hook_event_name: 'PreToolUse', tool_input: input });
  write(root, 'analysis.ipynb', nb([['import math\n', 'print(math.pi)'], ['total = sum(range(10))\n', 'print(total)']]));
  await hook(root, ['claude-code'], { ...common, hook_event_name: 'PostToolUse', tool_input: input, tool_response: {} });
  const records = contributions(root);
  assert.ok(records.length > 0, 'the notebook edit is recorded');
  const text = readFileSync(path, 'utf8').split('\n');
  const recorded = records.flatMap((r) => text.slice(r.startLine - 1, r.endLine)).join('\n');
  assert.match(recorded, /total = sum\(range\(10\)\)/);
  assert.ok(records.every((r) => r.path === 'analysis.ipynb' && r.model === 'claude-sonnet-4-5'));
});

test('NotebookEdit without a pre-tool call: found by the cell text as the notebook stores it', async () => {
  const root = repo();
  write(root, 'nb.ipynb', JSON.stringify({ cells: [{ cell_type: 'code', source: ['x = 1\n', 'y = "two"'] }] }, null, 1));
  await hook(root, ['claude-code'], { session_id: 's', cwd: root, hook_event_name: 'PostToolUse', tool_name: 'NotebookEdit', tool_input: { notebook_path: join(root, 'nb.ipynb'), new_source: 'x = 1\ny = "two"' }, tool_response: {} });
  assert.equal(contributions(root).length, 2);
});

test('Codex apply_patch: recorded from the work tree before and after, with the payload model', async () => {
  const root = repo();
  const patch = '*** Begin Patch\n*** Add File: src/added.ts\n+export const added = true;\n*** End Patch\n';
  const common = { session_id: 'cx', cwd: root, model: 'gpt-5-codex', tool_name: 'apply_patch', tool_use_id: 'call_1', tool_input: { command: patch } };
  assert.equal((await hook(root, ['codex'], { ...common, hook_event_name: 'PreToolUse' })).exitCode, 0);
  write(root, 'src/added.ts', 'export const added = true;\n');
  await hook(root, ['codex'], { ...common, hook_event_name: 'PostToolUse', tool_response: 'Success' });
  assert.deepEqual(contributions(root).map((r) => [r.path, r.startLine, r.endLine, r.tool, r.model]), [['src/added.ts', 1, 1, 'codex', 'gpt-5-codex']]);
});

test('Cursor afterFileEdit and Windsurf post_write_code: the new strings are recorded', async () => {
  const root = repo();
  write(root, 'src/ok.ts', 'export const ok = 1;\nexport const more = ok + 1;\n');
  await hook(root, ['cursor', 'afterFileEdit'], { conversation_id: 'c', generation_id: 'g', model: 'gpt-5', hook_event_name: 'afterFileEdit', workspace_roots: [root], file_path: join(root, 'src/ok.ts'), edits: [{ old_string: '', new_string: 'export const more = ok + 1;' }] });
  write(root, 'src/w.ts', 'export const w = 1;\n');
  await hook(root, ['windsurf'], { agent_action_name: 'post_write_code', trajectory_id: 't', execution_id: 'e', tool_info: { file_path: join(root, 'src/w.ts'), edits: [{ old_string: '', new_string: 'export const w = 1;\n' }] } });
  const records = contributions(root).map((r) => [r.path, r.startLine, r.endLine, r.tool, r.model ?? null]);
  assert.deepEqual(records, [
    ['src/ok.ts', 2, 2, 'cursor', 'gpt-5'],
    ['src/w.ts', 1, 1, 'windsurf', null],
  ]);
});

test('VS Code running both its own and the .claude/settings.json hooks records a write once', async () => {
  const root = repo();
  write(root, 'src/once.ts', 'export const once = 1;\n');
  const payload = { timestamp: '2026-12-01T09:00:00.000Z', cwd: root, sessionId: 'vs', hookEventName: 'PostToolUse', tool_name: 'create_file', tool_input: { filePath: join(root, 'src/once.ts'), content: 'export const once = 1;\n' }, tool_use_id: 'tool-9' };
  await hook(root, ['vscode'], payload);
  await hook(root, ['claude-code'], payload);
  assert.deepEqual(contributions(root).map((r) => [r.path, r.tool]), [['src/once.ts', 'vscode']]);
});

test('the same shell command run twice in a session (Gemini keys calls by their arguments) is recorded both times', async () => {
  const root = repo();
  const call = { session_id: 'g', cwd: root, tool_name: 'run_shell_command', tool_input: { command: 'echo more >> src/grow.ts' } };
  for (let i = 0; i < 2; i++) {
    await hook(root, ['gemini'], { ...call, hook_event_name: 'BeforeTool' });
    execFileSync('sh', ['-c', 'echo more >> src/grow.ts'], { cwd: root });
    await hook(root, ['gemini'], { ...call, hook_event_name: 'AfterTool', tool_response: {} });
  }
  assert.deepEqual(contributions(root).map((r) => [r.path, r.startLine, r.endLine, r.tool]), [['src/grow.ts', 1, 1, 'gemini'], ['src/grow.ts', 2, 2, 'gemini']]);
});
