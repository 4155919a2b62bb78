// The audit trail: JSONL, salted hashes instead of values; and `warn` forwards and notifies.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadLayeredPolicy } from '../../../extension/core/policy';
import { createJsonlAuditSink, hashMatch, loadOrCreateSalt, type AuditRecord } from '../../../extension/gateway';
import { rawRequest, withGateway } from './support/harness';
import { readPolicyRef } from './support/policy';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';

const record = (n: number): AuditRecord => ({ time: `t${n}`, dialect: 'openai-chat', destination: 'd', action: 'allow', rules: [], detectors: [], matchHashes: [], requestBytes: n, forwardedBytes: n, decisionMs: 0.1 });

test('the JSONL sink appends every record, in order, and flush waits for the disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-audit-'));
  try {
    const file = join(dir, 'nested', 'audit.jsonl');
    const sink = createJsonlAuditSink(file);
    for (let i = 0; i < 50; i++) sink.write(record(i));
    await sink.flush();
    sink.write(record(50));
    await sink.flush();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    assert.deepEqual(lines.map((l) => l.requestBytes), Array.from({ length: 51 }, (_, i) => i));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the per-install salt is created once, owner-only, and hashes are HMAC-SHA256', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-salt-'));
  try {
    const file = join(dir, 'audit-salt');
    const salt = await loadOrCreateSalt(file);
    assert.equal(salt.length, 32);
    assert.deepEqual(await loadOrCreateSalt(file), salt);
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.equal(hashMatch(salt, SECRET), createHmac('sha256', salt).update(SECRET).digest('hex'));
    assert.notEqual(hashMatch(Buffer.alloc(32, 1), SECRET), hashMatch(salt, SECRET));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('warn forwards the request and notifies; audit records carry ids and hashes, never content', async () => {
  const policyText = JSON.stringify({
    extends: ['airlock:secrets'],
    protected: { paths: ['docs/internal/**'] },
    egress: [{ id: 'internal-docs-warn', when: { protected: true }, action: 'warn', message: 'Internal docs are leaving; check this is intended.' }],
  });
  const loaded = await loadLayeredPolicy({ workspace: '/test/warn.jsonc' }, (ref) => (ref === '/test/warn.jsonc' ? Promise.resolve(policyText) : readPolicyRef(ref)));
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  const salt = Buffer.alloc(32, 7);
  await withGateway(() => loaded.policy, async ({ gateway, upstream, decisions, audit }) => {
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'summarise\n<file path="docs/internal/plan.md">\nTop secret plan\n</file>' }] });
    const answer = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { 'content-type': 'application/json', authorization: 'Bearer sk-audit' }, body });
    assert.equal(answer.status, 200);
    assert.equal(upstream.requests[0]?.body.toString('utf8'), body);
    assert.equal(decisions[0]?.record.action, 'warn');
    assert.equal(decisions[0]?.message, 'Internal docs are leaving; check this is intended.');

    await rawRequest(gateway.port, '/anthropic/v1/messages', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: `k=${SECRET}` }] }) });
    const redact = audit[1]!;
    assert.equal(redact.action, 'redact');
    assert.equal(redact.dialect, 'anthropic-messages');
    // Origin only; the path (which can carry text) is a salted hash.
    assert.equal(redact.destination, upstream.url);
    assert.equal(redact.pathHash, hashMatch(salt, '/v1/messages'));
    assert.deepEqual(redact.rules, ['secrets']);
    assert.deepEqual(redact.matchHashes, [hashMatch(salt, SECRET)]);
    assert.ok(redact.forwardedBytes > 0 && redact.requestBytes > 0 && redact.decisionMs >= 0);
    const text = JSON.stringify(audit) + JSON.stringify(decisions);
    for (const leak of [SECRET, 'Top secret plan', 'sk-audit', 'summarise']) assert.ok(!text.includes(leak), leak);
  }, { auditSalt: salt });
});
