// Our hand-written OTLP encoders against the official OpenTelemetry JS serializers
// (@opentelemetry/otlp-transformer, a dev dependency used only here): the same log records must
// decode to the same data, in protobuf and in JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { auditToLogRecord, encodeLogsJson, encodeLogsProtobuf, type OtlpLogRecord } from '../../../extension/gateway/otlp/encodeLogs';
import type { AuditRecord } from '../../../extension/gateway';
import { decodeExportLogsJson, decodeExportLogsProtobuf } from '../../support/otlpReceiver';

const audit: AuditRecord = {
  time: '2026-12-01T09:00:00.001Z',
  dialect: 'anthropic-messages',
  destination: 'https://api.anthropic.com/v1/messages',
  action: 'block',
  status: 400,
  rule: 'no-secrets',
  rules: ['no-secrets', 'protected'],
  detectors: ['aws-access-key-id'],
  matchHashes: ['ab'.repeat(32)],
  requestBytes: 1234,
  forwardedBytes: 0,
  decisionMs: 0.375,
  policyVersion: '7.1 sha256:0123456789ab',
};

/** The same record as the official SDK's ReadableLogRecord (what its serializers take). */
function official(r: OtlpLogRecord) {
  const ms = Number(r.timeUnixNano / 1_000_000n);
  const hr: [number, number] = [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
  return {
    hrTime: hr,
    hrTimeObserved: hr,
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: r.body,
    attributes: Object.fromEntries(r.attributes),
    droppedAttributesCount: 0,
    resource: resourceFromAttributes({ 'service.name': 'airlock', 'service.version': '0.1.0' }),
    instrumentationScope: { name: 'airlock.audit', version: '1' },
  };
}

const resource = { attributes: [['service.name', 'airlock'], ['service.version', '0.1.0']] as [string, string][] };

test('protobuf: our bytes decode to exactly what the official serializer\'s bytes decode to', () => {
  const log = auditToLogRecord(audit);
  const ours = decodeExportLogsProtobuf(Buffer.from(encodeLogsProtobuf(resource, [log])));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const theirs = decodeExportLogsProtobuf(Buffer.from(ProtobufLogsSerializer.serializeRequest([official(log) as any])!));
  assert.deepEqual(ours, theirs);
  assert.equal(ours.logs[0]!.attributes['airlock.forwarded_bytes'], 0n);
});

test('JSON: our document decodes to exactly what the official serializer\'s decodes to', () => {
  const log = auditToLogRecord(audit);
  const ours = decodeExportLogsJson(encodeLogsJson(resource, [log]));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const theirs = decodeExportLogsJson(new TextDecoder().decode(JsonLogsSerializer.serializeRequest([official(log) as any])!));
  assert.deepEqual(ours, theirs);
});
