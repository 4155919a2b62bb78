// The hook server (dist/hook-engine.js --serve), as agents reach it: dist/hook.js started per
// call, the first one deciding standalone and starting the server. The server gives the same
// answers, sees a policy edit at once, and uses the caller's model variables, not its own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hookSocketPath } from '../../../extension/cli/hooks/socket';
import { readLedger } from '../../../extension/cli/provenance/ledgerFile';
import { fixtureRepo, write } from './support';

const ROOT = join(__dirname, '..', '..', '..');
const HOOK = join(ROOT, 'dist', 'hook.js');
const ENGINE = join(ROOT, 'dist', 'hook-engine.js');
const repo = fixtureRepo();

before(() => {
  if (!existsSync(HOOK)) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});
after(() => rmSync(repo, { recursive: true, force: true }));

function hook(payload: object, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [HOOK, 'hook', 'claude-code'], { cwd: repo, input: JSON.stringify(payload), encoding: 'utf8', env: { ...process.env, AIRLOCK_HOOK_IDLE_MS: '4000', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function serverAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

const readOf = (file: string) => ({ session_id: 's', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: join(repo, file) } });

test('the first call decides standalone and starts the server; later calls get the same answers from it', async () => {
  const first = hook(readOf('src/pricing.ts'));
  assert.equal(first.status, 2, first.stderr);
  const socket = hookSocketPath(ENGINE);
  assert.ok(socket, 'a private socket folder is available');
  const deadline = Date.now() + 10_000;
  while (!(await serverAnswers(socket!)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await serverAnswers(socket!), 'the hook server listens');

  const viaServer = hook(readOf('src/pricing.ts'));
  assert.equal(viaServer.status, 2);
  assert.equal(viaServer.stderr, first.stderr);
  assert.equal(hook(readOf('src/ok.ts')).status, 0);

  // A policy edit is seen at once: the marker is no longer protected.
  write(repo, '.airlock/policy.jsonc', readFileSync(join(repo, '.airlock/policy.jsonc'), 'utf8').replace('"markers": ["ACME CONFIDENTIAL"]', '"markers": ["SOMETHING ELSE"]'));
  assert.equal(hook(readOf('src/pricing.ts')).status, 0);

  // The caller's environment names the model, not the server's.
  write(repo, 'src/env.ts', 'export const e = 1;\n');
  const post = { session_id: 's', cwd: repo, hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: join(repo, 'src/env.ts'), content: 'export const e = 1;\n' }, tool_response: { type: 'create' } };
  assert.equal(hook(post, { ANTHROPIC_MODEL: 'claude-from-env-1' }).status, 0);
  const record = readLedger(repo).records.find((r) => r.type === 'contribution' && r.path === 'src/env.ts') as { model?: string } | undefined;
  assert.equal(record?.model, 'claude-from-env-1');
});

test('with the server switched off the same decision is made in-process', () => {
  const r = hook(readOf('config/creds.txt'), { AIRLOCK_HOOK_DAEMON: 'off' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /aws-access-key-id/);
});

test('an agent that never closes stdin gets a refusal before its own hook timeout, not a hang', async () => {
  const { spawn } = await import('node:child_process');
  const started = Date.now();
  const child = spawn(process.execPath, [HOOK, 'hook', 'copilot-cli', 'preToolUse'], { cwd: repo, env: { ...process.env, AIRLOCK_HOOK_TIMEOUT_MS: '500', AIRLOCK_HOOK_DAEMON: 'off' } });
  child.stdin.write('{"toolName":"view",');
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  child.stdin.destroy();
  assert.equal(code, 2);
  assert.equal(JSON.parse(stdout).permissionDecision, 'deny');
  assert.ok(Date.now() - started < 10_000);
});
