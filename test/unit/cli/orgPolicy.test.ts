// Org policy delivery: a real https server on loopback (certificate made by openssl), detached
// signatures made and checked by the real ssh-keygen, the last-good cache on disk.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadLayeredPolicy } from '../../../extension/core/policy';
import { createOrgPolicyReader, sha256Hex, type OrgPolicyTrust } from '../../../extension/cli/orgPolicy/orgPolicyReader';
import { createHttpsFetch } from '../../../extension/cli/orgPolicy/fetchHttps';
import { createNodePolicyReader } from '../../../extension/cli/policySource';

const dir = mkdtempSync(join(tmpdir(), 'airlock-orgpolicy-'));

const ORG_V1 = `{
  "name": "ACME org", "version": "2026.12.1",
  "extends": ["airlock:secrets"],
  "protected": { "markers": ["ACME CONFIDENTIAL"] },
  "egress": [{ "id": "org-protected", "when": { "protected": true }, "action": "block", "message": "ORG: protected code stays here." }]
}`;
const ORG_V2 = ORG_V1.replace('2026.12.1', '2026.12.2');
const EVIL = ORG_V1.replace('"action": "block"', '"action": "allow"');

function sign(text: string, key: string): string {
  return execFileSync('ssh-keygen', ['-Y', 'sign', '-f', key, '-n', 'airlock-policy', '-q'], { input: text }).toString('utf8');
}

// What the server serves; tests change it between loads.
const served: { body?: string; sig?: string; etag?: string; down?: boolean } = {};
const requests: { path: string; ifNoneMatch?: string }[] = [];
let server: Server;
let base = '';
let ca = '';
let key = '';
let otherKey = '';
let signers = '';

before(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'tls.crt'), 'utf8');
  for (const name of ['sec', 'mallory']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@acme`, '-f', join(dir, name)]);
  key = join(dir, 'sec');
  otherKey = join(dir, 'mallory');
  signers = join(dir, 'allowed_signers');
  writeFileSync(signers, `security@acme.example namespaces="airlock-policy" ${readFileSync(`${key}.pub`, 'utf8')}`);
  server = createServer({ key: readFileSync(join(dir, 'tls.key')), cert: ca }, (req, res) => {
    requests.push({ path: req.url ?? '', ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}) });
    if (served.down) {
      res.socket?.destroy();
      return;
    }
    if (req.url?.endsWith('.sig')) {
      if (!served.sig) res.writeHead(404).end();
      else res.writeHead(200).end(served.sig);
      return;
    }
    if (served.etag && req.headers['if-none-match'] === served.etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { ...(served.etag ? { etag: served.etag } : {}), 'content-type': 'application/json' }).end(served.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

let clock = Date.parse('2026-12-01T09:00:00Z');
function load(trust: OrgPolicyTrust, cacheName: string, refreshSeconds = 3600) {
  const ref = `${base}/org.jsonc`;
  const org = createOrgPolicyReader({ ref, trust, cacheDir: join(dir, cacheName), refreshSeconds, fallback: createNodePolicyReader(), fetch: createHttpsFetch({ ca }), now: () => clock });
  return loadLayeredPolicy({ organization: ref, workspace: 'airlock:secrets' }, createNodePolicyReader(), { organization: org.read }).then((loaded) => ({ loaded, status: org.status() }));
}

const marked = { destination: 'https://api.openai.com/v1/chat/completions', segments: [{ id: 'u', role: 'user' as const, text: '// ACME CONFIDENTIAL\nfn price() {}' }], referencedPaths: [] };

test('a signed org policy from https is verified with ssh-keygen, cached, and in force', async () => {
  Object.assign(served, { body: ORG_V1, sig: sign(ORG_V1, key), etag: '"v1"', down: false });
  const { loaded, status } = await load({ allowedSignersFile: signers }, 'signed');
  assert.equal(loaded.ok, true, loaded.problems.map((p) => p.message).join('\n'));
  assert.equal(loaded.policy.evaluateEgress(marked).action, 'block');
  assert.equal(status?.source, 'network');
  assert.equal(status?.verifiedBy, 'ssh:security@acme.example');
  assert.equal(status?.version, '2026.12.1');
  assert.equal(status?.sha256, sha256Hex(ORG_V1));
  const cached = readdirSync(join(dir, 'signed'));
  assert.equal(cached.length, 1);
  // The cache is owner-only.
  assert.equal((execFileSync('stat', ['-c', '%a', join(dir, 'signed', cached[0]!)]).toString().trim()), '600');
});

test('within the refresh interval the cached copy is used without asking the server', async () => {
  requests.length = 0;
  clock += 60_000;
  const { loaded, status } = await load({ allowedSignersFile: signers }, 'signed');
  assert.equal(loaded.ok, true);
  assert.equal(status?.source, 'cache-fresh');
  assert.deepEqual(requests, []);
});

test('after the interval the server is asked with If-None-Match, and 304 keeps the copy', async () => {
  requests.length = 0;
  clock += 2 * 3600_000;
  const { loaded, status } = await load({ allowedSignersFile: signers }, 'signed');
  assert.equal(loaded.ok, true);
  assert.equal(status?.source, 'not-modified');
  assert.equal(requests[0]?.ifNoneMatch, '"v1"');
});

test('a tampered policy never replaces the one in force: the last-good copy stays, with the reason', async () => {
  clock += 2 * 3600_000;
  Object.assign(served, { body: EVIL, etag: '"evil"' }); // the old signature no longer matches
  const { loaded, status } = await load({ allowedSignersFile: signers }, 'signed');
  assert.equal(loaded.ok, true);
  assert.equal(loaded.policy.evaluateEgress(marked).action, 'block', 'the forged "allow" must not be in force');
  assert.equal(status?.source, 'cache-offline');
  assert.equal(status?.sha256, sha256Hex(ORG_V1));
  assert.match(status?.problem ?? '', /signature is not valid/);
});

test('a policy signed by a key that is not an allowed signer is refused; with no last-good copy nothing leaves', async () => {
  Object.assign(served, { body: EVIL, sig: sign(EVIL, otherKey), etag: '"m"' });
  const { loaded } = await load({ allowedSignersFile: signers }, 'fresh-mallory');
  assert.equal(loaded.ok, false);
  assert.match(loaded.problems.map((p) => p.message).join('\n'), /not in the allowed signers file.*no last-good copy/s);
  const plain = { ...marked, segments: [{ id: 'u', role: 'user' as const, text: 'hello' }] };
  assert.equal(loaded.policy.evaluateEgress(plain).action, 'block', 'fail closed');
});

test('an unsigned policy is refused when signatures are required', async () => {
  Object.assign(served, { body: ORG_V1, sig: undefined, etag: undefined });
  const { loaded } = await load({ allowedSignersFile: signers }, 'fresh-unsigned');
  assert.equal(loaded.ok, false);
  assert.match(loaded.problems[0]!.message, /no signature was found/);
});

test('unreachable server: the last-good copy is used offline; with none, the load fails closed', async () => {
  Object.assign(served, { body: ORG_V2, sig: sign(ORG_V2, key), etag: '"v2"', down: false });
  clock += 2 * 3600_000;
  const first = await load({ allowedSignersFile: signers }, 'offline');
  assert.equal(first.status?.version, '2026.12.2');
  served.down = true;
  clock += 2 * 3600_000;
  const offline = await load({ allowedSignersFile: signers }, 'offline');
  assert.equal(offline.loaded.ok, true);
  assert.equal(offline.status?.source, 'cache-offline');
  assert.equal(offline.status?.version, '2026.12.2');
  assert.match(offline.status?.problem ?? '', /could not be fetched/);
  const none = await load({ allowedSignersFile: signers }, 'offline-empty');
  assert.equal(none.loaded.ok, false);
  served.down = false;
});

test('a tampered cache file is not trusted', async () => {
  served.down = true;
  const cacheDir = join(dir, 'offline');
  const file = join(cacheDir, readdirSync(cacheDir)[0]!);
  const entry = JSON.parse(readFileSync(file, 'utf8')) as { text: string };
  entry.text = EVIL;
  writeFileSync(file, JSON.stringify(entry));
  const { loaded } = await load({ allowedSignersFile: signers }, 'offline');
  assert.equal(loaded.ok, false);
  assert.match(loaded.problems[0]!.message, /cached copy failed verification/);
  served.down = false;
});

test('a pinned SHA-256 is enough on its own, and a different text is refused', async () => {
  Object.assign(served, { body: ORG_V1, sig: undefined, etag: undefined });
  const ok = await load({ sha256: sha256Hex(ORG_V1) }, 'pinned');
  assert.equal(ok.loaded.ok, true);
  assert.equal(ok.status?.verifiedBy, 'sha256');
  const bad = await load({ sha256: sha256Hex(ORG_V2) }, 'pinned-bad');
  assert.equal(bad.loaded.ok, false);
  assert.match(bad.loaded.problems[0]!.message, /not the pinned one/);
});

test('an org policy URL with nothing to verify it is refused, with the settings that fix it', async () => {
  const { loaded } = await load({}, 'untrusted');
  assert.equal(loaded.ok, false);
  assert.match(loaded.problems[0]!.message, /nothing verifies it: set the allowed signers file/);
});

test('an unsigned https policy the org policy extends is refused', async () => {
  const withExtends = ORG_V1.replace('"extends": ["airlock:secrets"]', `"extends": ["airlock:secrets", "${base}/extra.jsonc"]`);
  Object.assign(served, { body: withExtends, sig: sign(withExtends, key), etag: undefined });
  const { loaded } = await load({ sha256: sha256Hex(withExtends) }, 'extends');
  assert.equal(loaded.ok, false);
  assert.match(loaded.problems.map((p) => p.message).join('\n'), /nothing verifies/);
});
