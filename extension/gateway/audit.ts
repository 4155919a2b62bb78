// The audit trail: one JSON line per decision. It records what happened and to what, never the
// content: matched values appear only as salted hashes (HMAC-SHA256 with a per-install salt), so
// a security team can correlate the same secret across records without being able to read it.
import { createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EgressAction, EgressSegment, Verdict } from '../core/egress/types';

export interface AuditRecord {
  time: string;
  dialect: string;
  /** Destination origin (scheme, host, port): never the path, which can carry request text. */
  destination: string;
  /** HMAC-SHA256(salt, path and query below the gateway prefix), to correlate requests to one endpoint without reading it. */
  pathHash?: string;
  action: EgressAction;
  /** HTTP status the gateway answered itself (blocks, errors), or the upstream's. */
  status?: number;
  rule?: string;
  rules: string[];
  detectors: string[];
  /** HMAC-SHA256(salt, matched value), hex, one per finding that has a located match. */
  matchHashes: string[];
  requestBytes: number;
  forwardedBytes: number;
  decisionMs: number;
  /** Why the gateway answered itself (e.g. `unparseable`, `engine-error`), when it did. */
  reason?: string;
  /** Proxy mode, for CONNECT records (`dialect: connect`): what happened to the tunnel. */
  proxy?: 'inspect' | 'tunnel' | 'block';
  /** The organization policy in force (`<version> sha256:<12 hex>`), when there is one. */
  policyVersion?: string;
}

export interface AuditSink {
  write(record: AuditRecord): void;
  /** Resolves when every record written so far is on disk. */
  flush(): Promise<void>;
}

export function hashMatch(salt: Buffer, value: string): string {
  return createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}

/** The audit fields of a verdict: rule and detector ids, and hashes of the matched values. */
export function auditFindings(verdict: Verdict, segments: readonly EgressSegment[], salt: Buffer): Pick<AuditRecord, 'rules' | 'detectors' | 'matchHashes'> {
  const byId = new Map(segments.map((s) => [s.id, s.text]));
  const rules = new Set<string>();
  const detectors = new Set<string>();
  const matchHashes: string[] = [];
  for (const f of verdict.findings) {
    rules.add(f.rule);
    if (f.detector) detectors.add(f.detector);
    const text = f.segment !== undefined ? byId.get(f.segment) : undefined;
    if (text !== undefined && f.start !== undefined && f.end !== undefined && f.end > f.start) {
      matchHashes.push(hashMatch(salt, text.slice(f.start, f.end)));
    }
  }
  return { rules: [...rules], detectors: [...detectors], matchHashes };
}

/** Appends records to a JSONL file, in order, without blocking the request path. */
export function createJsonlAuditSink(file: string): AuditSink {
  let chain: Promise<void> = mkdir(dirname(file), { recursive: true }).then(() => undefined);
  let pending: string[] = [];
  const drain = async () => {
    if (pending.length === 0) return;
    const lines = pending.join('');
    pending = [];
    await appendFile(file, lines, { mode: 0o600 });
  };
  return {
    write(record) {
      pending.push(`${JSON.stringify(record)}\n`);
      // Batch: records written while a write is in flight go out together with the next one.
      if (pending.length === 1) chain = chain.then(drain).catch(() => undefined);
    },
    flush: () => chain.then(drain).catch(() => undefined),
  };
}

/** The per-install salt, created (random, 32 bytes, owner-only) on first use. */
export async function loadOrCreateSalt(file: string): Promise<Buffer> {
  try {
    const hex = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  } catch {
    // Missing: create below.
  }
  const salt = randomBytes(32);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${salt.toString('hex')}\n`, { mode: 0o600 });
  return salt;
}
