// The scan server (extension/cli/scan/server.ts): `airlock scan` hands its scan to a warm
// server when one runs, and the answer is the one the command gives by itself, byte for byte
// (stdout, stderr, exit code), whatever the arguments, the policy, the skipped files or the
// threads that scanned. Whatever goes wrong with a server ends in the command scanning itself.
// Each test has a socket folder of its own (TMPDIR), and the servers it started are stopped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, openSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { callerIdentity, scanSocketPath } from '../../../extension/cli/scan/serverWire';
import { SAMPLES, rng } from '../detectors/samples';
import { BLOCK_SECRETS_POLICY, tempTree, type CliResult } from './scanSupport';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const LOG = 'AIRLOCK_SCAN_SERVER_LOG';
const ANSWERED = 'airlock scan: answered by the scan server\n';
const linux = process.platform === 'linux';

interface Isolated {
  tmp: string;
  env: NodeJS.ProcessEnv;
  socket: (cli?: string) => string;
  stop: () => void;
}

/** A socket folder of its own (XDG_RUNTIME_DIR), a tag to find the servers it starts, the server on. */
function isolated(): Isolated {
  const tmp = mkdtempSync(join(tmpdir(), 'airlock-scan-server-'));
  const tag = `t${process.pid}-${Math.random().toString(36).slice(2)}`;
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: tmp, XDG_CACHE_HOME: join(tmp, 'cache'), AIRLOCK_SCAN_SERVER: 'on', AIRLOCK_SCAN_IDLE_MS: '60000', AIRLOCK_TEST_SERVER_TAG: tag, [LOG]: '1' };
  delete env['CI'];
  delete env['NODE_OPTIONS'];
  const socket = (cli = CLI) => scanSocketPath(cli, env)!;
  const stop = () => {
    for (const pid of serversTagged(tag)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  return { tmp, env, socket, stop };
}

/** Processes whose environment carries the tag (Linux: /proc). */
function serversTagged(tag: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(`AIRLOCK_TEST_SERVER_TAG=${tag}\0`)) pids.push(Number(name));
    } catch {
      // not ours, or gone
    }
  }
  return pids;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv, cli = CLI, stdin: string | { file: string } = ''): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const fd = typeof stdin === 'string' ? undefined : openSync(stdin.file, 'r');
    const child = spawn(process.execPath, [cli, 'scan', ...args], { cwd, env, stdio: [fd ?? 'pipe', 'pipe', 'pipe'] });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    if (typeof stdin === 'string') child.stdin!.end(stdin);
  });
}

/** The result without the log line of AIRLOCK_SCAN_SERVER_LOG, and that line. */
function split(result: CliResult): { result: CliResult; log: string } {
  const m = /^airlock scan: (?:answered by the scan server|no scan server; scanned here|the scan server declined; scanned here)\n/m.exec(result.stderr);
  return { result: { ...result, stderr: m ? result.stderr.replace(m[0], '') : result.stderr }, log: m ? m[0] : '' };
}

/** Runs the scan until the server answers it (while it warms up on the scan that started it, callers scan themselves). */
async function untilServed(args: string[], cwd: string, env: NodeJS.ProcessEnv, cli = CLI): Promise<CliResult> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const got = split(await run(args, cwd, env, cli));
    if (got.log === ANSWERED) return got.result;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server never answered');
}

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A tree with secrets among 320 files (past the pool's threshold: the server's threads list and share them), and files the walk skips. */
function mixedTree(): string {
  const files: Record<string, string | Buffer> = {};
  const filler = 'export function handler(request, response) { return response.send(request.body); }\n'.repeat(12);
  for (let i = 0; i < 320; i++) {
    let text = filler;
    if (i % 9 === 0) {
      const sample = SAMPLES[(i * 7) % SAMPLES.length]!;
      const value = sample.value(rng(i));
      text += sample.block ? sample.block.replace('$VALUE', value) : `const ${sample.name ?? 'SECRET'} = "${value}";\n`;
    }
    files[`src/m${String(Math.floor(i / 40))}/f${String(i).padStart(3, '0')}.ts`] = text;
  }
  files['src/m3/image.bin'] = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]);
  files['src/m5/large.txt'] = 'x'.repeat(300_000);
  files['.airlock/policy.jsonc'] = BLOCK_SECRETS_POLICY;
  files['.gitignore'] = 'ignored/\n';
  files['ignored/secret.ts'] = `const GITHUB_TOKEN = "${SAMPLES[0]!.value(rng(1))}";\n`;
  const root = tempTree(files);
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'x.ts'), 'const a = 1;\n');
  symlinkSync(join(root, 'outside'), join(root, 'src', 'm2', 'linked'));
  return root;
}

const ARG_SETS: string[][] = [
  ['--format', 'json', '.'],
  ['--format', 'sarif', 'src'],
  ['.'],
  ['--format', 'json', '--max-file-size', '200000', '.'],
  ['--format', 'json', '--policy', 'airlock:secrets', 'src/m1'],
  ['--format', 'json', '--jobs', '1', '.'],
  ['--bogus'],
  ['no/such/folder'],
  ['--policy', 'broken.jsonc', '.'],
];

test('a scan the server answers is the scan run here, byte for byte, for every kind of answer', { skip: !linux }, async () => {
  const root = mixedTree();
  writeFileSync(join(root, 'broken.jsonc'), '{ "egress": [ { "id": 1 } ] }');
  const box = isolated();
  try {
    const here = { ...box.env, AIRLOCK_SCAN_SERVER: 'off' };
    const expected = await Promise.all(ARG_SETS.map((args) => run(args, root, here)));
    assert.equal(expected[0]!.code, 1, `the policy blocks secrets: ${expected[0]!.stderr}`);
    assert.ok((JSON.parse(expected[0]!.stdout) as { skipped: unknown[] }).skipped.length >= 2, 'a binary file and a symlinked folder');
    assert.ok((JSON.parse(expected[3]!.stdout) as { skipped: unknown[] }).skipped.length >= 3, 'and a file past --max-file-size');
    assert.equal(expected[6]!.code, 2);
    assert.equal(expected[7]!.code, 2);
    assert.equal(expected[8]!.code, 2);

    const first = split(await run(ARG_SETS[0]!, root, box.env));
    assert.equal(first.log, 'airlock scan: no scan server; scanned here\n');
    assert.deepEqual(first.result, expected[0]);
    await waitFor('the server it started', () => existsSync(box.socket()));
    assert.deepEqual(await untilServed(ARG_SETS[0]!, root, box.env), expected[0]);
    for (const [k, args] of ARG_SETS.entries()) {
      const served = split(await run(args, root, box.env));
      assert.equal(served.log, ANSWERED, `${args.join(' ')}: ${served.log}`);
      assert.deepEqual(served.result, expected[k], args.join(' '));
    }

    // The policy is read afresh: an edit is in force at the next scan.
    writeFileSync(join(root, '.airlock', 'policy.jsonc'), JSON.stringify({ extends: ['airlock:secrets'] }));
    const relaxed = await run(ARG_SETS[0]!, root, here);
    assert.equal(relaxed.code, 0, 'redacted, not blocked');
    const served = split(await run(ARG_SETS[0]!, root, box.env));
    assert.equal(served.log, ANSWERED);
    assert.deepEqual(served.result, relaxed);

    // So are the files: a new secret is found, a removed one is gone.
    writeFileSync(join(root, 'src', 'new.ts'), `const STRIPE_KEY = "sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}";\n`);
    rmSync(join(root, 'src', 'm0', 'f000.ts'));
    const after = await run(ARG_SETS[0]!, root, here);
    const servedAfter = split(await run(ARG_SETS[0]!, root, box.env));
    assert.equal(servedAfter.log, ANSWERED);
    assert.deepEqual(servedAfter.result, after);
    assert.notDeepEqual(after.stdout, relaxed.stdout);

    // The caller's environment is the scan's: an organization policy named there applies.
    const orgDir = mkdtempSync(join(tmpdir(), 'airlock-org-'));
    writeFileSync(join(orgDir, 'org.jsonc'), JSON.stringify({ egress: [{ id: 'org-no-secrets', when: { detectors: ['*'] }, action: 'block', message: 'No secrets.' }] }));
    const orgEnv = { ...box.env, AIRLOCK_ORG_POLICY: join(orgDir, 'org.jsonc'), AIRLOCK_STATE_DIR: join(orgDir, 'state') };
    const orgHere = await run(ARG_SETS[0]!, root, { ...orgEnv, AIRLOCK_SCAN_SERVER: 'off' });
    assert.equal(orgHere.code, 1, orgHere.stderr);
    const orgServed = split(await run(ARG_SETS[0]!, root, orgEnv));
    assert.equal(orgServed.log, ANSWERED);
    assert.deepEqual(orgServed.result, orgHere);
    rmSync(orgDir, { recursive: true, force: true });
  } finally {
    box.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

/** A fake server on the socket, answering each connection as `reply` says. */
function fakeServer(socket: string, reply: (conn: import('node:net').Socket) => void): Promise<Server> {
  return new Promise((resolvePromise) => {
    const server = createServer((conn) => {
      conn.on('error', () => undefined);
      conn.once('data', () => reply(conn));
    });
    server.listen(socket, () => resolvePromise(server));
  });
}

test('a server that dies mid-scan, garbles, declines or stays silent: the command scans itself', { skip: !linux }, async () => {
  const root = mixedTree();
  const box = isolated();
  try {
    const expected = await run(ARG_SETS[0]!, root, { ...box.env, AIRLOCK_SCAN_SERVER: 'off' });
    const cases: [string, (conn: import('node:net').Socket) => void, string][] = [
      ['dies after taking the scan', (c) => c.end('{"v":1,"accepted":true}\n'), 'the scan server declined; scanned here\n'],
      ['answers garbage', (c) => c.end('HTTP/1.1 200 OK\r\n\r\n'), 'the scan server declined; scanned here\n'],
      ['answers another wire version', (c) => c.end('{"v":2,"exitCode":0,"stdout":"","stderr":""}\n'), 'the scan server declined; scanned here\n'],
      ['answers an exit code out of range', (c) => c.end('{"v":1,"exitCode":300,"stdout":"","stderr":""}\n'), 'the scan server declined; scanned here\n'],
      ['says retry', (c) => c.end('{"v":1,"retry":true}\n'), 'the scan server declined; scanned here\n'],
      ['never answers', () => undefined, 'the scan server declined; scanned here\n'],
    ];
    for (const [name, reply, log] of cases) {
      const server = await fakeServer(box.socket(), reply);
      try {
        const started = Date.now();
        const got = split(await run(ARG_SETS[0]!, root, box.env));
        assert.equal(got.log, `airlock scan: ${log}`, name);
        assert.deepEqual(got.result, expected, name);
        if (name === 'never answers') assert.ok(Date.now() - started >= 2000, 'gave the server its 2 s to take the scan');
      } finally {
        await new Promise((r) => server.close(r));
      }
      assert.deepEqual(serversTagged(box.env['AIRLOCK_TEST_SERVER_TAG']!), [], `${name}: a declining server is left alone, none started`);
    }
    // A socket nobody listens on (a server that crashed): scanned here, and a new server takes its place.
    writeFileSync(box.socket(), '');
    const stale = split(await run(ARG_SETS[0]!, root, box.env));
    assert.match(stale.log, /scanned here/);
    assert.deepEqual(stale.result, expected);
  } finally {
    box.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('no server under CI (unless asked), for stdin, or where the socket folder is not private', { skip: !linux }, async () => {
  const root = mixedTree();
  const box = isolated();
  try {
    const expected = await run(ARG_SETS[0]!, root, { ...box.env, AIRLOCK_SCAN_SERVER: 'off' });
    const ci: NodeJS.ProcessEnv = { ...box.env, CI: 'true' };
    delete ci['AIRLOCK_SCAN_SERVER'];
    const underCi = await run(ARG_SETS[0]!, root, ci);
    assert.deepEqual(underCi, expected, 'not even asked: no log line');
    const stdin = await run(['--format', 'json', '-'], root, box.env, CLI, 'const a = 1;\n');
    assert.equal(split(stdin).log, '', 'stdin: scanned here without asking');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(serversTagged(box.env['AIRLOCK_TEST_SERVER_TAG']!), [], 'nothing started');

    // Socket folders others may enter (another user made them first): not used.
    for (const folder of [join(box.tmp, 'airlock'), join(box.tmp, 'cache', 'airlock', 'run')]) {
      mkdirSync(folder, { recursive: true });
      chmodSync(folder, 0o755);
    }
    const shared = split(await run(ARG_SETS[0]!, root, box.env));
    assert.equal(shared.log, 'airlock scan: the scan server declined; scanned here\n');
    assert.deepEqual(shared.result, expected);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(serversTagged(box.env['AIRLOCK_TEST_SERVER_TAG']!), [], 'no server started beside a folder others may enter');
  } finally {
    box.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a server retires when its cli.js changes, and after its idle time', { skip: !linux }, async () => {
  const root = mixedTree();
  const box = isolated();
  const own = mkdtempSync(join(tmpdir(), 'airlock-cli-copy-'));
  const cli = join(own, 'cli.js');
  copyFileSync(CLI, cli);
  try {
    const expected = await run(ARG_SETS[0]!, root, { ...box.env, AIRLOCK_SCAN_SERVER: 'off' }, cli);
    const tag = box.env['AIRLOCK_TEST_SERVER_TAG']!;
    await run(ARG_SETS[0]!, root, box.env, cli);
    await waitFor('the server', () => existsSync(box.socket(cli)));
    assert.deepEqual(await untilServed(ARG_SETS[0]!, root, box.env, cli), expected);
    // Rebuilt (here: touched): the server declines, or (checking after its last scan) has gone
    // already; either way the command scans itself, and that server goes.
    const old = serversTagged(tag);
    assert.equal(old.length, 1);
    const later = new Date(Date.now() + 5000);
    utimesSync(cli, later, later);
    const rebuilt = split(await run(ARG_SETS[0]!, root, box.env, cli));
    assert.match(rebuilt.log, /^airlock scan: (?:the scan server declined|no scan server); scanned here\n$/);
    assert.deepEqual(rebuilt.result, expected);
    await waitFor('the old server to go', () => !existsSync(`/proc/${old[0]}`));

    // Idle: gone after AIRLOCK_SCAN_IDLE_MS, its socket with it.
    const quick = { ...box.env, AIRLOCK_SCAN_IDLE_MS: '1500' };
    for (const pid of serversTagged(tag)) process.kill(pid, 'SIGTERM'); // one the scan above may have started
    await waitFor('no server', () => serversTagged(tag).length === 0 && !existsSync(box.socket(cli)));
    await run(ARG_SETS[0]!, root, quick, cli);
    await waitFor('the server', () => existsSync(box.socket(cli)));
    await waitFor('the idle server to retire', () => serversTagged(tag).length === 0 && !existsSync(box.socket(cli)), 30_000);
  } finally {
    box.stop();
    rmSync(own, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
});

/** Sends one request line on the socket; the reply lines, as they came, until the server closes. */
function ask(socket: string, request: object, onLine?: (line: string, conn: import('node:net').Socket) => void): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const conn = connect(socket);
    const lines: string[] = [];
    let buffered = '';
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        onLine?.(line, conn);
      }
    });
    conn.on('error', reject);
    conn.on('close', () => resolvePromise(lines));
  });
}

test('what only the caller has stays with the caller: stdin paths, NODE_OPTIONS, another identity or cli.js', { skip: !linux }, async () => {
  const root = mixedTree();
  const box = isolated();
  try {
    const secretFile = join(root, 'src', 'm0', 'f000.ts');
    // `airlock scan /dev/stdin < file`: this process's stdin is the file.
    const here = await run(['--format', 'json', '/dev/stdin'], root, { ...box.env, AIRLOCK_SCAN_SERVER: 'off' }, CLI, { file: secretFile });
    assert.equal(here.code, 1, `stdin holds a secret: blocked. ${here.stderr}`);
    await run(ARG_SETS[0]!, root, box.env);
    await waitFor('the server', () => existsSync(box.socket()));
    await untilServed(ARG_SETS[0]!, root, box.env);
    for (const path of ['/dev/stdin', '/proc/self/fd/0']) {
      const viaStdin = await run(['--format', 'json', path], root, box.env, CLI, { file: secretFile });
      assert.deepEqual(viaStdin, path === '/dev/stdin' ? here : { ...here, stdout: here.stdout.replaceAll('/dev/stdin', path) }, `${path}: scanned here without asking (no log line), blocked as here`);
    }
    symlinkSync('/dev/stdin', join(root, 'in'));
    const viaLink = await run(['--format', 'json', 'in'], root, box.env, CLI, { file: secretFile });
    assert.equal(split(viaLink).log, '', 'a link to /dev/stdin: not asked either');
    assert.equal(viaLink.code, 1);
    // Met inside a folder the walk goes through: the server declines, the command scans itself (the link reads its stdin).
    const folderHere = await run(['--format', 'json', '.'], root, { ...box.env, AIRLOCK_SCAN_SERVER: 'off' }, CLI, { file: secretFile });
    const folderServed = split(await run(['--format', 'json', '.'], root, box.env, CLI, { file: secretFile }));
    assert.equal(folderServed.log, 'airlock scan: the scan server declined; scanned here\n');
    assert.deepEqual(folderServed.result, folderHere);
    assert.match(folderHere.stdout, /"path": ?"in"/, 'the link was read, as stdin');
    rmSync(join(root, 'in'));
    const withOptions = await run(ARG_SETS[0]!, root, { ...box.env, NODE_OPTIONS: '--no-warnings' });
    assert.equal(split(withOptions).log, '', 'NODE_OPTIONS: not asked');

    // The server answers only a caller that is what it is, running its cli.js.
    const request = { v: 1, cli: CLI, caller: callerIdentity(box.env), args: ARG_SETS[0]!, cwd: root, env: box.env };
    const served = await ask(box.socket(), request);
    assert.equal(served[0], '{"v":1,"accepted":true}');
    assert.equal((JSON.parse(served[1]!) as { exitCode: number }).exitCode, 1);
    for (const [name, other] of [
      ['another identity (groups, namespaces, Node, start-up variables)', { ...request, caller: callerIdentity({ ...box.env, NODE_EXTRA_CA_CERTS: '/elsewhere.pem' }) }],
      ['another cli.js', { ...request, cli: join(root, 'cli.js') }],
    ] as const) {
      assert.deepEqual(await ask(box.socket(), other), ['{"v":1,"retry":true}'], name);
    }
  } finally {
    box.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a caller that goes away ends its scan; idle time never ends a scan under way', { skip: !linux }, async () => {
  const files: Record<string, string> = {};
  // Keywords on every line (token, secret, password): slow to scan, so a whole scan takes a while.
  const body = 'const token = lookup(secretName) + other(passwordField); // api_key here\n'.repeat(100);
  for (let i = 0; i < 6000; i++) files[`d${i % 60}/f${i}.ts`] = body;
  const root = tempTree(files);
  const box = isolated();
  try {
    await run(['--format', 'json', '.'], root, box.env);
    await waitFor('the server', () => existsSync(box.socket()));
    await untilServed(['--format', 'json', '.'], root, box.env);
    // On every core and on one thread (--jobs 1; also every scan under an organization policy).
    for (const args of [['--format', 'json', '.'], ['--format', 'json', '--jobs', '1', '.']]) {
      const request = { v: 1, cli: CLI, caller: callerIdentity(box.env), args, cwd: root, env: box.env };
      // (Asked again while the server is still leaving an abandoned scan: it says retry.)
      let wholeScan = 0;
      for (let whole = 0; whole !== 2; ) {
        const started = Date.now();
        whole = (await ask(box.socket(), request)).length;
        wholeScan = Date.now() - started;
      }
      // Gone right after the server took the scan: the server is free again long before that scan would end.
      const leave = (line: string, conn: import('node:net').Socket) => line.includes('accepted') && conn.destroy();
      assert.deepEqual(await ask(box.socket(), request, leave), ['{"v":1,"accepted":true}']);
      const gone = Date.now();
      let freeAfter: number | undefined;
      while (freeAfter === undefined && Date.now() - gone < 20_000) {
        const lines = await ask(box.socket(), request, leave);
        if (lines[0] === '{"v":1,"accepted":true}') freeAfter = Date.now() - gone;
        else await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(freeAfter !== undefined && freeAfter < wholeScan * 0.75, `${args.join(' ')}: free again after ${freeAfter} ms; a whole scan takes ${wholeScan} ms`);
    }
  } finally {
    box.stop();
  }
  // A server whose idle time is shorter than its scan finishes the scan.
  const quick = isolated();
  try {
    const env = { ...quick.env, AIRLOCK_SCAN_IDLE_MS: '300' };
    const expected = await run(['--format', 'json', '.'], root, { ...env, AIRLOCK_SCAN_SERVER: 'off' });
    // Started by hand, without a warm-up: its first scan is cold, far longer than 300 ms.
    spawn(process.execPath, [CLI, 'scan-server'], { env, detached: true, stdio: 'ignore' }).unref();
    await waitFor('the server', () => existsSync(quick.socket()));
    const served = split(await run(['--format', 'json', '.'], root, env));
    if (served.log === ANSWERED) assert.deepEqual(served.result, expected);
    else assert.fail(`declined: ${served.log} (the server must not retire mid-scan)`);
  } finally {
    quick.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
