// Org rollout, parts 1-2: what a verified org policy costs at load (ssh-keygen verification, the
// last-good cache) and what OTLP export costs a request (write() only queues) and the pipeline
// (encoding throughput), beside the plain JSONL audit sink as baseline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayeredPolicy } from '../../extension/core/policy';
import { createOrgPolicyReader } from '../../extension/cli/orgPolicy/orgPolicyReader';
import { createNodePolicyReader } from '../../extension/cli/policySource';
import { createJsonlAuditSink, type AuditRecord } from '../../extension/gateway';
import { auditToLogRecord, encodeLogsProtobuf } from '../../extension/gateway/otlp/encodeLogs';
import { createOtlpAuditSink } from '../../extension/gateway/otlp/otlpAuditSink';
import { startOtlpReceiver } from '../support/otlpReceiver';
import { stats, time, type Bench } from './bench';

const record = (n: number): AuditRecord => ({
  time: new Date().toISOString(),
  dialect: 'openai-chat',
  destination: 'https://api.openai.com/v1/chat/completions',
  action: n % 10 === 0 ? 'redact' : 'allow',
  rules: n % 10 === 0 ? ['no-secrets'] : [],
  detectors: n % 10 === 0 ? ['aws-access-key-id'] : [],
  matchHashes: n % 10 === 0 ? ['ab'.repeat(32)] : [],
  requestBytes: 4096 + n,
  forwardedBytes: 4096 + n,
  decisionMs: 0.4,
  policyVersion: '2026.12.1 sha256:0123456789ab',
});

export default async function orgDeliveryBench(b: Bench): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-orgbench-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sec@acme', '-f', join(dir, 'key')]);
    writeFileSync(join(dir, 'signers'), `security@acme.example ${readFileSync(join(dir, 'key.pub'), 'utf8')}`);
    const org = join(dir, 'org.jsonc');
    writeFileSync(org, readFileSync(join(__dirname, '..', '..', 'policies', 'meta-style.jsonc'), 'utf8').replace('"./airlock-policy.schema.json"', '""'));
    writeFileSync(`${org}.sig`, execFileSync('ssh-keygen', ['-Y', 'sign', '-f', join(dir, 'key'), '-n', 'airlock-policy', '-q'], { input: readFileSync(org) }));
    const read = createNodePolicyReader();
    const plain = stats(await time(() => loadLayeredPolicy({ organization: org, workspace: 'airlock:secrets' }, read), 15, 3));
    const verified = stats(
      await time(() => {
        const reader = createOrgPolicyReader({ ref: org, trust: { allowedSignersFile: join(dir, 'signers') }, cacheDir: join(dir, 'cache'), fallback: read });
        return loadLayeredPolicy({ organization: org, workspace: 'airlock:secrets' }, read, { organization: reader.read });
      }, 15, 3),
    );
    b.figure('org + workspace policy load, p50: signed (ssh-keygen verify) vs unsigned', `${verified.p50.toFixed(1)} ms vs ${plain.p50.toFixed(1)} ms (+${(verified.p50 - plain.p50).toFixed(1)} ms)`);

    // OTLP: what a request pays (write only queues) against the JSONL sink, and encoding throughput.
    const receiver = await startOtlpReceiver();
    const otlp = createOtlpAuditSink({ endpoint: receiver.url, spoolDir: join(dir, 'spool'), batchSize: 512, flushIntervalMs: 200 });
    const jsonl = createJsonlAuditSink(join(dir, 'audit.jsonl'));
    const perWrite = (sink: { write(r: AuditRecord): void }) => {
      const samples: number[] = [];
      for (let round = 0; round < 20; round++) {
        const started = performance.now();
        for (let i = 0; i < 1000; i++) sink.write(record(i));
        samples.push(((performance.now() - started) * 1000) / 1000);
      }
      return stats(samples);
    };
    const w = perWrite(otlp);
    const j = perWrite(jsonl);
    b.figure('audit write() per record, p50: OTLP sink vs JSONL sink', `${w.p50.toFixed(2)} µs vs ${j.p50.toFixed(2)} µs`);
    b.target('OTLP export adds per request (write() only queues)', `${w.p50.toFixed(2)} µs`, '≤ 20 µs', w.p50 <= 20);
    await otlp.flush();
    await jsonl.flush();
    const logs = Array.from({ length: 512 }, (_, i) => auditToLogRecord(record(i)));
    const resource = { attributes: [['service.name', 'airlock']] as [string, string][] };
    const enc = stats(await time(() => encodeLogsProtobuf(resource, logs), 30, 5));
    const size = encodeLogsProtobuf(resource, logs).length;
    b.figure('OTLP protobuf encoding of a 512-record batch, p50', `${enc.p50.toFixed(2)} ms (${Math.round(512 / (enc.p50 / 1000)).toLocaleString('en')} records/s, ${(size / 512).toFixed(0)} bytes per record)`);
    await otlp.close();
    await receiver.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
