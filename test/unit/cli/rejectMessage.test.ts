// `airlock review reject` says what it did to the file: removed AI lines that replaced nothing,
// or put back the lines they replaced — never "restored" when there was nothing to restore.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
let repo: string;

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: repo, encoding: 'utf8' });
const airlock = (...args: string[]) => run(process.execPath, [CLI, ...args]);

before(() => {
  assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0);
  repo = mkdtempSync(join(tmpdir(), 'airlock-reject-'));
  for (const args of [['init', '-q'], ['config', 'user.name', 'Rita Reviewer'], ['config', 'user.email', 'rita@example.com'], ['config', 'commit.gpgsign', 'false']]) run('git', args);
  writeFileSync(join(repo, 'a.ts'), 'const one = 1;\nconst two = 2;\n');
  run('git', ['add', '-A']);
  run('git', ['commit', '-qm', 'base']);
});
after(() => rmSync(repo, { recursive: true, force: true }));

test('rejecting inserted lines says they were removed, and the file loses exactly them', () => {
  writeFileSync(join(repo, 'a.ts'), 'const one = 1;\nconst x = 10;\nconst y = 20;\nconst two = 2;\n');
  assert.equal(airlock('record', '--file', 'a.ts', '--lines', '2-3', '--tool', 'agent').status, 0);
  const r = airlock('review', 'reject', 'a.ts:2-3');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'rejected 1 AI contribution in a.ts: removed the 2 AI-written lines 2-3 (they replaced nothing)');
  assert.equal(readFileSync(join(repo, 'a.ts'), 'utf8'), 'const one = 1;\nconst two = 2;\n');
});

test('rejecting lines that replaced others says the old ones were put back', () => {
  writeFileSync(join(repo, 'a.ts'), 'const one = 1;\nconst two = 2 * 1;\n');
  assert.equal(airlock('record', '--file', 'a.ts', '--lines', '2', '--tool', 'agent').status, 0);
  const r = airlock('review', 'reject', 'a.ts:2-2');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'rejected 1 AI contribution in a.ts: replaced the AI-written line 2 with the line it had replaced');
  assert.equal(readFileSync(join(repo, 'a.ts'), 'utf8'), 'const one = 1;\nconst two = 2;\n');
});
