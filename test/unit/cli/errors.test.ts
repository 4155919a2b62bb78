// The CLI's error messages, through the built dist/cli.js in a real git repo: each mistake a
// user makes gets one clear line on stderr and the documented exit code (2 = usage or input).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
let repo: string;

function git(...args: string[]): void {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function airlock(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, AIRLOCK_STATE_DIR: repo }, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The whole stderr is one line (plus, for usage errors, the usage text after it). */
function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

before(() => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  repo = mkdtempSync(join(tmpdir(), 'airlock-errors-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Rita Reviewer');
  git('config', 'user.email', 'rita@example.com');
  git('config', 'commit.gpgsign', 'false');
  writeFileSync(join(repo, 'ten.txt'), Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  git('add', '-A');
  git('commit', '-qm', 'base');
});
after(() => rmSync(repo, { recursive: true, force: true }));

test('a busy port: one line naming the port and what to do, exit 2 (not "internal error", exit 3)', async () => {
  const busy: Server = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = airlock('gateway', '--policy', 'airlock:secrets', '--port', String(port));
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim(), `airlock gateway: port ${port} on 127.0.0.1 is already in use (another gateway?); choose another with --port N, or leave --port out for a free one`);
    assert.equal(r.stdout, '');
  } finally {
    busy.close();
  }
});

test('a missing file: "no such file: <path>", exit 2, never a raw ENOENT', () => {
  for (const args of [['record', '--file', 'nope.txt', '--lines', '1-2', '--tool', 't'], ['review', 'approve', 'nope.txt:1-2'], ['trace', 'import', 'nope.json'], ['policy', 'validate', 'nope.jsonc'], ['gateway', '--policy', 'nope.jsonc']]) {
    const r = airlock(...args);
    assert.ok(r.status === 2 || (args[0] === 'gateway' && r.status === 1), `${args.join(' ')}: exit ${r.status}`);
    assert.doesNotMatch(r.stderr + r.stdout, /ENOENT|internal error/, args.join(' '));
    assert.match(r.stderr + r.stdout, /no such file/, args.join(' '));
  }
  assert.equal(firstLine(airlock('record', '--file', 'nope.txt', '--lines', '1-2', '--tool', 't').stderr), 'airlock record: no such file: nope.txt');
  const validate = airlock('policy', 'validate', 'nope.jsonc');
  assert.equal(validate.stdout.trim(), `nope.jsonc:1:1: cannot read policy "${join(repo, 'nope.jsonc')}": no such file`);
  const tested = airlock('policy', 'test', 'nope.jsonc');
  assert.equal(tested.status, 2);
  assert.doesNotMatch(tested.stdout, /0 passed, 0 failed/, 'a policy that cannot load ran no tests');
});

test('`airlock policy` alone says what is missing, exit 2', () => {
  const r = airlock('policy');
  assert.equal(r.status, 2);
  assert.equal(firstLine(r.stderr), 'airlock policy: say what to do: validate or test');
  assert.match(r.stderr, /usage: airlock policy validate/);
  assert.equal(firstLine(airlock('policy', 'vaildate').stderr), "airlock policy: unknown subcommand 'vaildate' (validate or test)");
});

test('check --range with a bad ref says which end git does not know, exit 2', () => {
  const r = airlock('check', '--range', 'origin/nope..HEAD');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^airlock check: --range origin\/nope\.\.HEAD: git knows no commit 'origin\/nope' here \(a typo, or a shallow clone/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('record --lines past the end counts lines as an editor does, exit 2', () => {
  const r = airlock('record', '--file', 'ten.txt', '--lines', '9-99', '--tool', 't');
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), 'airlock record: lines 9-99 are outside ten.txt, which has 10 lines');
});

test('importing the same trace twice adds nothing the second time', () => {
  assert.equal(airlock('record', '--file', 'ten.txt', '--lines', '2-4', '--tool', 'agent', '--model', 'm').status, 0);
  assert.equal(airlock('trace', 'export', '--out', 'trace.json').status, 0);
  const ledger = () => readFileSync(join(repo, '.airlock', 'ledger', 'ledger.jsonl'), 'utf8').trim().split('\n').length;
  const before = ledger();
  const first = airlock('trace', 'import', 'trace.json');
  assert.equal(first.status, 0, first.stderr);
  assert.equal(ledger(), before, `a trace of this ledger's own records is already in it: ${first.stdout}${first.stderr}`);
  // A trace from elsewhere (another tool, no Airlock metadata) imports once, then is known.
  const foreign = JSON.parse(readFileSync(join(repo, 'trace.json'), 'utf8')) as { metadata?: unknown };
  delete foreign.metadata;
  writeFileSync(join(repo, 'foreign.json'), JSON.stringify(foreign));
  const once = airlock('trace', 'import', 'foreign.json');
  const afterOnce = ledger();
  const twice = airlock('trace', 'import', 'foreign.json');
  assert.equal(twice.status, 0);
  assert.equal(ledger(), afterOnce, `${once.stdout}|${twice.stdout}${twice.stderr}`);
  assert.match(twice.stderr, /already in the ledger/);
  assert.match(twice.stdout, /imported 0 AI range\(s\), skipped 1/);
});
