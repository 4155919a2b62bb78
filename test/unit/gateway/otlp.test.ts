// Audit into the company's pipeline: OTLP/HTTP logs (protobuf and JSON) checked by a local
// receiver written from the OTLP schema; content-free; batched; a dead collector is buffered on
// disk (nothing lost within the bound, nothing blocked), oldest dropped and counted beyond it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import OpenAI from 'openai';
import type { AuditRecord } from '../../../extension/gateway';
import { createOtlpAuditSink } from '../../../extension/gateway/otlp/otlpAuditSink';
import { startOtlpReceiver } from '../../support/otlpReceiver';
import { withGateway } from './support/harness';
import { loadPolicyRef } from './support/policy';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'airlock-otlp-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
const PROMPT = 'please refactor the pricing module quickly';

const record = (n: number, action: AuditRecord['action'] = 'allow'): AuditRecord => ({
  time: new Date(Date.UTC(2026, 11, 1, 9, 0, 0, n)).toISOString(),
  dialect: 'openai-chat',
  destination: 'https://api.openai.com/v1/chat/completions',
  action,
  rules: action === 'allow' ? [] : ['r1'],
  ...(action === 'allow' ? {} : { rule: 'r1' }),
  detectors: [],
  matchHashes: [],
  requestBytes: n,
  forwardedBytes: n,
  decisionMs: 0.25,
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  test(`${protocol}: records arrive as OTLP logs with resource, scope, severity and attributes`, async () => {
    const receiver = await startOtlpReceiver();
    const sink = createOtlpAuditSink({ endpoint: receiver.url, protocol, spoolDir: tempDir(), batchSize: 3, flushIntervalMs: 50 });
    try {
      sink.write({ ...record(1, 'block'), status: 400, policyVersion: '7.1 sha256:0123456789ab', detectors: ['aws-access-key-id'], matchHashes: ['ab'.repeat(32)] });
      sink.write(record(2));
      sink.write(record(3, 'redact'));
      await until(() => receiver.logs().length === 3);
      const exp = receiver.exports[0]!;
      assert.equal(exp.contentType, protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
      assert.equal(exp.resource['service.name'], 'airlock');
      assert.equal(exp.scope.name, 'airlock.audit');
      const [blocked, allowed, redacted] = exp.logs;
      assert.equal(blocked!.severityNumber, 17);
      assert.equal(blocked!.severityText, 'ERROR');
      assert.equal(allowed!.severityNumber, 9);
      assert.equal(redacted!.severityNumber, 13);
      assert.equal(blocked!.timeUnixNano, BigInt(Date.UTC(2026, 11, 1, 9, 0, 0, 1)) * 1_000_000n);
      assert.equal(blocked!.attributes['airlock.rule'], 'r1');
      assert.equal(blocked!.attributes['server.address'], 'api.openai.com');
      assert.equal(blocked!.attributes['http.response.status_code'], 400n);
      assert.deepEqual(blocked!.attributes['airlock.detectors'], ['aws-access-key-id']);
      assert.equal(blocked!.attributes['airlock.policy_version'], '7.1 sha256:0123456789ab');
      assert.equal(blocked!.attributes['airlock.decision_ms'], 0.25);
      // The destination's path is not exported (a path can carry text).
      assert.ok(!exp.raw.toString('latin1').includes('/v1/chat/completions'));
    } finally {
      await sink.close();
      await receiver.close();
    }
  });
}

test('through the gateway: decisions reach the collector, and no secret, prompt text or URL path ever does', async () => {
  const receiver = await startOtlpReceiver();
  const sink = createOtlpAuditSink({ endpoint: receiver.url, spoolDir: tempDir(), batchSize: 100, flushIntervalMs: 50 });
  const policy = await loadPolicyRef('/test/gateway-policy.jsonc');
  try {
    await withGateway(
      () => policy,
      async ({ gateway }) => {
        const openai = new OpenAI({ baseURL: gateway.urls.openai, apiKey: 'sk-otlp-test', maxRetries: 0 });
        await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `${PROMPT} with key ${SECRET}` }] });
        await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: PROMPT }] });
        await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: '<file path="src/a.ts">\nexport const a = 1;\n</file>' }] }));
        await until(() => receiver.logs().length >= 3).catch(() => { throw new Error(`got ${receiver.logs().length}: ${JSON.stringify(receiver.logs().map((l) => l.attributes["airlock.action"]))}`); });
      },
      { audit: sink },
    );
    const logs = receiver.logs();
    assert.deepEqual(logs.map((l) => l.attributes['airlock.action']), ['redact', 'allow', 'block']);
    assert.deepEqual(logs[0]!.attributes['airlock.detectors'], ['aws-access-key-id']);
    assert.equal((logs[0]!.attributes['airlock.match_hashes'] as string[])[0]!.length, 64);
    const everything = Buffer.concat(receiver.exports.map((e) => e.raw)).toString('latin1');
    for (const forbidden of [SECRET, PROMPT, 'export const a', 'src/a.ts', 'sk-otlp-test', '/chat/completions']) {
      assert.ok(!everything.includes(forbidden), `the OTLP export must not contain ${JSON.stringify(forbidden.slice(0, 6))}…`);
    }
  } finally {
    await sink.close();
    await receiver.close();
  }
});

test('kill the collector: requests are not blocked, records wait on disk, and all arrive once it is back', async () => {
  let receiver = await startOtlpReceiver();
  const port = receiver.port;
  const spoolDir = tempDir();
  const sink = createOtlpAuditSink({ endpoint: receiver.url, spoolDir, batchSize: 10, flushIntervalMs: 30, backoff: { initialMs: 50, maxMs: 200 }, requestTimeoutMs: 2000 });
  const policy = await loadPolicyRef('/test/gateway-policy.jsonc');
  try {
    await withGateway(
      () => policy,
      async ({ gateway }) => {
        const openai = new OpenAI({ baseURL: gateway.urls.openai, apiKey: 'sk-x', maxRetries: 0 });
        for (let i = 0; i < 5; i++) await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `hello ${i}` }] });
        await until(() => receiver.logs().length === 5);
        await receiver.close();
        // With the collector gone, every request is still answered at once.
        const started = performance.now();
        for (let i = 0; i < 40; i++) await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `down ${i}` }] });
        const perRequestMs = (performance.now() - started) / 40;
        assert.ok(perRequestMs < 200, `requests slowed to ${perRequestMs.toFixed(0)} ms while the collector was down`);
        await until(() => sink.stats().buffered === 40);
        assert.ok(readdirSync(spoolDir).length > 0, 'batches wait on disk');
        receiver = await startOtlpReceiver(port);
        await until(() => receiver.logs().length === 40, 15_000);
      },
      { audit: sink },
    );
    const stats = sink.stats();
    assert.equal(stats.dropped, 0);
    assert.equal(stats.sent, 45);
    assert.equal(stats.buffered, 0);
    assert.deepEqual(readdirSync(spoolDir), []);
  } finally {
    await sink.close();
    await receiver.close();
  }
});

test('beyond the disk bound the oldest batches are dropped, counted, and the count is exported', async () => {
  const receiver = await startOtlpReceiver();
  await receiver.close(); // nothing listens: every send fails
  const spoolDir = tempDir();
  const sink = createOtlpAuditSink({ endpoint: receiver.url, spoolDir, batchSize: 10, flushIntervalMs: 20, maxSpoolBytes: 12_000, backoff: { initialMs: 10_000, maxMs: 10_000 }, requestTimeoutMs: 500 });
  for (let i = 0; i < 200; i++) sink.write(record(i));
  await sink.flush();
  await until(() => sink.stats().buffered + sink.stats().dropped === 200);
  const { dropped, buffered } = sink.stats();
  assert.ok(dropped > 0 && buffered > 0, `dropped ${dropped}, buffered ${buffered}`);
  await sink.close();
  // A new process finds the spool and sends what survived: the NEWEST records.
  const back = await startOtlpReceiver(receiver.port);
  const next = createOtlpAuditSink({ endpoint: back.url, spoolDir, batchSize: 10, flushIntervalMs: 20 });
  try {
    await until(() => back.logs().length === buffered);
    const sizes = back.logs().map((l) => Number(l.attributes['airlock.request_bytes']));
    assert.equal(Math.max(...sizes), 199);
    assert.equal(Math.min(...sizes), 200 - buffered);
    next.write(record(500));
    await next.flush();
    await until(() => back.logs().length === buffered + 1);
  } finally {
    await next.close();
    await back.close();
  }
});

test('the dropped count travels with later records; a permanent refusal is counted, not retried forever', async () => {
  const receiver = await startOtlpReceiver();
  const sink = createOtlpAuditSink({ endpoint: receiver.url, spoolDir: tempDir(), batchSize: 5, flushIntervalMs: 20, maxSpoolBytes: 1500, backoff: { initialMs: 30, maxMs: 60 } });
  try {
    receiver.failNext(503, 3);
    for (let i = 0; i < 30; i++) sink.write(record(i));
    await until(() => sink.stats().sent + sink.stats().dropped === 30, 15_000);
    assert.ok(sink.stats().dropped > 0);
    sink.write(record(99));
    await sink.flush();
    await until(() => receiver.logs().some((l) => l.attributes['airlock.request_bytes'] === 99n));
    const last = receiver.logs().find((l) => l.attributes['airlock.request_bytes'] === 99n)!;
    assert.equal(last.attributes['airlock.audit.dropped_total'], BigInt(sink.stats().dropped));
    receiver.failNext(400, 1);
    sink.write(record(100));
    await sink.flush();
    await until(() => sink.stats().rejected === 1);
  } finally {
    await sink.close();
    await receiver.close();
  }
});
