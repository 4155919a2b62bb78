// Proxy mode from the command line: `airlock gateway --resolve … --upstream-ca …` as an HTTPS proxy
// for the official OpenAI SDK, `airlock env`, `airlock ca path|bundle|install`, and the policy's
// `proxy` section across layers.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import OpenAI from 'openai';
import { runCli } from '../../../extension/cli/run';
import { trustPlan } from '../../../extension/cli/caTrust';
import { parseGatewayArgs } from '../../../extension/cli/gatewayArgs';
import { loadLayeredPolicy } from '../../../extension/core/policy';
import { proxySettingsFor } from '../../../extension/gateway/proxy/wiring';
import { proxyMode } from '../../../extension/gateway/proxy/connect';
import { startFakeUpstream } from '../../support/fakeUpstream';
import { GATEWAY_TEST_POLICY, readPolicyRef } from './support/policy';
import { fakePublicCa, proxiedFetch } from './support/tls';

const root = join(__dirname, '..', '..', '..');
const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';

async function cli(args: string[], env: Record<string, string>, cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    const code = await runCli(args, { stdout, stderr, stdin: new PassThrough(), cwd });
    return { code, stdout: out, stderr: err };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('gateway arguments: --resolve (both spellings), --upstream-ca, --upstream-proxy, --no-upstream-proxy', () => {
  const args = parseGatewayArgs(['--resolve', 'api.openai.com=127.0.0.1:8443', '--resolve=chatgpt.com:443:127.0.0.2', '--upstream-ca', 'a.pem', '--upstream-proxy', 'http://proxy.corp:3128']);
  assert.deepEqual(args.resolve, { 'api.openai.com': { host: '127.0.0.1', port: 8443 }, 'chatgpt.com': { host: '127.0.0.2', port: 443 } });
  assert.deepEqual(args.upstreamCa, ['a.pem']);
  assert.equal(args.upstreamProxy, 'http://proxy.corp:3128');
  assert.equal(parseGatewayArgs(['--no-upstream-proxy']).upstreamProxy, false);
  assert.throws(() => parseGatewayArgs(['--resolve', 'api.openai.com']), /HOST=ADDR:PORT/);
  assert.throws(() => parseGatewayArgs(['--upstream-proxy', 'https://x']), /http:\/\//);
});

test('airlock gateway (built CLI) is an HTTPS proxy: --resolve and --upstream-ca reach a fake api.openai.com; airlock env points at it', { timeout: 60_000 }, async () => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'airlock-proxy-cli-'));
  const publicCa = fakePublicCa();
  const upstream = await startFakeUpstream({ tls: publicCa.leaf('api.openai.com') });
  writeFileSync(join(dir, 'policy.jsonc'), GATEWAY_TEST_POLICY);
  writeFileSync(join(dir, 'public-ca.pem'), publicCa.certPem);
  const auditFile = join(dir, 'audit.jsonl');
  const env = { ...process.env, AIRLOCK_STATE_DIR: join(dir, 'state'), HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '' };
  const child = spawn(
    process.execPath,
    ['dist/cli.js', 'gateway', '--policy', join(dir, 'policy.jsonc'), '--audit', auditFile, '--resolve', `api.openai.com=127.0.0.1:${new URL(upstream.url).port}`, '--upstream-ca', join(dir, 'public-ca.pem')],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const lines = createInterface({ input: child.stdout });
    const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
    assert.ok(first, `no first line; stderr: ${stderr}`);
    const info = JSON.parse(first) as { port: number; proxy: string; gemini: string };
    assert.equal(info.proxy, `http://127.0.0.1:${info.port}`);
    assert.equal(info.gemini, `http://127.0.0.1:${info.port}/gemini`);

    // `airlock env` finds the running gateway and creates the CA and the bundle.
    const printed = spawnSync(process.execPath, ['dist/cli.js', 'env'], { cwd: root, env, encoding: 'utf8' });
    assert.equal(printed.status, 0, printed.stderr);
    const vars = Object.fromEntries([...printed.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
    assert.equal(vars['HTTPS_PROXY'], info.proxy);
    assert.equal(vars['NO_PROXY'], 'localhost,127.0.0.1,::1');
    assert.equal(vars['GOOGLE_GEMINI_BASE_URL'], info.gemini);
    const caPem = readFileSync(vars['NODE_EXTRA_CA_CERTS']!, 'utf8');
    const bundle = readFileSync(vars['SSL_CERT_FILE']!, 'utf8');
    assert.equal(vars['REQUESTS_CA_BUNDLE'], vars['SSL_CERT_FILE']);
    assert.ok(bundle.includes(caPem.trim()));
    assert.ok((bundle.match(/BEGIN CERTIFICATE/g) ?? []).length > 50, 'the bundle keeps the system roots');

    const proxied = proxiedFetch(info.port, caPem);
    try {
      const openai = new OpenAI({ apiKey: 'sk-cli-proxy', maxRetries: 0, fetch: proxied.fetch });
      await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `key ${SECRET}` }] });
      assert.equal(upstream.requests[0]?.headers['host'], 'api.openai.com');
      assert.ok(!upstream.requests[0]!.body.toString('utf8').includes(SECRET));
    } finally {
      await proxied.close();
    }

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    const records = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dialect: string; action: string; proxy?: string; destination: string });
    assert.deepEqual(records.map((r) => [r.dialect, r.proxy ?? r.action]), [['connect', 'inspect'], ['openai-chat', 'redact']]);
    assert.match(stderr, /CONNECT api\.openai\.com:443 inspect/);
    assert.ok(!(readFileSync(auditFile, 'utf8') + stderr).includes(SECRET));
    // The gateway removed its state file on the way out.
    assert.throws(() => statSync(join(dir, 'state', 'gateway.json')));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('airlock ca path creates the CA once (key 0600); bundle --out writes roots + CA; install without --yes only prints the plan', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-ca-cli-'));
  try {
    const env = { AIRLOCK_STATE_DIR: dir };
    const first = await cli(['ca', 'path'], env);
    assert.equal(first.code, 0, first.stderr);
    const certPath = first.stdout.trim();
    assert.equal(certPath, join(dir, 'ca', 'airlock-ca.pem'));
    if (process.platform !== 'win32') assert.equal(statSync(join(dir, 'ca', 'airlock-ca-key.pem')).mode & 0o777, 0o600);
    const cert = readFileSync(certPath, 'utf8');
    assert.equal((await cli(['ca', 'path'], env)).stdout.trim(), certPath);
    assert.equal(readFileSync(certPath, 'utf8'), cert, 'the CA is not recreated');

    const out = join(dir, 'bundle.pem');
    const bundle = await cli(['ca', 'bundle', '--out', out], env);
    assert.equal(bundle.code, 0, bundle.stderr);
    const text = readFileSync(out, 'utf8');
    assert.ok(text.endsWith(`${cert.trim()}\n`));
    assert.ok((text.match(/BEGIN CERTIFICATE/g) ?? []).length > 50);
    assert.ok(!text.includes('PRIVATE KEY'));

    const install = await cli(['ca', 'install'], env);
    assert.equal(install.code, process.platform === 'linux' && /no supported/.test(install.stdout) ? 1 : 0, install.stdout + install.stderr);
    assert.match(install.stdout, /Nothing was changed|no supported trust store/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trust plans name exactly what they change on each platform', () => {
  const deb = trustPlan('install', 'linux', '/s/ca.pem', 'Airlock local CA x', (p) => p === '/usr/sbin/update-ca-certificates');
  assert.deepEqual(deb.steps.map((s) => s.argv), [['install', '-m', '0644', '/s/ca.pem', '/usr/local/share/ca-certificates/airlock-local-ca.crt'], ['update-ca-certificates']]);
  const p11 = trustPlan('uninstall', 'linux', '/s/ca.pem', 'X', (p) => p === '/usr/bin/trust');
  assert.deepEqual(p11.steps.map((s) => s.argv), [['trust', 'anchor', '--remove', '/s/ca.pem']]);
  assert.equal(trustPlan('install', 'darwin', '/s/ca.pem', 'X').steps[0]?.argv.slice(0, 4).join(' '), 'security add-trusted-cert -r trustRoot');
  assert.deepEqual(trustPlan('uninstall', 'win32', '/s/ca.pem', 'Airlock local CA x').steps[0]?.argv, ['certutil', '-user', '-delstore', 'Root', 'Airlock local CA x']);
  assert.equal(trustPlan('install', 'linux', '/s/ca.pem', 'X', () => false).steps.length, 0);
});

test('policy proxy section: extra inspected hosts; otherHosts block in any layer wins; a tunnel exception needs every layer', async () => {
  const files: Record<string, string> = {
    '/org.jsonc': JSON.stringify({ proxy: { otherHosts: 'block', tunnel: ['api.github.com', '*.corp.example'] } }),
    '/ws.jsonc': JSON.stringify({ proxy: { otherHosts: 'tunnel', inspect: ['llm.corp.example'], tunnel: ['evil.test'] } }),
    '/ws-only.jsonc': JSON.stringify({ proxy: { inspect: ['*.llm.example'] } }),
  };
  const read = (ref: string) => (files[ref] !== undefined ? Promise.resolve(files[ref]) : readPolicyRef(ref));
  const layered = await loadLayeredPolicy({ organization: '/org.jsonc', workspace: '/ws.jsonc' }, read);
  assert.ok(layered.ok, JSON.stringify(layered.problems));
  const settings = proxySettingsFor(layered.policy);
  assert.equal(proxyMode(settings, 'api.openai.com'), 'inspect');
  assert.equal(proxyMode(settings, 'llm.corp.example'), 'inspect');
  assert.equal(proxyMode(settings, 'api.github.com'), 'tunnel');
  assert.equal(proxyMode(settings, 'git.corp.example'), 'tunnel');
  assert.equal(proxyMode(settings, 'evil.test'), 'block', 'a workspace cannot open what the organization blocks');
  assert.equal(proxyMode(settings, 'example.com'), 'block');

  const alone = await loadLayeredPolicy({ workspace: '/ws-only.jsonc' }, read);
  const open = proxySettingsFor(alone.policy);
  assert.equal(proxyMode(open, 'a.llm.example'), 'inspect');
  assert.equal(proxyMode(open, 'llm.example'), 'tunnel');
  assert.equal(proxyMode(open, 'example.com'), 'tunnel');
  // No policy: inspected hosts are still decrypted (and answered 503), nothing is tunnelled.
  assert.equal(proxyMode(proxySettingsFor(undefined), 'example.com'), 'block');
  assert.equal(proxyMode(proxySettingsFor(undefined), 'api.anthropic.com'), 'inspect');

  const bad = await loadLayeredPolicy({ workspace: '/bad.jsonc' }, (ref) => (ref === '/bad.jsonc' ? Promise.resolve('{"proxy":{"inspect":["https://x.com/"]}}') : read(ref)));
  assert.equal(bad.ok, false);
});

test('a new CA covers the policy\'s proxy.inspect hosts; airlock ca reset makes a new one and keeps the old aside', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-ca-policy-'));
  try {
    const workspace = join(dir, 'ws');
    mkdirSync(join(workspace, '.airlock'), { recursive: true });
    writeFileSync(join(workspace, '.airlock', 'policy.jsonc'), JSON.stringify({ extends: ['airlock:secrets'], proxy: { inspect: ['llm.corp.example'] } }));
    const env = { AIRLOCK_STATE_DIR: join(dir, 'state') };
    // A CA made before the policy listed the host (e.g. by `airlock env` elsewhere) does not cover it.
    assert.equal((await cli(['ca', 'path'], env, dir)).code, 0);
    const meta = () => JSON.parse(readFileSync(join(dir, 'state', 'ca', 'airlock-ca.json'), 'utf8')) as { permitted: string[] };
    assert.ok(!meta().permitted.includes('llm.corp.example'));
    const reset = await cli(['ca', 'reset'], env, workspace);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /old one is in .*ca\.replaced-\d+/);
    assert.ok(meta().permitted.includes('llm.corp.example'));
    assert.ok(meta().permitted.includes('api.openai.com'));
    assert.equal(readdirSync(join(dir, 'state')).filter((n) => n.startsWith('ca.replaced-')).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
