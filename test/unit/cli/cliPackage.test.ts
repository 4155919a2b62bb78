// The installable CLI package and the CI recipes, as a team would use them: `package-cli.mjs`
// builds airlock-cli-<version>.tgz; it installs with `npm i -g` (into a temp prefix) and runs
// with `npx`; its cli.js runs alone with plain node; and the GitHub Actions job's `run:` steps
// and ci/airlock-ci.sh, executed in a temp git repo, fail on unreviewed AI lines, pass once they
// are approved, and write a SARIF report.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = join(ROOT, `airlock-cli-${VERSION}.tgz`);
const made: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** npm with its cache, global prefix and config in temp folders: nothing outside is touched. */
function npmEnv(prefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_prefix: prefix,
    npm_config_cache: join(prefix, 'cache'),
    npm_config_update_notifier: 'false',
    PATH: `${join(prefix, 'bin')}:${process.env['PATH']}`,
  };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8' });
}

function git(cwd: string, ...args: string[]): void {
  const r = run('git', args, cwd);
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

before(() => {
  const r = run(process.execPath, ['package-cli.mjs'], ROOT);
  assert.equal(r.status, 0, r.stderr);
});
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

test('the package holds one cli.js (plus its README and LICENSE) that runs with plain node anywhere', () => {
  const listing = run('tar', ['tzf', TARBALL], ROOT);
  assert.equal(listing.status, 0);
  assert.deepEqual(listing.stdout.trim().split('\n').sort(), ['package/LICENSE', 'package/README.md', 'package/cli.js', 'package/package.json']);
  const alone = tempDir('airlock-cli-alone-');
  assert.equal(run('tar', ['xzf', TARBALL, '-C', alone, 'package/cli.js'], ROOT).status, 0);
  copyFileSync(join(alone, 'package', 'cli.js'), join(alone, 'airlock.js'));
  rmSync(join(alone, 'package'), { recursive: true });
  assert.equal(run(process.execPath, ['airlock.js', 'version'], alone).stdout.trim(), VERSION);
  // Presets are compiled in: no policies/ folder next to the file.
  const validated = run(process.execPath, ['airlock.js', 'policy', 'validate', 'airlock:meta-style'], alone);
  assert.equal(validated.status, 0, validated.stderr);
});

test('npm i -g ./airlock-cli-<version>.tgz puts `airlock` on PATH, and npx runs the same file', () => {
  const prefix = tempDir('airlock-npm-prefix-');
  const env = npmEnv(prefix);
  const install = run('npm', ['install', '--global', '--no-audit', '--no-fund', TARBALL], prefix, env);
  assert.equal(install.status, 0, install.stderr);
  assert.equal(run('airlock', ['version'], prefix, env).stdout.trim(), VERSION);
  const elsewhere = tempDir('airlock-npx-');
  for (const args of [['--yes', `file:${TARBALL}`, 'version'], ['--yes', '-p', TARBALL, 'airlock', 'version']]) {
    const npx = run('npx', args, elsewhere, { ...npmEnv(tempDir('airlock-npx-prefix-')) });
    assert.equal(npx.status, 0, `npx ${args.join(' ')}: ${npx.stderr}`);
    assert.equal(npx.stdout.trim(), VERSION);
  }
});

/** The shell of each `run:` step of the workflow, in order (the file's own simple YAML shape). */
function workflowRunSteps(yaml: string): string[] {
  const steps: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:- )?run: (.*)$/.exec(lines[i]!);
    if (!m) continue;
    if (m[2] !== '|') {
      steps.push(m[2]!);
      continue;
    }
    const block: string[] = [];
    const indent = m[1]!.length;
    while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || lines[i + 1]!.search(/\S/) > indent)) block.push(lines[++i]!.trim());
    steps.push(block.join('\n'));
  }
  return steps;
}

/** A repo whose HEAD commit adds AI-written lines (recorded with the installed CLI) on top of BASE. */
function repoWithAiChange(env: NodeJS.ProcessEnv): { repo: string; base: string } {
  const repo = tempDir('airlock-ci-repo-');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Rita Reviewer');
  git(repo, 'config', 'user.email', 'rita@example.com');
  git(repo, 'config', 'commit.gpgsign', 'false');
  write(repo, '.airlock/policy.jsonc', '{ "extends": ["airlock:secrets"], "review": [{ "id": "human-approval", "paths": ["**"], "action": "require-approval", "message": "Approve AI code." }] }\n');
  write(repo, 'src/app.ts', 'export const one = 1;\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  const base = run('git', ['rev-parse', 'HEAD'], repo).stdout.trim();
  write(repo, 'src/app.ts', 'export const one = 1;\nexport function two() {\n  return 2;\n}\n');
  write(repo, 'config/aws.env', 'AWS_ACCESS_KEY_ID=AKIAQYLPMN5HHHFPZAM2\n');
  const record = run('airlock', ['record', '--file', 'src/app.ts', '--lines', '2-4', '--tool', 'some-agent', '--model', 'some-model'], repo, env);
  assert.equal(record.status, 0, record.stderr);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'AI change');
  return { repo, base };
}

function approveAndCommit(repo: string, env: NodeJS.ProcessEnv): void {
  const approve = run('airlock', ['review', 'approve', 'src/app.ts:2-4'], repo, env);
  assert.equal(approve.status, 0, approve.stderr);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'review');
}

function assertSarif(repo: string): void {
  const sarif = JSON.parse(readFileSync(join(repo, 'airlock.sarif'), 'utf8')) as { version: string; runs: { results: { ruleId: string }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  assert.ok(sarif.runs[0]!.results.length > 0, 'the fake AWS key is reported');
}

test('the GitHub Actions recipe: its run steps fail on unreviewed AI lines, pass once approved, and write SARIF', () => {
  const yaml = readFileSync(join(ROOT, 'ci', 'github-actions-airlock.yml'), 'utf8');
  assert.match(yaml, /AIRLOCK_CLI: \.\/tools\/airlock-cli-0\.1\.0\.tgz/, 'the job names the package file of this version');
  assert.match(yaml, /BASE: \$\{\{ github\.event\.pull_request\.base\.sha \|\| github\.event\.before \}\}/);
  const steps = workflowRunSteps(yaml);
  assert.equal(steps.length, 3, steps.join('\n---\n'));
  const prefix = tempDir('airlock-ci-prefix-');
  const env = npmEnv(prefix);
  // The first step installs the package, as on the runner (a committed tools/ copy).
  assert.equal(run('npm', ['install', '--global', '--no-audit', '--no-fund', TARBALL], prefix, env).status, 0);
  const { repo, base } = repoWithAiChange(env);
  mkdirSync(join(repo, 'tools'));
  copyFileSync(TARBALL, join(repo, 'tools', `airlock-cli-${VERSION}.tgz`));
  // GitHub runs each step with `bash -e {0}` in the checkout, the job and step env set.
  const runStep = (script: string) => run('bash', ['-e', '-c', script], repo, { ...env, AIRLOCK_CLI: `./tools/airlock-cli-${VERSION}.tgz`, BASE: base });
  const [install, check, scan] = steps.map((s) => () => runStep(s));
  assert.equal(install!().status, 0);
  const failing = check!();
  assert.equal(failing.status, 1, `unreviewed AI lines fail the job\n${failing.stdout}${failing.stderr}`);
  assert.match(failing.stdout + failing.stderr, /src\/app\.ts:2-4/);
  const scanned = scan!();
  assert.equal(scanned.status, 0, `a would-block scan is a report, not a failure: ${scanned.stderr}`);
  assertSarif(repo);
  approveAndCommit(repo, env);
  const passing = check!();
  assert.equal(passing.status, 0, passing.stdout + passing.stderr);
});

test('the generic shell step (ci/airlock-ci.sh) installs the package, gates on check --range and writes SARIF', () => {
  const prefix = tempDir('airlock-ci-prefix-');
  const env = npmEnv(prefix);
  assert.equal(run('npm', ['install', '--global', '--no-audit', '--no-fund', TARBALL], prefix, env).status, 0);
  const { repo, base } = repoWithAiChange(env);
  const step = () => run('sh', [join(ROOT, 'ci', 'airlock-ci.sh')], repo, { ...env, AIRLOCK_CLI: TARBALL, BASE: base });
  const failing = step();
  assert.equal(failing.status, 1, failing.stdout + failing.stderr);
  assertSarif(repo);
  rmSync(join(repo, 'airlock.sarif'));
  approveAndCommit(repo, env);
  const passing = step();
  assert.equal(passing.status, 0, passing.stdout + passing.stderr);
  assertSarif(repo);
  assert.ok(existsSync(join(prefix, 'bin', 'airlock')));
  const noBase = run('sh', [join(ROOT, 'ci', 'airlock-ci.sh')], repo, { ...env, AIRLOCK_CLI: TARBALL, BASE: '' });
  assert.notEqual(noBase.status, 0);
  assert.match(noBase.stderr, /BASE/);
});
