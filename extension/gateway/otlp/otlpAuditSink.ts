// Audit records to the company's log pipeline: OpenTelemetry logs over OTLP/HTTP, batched,
// retried with exponential backoff, buffered on disk (bounded) while the collector is down and
// dropped oldest-first with a counter beyond the bound. `write` only queues: a slow or dead
// collector never delays a request.
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../../core/version';
import type { AuditRecord, AuditSink } from '../audit';
import { auditToLogRecord, encodeLogsJson, encodeLogsProtobuf, type AnyValue, type OtlpResource } from './encodeLogs';
import { postOtlp, type OtlpPost } from './postOtlp';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtlpSinkOptions {
  /** The collector's logs endpoint, e.g. `https://otel.acme.internal:4318/v1/logs`. */
  endpoint: string;
  protocol?: OtlpProtocol;
  /** Extra request headers (e.g. an ingest token). Never logged. */
  headers?: Record<string, string>;
  /** Folder for batches waiting for the collector (per user). */
  spoolDir: string;
  /** Most bytes kept on disk; beyond it the oldest batches are dropped (and counted). Default 32 MiB. */
  maxSpoolBytes?: number;
  /** Records per export request. Default 512. */
  batchSize?: number;
  /** A partial batch goes out after this long. Default 2000 ms. */
  flushIntervalMs?: number;
  requestTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Extra resource attributes (service.name, service.version and host.name are set). */
  resource?: [string, AnyValue][];
  post?: OtlpPost;
}

export interface OtlpSinkStats {
  /** Records the collector accepted. */
  sent: number;
  /** Records dropped because the disk buffer was full (oldest first). */
  dropped: number;
  /** Records the collector refused permanently (a 4xx other than 429). */
  rejected: number;
  /** Records waiting on disk right now. */
  buffered: number;
}

export interface OtlpAuditSink extends AuditSink {
  stats(): OtlpSinkStats;
  /** Sends (or buffers on disk) what is queued, then stops the timers. */
  close(): Promise<void>;
}

interface SpoolFile {
  name: string;
  count: number;
  bytes: number;
}

const SPOOL_FILE = /^(\d{16})-(\d+)\.jsonl$/;

export function createOtlpAuditSink(options: OtlpSinkOptions): OtlpAuditSink {
  const protocol = options.protocol ?? 'http/protobuf';
  const batchSize = options.batchSize ?? 512;
  const maxSpool = options.maxSpoolBytes ?? 32 * 1024 * 1024;
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
  const post = options.post ?? postOtlp;
  const resource: OtlpResource = {
    attributes: [['service.name', 'airlock'], ['service.version', VERSION], ['host.name', hostname()], ...(options.resource ?? [])],
  };
  const stats: OtlpSinkStats = { sent: 0, dropped: 0, rejected: 0, buffered: 0 };
  let queue: AuditRecord[] = [];
  let seq = 0;
  let delayMs = 0;
  let retryAt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pumping: Promise<void> | undefined;
  let closed = false;
  /** Set by the flush timer: a partial batch may go out now. */
  let flushDue = false;

  mkdirSync(options.spoolDir, { recursive: true, mode: 0o700 });
  // Batches left by an earlier run go out first, oldest first.
  const spool: SpoolFile[] = readdirSync(options.spoolDir)
    .filter((n) => SPOOL_FILE.test(n))
    .sort()
    .map((name) => ({ name, count: Number(SPOOL_FILE.exec(name)![2]), bytes: statSync(join(options.spoolDir, name)).size }));
  for (const f of spool) {
    stats.buffered += f.count;
    seq = Math.max(seq, Number(SPOOL_FILE.exec(f.name)![1]) + 1);
  }
  let spoolBytes = spool.reduce((n, f) => n + f.bytes, 0);

  function encode(records: AuditRecord[]): { body: Uint8Array | string; contentType: string } {
    const extra: [string, AnyValue][] = stats.dropped > 0 ? [['airlock.audit.dropped_total', stats.dropped]] : [];
    const logs = records.map((r) => auditToLogRecord(r, extra));
    return protocol === 'http/json'
      ? { body: encodeLogsJson(resource, logs), contentType: 'application/json' }
      : { body: encodeLogsProtobuf(resource, logs), contentType: 'application/x-protobuf' };
  }

  /** 'ok' | 'retry' (keep it) | 'rejected' (the collector will never take it). */
  async function send(records: AuditRecord[]): Promise<'ok' | 'retry' | 'rejected'> {
    let encoded: ReturnType<typeof encode>;
    try {
      encoded = encode(records);
    } catch {
      return 'rejected';
    }
    const { body, contentType } = encoded;
    try {
      const answer = await post(options.endpoint, body, { 'content-type': contentType, ...(options.headers ?? {}) }, options.requestTimeoutMs ?? 10_000);
      if (answer.status >= 200 && answer.status < 300) return 'ok';
      if (answer.status === 429 || answer.status === 502 || answer.status === 503 || answer.status === 504 || answer.status === 408) {
        if (answer.retryAfterMs !== undefined) delayMs = Math.max(delayMs, answer.retryAfterMs);
        return 'retry';
      }
      return 'rejected';
    } catch {
      return 'retry';
    }
  }

  async function spoolBatch(records: AuditRecord[]): Promise<void> {
    const text = records.map((r) => JSON.stringify(r)).join('\n');
    const bytes = Buffer.byteLength(text);
    // Oldest first out when the bound is reached: recent decisions matter most to an incident.
    while (spool.length > 0 && spoolBytes + bytes > maxSpool) {
      const oldest = spool.shift()!;
      spoolBytes -= oldest.bytes;
      stats.buffered -= oldest.count;
      stats.dropped += oldest.count;
      await unlink(join(options.spoolDir, oldest.name)).catch(() => undefined);
    }
    if (bytes > maxSpool) {
      stats.dropped += records.length;
      return;
    }
    const name = `${String(seq++).padStart(16, '0')}-${records.length}.jsonl`;
    await writeFile(join(options.spoolDir, name), text, { mode: 0o600 });
    spool.push({ name, count: records.length, bytes });
    spoolBytes += bytes;
    stats.buffered += records.length;
  }

  function failed(): void {
    delayMs = delayMs === 0 ? backoff.initialMs : Math.min(backoff.maxMs, delayMs * 2);
    // Jitter, so a fleet of laptops does not hit a recovering collector in lockstep.
    const wait = delayMs * (0.75 + Math.random() * 0.5);
    retryAt = Date.now() + wait;
    if (retryTimer) clearTimeout(retryTimer);
    if (!closed) {
      retryTimer = setTimeout(kick, wait);
      retryTimer.unref?.();
    }
  }

  function succeeded(): void {
    delayMs = 0;
    retryAt = 0;
  }

  async function pumpOnce(finalFlush: boolean): Promise<void> {
    for (;;) {
      const waiting = Date.now() < retryAt;
      if (spool.length > 0 && !waiting) {
        const file = spool[0]!;
        let records: AuditRecord[];
        try {
          records = (await readFile(join(options.spoolDir, file.name), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
        } catch {
          records = [];
        }
        const outcome = records.length ? await send(records) : 'rejected';
        if (outcome === 'retry') {
          failed();
          continue; // the in-memory queue still goes to disk below
        }
        if (outcome === 'ok') {
          succeeded();
          stats.sent += records.length;
        } else stats.rejected += file.count;
        spool.shift();
        spoolBytes -= file.bytes;
        stats.buffered -= file.count;
        await unlink(join(options.spoolDir, file.name)).catch(() => undefined);
        continue;
      }
      if (queue.length === 0) return;
      if (!finalFlush && queue.length < batchSize && spool.length === 0 && !waiting && !flushDue) return;
      const batch = queue.slice(0, batchSize);
      queue = queue.slice(batch.length);
      flushDue = false;
      if (spool.length > 0 || Date.now() < retryAt) {
        await spoolBatch(batch);
        continue;
      }
      const outcome = await send(batch);
      if (outcome === 'ok') {
        succeeded();
        stats.sent += batch.length;
      } else if (outcome === 'rejected') stats.rejected += batch.length;
      else {
        await spoolBatch(batch);
        failed();
      }
    }
  }

  // One pump at a time. A kick while it runs is remembered once (not chained per write: a burst
  // of thousands of records must not build thousands of promise chains) and runs after it.
  let again: { final: boolean; done: Promise<void>; resolve: () => void } | undefined;
  function kick(finalFlush = false): Promise<void> {
    if (pumping) {
      if (!again) {
        let resolve!: () => void;
        const done = new Promise<void>((r) => (resolve = r));
        again = { final: finalFlush, done, resolve };
      } else if (finalFlush) again.final = true;
      return again.done;
    }
    pumping = pumpOnce(finalFlush)
      .catch(() => undefined)
      .finally(() => {
        pumping = undefined;
        const next = again;
        again = undefined;
        if (next) void kick(next.final).then(next.resolve);
      });
    return pumping;
  }

  const interval = setInterval(() => {
    flushDue = true;
    void kick();
  }, options.flushIntervalMs ?? 2000);
  interval.unref?.();
  if (spool.length) setTimeout(kick, 0).unref?.();

  return {
    write(record) {
      if (closed) return;
      queue.push(record);
      if (queue.length >= batchSize) void kick();
    },
    flush: () => {
      flushDue = true;
      return kick(true);
    },
    stats: () => ({ ...stats }),
    close: async () => {
      closed = true;
      clearInterval(interval);
      if (retryTimer) clearTimeout(retryTimer);
      await kick(true);
    },
  };
}
