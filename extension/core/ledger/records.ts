// The ledger's record format: one JSON object per line (JSONL), append-only.
//
// Why JSONL with `merge=union` rather than a file per record: a busy repository collects tens of
// thousands of AI ranges, and a file each would bloat every checkout and `git status`. JSONL stays
// one human-readable file; records are immutable and carry unique ids, so git's union merge
// (keep both sides' new lines) is always a correct merge, and a reader orders records by time.
// Each record is written with ONE O_APPEND write, so concurrent writers never interleave; a crash
// mid-write can leave a torn last line, which the parser skips and reports, and a record written
// after a torn line is still recovered (every record starts with the `{"airlock":1,` marker).
import { randomBytes } from 'node:crypto';
import type { ContributionMeta, TrackedLine } from '../provenance/types';

export const RECORD_MARKER = '{"airlock":1,';

export interface Person {
  name: string;
  email: string;
}

/** AI wrote lines startLine..endLine of path (1-based, inclusive). */
export interface ContributionRecord extends ContributionMeta {
  airlock: 1;
  type: 'contribution';
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  lines: TrackedLine[];
  /** `fnv1a64:` hash of the exact lines (Agent Trace `content_hash`). */
  contentHash: string;
  /** The text the AI replaced (restored on reject); '' when it only added lines. */
  baseline?: string;
  /** Who was at the keyboard (git identity) when the AI wrote it. */
  recordedBy?: Person;
  /** Set when this record continues another contribution (e.g. imported from an Agent Trace). */
  root?: string;
}

/** A span as an update leaves it. */
export interface SpanState {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  lines: TrackedLine[];
}

/** Spans moved, split, shrank, were renamed or cleared (an empty `spans` clears them). */
export interface UpdateRecord {
  airlock: 1;
  type: 'update';
  id: string;
  time: string;
  /** Ids of the spans this update replaces. */
  replaces: string[];
  /** The contribution (root) the new spans belong to. */
  root: string;
  spans: SpanState[];
  reason?: string;
}

/** A human approved or rejected the exact content of some AI lines. */
export interface ReviewRecord {
  airlock: 1;
  type: 'review';
  id: string;
  time: string;
  decision: 'approve' | 'reject';
  reviewer: Person;
  path: string;
  startLine: number;
  endLine: number;
  /** Per contribution (root): exact hashes of the lines approved/rejected. */
  lines: { root: string; x: string[] }[];
  contentHash: string;
}

export type LedgerRecord = ContributionRecord | UpdateRecord | ReviewRecord;

export interface ParseProblem {
  /** 1-based line in the ledger file. */
  line: number;
  reason: string;
}

export interface ParsedLedger {
  records: LedgerRecord[];
  problems: ParseProblem[];
}

/** The line to append for a record (marker first, newline last). */
export function serializeRecord(record: LedgerRecord): string {
  const json = JSON.stringify(record);
  if (!json.startsWith(RECORD_MARKER)) throw new Error('ledger records must start with airlock:1');
  return `${json}\n`;
}

/** Parses ledger text, skipping (and reporting) torn or foreign lines. Never throws. */
export function parseLedger(text: string): ParsedLedger {
  const records: LedgerRecord[] = [];
  const problems: ParseProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw.length === 0) continue;
    const lastLine = i === lines.length - 1;
    let parsed = tryParse(raw);
    if (!parsed) {
      // A torn record followed by a complete one on the same line: recover the complete one.
      const at = raw.lastIndexOf(RECORD_MARKER);
      if (at > 0) parsed = tryParse(raw.slice(at));
      problems.push({ line: i + 1, reason: lastLine ? 'torn last record (incomplete write), skipped' : 'unreadable record, skipped' });
    }
    if (parsed) records.push(parsed);
  }
  return { records, problems };
}

function tryParse(raw: string): LedgerRecord | undefined {
  if (!raw.startsWith(RECORD_MARKER) || !raw.endsWith('}')) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<LedgerRecord>;
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(v: Partial<LedgerRecord>): v is LedgerRecord {
  if (v.airlock !== 1 || typeof v.id !== 'string' || typeof v.time !== 'string') return false;
  switch (v.type) {
    case 'contribution':
      return typeof v.path === 'string' && Array.isArray(v.lines) && typeof v.startLine === 'number' && typeof v.tool === 'string';
    case 'update':
      return Array.isArray(v.replaces) && Array.isArray(v.spans) && typeof v.root === 'string';
    case 'review':
      return (v.decision === 'approve' || v.decision === 'reject') && Array.isArray(v.lines) && typeof v.path === 'string';
    default:
      return false;
  }
}

/** A short unique id: time-ordered prefix plus randomness supplied by the caller. */
export function recordId(now: Date, random: string): string {
  return `${now.getTime().toString(36)}-${random}`;
}

/** A new record id with 40 random bits: what every recorder (CLI, agent hooks, editor) uses. */
export function newRecordId(now = new Date()): string {
  return recordId(now, randomBytes(5).toString('hex'));
}
