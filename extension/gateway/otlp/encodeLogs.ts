// Audit records → OpenTelemetry logs (OTLP ExportLogsServiceRequest), as OTLP/HTTP JSON or
// protobuf. The records are the same content-free ones as the JSONL audit: ids, salted hashes,
// sizes, timing, assistant and destination HOST only — never text, never a URL path.
import type { AuditRecord } from '../audit';
import { ProtobufWriter } from './protobufWriter';

export type AnyValue = string | number | boolean | string[];

export interface OtlpLogRecord {
  timeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: [string, AnyValue][];
}

export interface OtlpResource {
  attributes: [string, AnyValue][];
}

/** OTLP severity numbers: INFO 9, WARN 13, ERROR 17. */
const SEVERITY: Record<AuditRecord['action'], [number, string]> = {
  allow: [9, 'INFO'],
  audit: [9, 'INFO'],
  warn: [13, 'WARN'],
  redact: [13, 'WARN'],
  block: [17, 'ERROR'],
};

export const OTLP_SCOPE = { name: 'airlock.audit', version: '1' };

function hostOf(destination: string): string {
  try {
    return destination ? new URL(destination).host : '';
  } catch {
    return '';
  }
}

/** One audit record as a log record. Attribute names follow OTel conventions where one exists. */
export function auditToLogRecord(record: AuditRecord & { assistant?: string }, extra: [string, AnyValue][] = []): OtlpLogRecord {
  const [severityNumber, severityText] = SEVERITY[record.action] ?? [9, 'INFO'];
  const host = hostOf(record.destination);
  const attributes: [string, AnyValue][] = [
    ['airlock.action', record.action],
    ['airlock.dialect', record.dialect],
    ['server.address', host],
    ['airlock.rules', record.rules],
    ['airlock.detectors', record.detectors],
    ['airlock.match_hashes', record.matchHashes],
    ['airlock.request_bytes', record.requestBytes],
    ['airlock.forwarded_bytes', record.forwardedBytes],
    ['airlock.decision_ms', Math.round(record.decisionMs * 1000) / 1000],
  ];
  if (record.rule) attributes.push(['airlock.rule', record.rule]);
  if (record.status !== undefined) attributes.push(['http.response.status_code', record.status]);
  if (record.reason) attributes.push(['airlock.reason', record.reason]);
  if (record.policyVersion) attributes.push(['airlock.policy_version', record.policyVersion]);
  if (record.assistant) attributes.push(['airlock.assistant', record.assistant]);
  attributes.push(...extra);
  const ms = Date.parse(record.time);
  return {
    timeUnixNano: BigInt(Number.isFinite(ms) ? ms : Date.now()) * 1_000_000n,
    severityNumber,
    severityText,
    body: `airlock ${record.action}${record.rule ? ` ${record.rule}` : ''}${host ? ` ${host}` : ''}`,
    attributes,
  };
}

// --- OTLP/HTTP JSON (proto3 JSON mapping: lowerCamelCase, 64-bit integers as strings) ---

function jsonValue(value: AnyValue): unknown {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { stringValue: value };
}

function jsonAttributes(attributes: [string, AnyValue][]): unknown[] {
  return attributes.map(([key, value]) => ({ key, value: jsonValue(value) }));
}

export function encodeLogsJson(resource: OtlpResource, records: OtlpLogRecord[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: jsonAttributes(resource.attributes) },
        scopeLogs: [
          {
            scope: OTLP_SCOPE,
            logRecords: records.map((r) => ({
              timeUnixNano: r.timeUnixNano.toString(),
              observedTimeUnixNano: r.timeUnixNano.toString(),
              severityNumber: r.severityNumber,
              severityText: r.severityText,
              body: { stringValue: r.body },
              attributes: jsonAttributes(r.attributes),
            })),
          },
        ],
      },
    ],
  });
}

// --- OTLP/HTTP protobuf (opentelemetry/proto/collector/logs/v1, logs/v1, common/v1) ---

function writeAnyValue(w: ProtobufWriter, value: AnyValue): void {
  if (Array.isArray(value)) {
    w.message(5, (arr) => {
      for (const v of value) arr.message(1, (item) => item.string(1, v, true));
    });
  } else if (typeof value === 'boolean') {
    w.bool(2, value, true);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value)) w.uint(3, BigInt(value), true);
    else w.double(4, value);
  } else {
    w.string(1, value, true);
  }
}

function writeKeyValues(w: ProtobufWriter, field: number, attributes: [string, AnyValue][]): void {
  for (const [key, value] of attributes) {
    w.message(field, (kv) => {
      kv.string(1, key);
      kv.message(2, (v) => writeAnyValue(v, value));
    });
  }
}

export function encodeLogsProtobuf(resource: OtlpResource, records: OtlpLogRecord[]): Uint8Array {
  const w = new ProtobufWriter();
  // ExportLogsServiceRequest.resource_logs = 1
  w.message(1, (rl) => {
    rl.message(1, (res) => writeKeyValues(res, 1, resource.attributes)); // ResourceLogs.resource
    rl.message(2, (sl) => {
      // ScopeLogs.scope = 1, log_records = 2
      sl.message(1, (scope) => scope.string(1, OTLP_SCOPE.name).string(2, OTLP_SCOPE.version));
      for (const r of records) {
        sl.message(2, (lr) => {
          lr.fixed64(1, r.timeUnixNano); // time_unix_nano
          lr.uint(2, r.severityNumber); // severity_number
          lr.string(3, r.severityText); // severity_text
          lr.message(5, (body) => body.string(1, r.body)); // body
          writeKeyValues(lr, 6, r.attributes); // attributes
          lr.fixed64(11, r.timeUnixNano); // observed_time_unix_nano
        });
      }
    });
  });
  return w.finish();
}
