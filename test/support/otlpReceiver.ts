// A local OTLP/HTTP logs receiver for tests, written from the OTLP protobuf schema
// (opentelemetry/proto collector/logs/v1, logs/v1, common/v1, resource/v1) and its JSON mapping:
// it checks the wire format strictly (content type, path, field numbers and wire types) and
// keeps every raw body so tests can assert what never reaches the pipeline.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Value = string | number | boolean | bigint | Value[] | { [k: string]: Value };

export interface ReceivedLog {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: Value;
  attributes: Record<string, Value>;
}

export interface ReceivedExport {
  contentType: string;
  raw: Buffer;
  resource: Record<string, Value>;
  scope: { name: string; version: string };
  logs: ReceivedLog[];
}

// --- protobuf wire decoding ---

interface Field {
  no: number;
  wire: number;
  varint?: bigint;
  fixed?: Buffer;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: { i: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.i >= buf.length) throw new Error('truncated varint');
    const b = buf[pos.i++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const key = Number(readVarint(buf, pos));
    const no = key >>> 3;
    const wire = key & 7;
    if (no === 0) throw new Error('field number 0');
    if (wire === 0) out.push({ no, wire, varint: readVarint(buf, pos) });
    else if (wire === 1) {
      out.push({ no, wire, fixed: buf.subarray(pos.i, pos.i + 8) });
      pos.i += 8;
    } else if (wire === 2) {
      const len = Number(readVarint(buf, pos));
      if (pos.i + len > buf.length) throw new Error('truncated length-delimited field');
      out.push({ no, wire, bytes: buf.subarray(pos.i, pos.i + len) });
      pos.i += len;
    } else if (wire === 5) {
      out.push({ no, wire, fixed: buf.subarray(pos.i, pos.i + 4) });
      pos.i += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  if (pos.i !== buf.length) throw new Error('trailing bytes');
  return out;
}

function expectWire(f: Field, wire: number, what: string): void {
  if (f.wire !== wire) throw new Error(`${what}: field ${f.no} has wire type ${f.wire}, the schema says ${wire}`);
}

function anyValue(buf: Buffer): Value {
  const fs = fields(buf);
  if (fs.length !== 1) throw new Error(`AnyValue must hold exactly one value (got ${fs.length})`);
  const f = fs[0]!;
  switch (f.no) {
    case 1:
      expectWire(f, 2, 'AnyValue.string_value');
      return f.bytes!.toString('utf8');
    case 2:
      expectWire(f, 0, 'AnyValue.bool_value');
      return f.varint !== 0n;
    case 3:
      expectWire(f, 0, 'AnyValue.int_value');
      return BigInt.asIntN(64, f.varint!);
    case 4:
      expectWire(f, 1, 'AnyValue.double_value');
      return f.fixed!.readDoubleLE(0);
    case 5:
      expectWire(f, 2, 'AnyValue.array_value');
      return fields(f.bytes!).map((v) => {
        if (v.no !== 1) throw new Error('ArrayValue has only field 1 (values)');
        return anyValue(v.bytes!);
      });
    default:
      throw new Error(`AnyValue field ${f.no} not expected here`);
  }
}

function keyValues(list: Field[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const f of list) {
    expectWire(f, 2, 'KeyValue');
    let key: string | undefined;
    let value: Value | undefined;
    for (const kv of fields(f.bytes!)) {
      if (kv.no === 1) key = kv.bytes!.toString('utf8');
      else if (kv.no === 2) value = anyValue(kv.bytes!);
      else throw new Error(`KeyValue field ${kv.no}`);
    }
    if (key === undefined || value === undefined) throw new Error('KeyValue without key or value');
    out[key] = value;
  }
  return out;
}

export function decodeExportLogsProtobuf(buf: Buffer): Omit<ReceivedExport, 'contentType' | 'raw'> {
  const request = fields(buf);
  if (request.length !== 1 || request[0]!.no !== 1) throw new Error('expected one ResourceLogs (field 1)');
  let resource: Record<string, Value> = {};
  let scope = { name: '', version: '' };
  const logs: ReceivedLog[] = [];
  for (const rl of fields(request[0]!.bytes!)) {
    if (rl.no === 1) resource = keyValues(fields(rl.bytes!).filter((f) => f.no === 1));
    else if (rl.no === 2) {
      for (const sl of fields(rl.bytes!)) {
        if (sl.no === 1) {
          for (const s of fields(sl.bytes!)) {
            if (s.no === 1) scope.name = s.bytes!.toString('utf8');
            if (s.no === 2) scope.version = s.bytes!.toString('utf8');
          }
        } else if (sl.no === 2) {
          const log: ReceivedLog = { timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: '', body: '', attributes: {} };
          const attrs: Field[] = [];
          for (const f of fields(sl.bytes!)) {
            if (f.no === 1) {
              expectWire(f, 1, 'time_unix_nano');
              log.timeUnixNano = f.fixed!.readBigUInt64LE(0);
            } else if (f.no === 2) {
              expectWire(f, 0, 'severity_number');
              log.severityNumber = Number(f.varint);
            } else if (f.no === 3) log.severityText = f.bytes!.toString('utf8');
            else if (f.no === 5) log.body = anyValue(f.bytes!);
            else if (f.no === 6) attrs.push(f);
            else if (f.no === 7) expectWire(f, 0, 'dropped_attributes_count');
            else if (f.no === 8) expectWire(f, 5, 'flags');
            else if (f.no === 11) {
              expectWire(f, 1, 'observed_time_unix_nano');
              log.observedTimeUnixNano = f.fixed!.readBigUInt64LE(0);
            } else throw new Error(`LogRecord field ${f.no} not expected`);
          }
          log.attributes = keyValues(attrs);
          logs.push(log);
        } else throw new Error(`ScopeLogs field ${sl.no}`);
      }
    } else throw new Error(`ResourceLogs field ${rl.no}`);
  }
  scope = { ...scope };
  return { resource, scope, logs };
}

// --- OTLP JSON ---

function jsonAny(v: Record<string, unknown>): Value {
  if ('stringValue' in v) return String(v['stringValue']);
  if ('boolValue' in v) return Boolean(v['boolValue']);
  if ('intValue' in v) return BigInt(String(v['intValue']));
  if ('doubleValue' in v) return Number(v['doubleValue']);
  if ('arrayValue' in v) return ((v['arrayValue'] as { values?: Record<string, unknown>[] }).values ?? []).map(jsonAny);
  throw new Error(`unknown AnyValue ${Object.keys(v).join(',')}`);
}

function jsonAttrs(list: { key: string; value: Record<string, unknown> }[] | undefined): Record<string, Value> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, jsonAny(kv.value)]));
}

export function decodeExportLogsJson(text: string): Omit<ReceivedExport, 'contentType' | 'raw'> {
  const body = JSON.parse(text) as { resourceLogs: { resource: { attributes: never }; scopeLogs: { scope: { name: string; version: string }; logRecords: Record<string, never>[] }[] }[] };
  const rl = body.resourceLogs[0]!;
  const sl = rl.scopeLogs[0]!;
  return {
    resource: jsonAttrs(rl.resource.attributes),
    scope: sl.scope,
    logs: sl.logRecords.map((r) => ({
      timeUnixNano: BigInt(r['timeUnixNano']),
      observedTimeUnixNano: BigInt(r['observedTimeUnixNano']),
      severityNumber: Number(r['severityNumber']),
      severityText: String(r['severityText']),
      body: jsonAny(r['body']),
      attributes: jsonAttrs(r['attributes']),
    })),
  };
}

// --- the server ---

export interface OtlpReceiver {
  url: string;
  port: number;
  exports: ReceivedExport[];
  logs(): ReceivedLog[];
  /** Answer the next N requests with this status. */
  failNext(status: number, count: number): void;
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  let failing: { status: number; count: number } | undefined;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readAll(req);
      if (failing && failing.count > 0) {
        failing.count--;
        res.writeHead(failing.status).end();
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v1/logs') {
        res.writeHead(404).end();
        return;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      try {
        const decoded = contentType === 'application/x-protobuf' ? decodeExportLogsProtobuf(raw) : contentType === 'application/json' ? decodeExportLogsJson(raw.toString('utf8')) : undefined;
        if (!decoded) {
          res.writeHead(415).end();
          return;
        }
        exports.push({ contentType, raw, ...decoded });
        // ExportLogsServiceResponse: empty = full success.
        if (contentType === 'application/json') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad OTLP: ${(error as Error).message}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/v1/logs`,
    port: actual,
    exports,
    logs: () => exports.flatMap((e) => e.logs),
    failNext: (status, count) => {
      failing = { status, count };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
