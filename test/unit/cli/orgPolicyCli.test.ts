// The built CLI with an org policy delivered as a signed file (as an MDM would install it):
// `policy sign` makes the signature, `policy status` names what is in force, the gateway writes
// the org policy version into every audit record and refuses to start on a tampered policy.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream } from '../../support/fakeUpstream';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'airlock-orgcli-'));
const orgFile = join(dir, 'org.jsonc');
const signers = join(dir, 'allowed_signers');
const ORG = `{ "name": "ACME", "version": "7.1", "extends": ["airlock:secrets"],
  "protected": { "markers": ["ACME CONFIDENTIAL"] },
  "egress": [{ "id": "org-marker", "when": { "protected": true }, "action": "block", "message": "ORG says no." }] }`;

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, AIRLOCK_STATE_DIR: join(dir, 'state'), ...env } });
}

const orgEnv = () => ({ AIRLOCK_ORG_POLICY: orgFile, AIRLOCK_ORG_POLICY_SIGNERS: signers });

before(() => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sec@acme', '-f', join(dir, 'key')]);
  writeFileSync(signers, `security@acme.example ${readFileSync(join(dir, 'key.pub'), 'utf8')}`);
  writeFileSync(orgFile, ORG);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('policy sign writes a signature that policy status verifies', () => {
  const signed = cli(['policy', 'sign', orgFile, '--key', join(dir, 'key')]);
  assert.equal(signed.status, 0, signed.stderr);
  assert.match(readFileSync(`${orgFile}.sig`, 'utf8'), /BEGIN SSH SIGNATURE/);
  const status = cli(['policy', 'status'], orgEnv());
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /layers: organization > workspace/);
  assert.match(status.stdout, /version: 7\.1/);
  assert.match(status.stdout, /verified by: ssh:security@acme\.example/);
});

test('the gateway enforces the signed org layer and records its version in the audit log', { timeout: 60_000 }, async () => {
  const upstream = await startFakeUpstream();
  const audit = join(dir, 'audit.jsonl');
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'gateway', '--upstream', `openai=${upstream.url}/v1`, '--audit', audit], {
    cwd: dir,
    env: { ...process.env, AIRLOCK_STATE_DIR: join(dir, 'state'), ...orgEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const [first] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
    assert.ok(first, stderr);
    const urls = JSON.parse(first) as { openai: string };
    const openai = new OpenAI({ baseURL: urls.openai, apiKey: 'sk-test', maxRetries: 0 });
    await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: '// ACME CONFIDENTIAL\nconst price = 1;' }] }), /org-marker/);
    assert.equal(upstream.requests.length, 0);
    child.kill('SIGTERM');
    await once(child, 'exit');
    const record = JSON.parse(readFileSync(audit, 'utf8').trim().split('\n')[0]!) as { policyVersion?: string; rule?: string };
    assert.equal(record.rule, 'org-marker');
    assert.match(record.policyVersion ?? '', /^7\.1 sha256:[0-9a-f]{12}$/);
  } finally {
    child.kill('SIGKILL');
    await upstream.close();
  }
});

test('a tampered org policy file stops the gateway from starting and fails the check (nothing leaves)', () => {
  writeFileSync(orgFile, ORG.replace('"block"', '"allow"'));
  const gateway = cli(['gateway', '--port', '0'], orgEnv());
  assert.equal(gateway.status, 1);
  assert.match(gateway.stderr, /signature is not valid/);
  const status = cli(['policy', 'status'], orgEnv());
  assert.equal(status.status, 1);
  writeFileSync(orgFile, ORG);
});

test('an org policy that names a collector makes the gateway export every decision over OTLP', { timeout: 60_000 }, async () => {
  const { startOtlpReceiver } = await import('../../support/otlpReceiver');
  const receiver = await startOtlpReceiver();
  const upstream = await startFakeUpstream();
  const withAudit = ORG.replace('"extends"', `"audit": { "otlp": { "endpoint": "${receiver.url}", "headersFromEnv": { "authorization": "ACME_OTLP_TOKEN" } } }, "extends"`);
  writeFileSync(orgFile, withAudit);
  assert.equal(cli(['policy', 'sign', orgFile, '--key', join(dir, 'key')]).status, 0);
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'gateway', '--upstream', `openai=${upstream.url}/v1`], {
    cwd: dir,
    env: { ...process.env, AIRLOCK_STATE_DIR: join(dir, 'state-otlp'), ACME_OTLP_TOKEN: 'Bearer t0ken', ...orgEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const [first] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
    assert.ok(first, stderr);
    const openai = new OpenAI({ baseURL: (JSON.parse(first) as { openai: string }).openai, apiKey: 'sk-test', maxRetries: 0 });
    await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
    child.kill('SIGTERM'); // the gateway flushes its export on the way out
    await once(child, 'exit');
    const logs = receiver.logs();
    assert.equal(logs.length, 1, stderr);
    assert.equal(logs[0]!.attributes['airlock.action'], 'allow');
    assert.match(String(logs[0]!.attributes['airlock.policy_version']), /^7\.1 sha256:/);
    assert.match(stderr, /exporting audit records to http:\/\/127\.0\.0\.1:\d+ \(OTLP\)/);
  } finally {
    child.kill('SIGKILL');
    writeFileSync(orgFile, ORG);
    cli(['policy', 'sign', orgFile, '--key', join(dir, 'key')]);
    await upstream.close();
    await receiver.close();
  }
});

test('an org policy naming a local fingerprint set blocks copies of that code through the gateway', { timeout: 60_000 }, async () => {
  const { OrgFingerprintSet, orgKeysOf, serializeOrgSet } = await import('../../../extension/core/fingerprint/orgSet');
  const { generateProjects } = await import('../../support/codeGenerator');
  const files = generateProjects(3000, 7);
  const keys = files.map((f) => orgKeysOf(f.text));
  const hi = Uint32Array.from(keys.flatMap((k) => [...k.hi]));
  const lo = Uint32Array.from(keys.flatMap((k) => [...k.lo]));
  writeFileSync(join(dir, 'acme.alos'), serializeOrgSet(OrgFingerprintSet.build([{ name: 'acme/billing', keys: { hi, lo } }])));
  writeFileSync(orgFile, ORG.replace('"markers": ["ACME CONFIDENTIAL"]', '"markers": ["ACME CONFIDENTIAL"], "fingerprints": ["./acme.alos"]'));
  assert.equal(cli(['policy', 'sign', orgFile, '--key', join(dir, 'key')]).status, 0);
  const upstream = await startFakeUpstream();
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'gateway', '--upstream', `openai=${upstream.url}/v1`], {
    cwd: dir,
    env: { ...process.env, AIRLOCK_STATE_DIR: join(dir, 'state-fp'), ...orgEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const [first] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
    assert.ok(first, stderr);
    const openai = new OpenAI({ baseURL: (JSON.parse(first) as { openai: string }).openai, apiKey: 'sk-test', maxRetries: 0 });
    const copied = files[2]!.text.split('\n').slice(0, 40).join('\n');
    await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `speed this up:\n${copied}` }] }), /probable protected code from repository acme\/billing/);
    assert.equal(upstream.requests.length, 0);
  } finally {
    child.kill('SIGKILL');
    writeFileSync(orgFile, ORG);
    cli(['policy', 'sign', orgFile, '--key', join(dir, 'key')]);
    await upstream.close();
  }
});
