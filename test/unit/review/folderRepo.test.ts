// A folder opened below a repository's top keeps its policy and ledger in the top's .airlock/,
// where `airlock check` reads them (cli/folderRepo.ts, used by the editor's workspaceRepo.ts).
// Real git repositories in temp folders; `airlock check` runs as its own process (dist/cli.js).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { folderRepo } from '../../../extension/cli/folderRepo';
import { git as runGit } from '../../../extension/cli/provenance/git';
import { appendRecords } from '../../../extension/cli/provenance/ledgerFile';
import { buildContribution, newRecordId } from '../../../extension/core/ledger';
import { splitLines } from '../../../extension/core/provenance/hash';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const made: string[] = [];

before(() => {
  if (!existsSync(CLI)) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  // Real path: macOS's /tmp is a symlink, and the symlink case is tested on purpose below.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const POLICY = '{ "extends": ["airlock:secrets"], "review": [{ "id": "human-approval", "paths": ["**"], "action": "require-approval" }] }\n';
const BASE = Array.from({ length: 6 }, (_, i) => `export const base${i + 1} = ${i + 1};`).join('\n') + '\n';
const AI = ['export function priceWithTax(net: number): number {', '  const rate = lookupRate("DE");', '  return Math.round(net * (1 + rate) * 100) / 100;', '}'];

/** A repository whose top holds the policy, with a package below it: top/packages/web/src/app.ts. */
function monorepo(): string {
  const top = temp('airlock-mono-');
  git(top, 'init', '-q', '-b', 'main');
  git(top, 'config', 'user.name', 'Rita Reviewer');
  git(top, 'config', 'user.email', 'rita@example.com');
  git(top, 'config', 'commit.gpgsign', 'false');
  write(top, '.airlock/policy.jsonc', POLICY);
  write(top, 'packages/web/src/app.ts', BASE);
  git(top, 'add', '-A');
  git(top, 'commit', '-qm', 'base');
  return top;
}

const noGit = () => {
  throw new Error('git must not run for this folder');
};

test('the top itself, and a folder outside git, are their own root, without running git (as before the fix)', () => {
  const top = monorepo();
  assert.deepEqual(folderRepo(top, noGit), { ok: true, root: top, within: '' });
  const plain = temp('airlock-plain-');
  mkdirSync(join(plain, 'sub'));
  assert.deepEqual(folderRepo(join(plain, 'sub'), noGit), { ok: true, root: join(plain, 'sub'), within: '' });
});

test('a folder below the top resolves to the top git names, with its path from there', () => {
  const top = monorepo();
  assert.deepEqual(folderRepo(join(top, 'packages', 'web')), { ok: true, root: top, within: 'packages/web' });
  assert.deepEqual(folderRepo(join(top, 'packages')), { ok: true, root: top, within: 'packages' });
});

test('the top is spelled through the opened path when that path runs through a symlink', () => {
  const top = monorepo();
  const links = temp('airlock-links-');
  symlinkSync(top, join(links, 'checkout'));
  // The editor names documents by the opened (symlinked) path: the root must lead to them.
  assert.deepEqual(folderRepo(join(links, 'checkout', 'packages', 'web')), { ok: true, root: join(links, 'checkout'), within: 'packages/web' });
});

test('a folder below a .git git cannot read fails closed with git\'s reason instead of falling back to the folder', () => {
  const top = temp('airlock-broken-');
  // A worktree's .git file pointing nowhere: git refuses, as in a moved or deleted worktree.
  writeFileSync(join(top, '.git'), 'gitdir: /nonexistent/airlock-test/worktree\n');
  mkdirSync(join(top, 'sub'));
  const found = folderRepo(join(top, 'sub'));
  assert.equal(found.ok, false);
  assert.match(!found.ok ? found.problem : '', /inside a git repository .*\.git.* but git cannot tell its top folder \(fatal: /);
  // And when git itself fails to run (not installed, refused: dubious ownership).
  const refused = folderRepo(join(monorepo(), 'packages'), () => ({ ok: false, stdout: '', stderr: 'fatal: detected dubious ownership in repository\nmore' }));
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.problem : '', /\(fatal: detected dubious ownership in repository\)$/);
});

function check(cwd: string) {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json'], { cwd, encoding: 'utf8' });
  const parsed = JSON.parse(r.stdout) as { ok: boolean; violations: { path: string; startLine: number; endLine: number; kind: string }[] };
  assert.equal(r.status, parsed.ok ? 0 : 1, r.stderr);
  return { ok: parsed.ok, violations: parsed.violations.map((v) => `${v.path}:${v.startLine}-${v.endLine} ${v.kind}`) };
}

/** What ReviewService.recordInsertion writes: a contribution at `root`, for the file's path from `root`. */
function recordAsTheEditorDoes(root: string, path: string, fileText: string): void {
  appendRecords(root, [
    buildContribution({
      id: newRecordId(),
      time: new Date().toISOString(),
      path,
      fileLines: splitLines(fileText),
      startLine: 4,
      endLine: 7,
      tool: 'copilot',
      channel: 'inline-completion',
      confidence: 1,
      baseline: '',
    }),
  ]);
}

test('an AI insertion recorded from a subfolder window lands in the top ledger, and `airlock check` sees it unreviewed until approved', () => {
  const top = monorepo();
  const folder = join(top, 'packages', 'web');
  const text = [...BASE.split('\n').slice(0, 3), ...AI, ...BASE.split('\n').slice(3)].join('\n');
  write(folder, 'src/app.ts', text);

  // Before the fix the editor used the opened folder: its own ledger, folder-relative paths.
  // `airlock check` never reads that ledger: the AI code passed. (The fail-open, shown.)
  const stray = temp('airlock-stray-');
  recordAsTheEditorDoes(stray, 'src/app.ts', text);
  assert.deepEqual(check(top), { ok: true, violations: [] });

  const repo = folderRepo(folder);
  assert.ok(repo.ok);
  recordAsTheEditorDoes(repo.root, `${repo.within}/src/app.ts`, text);
  assert.ok(existsSync(join(top, '.airlock', 'ledger', 'ledger.jsonl')), 'the record is in the top ledger');
  assert.equal(existsSync(join(folder, '.airlock')), false, 'no second .airlock in the opened folder');
  const ledger = readFileSync(join(top, '.airlock', 'ledger', 'ledger.jsonl'), 'utf8');
  assert.match(ledger, /"path":"packages\/web\/src\/app\.ts"/);

  // Run at the top and from inside the subfolder (the CLI finds the top itself): unreviewed.
  assert.deepEqual(check(top), { ok: false, violations: ['packages/web/src/app.ts:4-7 unreviewed'] });
  assert.deepEqual(check(folder), { ok: false, violations: ['packages/web/src/app.ts:4-7 unreviewed'] });

  const approve = spawnSync(process.execPath, [CLI, 'review', 'approve', 'src/app.ts:4-7'], { cwd: folder, encoding: 'utf8' });
  assert.equal(approve.status, 0, approve.stderr);
  assert.deepEqual(check(top), { ok: true, violations: [] });
});

test('the CLI and the editor agree on the top: git rev-parse --show-toplevel, through the same helper', () => {
  const top = monorepo();
  const folder = join(top, 'packages', 'web', 'src');
  const repo = folderRepo(folder);
  assert.ok(repo.ok);
  assert.equal(realpathSync(repo.root), runGit(folder, ['rev-parse', '--show-toplevel']).stdout.trim());
});
