// The launcher's own road to the hook server: `sh .airlock/bin/airlock-hook <agent>` asks the
// running server with curl on its private unix socket and no Node starts. Proved here: the
// socket name sh computes is the one Node computes; the answers are byte for byte the
// standalone ones (stdout JSON, stderr reasons, any UTF-8); the caller's cwd and model
// variables are used; and every way it can go wrong either lets Node decide with the payload
// intact (no curl, nothing listening, the server's "retry") or refuses in the agent's format
// (a hung server, a foreign protocol) — never an allow. Each test has its own TMPDIR, so its
// socket folder (and any server it starts) is its own.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LAUNCHER_PATH, LAUNCHER_SCRIPT } from '../../../extension/cli/hooks/launcher';
import { cksum, decodeAnswer, encodeAnswer, encodeRetry, escapeForPrintfB, unescapePrintfB } from '../../../extension/cli/hooks/socket';
import { readLedger } from '../../../extension/cli/provenance/ledgerFile';
import { fixtureRepo, write } from './support';

const ROOT = join(__dirname, '..', '..', '..');
const HOOK = join(ROOT, 'dist', 'hook.js');
const ENGINE = join(ROOT, 'dist', 'hook-engine.js');
const cleanup: string[] = [];
const repo = fixtureRepo();
cleanup.push(repo);
const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;

before(() => {
  if (!existsSync(HOOK)) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  write(repo, LAUNCHER_PATH, LAUNCHER_SCRIPT);
});
after(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

function freshTmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'airlock-launcher-'));
  cleanup.push(d);
  return d;
}

/** The socket the launcher computes for this build's engine under `tmp` (what `cksum` gives in sh). */
function socketIn(tmp: string): string {
  const dir = join(tmp, `airlock-${uid ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, `hook-${cksum(Buffer.from(`${ENGINE}\n`, 'utf8'))}.sock`);
}

/** A node that leaves a mark, so a test knows whether the launcher started Node. */
function markingNode(tmp: string): { node: string; ran: () => boolean } {
  const mark = join(tmp, 'node-ran');
  const node = join(tmp, 'node');
  writeFileSync(node, `#!/bin/sh\n: > '${mark}'\nexec '${process.execPath}' "$@"\n`);
  chmodSync(node, 0o755);
  return { node, ran: () => existsSync(mark) && (rmSync(mark), true) };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the launcher as an agent does (asynchronously: the stand-in servers live in this process). */
function launch(tmp: string, args: string[], input: string | Buffer, env: Record<string, string> = {}, cwd = repo): Promise<Run> {
  const started = Date.now();
  const child = spawn('/bin/sh', [join(repo, LAUNCHER_PATH), ...args], {
    cwd,
    env: { PATH: process.env.PATH!, HOME: tmp, TMPDIR: tmp, AIRLOCK_CLI: HOOK, AIRLOCK_NODE: process.execPath, AIRLOCK_HOOK_IDLE_MS: '5000', AIRLOCK_STATE_DIR: process.env.AIRLOCK_STATE_DIR!, ...env },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started }));
  });
}

function standalone(args: string[], input: string | Buffer, cwd = repo): Run {
  const r = spawnSync(process.execPath, [HOOK, 'hook', ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, AIRLOCK_HOOK_DAEMON: 'off' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: 0 };
}

function listening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/** Starts the real server the way agents do (a first launcher call) and waits until it listens. */
async function realServer(tmp: string): Promise<string> {
  const socket = socketIn(tmp);
  await launch(tmp, ['claude-code'], JSON.stringify(readOf('src/ok.ts')));
  const deadline = Date.now() + 15_000;
  while (!(await listening(socket)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await listening(socket), 'the first call started the hook server where the launcher looks');
  return socket;
}

/** A stand-in server on the launcher's socket: answers with `respond` (or never, when it returns undefined). */
function fakeServer(socket: string, respond: (body: Buffer, client: string) => string | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = respond(Buffer.concat(chunks), String(req.headers['user-agent'] ?? ''));
      if (body !== undefined) res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

const readOf = (file: string) => ({ session_id: 's', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: join(repo, file) } });

test('the socket name sh computes (POSIX cksum) is the one Node computes', { skip: process.platform === 'win32' }, () => {
  for (const text of ['', 'a', `${ENGINE}\n`, `${ENGINE}\nhttps://policy.acme.example/org.jsonc`, 'é中文\\%s'.repeat(300)]) {
    const r = spawnSync('cksum', { input: Buffer.from(text, 'utf8'), encoding: 'utf8' });
    const [crc, len] = r.stdout.trim().split(/\s+/);
    assert.equal(cksum(Buffer.from(text, 'utf8')), `${crc}-${len}`);
  }
});

test("answers escaped for printf '%b' come back byte for byte, in dash and in bash", () => {
  const samples = ['', 'plain', 'line\nbreaks\r\n\ttab', 'back\\slash \\c \\0101 %s %b %%', 'UTF-8: é 中文 🚀', '\u0001\u007f trailing newlines\n\n'];
  for (const text of samples) {
    assert.equal(unescapePrintfB(escapeForPrintfB(text)), text);
    assert.doesNotMatch(escapeForPrintfB(text), /[^\x20-\x7e]/);
    for (const shell of ['sh', 'bash']) {
      const r = spawnSync(shell, ['-c', 'printf "%b" "$1"', 'sh', escapeForPrintfB(text)]);
      if (r.error) continue; // that shell is not installed
      assert.deepEqual(r.stdout, Buffer.from(text, 'utf8'), `${shell}: ${JSON.stringify(text)}`);
    }
  }
  assert.deepEqual(decodeAnswer(encodeAnswer({ exitCode: 2, stdout: '{"a":"é"}\n', stderr: 'no\n' })), { exitCode: 2, stdout: '{"a":"é"}\n', stderr: 'no\n' });
  assert.equal(decodeAnswer(encodeRetry('{"x":1}\n')), 'retry');
  assert.equal(decodeAnswer('{"exitCode":0}\n'), undefined, 'the old JSON-line answer is not an answer');
  assert.equal(decodeAnswer('airlock-hook/1 0\n\n'), undefined, 'a cut-off answer is not an answer');
});

test('with the server running the launcher answers without Node, byte for byte the standalone answers', { skip: process.platform === 'win32' }, async () => {
  const tmp = freshTmp();
  await realServer(tmp);
  const noNode = { AIRLOCK_NODE: join(tmp, 'no-such-node') };
  const cases: [string[], object | string][] = [
    [['claude-code'], readOf('src/pricing.ts')],
    [['claude-code'], readOf('src/ok.ts')],
    [['claude-code'], readOf('innocent.txt')],
    [['claude-code'], { session_id: 's', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'cat src/pricing.ts # é 中文 \\ %s \\c' } }],
    [['claude-code'], { session_id: 's', cwd: repo, hook_event_name: 'UserPromptSubmit', prompt: 'héllo aws_access_key_id = AKIAZ7K2QW5RT6YX3VB4' }],
    [['claude-code'], 'not json at all\n'],
    [['copilot-cli', 'preToolUse'], { cwd: repo, toolName: 'view', toolArgs: JSON.stringify({ path: 'src/pricing.ts' }) }],
    [['cursor', 'beforeReadFile'], { cwd: repo, hook_event_name: 'beforeReadFile', file_path: join(repo, 'config/creds.txt'), content: readFileSync(join(repo, 'config/creds.txt'), 'utf8') }],
    [['cursor', 'beforeSubmitPrompt'], { hook_event_name: 'beforeSubmitPrompt', prompt: 'hi ☃' }],
    [['gemini'], { cwd: repo, hook_event_name: 'BeforeTool', tool_name: 'read_file', tool_input: { absolute_path: join(repo, 'src/pricing.ts') } }],
    [['no-such-agent'], {}],
  ];
  for (const [args, payload] of cases) {
    const input = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const fast = await launch(tmp, args, input, noNode);
    const alone = standalone(args, input);
    assert.doesNotMatch(fast.stderr, /node is not on PATH/, 'answered by the server, not by Node');
    assert.deepEqual({ status: fast.status, stdout: fast.stdout, stderr: fast.stderr }, { status: alone.status, stdout: alone.stdout, stderr: alone.stderr }, `${args.join(' ')} ${input.slice(0, 80)}`);
  }
  // The protected read is refused; the copilot-cli refusal is its JSON.
  assert.equal((await launch(tmp, ['claude-code'], JSON.stringify(readOf('src/pricing.ts')), noNode)).status, 2);
  assert.equal(JSON.parse((await launch(tmp, ['copilot-cli', 'preToolUse'], JSON.stringify(cases[6]![1]), noNode)).stdout).permissionDecision, 'deny');
});

test("through the server the caller's folder and model variables decide, not the server's", { skip: process.platform === 'win32' }, async () => {
  const tmp = freshTmp();
  await realServer(tmp);
  const noNode = { AIRLOCK_NODE: join(tmp, 'no-such-node') };
  // A payload without cwd: the launcher's physical working folder is the workspace (through a symlink too).
  const link = join(tmp, 'checkout-link');
  symlinkSync(repo, link);
  const bare = { session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'cat src/pricing.ts' } };
  assert.equal((await launch(tmp, ['claude-code'], JSON.stringify(bare), noNode, link)).status, 2);
  assert.equal((await launch(tmp, ['claude-code'], JSON.stringify({ ...bare, tool_input: { command: 'cat src/ok.ts' } }), noNode, join(repo, 'src'))).status, 0);
  // The model of the calling agent's environment is recorded.
  write(repo, 'src/env-launcher.ts', 'export const e = 2;\n');
  const post = { session_id: 's', cwd: repo, hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: join(repo, 'src/env-launcher.ts'), content: 'export const e = 2;\n' }, tool_response: { type: 'create' } };
  assert.equal((await launch(tmp, ['claude-code'], JSON.stringify(post), { ...noNode, ANTHROPIC_MODEL: 'claude-via-launcher-1' })).status, 0);
  const record = readLedger(repo).records.find((r) => r.type === 'contribution' && r.path === 'src/env-launcher.ts') as { model?: string } | undefined;
  assert.equal(record?.model, 'claude-via-launcher-1');
});

test('a hung server is refused within the time limit, in the agent format; a foreign protocol is refused', { skip: process.platform === 'win32' }, async () => {
  const tmp = freshTmp();
  const socket = socketIn(tmp);
  const copilot = JSON.stringify({ cwd: repo, toolName: 'view', toolArgs: '{"path":"src/ok.ts"}' });
  let server = await fakeServer(socket, () => undefined);
  try {
    const hung = await launch(tmp, ['copilot-cli', 'preToolUse'], copilot, { AIRLOCK_HOOK_TIMEOUT_MS: '500' });
    assert.equal(hung.status, 2, hung.stderr);
    assert.equal(JSON.parse(hung.stdout).permissionDecision, 'deny');
    assert.match(hung.stderr, /did not answer in time/);
    assert.ok(hung.ms < 8_000, `refused after ${hung.ms} ms`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  // An allow-looking answer in any other shape (the old JSON protocol, plain text) is no answer.
  for (const answer of ['{"exitCode":0}\n', 'allow\n', 'airlock-hook/1 0\n\n']) {
    server = await fakeServer(socket, () => answer);
    try {
      const r = await launch(tmp, ['claude-code'], JSON.stringify(readOf('src/ok.ts')));
      assert.equal(r.status, 2, `${JSON.stringify(answer)}: ${r.stderr}`);
      assert.match(r.stderr, /does not understand/);
    } finally {
      server.close();
    }
  }
});

test('a large answer (a rewritten model request) comes through whole and without a quadratic parse', { skip: process.platform === 'win32' }, async () => {
  const tmp = freshTmp();
  const socket = socketIn(tmp);
  const stdout = `${JSON.stringify({ hookSpecificOutput: { llm_request: { messages: [{ role: 'user', content: 'é 中文 \\ %s '.repeat(100_000) }] } } })}\n`;
  const server = await fakeServer(socket, () => encodeAnswer({ exitCode: 0, stdout, stderr: 'Airlock redacted 1 secret.\n' }));
  try {
    const r = await launch(tmp, ['gemini'], JSON.stringify({ hook_event_name: 'BeforeModel' }));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'Airlock redacted 1 secret.\n');
    assert.ok(r.stdout === stdout, `stdout of ${Buffer.byteLength(r.stdout)} bytes, expected ${Buffer.byteLength(stdout)}`);
    // Quadratic would be minutes here; linear is well under a second.
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  } finally {
    server.close();
  }
});

test('Node decides, with the payload intact, when curl is missing, nothing listens, or the server says retry', { skip: process.platform === 'win32' }, async () => {
  const payload = JSON.stringify(readOf('src/pricing.ts'));
  const refusedAlone = standalone(['claude-code'], payload);
  assert.equal(refusedAlone.status, 2);
  // Each case in its own socket folder: the Node that decides starts a real server there.
  const setup = () => {
    const tmp = freshTmp();
    return { tmp, socket: socketIn(tmp), ...markingNode(tmp) };
  };

  // A socket file nothing listens on (a crashed server): curl cannot connect, stdin is untouched.
  {
    const { tmp, socket, node, ran } = setup();
    writeFileSync(join(tmp, 'stale.js'), `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.exit(0));`);
    spawnSync(process.execPath, [join(tmp, 'stale.js')]);
    assert.ok(existsSync(socket), 'a stale socket file');
    const stale = await launch(tmp, ['claude-code'], payload, { AIRLOCK_NODE: node });
    assert.deepEqual({ status: stale.status, stderr: stale.stderr }, { status: refusedAlone.status, stderr: refusedAlone.stderr });
    assert.ok(ran(), 'Node decided');
  }

  // The server hands the payload back (its engine changed): Node decides on exactly those bytes.
  {
    const { tmp, socket, node, ran } = setup();
    let seen: Buffer | undefined;
    const server = await fakeServer(socket, (body) => ((seen = body), encodeRetry(body.toString('utf8'))));
    try {
      const r = await launch(tmp, ['claude-code'], payload, { AIRLOCK_NODE: node });
      assert.deepEqual({ status: r.status, stderr: r.stderr }, { status: refusedAlone.status, stderr: refusedAlone.stderr });
      assert.ok(ran(), 'Node decided');
      assert.equal(seen?.toString('utf8'), payload, 'the server got the payload byte for byte');
    } finally {
      server.close();
    }
  }

  // No curl on PATH: the launcher starts Node even though a server (that would allow) listens.
  {
    const { tmp, socket, node, ran } = setup();
    const clients: string[] = [];
    const server = await fakeServer(socket, (_body, client) => (clients.push(client), encodeAnswer({ exitCode: 0 })));
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    for (const tool of ['cat', 'cksum', 'dirname', 'grep', 'id', 'timeout']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (found) symlinkSync(found, join(bin, tool));
    }
    try {
      const noCurl = await launch(tmp, ['claude-code'], payload, { PATH: bin, AIRLOCK_NODE: node });
      assert.equal(noCurl.status, 0, 'dist/hook.js asked the same server');
      assert.ok(ran(), 'Node decided');
      assert.ok(clients.length === 1 && !clients[0]!.startsWith('curl/'), clients.join(', '));
    } finally {
      server.close();
    }
  }
});

test("the launcher asks no server in a folder that is not the user's own", { skip: process.platform === 'win32' || uid === undefined }, async () => {
  // A symlinked socket folder (someone else's, in a shared /tmp) holding an allow-everything server.
  const tmp = freshTmp();
  const elsewhere = join(tmp, 'elsewhere');
  mkdirSync(elsewhere, { mode: 0o700 });
  symlinkSync(elsewhere, join(tmp, `airlock-${uid}`));
  const rogue = join(elsewhere, `hook-${cksum(Buffer.from(`${ENGINE}\n`, 'utf8'))}.sock`);
  const server = await fakeServer(rogue, () => encodeAnswer({ exitCode: 0 }));
  try {
    const r = await launch(tmp, ['claude-code'], JSON.stringify(readOf('src/pricing.ts')));
    assert.equal(r.status, 2, 'the rogue allow was not asked');
  } finally {
    server.close();
  }
  // A socket owned by another user in the user's own folder (only root can set this up here).
  if (uid !== 0) return;
  const tmp2 = freshTmp();
  const socket = socketIn(tmp2);
  const clients: string[] = [];
  const other = await fakeServer(socket, (_body, client) => (clients.push(client), encodeAnswer({ exitCode: 0 })));
  try {
    chownSync(socket, 65534, 65534);
    await launch(tmp2, ['claude-code'], JSON.stringify(readOf('src/pricing.ts')));
    // dist/hook.js trusts the private folder alone (only root can put a stranger's socket in it); the launcher checks the socket too.
    assert.ok(!clients.some((c) => c.startsWith('curl/')), `curl asked it: ${clients.join(', ')}`);
  } finally {
    other.close();
  }
});

test('agents check reports a launcher that differs from the generated one', () => {
  const root = fixtureRepo();
  cleanup.push(root);
  const cli = join(ROOT, 'dist', 'cli.js');
  assert.equal(spawnSync(process.execPath, [cli, 'agents', 'install', 'claude-code'], { cwd: root, encoding: 'utf8' }).status, 0);
  assert.equal(readFileSync(join(root, LAUNCHER_PATH), 'utf8'), LAUNCHER_SCRIPT);
  assert.equal(spawnSync(process.execPath, [cli, 'agents', 'check'], { cwd: root, encoding: 'utf8' }).status, 0);
  write(root, LAUNCHER_PATH, LAUNCHER_SCRIPT.replace('-q -s -g', '-s -g'));
  const drifted = spawnSync(process.execPath, [cli, 'agents', 'check'], { cwd: root, encoding: 'utf8' });
  assert.equal(drifted.status, 1);
  assert.match(drifted.stderr, /airlock-hook/);
});
