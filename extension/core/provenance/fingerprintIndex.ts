// A bounded index of code the gateway saw models write, to recognise that code when it lands in
// a document or on disk. Only line hashes are kept, never the text, so the index (and its
// serialized form) can be shared and persisted without holding anyone's code.
//
// Lines are hashed indentation-insensitively (trimmed, observedHash.ts); blank lines are skipped on
// both sides, so re-indenting or re-spacing code does not hide it. Trivial lines (`}`, `else {`)
// may continue a matching run but never start one or count towards the minimum.
import { isTrivialLine, normalizeLine, splitLines } from './hash';
import { lineKey, lineKeyHex, parseLineKey } from './observedHash';
import type { ObservedResponse } from './observedTypes';

/** Where an observed snippet came from. */
export interface SnippetMeta {
  /** `assistant` for code in the answer text, else the tool that carried it (`Edit`, `apply_patch`). */
  tool: string;
  model?: string;
  /** The client assistant (`claude-code`, `codex`, …) when the gateway knew it. */
  assistant?: string;
  dialect: string;
  /** ISO time the response was seen. */
  time: string;
  /** Target file named by the answer, when it named one. */
  path?: string;
}

export interface SnippetInput extends Omit<SnippetMeta, 'time'> {
  text: string;
  time?: string;
}

/** Which observed snippet a landed text contains, and where. Lines are 1-based, inclusive, in the landed text. */
export interface Attribution extends SnippetMeta {
  /** Non-blank lines in the matching run. */
  matchedLines: number;
  /** matchedLines / the snippet's non-blank lines: how much of what the model wrote landed here. */
  ratio: number;
  startLine: number;
  endLine: number;
}

export interface AttributeOptions {
  /** Path the text landed in: among equally long matches, snippets aimed at this file win. */
  path?: string;
}

export interface FingerprintIndexOptions {
  /** Most snippets kept; the oldest go first. Default 2000. */
  maxSnippets?: number;
  /** Snippets older than this are forgotten. Default 12 h. */
  ttlMs?: number;
  /** Non-blank lines kept per snippet (the rest of a huge file is not indexed). Default 4000. */
  maxLinesPerSnippet?: number;
  /** Non-blank lines kept over all snippets. Default 200 000. */
  maxTotalLines?: number;
  /** Occurrences kept per line hash (a very common line only remembers its latest snippets). Default 64. */
  maxPostingsPerLine?: number;
  /** A single non-trivial line this long (trimmed) is enough on its own. Default 40. */
  longLineChars?: number;
  now?: () => number;
}

export interface SerializedSnippet {
  meta: SnippetMeta;
  /** Epoch ms the snippet was added (its TTL runs from here). */
  addedAt: number;
  /** Line key (observedHash.ts, 14 hex digits) of each non-blank line. */
  hashes: string[];
  /** One letter per hash: `t` trivial, `l` long, `n` other. */
  flags: string;
}

export interface SerializedFingerprintIndex {
  version: 1;
  snippets: SerializedSnippet[];
}

interface Snippet {
  meta: SnippetMeta;
  addedAt: number;
  keys: number[];
  flags: string;
  seq: number;
  /** Identity for deduplication: path and line keys. */
  id: string;
}

interface Run {
  seq: number;
  /** Index (into the landed text's non-blank lines) of the first and last matched line. */
  first: number;
  last: number;
  /** Position in the snippet of the last matched line. */
  pos: number;
  nonTrivial: number;
  long: boolean;
}

const POS_LIMIT = 65536;

function samePath(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = a.replace(/\\/g, '/').replace(/^\.\//, '');
  const y = b.replace(/\\/g, '/').replace(/^\.\//, '');
  return x === y || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}

export class FingerprintIndex {
  private readonly snippets = new Map<number, Snippet>();
  private readonly byKey = new Map<string, number>();
  /** Line key → flattened [seq, pos, seq, pos, …] of non-trivial lines, oldest first. */
  private readonly postings = new Map<number, number[]>();
  private nextSeq = 1;
  private totalLines = 0;
  private readonly maxSnippets: number;
  private readonly ttlMs: number;
  private readonly maxLinesPerSnippet: number;
  private readonly maxTotalLines: number;
  private readonly maxPostings: number;
  private readonly longLineChars: number;
  private readonly now: () => number;

  constructor(options: FingerprintIndexOptions = {}) {
    this.maxSnippets = Math.max(1, options.maxSnippets ?? 2000);
    this.ttlMs = options.ttlMs ?? 12 * 60 * 60 * 1000;
    this.maxLinesPerSnippet = Math.min(POS_LIMIT - 1, Math.max(1, options.maxLinesPerSnippet ?? 4000));
    this.maxTotalLines = Math.max(1, options.maxTotalLines ?? 200_000);
    this.maxPostings = Math.max(1, options.maxPostingsPerLine ?? 64);
    this.longLineChars = options.longLineChars ?? 40;
    this.now = options.now ?? Date.now;
  }

  /** Snippets currently held. */
  get size(): number {
    return this.snippets.size;
  }

  /** Indexes one piece of observed code. False when it has nothing to recognise it by (only trivial lines). */
  add(input: SnippetInput): boolean {
    const keys: number[] = [];
    let flags = '';
    for (const line of splitLines(input.text)) {
      const text = normalizeLine(line);
      if (!text) continue;
      if (keys.length >= this.maxLinesPerSnippet) break;
      keys.push(lineKey(text));
      flags += isTrivialLine(text) ? 't' : text.length >= this.longLineChars ? 'l' : 'n';
    }
    if (!/[ln]/.test(flags)) return false;
    const { text: _text, ...rest } = input;
    const meta: SnippetMeta = { ...rest, time: input.time ?? new Date(this.now()).toISOString() };
    this.insert(meta, this.now(), keys, flags);
    return true;
  }

  /** Indexes every piece of code of one observed response; returns how many were indexed. */
  addResponse(observed: ObservedResponse): number {
    let added = 0;
    for (const code of observed.code) {
      const ok = this.add({
        text: code.text,
        tool: code.tool,
        dialect: observed.dialect,
        time: observed.time,
        ...(observed.model ? { model: observed.model } : {}),
        ...(observed.assistant ? { assistant: observed.assistant } : {}),
        ...(code.path ? { path: code.path } : {}),
      });
      if (ok) added++;
    }
    return added;
  }

  /** The best match of an observed snippet in `text` (longest run, then same path, then most recent), or undefined. */
  attribute(text: string, options: AttributeOptions = {}): Attribution | undefined {
    return this.ranked(text, options)[0];
  }

  /** Every non-overlapping match in `text`, best first picked, returned in line order. */
  attributeAll(text: string, options: AttributeOptions = {}): Attribution[] {
    const chosen: Attribution[] = [];
    for (const candidate of this.ranked(text, options)) {
      if (chosen.every((c) => candidate.endLine < c.startLine || candidate.startLine > c.endLine)) chosen.push(candidate);
    }
    return chosen.sort((a, b) => a.startLine - b.startLine);
  }

  serialize(): SerializedFingerprintIndex {
    this.prune();
    return { version: 1, snippets: [...this.snippets.values()].map(({ meta, addedAt, keys, flags }) => ({ meta: { ...meta }, addedAt, hashes: keys.map(lineKeyHex), flags })) };
  }

  /** An index from `serialize()` output; malformed snippets are skipped, never trusted. */
  static deserialize(data: unknown, options: FingerprintIndexOptions = {}): FingerprintIndex {
    const index = new FingerprintIndex(options);
    index.merge(data);
    return index;
  }

  /**
   * Adds the snippets of another index's `serialize()` output (e.g. a standalone gateway's, read
   * from disk); the same code already held is kept once, with the newer metadata. Malformed
   * snippets are skipped. Returns how many snippets were taken.
   */
  merge(data: unknown): number {
    const snippets = (data as { version?: unknown; snippets?: unknown } | null)?.snippets;
    if ((data as { version?: unknown } | null)?.version !== 1 || !Array.isArray(snippets)) return 0;
    const valid = snippets.map(validSnippet).filter((v): v is SerializedSnippet => v !== undefined);
    let taken = 0;
    const cutoff = this.now() - this.ttlMs;
    // Oldest first, so insertion order stays (mostly) time order: pruning walks from the front.
    for (const snippet of valid.sort((a, b) => a.addedAt - b.addedAt)) {
      if (snippet.addedAt < cutoff) continue;
      const keys = snippet.hashes.slice(0, this.maxLinesPerSnippet).map((h) => parseLineKey(h)!);
      const id = `${snippet.meta.path ?? ''}\u0000${keys.join(',')}`;
      const held = this.byKey.get(id);
      if (held !== undefined && this.snippets.get(held)!.addedAt >= snippet.addedAt) continue;
      this.insert(snippet.meta, snippet.addedAt, keys, snippet.flags.slice(0, keys.length));
      taken++;
    }
    this.prune();
    return taken;
  }

  private insert(meta: SnippetMeta, addedAt: number, keys: number[], flags: string): void {
    const id = `${meta.path ?? ''}\u0000${keys.join(',')}`;
    // The same code seen again: keep one copy, with the newest metadata.
    const existing = this.byKey.get(id);
    if (existing !== undefined) this.remove(existing);
    const snippet: Snippet = { meta, addedAt, keys, flags, seq: this.nextSeq++, id };
    this.snippets.set(snippet.seq, snippet);
    this.byKey.set(id, snippet.seq);
    this.totalLines += keys.length;
    for (let pos = 0; pos < keys.length; pos++) {
      if (flags[pos] === 't') continue;
      const key = keys[pos]!;
      let list = this.postings.get(key);
      if (!list) this.postings.set(key, (list = []));
      list.push(snippet.seq, pos);
      if (list.length > this.maxPostings * 2) list.splice(0, list.length - this.maxPostings * 2);
    }
    this.prune();
  }

  private remove(seq: number): void {
    const snippet = this.snippets.get(seq);
    if (!snippet) return;
    this.snippets.delete(seq);
    this.byKey.delete(snippet.id);
    this.totalLines -= snippet.keys.length;
    for (const key of new Set(snippet.keys)) {
      const list = this.postings.get(key);
      if (!list) continue;
      const kept: number[] = [];
      for (let i = 0; i < list.length; i += 2) if (list[i] !== seq) kept.push(list[i]!, list[i + 1]!);
      if (kept.length) this.postings.set(key, kept);
      else this.postings.delete(key);
    }
  }

  /**
   * Drops expired snippets and the oldest ones over the bounds. Map order is insertion order and
   * snippets are inserted oldest first (deserialize sorts), so this stops at the first keeper.
   */
  private prune(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const snippet of this.snippets.values()) {
      const over = this.snippets.size > this.maxSnippets || this.totalLines > this.maxTotalLines;
      if (!over && snippet.addedAt >= cutoff) break;
      this.remove(snippet.seq);
    }
  }

  /** All qualifying runs of `text`, best first. */
  private ranked(text: string, options: AttributeOptions): Attribution[] {
    this.prune();
    if (this.snippets.size === 0) return [];
    const lines: { no: number; key: number; trivial: boolean; long: boolean }[] = [];
    for (const [i, line] of splitLines(text).entries()) {
      const t = normalizeLine(line);
      if (t) lines.push({ no: i + 1, key: lineKey(t), trivial: isTrivialLine(t), long: t.length >= this.longLineChars });
    }
    const finished: Run[] = [];
    let active = new Map<number, Run>();
    const empty = active;
    for (let j = 0; j < lines.length; j++) {
      const line = lines[j]!;
      const list = line.trivial ? undefined : this.postings.get(line.key);
      // Most lines of a landed file match nothing: skip the bookkeeping for them.
      if (active.size === 0 && !list) continue;
      const next = new Map<number, Run>();
      // Continue runs whose snippet goes on with this line (trivial lines only ever continue).
      for (const run of active.values()) {
        const snippet = this.snippets.get(run.seq);
        if (snippet && snippet.keys[run.pos + 1] === line.key) {
          run.pos++;
          run.last = j;
          if (!line.trivial) run.nonTrivial++;
          run.long ||= !line.trivial && line.long;
          next.set(run.seq * POS_LIMIT + run.pos, run);
        } else {
          finished.push(run);
        }
      }
      // Start runs wherever this non-trivial line occurs in a snippet.
      if (list) {
        for (let k = 0; k < list.length; k += 2) {
          const key = list[k]! * POS_LIMIT + list[k + 1]!;
          if (!next.has(key)) next.set(key, { seq: list[k]!, first: j, last: j, pos: list[k + 1]!, nonTrivial: 1, long: line.long });
        }
      }
      active = next.size > 0 ? next : empty;
    }
    finished.push(...active.values());

    const qualifying = finished.filter((r) => r.nonTrivial >= 2 || r.long);
    const scored = qualifying.map((run) => {
      const snippet = this.snippets.get(run.seq)!;
      const matchedLines = run.last - run.first + 1;
      const attribution: Attribution = { ...snippet.meta, matchedLines, ratio: matchedLines / snippet.keys.length, startLine: lines[run.first]!.no, endLine: lines[run.last]!.no };
      return { attribution, run, samePath: samePath(snippet.meta.path, options.path), addedAt: snippet.addedAt };
    });
    scored.sort(
      (a, b) =>
        b.run.nonTrivial - a.run.nonTrivial ||
        b.attribution.matchedLines - a.attribution.matchedLines ||
        Number(b.samePath) - Number(a.samePath) ||
        b.addedAt - a.addedAt ||
        b.run.seq - a.run.seq,
    );
    return scored.map((s) => s.attribution);
  }
}

function validSnippet(raw: unknown): SerializedSnippet | undefined {
  const s = raw as Partial<SerializedSnippet> | null;
  if (!s || typeof s !== 'object') return undefined;
  const meta = s.meta as Partial<SnippetMeta> | undefined;
  if (!meta || typeof meta.tool !== 'string' || typeof meta.dialect !== 'string' || typeof meta.time !== 'string') return undefined;
  if (typeof s.addedAt !== 'number' || !Number.isFinite(s.addedAt)) return undefined;
  if (!Array.isArray(s.hashes) || typeof s.flags !== 'string' || s.flags.length !== s.hashes.length || !/^[tln]*$/.test(s.flags)) return undefined;
  if (!s.hashes.every((h) => parseLineKey(h) !== undefined)) return undefined;
  if (!/[ln]/.test(s.flags)) return undefined;
  const clean: SnippetMeta = { tool: meta.tool.slice(0, 200), dialect: meta.dialect.slice(0, 64), time: meta.time.slice(0, 40) };
  if (typeof meta.model === 'string') clean.model = meta.model.slice(0, 200);
  if (typeof meta.assistant === 'string') clean.assistant = meta.assistant.slice(0, 64);
  if (typeof meta.path === 'string') clean.path = meta.path.slice(0, 1024);
  return { meta: clean, addedAt: s.addedAt, hashes: s.hashes, flags: s.flags };
}
