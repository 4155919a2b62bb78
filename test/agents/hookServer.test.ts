// The real Claude Code and Copilot CLI with Airlock's installed hooks answered by the hook
// server through the launcher's curl, no Node started per tool call: a protected read through
// the read tool and through `cat` refused with the policy's reason, an allowed write recorded
// with the model, and the session goes on. (test/agents/hooks.test.ts runs the same agents through the full
// CLI standalone; this file is the fast path.) A dist/hook.js that leaves a mark proves no hook
// call fell back to Node.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cksum } from '../../extension/cli/hooks/socket';
import { claude, copilot, type AgentClient } from './clients';
import { ensureInstalled } from './environment';
import { startFake } from './fakes/server';
import { steps, text, tool } from './fakes/script';
import { cliPath, makeWorkdir, runAgent } from './runner';

const ROOT = join(__dirname, '..', '..');
const HOOK = join(ROOT, 'dist', 'hook.js');
const ENGINE = join(ROOT, 'dist', 'hook-engine.js');
const PROTECTED_CODE = 'acmeVolumeFactor'; // only in test/agents/project/src/pricing.ts
const REPLY = 'Understood, moving on.';
const POLICY = `{
  "extends": ["airlock:secrets"],
  "protected": { "markers": ["PROPRIETARY AND CONFIDENTIAL"] },
  "egress": [{ "id": "hook-server-protected", "when": { "protected": true }, "action": "block", "message": "Protected code stays here." }]
}
`;

const cleanup: string[] = [];

/** Copilot CLI loads .github/hooks only in a folder the person trusted (config.json trusted_folders). */
const copilotTrustingFolder: AgentClient = {
  ...copilot,
  prepare(opts) {
    const p = copilot.prepare(opts);
    writeFileSync(join(p.env.COPILOT_HOME!, 'config.json'), JSON.stringify({ trusted_folders: [opts.workdir] }));
    return p;
  },
};

// Claude Code reads the answer from the exit code and stderr; Copilot CLI from JSON on stdout,
// and its hooks get the model only from COPILOT_MODEL (forwarded to the server as a header).
const AGENTS = [
  { client: claude, install: 'claude-code', v1: false },
  { client: copilotTrustingFolder, install: 'copilot-cli', v1: true },
];

before(() => {
  for (const { client } of AGENTS) ensureInstalled(client.name);
});
after(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

function listening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

for (const { client, install: agent, v1 } of AGENTS) test(`${client.name}: hooks answered by the hook server through curl — protected reads refused, a write recorded with its model, the session goes on`, { skip: process.platform === 'win32' }, async () => {
  const workdir = makeWorkdir({ '.airlock/policy.jsonc': POLICY });
  const install = spawnSync(process.execPath, [cliPath(), 'agents', 'install', agent], { cwd: workdir, encoding: 'utf8' });
  assert.equal(install.status, 0, install.stderr);
  // The agent's HOME (and so its TMPDIR, where the launcher looks for the socket) is ours to set up.
  const home = mkdtempSync(join(tmpdir(), 'airlock-agent-home-claude-server-'));
  cleanup.push(home);
  // The launcher finds the slim client through the machine-local pointer: a copy of this build's
  // dist that leaves a mark whenever Node runs a hook (the launcher's fallback), and whose engine
  // is this build's (a symlink, so the server sees the engine it runs).
  // (Outside HOME, which runAgent removes after the run.)
  const own = mkdtempSync(join(tmpdir(), 'airlock-hook-server-dist-'));
  cleanup.push(own);
  const dist = join(own, 'dist');
  const mark = join(own, 'node-hook-ran');
  mkdirSync(dist);
  writeFileSync(join(dist, 'hook.js'), `require('node:fs').writeFileSync(${JSON.stringify(mark)}, '');\nrequire(${JSON.stringify(HOOK)});\n`);
  symlinkSync(ENGINE, join(dist, 'hook-engine.js'));
  mkdirSync(join(workdir, '.airlock/local'), { recursive: true });
  writeFileSync(join(workdir, '.airlock/local/cli-path'), join(dist, 'hook.js'));

  const tmp = join(home, 'tmp');
  const socket = join(tmp, `airlock-${process.getuid!()}`, `hook-${cksum(Buffer.from(`${join(dist, 'hook-engine.js')}\n`, 'utf8'))}.sock`);
  mkdirSync(tmp, { recursive: true });
  const server = spawn(process.execPath, [ENGINE, '--serve'], { env: { ...process.env, TMPDIR: tmp, AIRLOCK_HOOK_SOCKET: socket, AIRLOCK_HOOK_IDLE_MS: '120000' }, stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (!(await listening(socket)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await listening(socket), 'the hook server listens where the launcher looks');

  const fake = await startFake();
  try {
    const read = client.read(join(workdir, 'src/pricing.ts'), 'src/pricing.ts');
    const cat = client.shell('cat src/pricing.ts', workdir);
    const write = client.write!(join(workdir, 'src/discount.ts'), 'export const discount = (c: number) => Math.round(c * 0.9);\n');
    fake.script = steps([tool(read.name, read.input), tool(cat.name, cat.input), tool(write.name, write.input), text(REPLY)], text('Pricing'));
    const r = await runAgent(client, { prompt: 'What does the pricing code do? Then add a discount helper.', wiring: { baseUrl: v1 ? `${fake.url}/v1` : fake.url }, workdir, timeoutMs: 90_000, home });
    const shown = `exit ${r.code} after ${r.ms} ms\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;
    const sent = fake.modelRequests().map((q) => q.body.toString('utf8'));
    assert.ok(sent.every((b) => !b.includes(PROTECTED_CODE)), `the protected code never reached the model\n${shown}`);
    // Both refusals (the read tool's and the shell's) are in the conversation, with the policy's reason.
    assert.ok(sent.some((b) => b.split('Protected code stays here').length > 2), `the model was told why, twice\n${shown}`);
    assert.ok(existsSync(join(workdir, 'src/discount.ts')), `the allowed write happened\n${shown}`);
    const ledger = readFileSync(join(workdir, '.airlock/ledger/ledger.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; path?: string; tool?: string; model?: string });
    const record = ledger.find((x) => x.type === 'contribution' && x.path === 'src/discount.ts');
    assert.ok(record?.model, `the write was recorded with its model\n${JSON.stringify(ledger)}`);
    assert.ok(`${r.stdout}${r.stderr}`.includes(REPLY), `the session went on\n${shown}`);
    assert.ok(!existsSync(mark), 'no hook call started Node: the server answered every one through curl');
  } finally {
    await fake.close();
    if (server.exitCode === null && server.signalCode === null) server.kill();
  }
});
