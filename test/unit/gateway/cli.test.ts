// The built CLI: `airlock gateway …` prints its URLs as the first stdout line, forwards through
// the policy, writes the audit log, and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream } from '../../support/fakeUpstream';
import { GATEWAY_TEST_POLICY } from './support/policy';

const root = join(__dirname, '..', '..', '..');
const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';

test('airlock gateway (built CLI) prints its URLs first and enforces the policy', { timeout: 60_000 }, async () => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'airlock-gateway-cli-'));
  const upstream = await startFakeUpstream();
  const policyFile = join(dir, 'policy.jsonc');
  writeFileSync(policyFile, GATEWAY_TEST_POLICY);
  const auditFile = join(dir, 'audit.jsonl');
  const child = spawn(
    process.execPath,
    ['dist/cli.js', 'gateway', '--policy', policyFile, '--upstream', `openai=${upstream.url}/v1`, '--upstream', `anthropic=${upstream.url}`, '--upstream', `ollama=${upstream.url}`, '--audit', auditFile],
    { cwd: root, env: { ...process.env, AIRLOCK_STATE_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const lines = createInterface({ input: child.stdout });
    const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
    assert.ok(first, `no first line; stderr: ${stderr}`);
    const urls = JSON.parse(first) as { port: number; openai: string; anthropic: string; ollama: string };
    assert.equal(urls.openai, `http://127.0.0.1:${urls.port}/openai/v1`);
    assert.equal(urls.anthropic, `http://127.0.0.1:${urls.port}/anthropic`);
    assert.equal(urls.ollama, `http://127.0.0.1:${urls.port}/ollama`);

    const openai = new OpenAI({ baseURL: urls.openai, apiKey: 'sk-cli-test', maxRetries: 0 });
    await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `key ${SECRET}` }] });
    assert.ok(!upstream.requests[0]!.body.toString('utf8').includes(SECRET));
    await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: '<file path="src/a.ts">\nexport const a = 1;\n</file>' }] }), /no-protected-code-anywhere/);
    assert.equal(upstream.requests.length, 1);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    const records = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; matchHashes: string[] });
    assert.deepEqual(records.map((r) => r.action), ['redact', 'block']);
    assert.match(records[0]!.matchHashes[0]!, /^[0-9a-f]{64}$/);
    const everything = readFileSync(auditFile, 'utf8') + stderr;
    assert.ok(!everything.includes(SECRET));
    assert.ok(!everything.includes('sk-cli-test'));
    assert.ok(!everything.includes('export const a'));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts the built CLI gateway; resolves with its URLs once the first stdout line is out. */
async function startCliGateway(args: string[], env: NodeJS.ProcessEnv): Promise<{ urls: { openai: string }; stop: () => Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, ['dist/cli.js', 'gateway', ...args], { cwd: root, env: { ...process.env, AIRLOCK_ORG_POLICY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
  if (!first) throw new Error(`gateway did not start: ${stderr}`);
  return {
    urls: JSON.parse(first) as { openai: string },
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

test('airlock gateway loads the organization layer from --org-policy or AIRLOCK_ORG_POLICY', { timeout: 60_000 }, async () => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'airlock-gateway-org-'));
  const upstream = await startFakeUpstream();
  const org = join(dir, 'org.jsonc');
  writeFileSync(org, JSON.stringify({ protected: { markers: ['ORGCODENAME'] }, egress: [{ id: 'org-codename', when: { protected: true }, action: 'block', message: 'The organization code name stays inside.' }] }));
  const common = ['--policy', 'airlock:secrets', '--upstream', `openai=${upstream.url}/v1`];
  try {
    for (const [label, args, env] of [
      ['--org-policy', [...common, '--org-policy', org], {}],
      ['AIRLOCK_ORG_POLICY', common, { AIRLOCK_ORG_POLICY: org }],
    ] as const) {
      const gw = await startCliGateway([...args], { AIRLOCK_STATE_DIR: dir, ...env });
      try {
        const openai = new OpenAI({ baseURL: gw.urls.openai, apiKey: 'k', maxRetries: 0 });
        const error = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'the ORGCODENAME launch plan' }] }).then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof OpenAI.APIError, `${label}: ${String(error)}`);
        assert.equal(error.status, 400);
        assert.match(error.message, /org-codename/);
        assert.match(gw.stderr(), /policy layers organization > workspace/);
      } finally {
        assert.equal(await gw.stop(), 0);
      }
    }
    assert.equal(upstream.requests.length, 0);
    // Without the organization layer the workspace policy alone allows it.
    const plain = await startCliGateway(common, { AIRLOCK_STATE_DIR: dir });
    try {
      await new OpenAI({ baseURL: plain.urls.openai, apiKey: 'k', maxRetries: 0 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'the ORGCODENAME launch plan' }] });
      assert.equal(upstream.requests.length, 1);
    } finally {
      await plain.stop();
    }
  } finally {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('airlock gateway refuses to start on an invalid policy', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-gateway-cli-'));
  try {
    writeFileSync(join(dir, 'bad.jsonc'), '{ "egress": 42 }');
    const { runCli } = await import('../../../extension/cli/run');
    let err = '';
    const sink = (write: (s: string) => void) => ({ write: (s: string) => (write(s), true) }) as unknown as NodeJS.WritableStream;
    const code = await runCli(['gateway', '--policy', join(dir, 'bad.jsonc')], { stdout: sink(() => undefined), stderr: sink((s) => (err += s)), stdin: process.stdin, cwd: dir });
    assert.equal(code, 1);
    assert.match(err, /not starting/);
    // An organization layer that does not load fails closed too (flag or environment).
    for (const [args, env] of [[['--org-policy', join(dir, 'bad.jsonc')], {}], [[], { AIRLOCK_ORG_POLICY: join(dir, 'bad.jsonc') }]] as const) {
      let orgErr = '';
      const orgCode = await runCli(['gateway', '--policy', 'airlock:secrets', ...args], { stdout: sink(() => undefined), stderr: sink((s) => (orgErr += s)), stdin: process.stdin, cwd: dir, env });
      assert.equal(orgCode, 1, orgErr);
      assert.match(orgErr, /bad\.jsonc.*not starting/s);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
