// The provenance CLI on real git repositories in temp folders, through the built dist/cli.js.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { structuredPatch } from 'diff';
import { parseLedger } from '../../../extension/core/ledger/records';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const made: string[] = [];

const POLICY = `{
  "extends": ["airlock:secrets"],
  "protected": { "paths": ["secret/**"] },
  "review": [
    { "id": "no-ai-code-in-tests", "paths": ["test/**"], "action": "forbid", "message": "No AI code in tests." },
    { "id": "human-approval", "paths": ["**"], "action": "require-approval", "message": "Approve AI code." }
  ]
}
`;

before(() => {
  if (!existsSync(CLI)) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function airlock(cwd: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function lines(n: number, prefix: string): string {
  return Array.from({ length: n }, (_, i) => `const ${prefix}${i + 1} = ${prefix}Value(${i + 1});`).join('\n') + '\n';
}

/** A fresh repo with the test policy and one commit on `main`. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-prov-'));
  made.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Rita Reviewer');
  git(dir, 'config', 'user.email', 'rita@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(dir, '.airlock/policy.jsonc', POLICY);
  write(dir, 'src/app.ts', lines(10, 'base'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

function violations(dir: string, ...args: string[]) {
  const r = airlock(dir, ['check', '--format', 'json', ...args]);
  const parsed = JSON.parse(r.stdout) as { ok: boolean; violations: { path: string; startLine: number; endLine: number; kind: string; rule: string; tool: string; model: string | null }[] };
  assert.equal(r.status, parsed.ok ? 0 : 1);
  return parsed.violations.map((v) => `${v.path}:${v.startLine}-${v.endLine} ${v.kind}`);
}

const aiBlock = ['export function priceWithTax(net: number): number {', '  const rate = lookupRate("DE");', '  return Math.round(net * (1 + rate) * 100) / 100;', '}'];

test('record -> commit refused by the hook with a clear list -> approve -> commit passes', () => {
  const dir = repo();
  // An existing hook is chained, never clobbered.
  write(dir, '.git/hooks/pre-commit', '#!/bin/sh\necho ran >> "$(git rev-parse --show-toplevel)/.git/chained-ran"\n');
  chmodSync(join(dir, '.git/hooks/pre-commit'), 0o755);
  const base = readFileSync(join(dir, 'src/app.ts'), 'utf8').split('\n');
  write(dir, 'src/app.ts', [...base.slice(0, 3), ...aiBlock, ...base.slice(3)].join('\n'));
  assert.equal(airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '4-7', '--tool', 'copilot', '--model', 'gpt-4o']).status, 0);
  assert.equal(airlock(dir, ['hooks', 'install']).status, 0);
  const again = airlock(dir, ['hooks', 'install']);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /refreshed/);

  git(dir, 'add', '-A');
  const refused = spawnSync('git', ['commit', '-qm', 'ai code'], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
  const said = refused.stdout + refused.stderr;
  assert.match(said, /src\/app\.ts:4-7\s+unreviewed\s+tool=copilot model=gpt-4o\s+rule=human-approval/);
  assert.ok(existsSync(join(dir, '.git/chained-ran')), 'the existing hook ran');

  const approved = airlock(dir, ['review', 'approve', 'src/app.ts:4-7']);
  assert.equal(approved.status, 0, approved.stderr);
  assert.match(approved.stdout, /Rita Reviewer <rita@example.com>/);
  git(dir, 'add', '-A');
  const passed = spawnSync('git', ['commit', '-qm', 'ai code, reviewed'], { cwd: dir, encoding: 'utf8' });
  assert.equal(passed.status, 0, passed.stdout + passed.stderr);

  // The approval is void as soon as an approved line changes.
  const now = readFileSync(join(dir, 'src/app.ts'), 'utf8').replace('lookupRate("DE")', 'lookupRate("FR")');
  write(dir, 'src/app.ts', now);
  assert.deepEqual(violations(dir), ['src/app.ts:5-5 unreviewed']);
  // The ledger carries the reviewer and the exact hashes, never the code itself in a review.
  const review = parseLedger(readFileSync(join(dir, '.airlock/ledger/ledger.jsonl'), 'utf8')).records.find((r) => r.type === 'review')!;
  assert.equal(review.type === 'review' && review.reviewer.email, 'rita@example.com');
  assert.equal(readFileSync(join(dir, '.airlock/ledger/.gitattributes'), 'utf8').includes('ledger.jsonl merge=union'), true);
});

test('human edits above and inside AI ranges outside the editor keep the ranges exact', () => {
  const dir = repo();
  const base = readFileSync(join(dir, 'src/app.ts'), 'utf8').split('\n');
  write(dir, 'src/app.ts', [...base.slice(0, 3), ...aiBlock, ...base.slice(3)].join('\n'));
  airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '4-7', '--tool', 'copilot']);
  const text = readFileSync(join(dir, 'src/app.ts'), 'utf8').split('\n');
  // Two lines above, one human line inside (after line 5), and line 6 partly edited.
  const edited = ['// human 1', '// human 2', ...text.slice(0, 5), '  // a note by a human', text[5]!.replace('100', '1000'), ...text.slice(6)];
  write(dir, 'src/app.ts', edited.join('\n'));
  assert.deepEqual(violations(dir), ['src/app.ts:6-7 unreviewed', 'src/app.ts:9-10 unreviewed']);
});

test('checkout to a branch where the file differs and back, and a rebase that moves the lines, still find AI lines', () => {
  const dir = repo();
  git(dir, 'checkout', '-qb', 'feature');
  const base = readFileSync(join(dir, 'src/app.ts'), 'utf8').split('\n');
  write(dir, 'src/app.ts', [...base.slice(0, 5), ...aiBlock, ...base.slice(5)].join('\n'));
  airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '6-9', '--tool', 'claude-code', '--model', 'claude-sonnet-4']);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'ai on feature');
  assert.deepEqual(violations(dir), ['src/app.ts:6-9 unreviewed']);

  git(dir, 'checkout', '-q', 'main');
  write(dir, 'src/app.ts', ['// header 1', '// header 2', '// header 3', ...base].join('\n'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'header on main');
  // On main the AI code does not exist (and its ledger is not there either): nothing to find.
  assert.deepEqual(violations(dir), []);
  git(dir, 'checkout', '-q', 'feature');
  assert.deepEqual(violations(dir), ['src/app.ts:6-9 unreviewed']);

  git(dir, 'rebase', '-q', 'main');
  assert.deepEqual(violations(dir), ['src/app.ts:9-12 unreviewed']);
  // CI view: the files changed in main..feature, at feature; and nothing is staged now.
  assert.deepEqual(violations(dir, '--range', 'main..feature'), ['src/app.ts:9-12 unreviewed']);
  assert.deepEqual(violations(dir, '--staged'), []);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:9-12']).status, 0);
  assert.deepEqual(violations(dir), []);

  // A rename is followed (committed, and uncommitted but staged).
  git(dir, 'mv', 'src/app.ts', 'src/core.ts');
  git(dir, 'commit', '-qm', 'rename');
  write(dir, 'src/core.ts', readFileSync(join(dir, 'src/core.ts'), 'utf8').replace('lookupRate("DE")', 'lookupRate(country)'));
  assert.deepEqual(violations(dir), ['src/core.ts:10-10 unreviewed']);
  git(dir, 'mv', 'src/core.ts', 'src/pricing.ts');
  assert.deepEqual(violations(dir), ['src/pricing.ts:10-10 unreviewed']);
});

test('a forbid rule on test/** fails the check even for approved AI code', () => {
  const dir = repo();
  write(dir, 'test/app.test.ts', aiBlock.join('\n') + '\n');
  airlock(dir, ['record', '--file', 'test/app.test.ts', '--lines', '1-4', '--tool', 'copilot']);
  assert.equal(airlock(dir, ['review', 'approve', 'test/app.test.ts:1-4']).status, 0);
  assert.deepEqual(violations(dir), ['test/app.test.ts:1-4 forbidden']);
  const sarif = JSON.parse(airlock(dir, ['check', '--format', 'sarif']).stdout);
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0].results[0].ruleId, 'no-ai-code-in-tests');
  // Reject puts back what the AI replaced (here: nothing, the file was new).
  assert.equal(airlock(dir, ['review', 'reject', 'test/app.test.ts:1-4']).status, 0);
  assert.equal(readFileSync(join(dir, 'test/app.test.ts'), 'utf8'), '');
  assert.deepEqual(violations(dir), []);
});

test('reject restores the baseline text the AI replaced', () => {
  const dir = repo();
  const base = readFileSync(join(dir, 'src/app.ts'), 'utf8');
  const replaced = base.split('\n');
  replaced.splice(2, 2, ...aiBlock); // AI replaced lines 3-4 with its block
  write(dir, 'src/app.ts', replaced.join('\n'));
  airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '3-6', '--tool', 'copilot']);
  assert.equal(airlock(dir, ['review', 'reject', 'src/app.ts:3-6']).status, 0);
  assert.equal(readFileSync(join(dir, 'src/app.ts'), 'utf8'), base);
});

test('the policy failing to load refuses (fail closed)', () => {
  const dir = repo();
  write(dir, '.airlock/policy.jsonc', '{ "review": [ { "id": 1 ');
  const r = airlock(dir, ['check']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /fail closed/);
});

test('20 concurrent writer processes and kill -9 mid-write leave a ledger with every completed record', async () => {
  const dir = repo();
  write(dir, 'src/big.ts', lines(200, 'v'));
  // A writer killed in the middle of a record: half a record, then SIGKILL.
  const script = `const fs=require('fs');fs.mkdirSync('.airlock/ledger',{recursive:true});const fd=fs.openSync('.airlock/ledger/ledger.jsonl','a');fs.writeSync(fd,'{"airlock":1,"type":"contribution","id":"torn","time":"2026');process.kill(process.pid,'SIGKILL');`;
  const torn = spawnSync(process.execPath, ['-e', script], { cwd: dir });
  assert.equal(torn.signal, 'SIGKILL');

  const run = (i: number, killAfter?: number) =>
    new Promise<{ i: number; code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'record', '--file', 'src/big.ts', '--lines', `${i * 5 + 1}-${i * 5 + 4}`, '--tool', `writer-${i}`], { cwd: dir });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      if (killAfter !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfter);
      child.on('close', (code) => resolve({ i, code, out }));
    });
  const results = await Promise.all([
    ...Array.from({ length: 20 }, (_, i) => run(i)),
    ...Array.from({ length: 6 }, (_, i) => run(20 + i, 40 + i * 40)),
  ]);
  const completed = results.filter((r) => r.code === 0);
  assert.ok(completed.length >= 20, `${completed.length} writers completed`);
  const parsed = parseLedger(readFileSync(join(dir, '.airlock/ledger/ledger.jsonl'), 'utf8'));
  const tools = new Set(parsed.records.map((r) => (r.type === 'contribution' ? r.tool : '')));
  for (const r of completed) assert.ok(tools.has(`writer-${r.i}`), `record of writer ${r.i} is intact`);
  assert.ok(parsed.problems.length >= 1 && parsed.problems.length <= 7, `${parsed.problems.length} problems`);
  assert.ok(!parsed.records.some((r) => r.id === 'torn'));
  // Every record present is whole, and the check reads the ledger (warning about the torn line).
  const check = airlock(dir, ['check', '--format', 'json']);
  assert.equal(JSON.parse(check.stdout).violations.length, parsed.records.length);
  assert.match(check.stderr, /torn|unreadable/);
});

test('Agent Trace export then import round-trips through the CLI', () => {
  const dir = repo();
  const base = readFileSync(join(dir, 'src/app.ts'), 'utf8').split('\n');
  write(dir, 'src/app.ts', [...base.slice(0, 2), ...aiBlock, ...base.slice(2)].join('\n'));
  airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '3-6', '--tool', 'claude-code', '--model', 'anthropic/claude-sonnet-4', '--session', 'sess-1']);
  airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '9-10', '--tool', 'copilot']);
  assert.equal(airlock(dir, ['trace', 'export', '--out', 'trace.json']).status, 0);
  const first = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8'));
  assert.equal(first.version, '0.1.0');
  assert.equal(first.files[0].path, 'src/app.ts');

  const other = repo();
  write(other, 'src/app.ts', readFileSync(join(dir, 'src/app.ts'), 'utf8'));
  const imported = airlock(other, ['trace', 'import', join(dir, 'trace.json')]);
  assert.equal(imported.status, 0, imported.stderr);
  assert.match(imported.stdout, /imported 2 AI range/);
  const second = JSON.parse(airlock(other, ['trace', 'export']).stdout);
  const shape = (t: typeof first) => JSON.stringify(t.files);
  assert.equal(shape(second), shape(first));
  assert.deepEqual(violations(other), violations(dir));
});

test('Claude Code hook payloads are recorded exactly and protected reads are refused', () => {
  const dir = repo();
  const file = join(dir, 'src/app.ts');
  const before = readFileSync(file, 'utf8');
  const common = { session_id: 'abc123', transcript_path: join(dir, 'transcript.jsonl'), cwd: dir, permission_mode: 'default' };

  // Edit: Claude Code's tool_response carries a structuredPatch with context lines.
  const after = before.replace('const base5 = baseValue(5);\n', 'const base5 = baseValue(5) * 2;\nconst extra = base5 + 1;\n');
  writeFileSync(file, after);
  const patch = structuredPatch('src/app.ts', 'src/app.ts', before, after, '', '', { context: 3 });
  const edit = {
    ...common,
    hook_event_name: 'PostToolUse',
    tool_name: 'Edit',
    tool_input: { file_path: file, old_string: 'const base5 = baseValue(5);\n', new_string: 'const base5 = baseValue(5) * 2;\nconst extra = base5 + 1;\n' },
    tool_response: { filePath: file, oldString: 'const base5 = baseValue(5);\n', newString: 'x', originalFile: before, structuredPatch: patch.hunks, userModified: false, replaceAll: false },
  };
  assert.equal(airlock(dir, ['hook', 'claude-code'], JSON.stringify(edit)).status, 0);

  // MultiEdit without a structuredPatch (older payloads): found by the new strings.
  const before2 = readFileSync(file, 'utf8');
  const after2 = before2.replace('const base9 = baseValue(9);', 'const base9 = compute(9);');
  writeFileSync(file, after2);
  const multi = { ...common, hook_event_name: 'PostToolUse', tool_name: 'MultiEdit', tool_input: { file_path: file, edits: [{ old_string: 'const base9 = baseValue(9);', new_string: 'const base9 = compute(9);' }] }, tool_response: {} };
  assert.equal(airlock(dir, ['hook', 'claude-code'], JSON.stringify(multi)).status, 0);

  // Write of a new file.
  write(dir, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
  const create = { ...common, hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: join(dir, 'src/new.ts'), content: 'export const a = 1;\nexport const b = 2;\n' }, tool_response: { type: 'create', filePath: join(dir, 'src/new.ts'), content: 'export const a = 1;\nexport const b = 2;\n', structuredPatch: [] } };
  assert.equal(airlock(dir, ['hook', 'claude-code'], JSON.stringify(create)).status, 0);

  assert.deepEqual(violations(dir), ['src/app.ts:5-6 unreviewed', 'src/app.ts:10-10 unreviewed', 'src/new.ts:1-2 unreviewed']);
  const records = parseLedger(readFileSync(join(dir, '.airlock/ledger/ledger.jsonl'), 'utf8')).records;
  assert.ok(records.every((r) => r.type !== 'contribution' || (r.session === 'abc123' && r.channel === 'agent-hook' && r.tool === 'claude-code')));

  // PreToolUse: protected paths are refused with exit 2 and the reason on stderr — by the
  // engine, so the policy needs a rule about protected code (paths alone decide nothing).
  write(dir, '.airlock/policy.jsonc', POLICY.replace('"review": [', '"egress": [{ "id": "protected-stays", "when": { "protected": true }, "action": "block" }],\n  "review": ['));
  // The file's content under its protected path is what would leave (a bare path is only a reference).
  write(dir, 'secret/keys.ts', 'export const signingKeyId = "k-1";\n');
  const read = (tool_name: string, tool_input: Record<string, unknown>) =>
    airlock(dir, ['hook', 'claude-code'], JSON.stringify({ ...common, hook_event_name: 'PreToolUse', tool_name, tool_input }));
  const refused = read('Read', { file_path: join(dir, 'secret/keys.ts') });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /secret\/keys\.ts/);
  assert.equal(read('Grep', { pattern: 'password', path: join(dir, 'secret') }).status, 2);
  assert.equal(read('Glob', { pattern: 'secret/**/*.ts' }).status, 2);
  assert.equal(read('Read', { file_path: file }).status, 0);
  assert.equal(read('Bash', { command: 'cat secret/keys.ts' }).status, 2); // a shell read of a protected file is refused too
});
