// The ledger's record format: one JSON object per line (JSONL), append-only.
//
// Why JSONL with `merge=union` rather than a file per record: a busy repository collects tens of
// thousands of AI ranges, and a file each would bloat every checkout and `git status`. JSONL stays
// one human-readable file; records are immutable and carry unique ids, so git's union merge
// (keep both sides' new lines) is always a correct merge, and a reader orders records by time.
// Each record is written with ONE O_APPEND write, so concurrent writers never interleave; a crash
// mid-write can leave a torn last line, which the parser skips and reports, and a record written
// after a torn line is still recovered (every record starts with the `{"airlock":1,` marker).
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
  /**
   * SSH signature (armored SSHSIG, namespace `airlock-review`) over `signedPayload(record)`,
   * made with the reviewer's git signing key (`gpg.format=ssh`, `user.signingkey`).
   */
  signature?: string;
}

export type LedgerRecord = ContributionRecord | UpdateRecord | ReviewRecord;

export interface ParseProblem {
  /** 1-based line in the ledger file. */
  line: number;
  reason: string;
  /** The record id, when the line was JSON with an id (a wrong-shaped record, not a torn one). */
  id?: string;
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

/** Parses ledger text, skipping (and reporting) torn, foreign or wrong-shaped lines. Never throws. */
export function parseLedger(text: string): ParsedLedger {
  const parser = new LedgerParser();
  parser.push(text);
  return parser.end();
}

/**
 * parseLedger fed in pieces (a file read in chunks), so a large ledger is never one string.
 * Line numbers and problems are exactly parseLedger's.
 */
export class LedgerParser {
  private readonly records: LedgerRecord[] = [];

  /** With `onRecord`, records are handed over as they are parsed and not kept. `from` resumes after a cached prefix. */
  constructor(private readonly onRecord?: (record: LedgerRecord) => void, from?: { lines: number; problems: readonly ParseProblem[] }) {
    if (from) {
      this.lineNo = from.lines;
      this.problems.push(...from.problems);
    }
  }

  /** Lines completed so far and their problems (what a cache of this prefix must remember). */
  progress(): { lines: number; problems: ParseProblem[] } {
    return { lines: this.lineNo, problems: [...this.problems] };
  }

  private readonly problems: ParseProblem[] = [];
  private rest = '';
  private lineNo = 0;

  push(text: string): void {
    const data = this.rest.length > 0 ? this.rest + text : text;
    let from = 0;
    for (let to = data.indexOf('\n'); to >= 0; to = data.indexOf('\n', from)) {
      this.line(data.slice(from, to), false);
      from = to + 1;
    }
    this.rest = data.slice(from);
  }

  end(): ParsedLedger {
    if (this.rest.length > 0) this.line(this.rest, true);
    this.rest = '';
    return { records: this.records, problems: this.problems };
  }

  private line(text: string, lastLine: boolean): void {
    this.lineNo++;
    const raw = text.trim();
    if (raw.length === 0) return;
    const result = parseLine(raw);
    if (result.record) {
      this.emit(result.record);
      return;
    }
    // A torn record followed by a complete one on the same line: recover the complete one.
    const at = raw.lastIndexOf(RECORD_MARKER);
    const recovered = at > 0 ? parseLine(raw.slice(at)).record : undefined;
    const reason = result.shape ?? (lastLine ? 'torn last record (incomplete write), skipped' : 'unreadable record, skipped');
    this.problems.push(result.id !== undefined ? { line: this.lineNo, reason, id: result.id } : { line: this.lineNo, reason });
    if (recovered) this.emit(recovered);
  }

  private emit(record: LedgerRecord): void {
    if (this.onRecord) this.onRecord(record);
    else this.records.push(record);
  }
}

/** One line: the record, or why it is not one (`shape` for JSON that is not a valid record). */
export function parseLine(raw: string): { record?: LedgerRecord; shape?: string; id?: string } {
  if (!raw.startsWith(RECORD_MARKER) || !raw.endsWith('}')) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {};
  }
  const problem = shapeProblem(value);
  if (problem === undefined) return { record: value as LedgerRecord };
  const id = (value as { id?: unknown }).id;
  return { shape: `wrong-shaped record (${problem}), skipped`, ...(typeof id === 'string' ? { id: id.slice(0, 80) } : {}) };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isLine = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);

/**
 * A path a record may name: relative, POSIX, inside the repository. Records are data anyone
 * can write; a path outside the repository would make `check` read (and report on) any file.
 */
export function isRepoPath(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) return false;
  if (v.startsWith('/') || v.includes('\\') || v.includes('\0') || /^[a-zA-Z]:/.test(v)) return false;
  return v.split('/').every((part) => part !== '..' && part !== '.' && part !== '' && part !== '.git');
}

function isTrackedLine(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const l = v as Record<string, unknown>;
  return isString(l.a) && optional(l.x, isString) && optional(l.s, isString) && optional(l.n, isString) && optional(l.m, (b) => typeof b === 'boolean') && optional(l.t, (b) => typeof b === 'boolean');
}

function isPerson(v: unknown): boolean {
  return typeof v === 'object' && v !== null && isString((v as Person).name) && isString((v as Person).email);
}

function isSpan(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as SpanState;
  return isString(s.id) && isRepoPath(s.path) && isLine(s.startLine) && isLine(s.endLine) && s.endLine >= s.startLine && Array.isArray(s.lines) && s.lines.every(isTrackedLine);
}

/** Why a parsed value is not a ledger record, or undefined when it is one. Checks every field folding reads. */
export function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const v = value as Record<string, unknown>;
  if (v.airlock !== 1 || !isString(v.id) || !isString(v.time)) return 'airlock, id or time';
  switch (v.type) {
    case 'contribution':
      if (!isRepoPath(v.path)) return 'path is not inside the repository';
      if (!isLine(v.startLine) || !isLine(v.endLine) || (v.endLine as number) < (v.startLine as number)) return 'startLine/endLine';
      if (!Array.isArray(v.lines) || !v.lines.every(isTrackedLine)) return 'lines';
      if (!isString(v.tool) || !isString(v.channel) || typeof v.confidence !== 'number') return 'tool, channel or confidence';
      if (!optional(v.model, isString) || !optional(v.session, isString) || !optional(v.baseline, isString) || !optional(v.root, isString) || !optional(v.recordedBy, isPerson)) return 'model, session, baseline, root or recordedBy';
      return undefined;
    case 'update':
      if (!Array.isArray(v.replaces) || !v.replaces.every(isString) || !isString(v.root)) return 'replaces or root';
      if (!Array.isArray(v.spans) || !v.spans.every(isSpan)) return 'spans';
      return undefined;
    case 'review':
      if (v.decision !== 'approve' && v.decision !== 'reject') return 'decision';
      if (!isRepoPath(v.path)) return 'path is not inside the repository';
      if (!isPerson(v.reviewer)) return 'reviewer';
      if (!Array.isArray(v.lines) || !v.lines.every((l) => typeof l === 'object' && l !== null && isString((l as { root?: unknown }).root) && Array.isArray((l as { x?: unknown }).x) && ((l as { x: unknown[] }).x).every(isString))) return 'lines';
      if (!optional(v.signature, isString)) return 'signature';
      return undefined;
    default:
      return 'unknown type';
  }
}

/** A short unique id: time-ordered prefix plus randomness supplied by the caller. */
export function recordId(now: Date, random: string): string {
  return `${now.getTime().toString(36)}-${random}`;
}

/** A new record id with 40 random bits: what every recorder (CLI, agent hooks, editor) uses. */
export function newRecordId(now = new Date()): string {
  // Web Crypto (global in Node and the editor): core imports no Node modules.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(5));
  return recordId(now, Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''));
}
