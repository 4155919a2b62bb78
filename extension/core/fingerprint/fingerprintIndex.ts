// The index of protected code: per source file (a workspace-relative path, or a name from a
// fingerprint file) its winnowed fingerprints with the lines they came from — hashes and line
// numbers only, never code. `match(text)` finds where copies of indexed code appear in a text.
//
// Layout: one postings pool in chunked typed arrays (a source's postings are contiguous,
// added in one go) and an open-addressing table hash → chain of postings. Removing a source marks it dead
// (O(its fingerprints)); the pool is compacted once dead postings outnumber live ones.
import { fingerprintText, queryGrams, type QueryGrams, type SourceFingerprints } from './fingerprint';
import { HashSet, PostingsTable } from './hashTable';
import { PostingPool } from './postings';
import { CLUSTER_GAP_TOKENS, DEFAULT_PARAMS, MIN_FINGERPRINTS, STOP_SOURCES, type FingerprintParams } from './params';

export interface FingerprintMatch {
  /** Source id (workspace-relative path or the name recorded in a fingerprint file). */
  source: string;
  /** 1-based line range in the source that the matched fingerprints came from. */
  startLine: number;
  endLine: number;
  /** UTF-16 span of the copy in the queried text. */
  start: number;
  end: number;
  /** Distinct fingerprints of the source found in the span. */
  fingerprints: number;
}

export interface MatchOptions {
  /** Minimum distinct fingerprints per match (default MIN_FINGERPRINTS). */
  minFingerprints?: number;
}

export class FingerprintIndex {
  readonly params: Readonly<FingerprintParams>;
  /**
   * Set by a host while it is still filling the index (the workspace's first build): a file
   * the index does not have may just not be indexed yet, so the engine keeps judging tool
   * results named after such files by their label (fail closed).
   */
  building = false;
  private table: PostingsTable;
  private readonly excluded = new HashSet();
  private pool = new PostingPool();
  private deadPostings = 0;
  // Sources.
  private ids: string[] = [];
  private first: number[] = [];
  private counts: number[] = [];
  private alive: boolean[] = [];
  private byId = new Map<string, number>();

  constructor(params: Partial<FingerprintParams> = {}, expectedFingerprints = 1024) {
    this.params = Object.freeze({ ...DEFAULT_PARAMS, ...params });
    if (!(this.params.k >= 4 && this.params.k <= 64 && this.params.window >= 1 && this.params.window <= 256)) {
      throw new RangeError('fingerprint parameters out of range');
    }
    this.table = new PostingsTable(expectedFingerprints);
  }

  /** Number of live sources. */
  get sourceCount(): number {
    return this.byId.size;
  }

  /** Number of live fingerprints (postings). */
  get fingerprintCount(): number {
    return this.pool.count - this.deadPostings;
  }

  get excludedCount(): number {
    return this.excluded.size;
  }

  has(source: string): boolean {
    return this.byId.has(source);
  }

  sources(): string[] {
    return [...this.byId.keys()];
  }

  /** Indexes (or re-indexes) one source file's text. */
  add(source: string, text: string): void {
    this.addFingerprints(source, fingerprintText(text, this.params));
  }

  /** Adds precomputed fingerprints for a source, replacing any it had. */
  addFingerprints(source: string, fps: SourceFingerprints): void {
    this.remove(source);
    const index = this.ids.length;
    this.ids.push(source);
    this.first.push(this.pool.count);
    this.alive.push(true);
    this.byId.set(source, index);
    this.pool.reserve(this.pool.count + fps.count);
    const seen = new HashSet(fps.count);
    let stored = 0;
    for (let i = 0; i < fps.count; i++) {
      const hash = fps.hashes[i]!;
      const slot = this.table.slotFor(hash);
      const head = this.table.head(slot);
      const p = this.pool.push(hash, head < 0 ? -1 : head, index, fps.startLines[i]!, fps.endLines[i]! - fps.startLines[i]!);
      this.table.setHead(slot, p);
      if (seen.add(hash)) this.table.addSource(slot, 1);
      stored++;
    }
    this.counts.push(stored);
  }

  /** Drops a source's fingerprints; false when it was not indexed. */
  remove(source: string): boolean {
    const index = this.byId.get(source);
    if (index === undefined) return false;
    this.byId.delete(source);
    this.alive[index] = false;
    const from = this.first[index]!;
    const to = from + this.counts[index]!;
    const seen = new HashSet(to - from);
    for (let p = from; p < to; p++) {
      const hash = this.pool.hash(p);
      if (seen.add(hash)) this.table.addSource(this.table.find(hash), -1);
    }
    this.deadPostings += to - from;
    if (this.deadPostings > 65536 && this.deadPostings > this.pool.count - this.deadPostings) this.compact();
    return true;
  }

  /**
   * Marks hashes as public code: they are never matched (boilerplate, vendored libraries).
   * Pass every k-gram hash of public text (see `excludeText`), not only its winnowed ones.
   */
  exclude(hashes: ArrayLike<number>): void {
    for (let i = 0; i < hashes.length; i++) this.excluded.add(hashes[i]! >>> 0);
  }

  /**
   * Excludes the fingerprints of this index that occur anywhere in `publicText` (each of its
   * k-grams is looked up, so memory grows with the overlap only, not with the public corpus).
   * Returns how many hashes were newly excluded.
   */
  excludeText(publicText: string): number {
    const grams = queryGrams(publicText, this.params);
    let added = 0;
    for (let p = 0; p < grams.count; p++) {
      const hash = grams.hashes[p]!;
      if (this.table.find(hash) >= 0 && this.excluded.add(hash)) added++;
    }
    return added;
  }

  isExcluded(hash: number): boolean {
    return this.excluded.has(hash);
  }

  /** Where copies of indexed code appear in `text`. */
  match(text: string, options: MatchOptions = {}): FingerprintMatch[] {
    return this.matchGrams(queryGrams(text, this.params), options);
  }

  /** Same as `match`, for k-grams already computed with this index's parameters (shared between indexes). */
  matchGrams(grams: QueryGrams, options: MatchOptions = {}): FingerprintMatch[] {
    const min = options.minFingerprints ?? MIN_FINGERPRINTS;
    // Hits as parallel arrays: query position, posting. Most requests have none.
    const hitPos: number[] = [];
    const hitPosting: number[] = [];
    const table = this.table;
    for (let q = 0; q < grams.count; q++) {
      const hash = grams.hashes[q]!;
      if (!table.mayHave(hash)) continue;
      const slot = table.find(hash);
      if (slot < 0) continue;
      const sources = this.table.sourceCount(slot);
      if (sources === 0 || sources > STOP_SOURCES || this.excluded.has(hash)) continue;
      for (let p = this.table.head(slot); p >= 0; p = this.pool.next(p)) {
        if (!this.alive[this.pool.source(p)]) continue;
        hitPos.push(q);
        hitPosting.push(p);
      }
    }
    if (hitPos.length === 0) return [];
    return this.clusters(grams, hitPos, hitPosting, min);
  }

  /** Groups hits per source into runs close together in the query; keeps runs with enough distinct fingerprints. */
  private clusters(grams: QueryGrams, hitPos: number[], hitPosting: number[], min: number): FingerprintMatch[] {
    const bySource = new Map<number, number[]>();
    for (let i = 0; i < hitPos.length; i++) {
      const s = this.pool.source(hitPosting[i]!);
      let list = bySource.get(s);
      if (!list) bySource.set(s, (list = []));
      list.push(i);
    }
    const out: FingerprintMatch[] = [];
    for (const [source, hits] of bySource) {
      // Most sources are hit once or twice by a k-gram that is common code: no run to check.
      if (hits.length < min) continue;
      let runStart = 0;
      for (let j = 1; j <= hits.length; j++) {
        if (j < hits.length && hitPos[hits[j]!]! - hitPos[hits[j - 1]!]! <= CLUSTER_GAP_TOKENS) continue;
        // A run of fewer hits than `min` cannot hold `min` distinct fingerprints.
        if (j - runStart >= min) {
          const match = this.runMatch(source, grams, hitPos, hitPosting, hits, runStart, j, min);
          if (match) out.push(match);
        }
        runStart = j;
      }
    }
    return out.sort((a, b) => a.start - b.start || b.fingerprints - a.fingerprints);
  }

  /** The match of hits[from..to) of one source (ascending query positions), if it has `min` distinct fingerprints. */
  private runMatch(source: number, grams: QueryGrams, hitPos: number[], hitPosting: number[], hits: number[], from: number, to: number, min: number): FingerprintMatch | undefined {
    const pool = this.pool;
    // A hash that occurs on several lines of the source: keep the posting nearest the run's previous line.
    const chosen = new Map<number, number>(); // hash → posting
    let previousLine = -1;
    for (let j = from; j < to; ) {
      const q = hitPos[hits[j]!]!;
      let best = hitPosting[hits[j]!]!;
      let k = j + 1;
      if (previousLine >= 0) {
        let bestDistance = Math.abs(pool.line(best) - previousLine);
        for (; k < to && hitPos[hits[k]!] === q; k++) {
          const p = hitPosting[hits[k]!]!;
          const distance = Math.abs(pool.line(p) - previousLine);
          if (distance < bestDistance) {
            best = p;
            bestDistance = distance;
          }
        }
      } else {
        while (k < to && hitPos[hits[k]!] === q) k++;
      }
      const hash = pool.hash(best);
      if (!chosen.has(hash)) chosen.set(hash, best);
      previousLine = pool.line(best);
      j = k;
    }
    if (chosen.size < min) return undefined;
    let startLine = Infinity;
    let endLine = 0;
    for (const p of chosen.values()) {
      startLine = Math.min(startLine, pool.line(p));
      endLine = Math.max(endLine, pool.line(p) + pool.span(p));
    }
    return {
      source: this.ids[source]!,
      startLine,
      endLine,
      start: grams.starts[hitPos[hits[from]!]!]!,
      end: grams.ends[hitPos[hits[to - 1]!]!]!,
      fingerprints: chosen.size,
    };
  }

  /** Fingerprints of one source, for serialization (live sources only). */
  sourceFingerprints(source: string): SourceFingerprints | undefined {
    const index = this.byId.get(source);
    if (index === undefined) return undefined;
    const from = this.first[index]!;
    const count = this.counts[index]!;
    const out: SourceFingerprints = { count, hashes: new Uint32Array(count), startLines: new Uint32Array(count), endLines: new Uint32Array(count) };
    for (let i = 0; i < count; i++) {
      out.hashes[i] = this.pool.hash(from + i);
      out.startLines[i] = this.pool.line(from + i);
      out.endLines[i] = out.startLines[i]! + this.pool.span(from + i);
    }
    return out;
  }

  excludedHashes(): Uint32Array {
    return this.excluded.values();
  }

  /** Approximate heap bytes held by the typed arrays (strings of source ids not counted). */
  memoryBytes(): number {
    return this.table.bytes() + this.excluded.bytes() + this.pool.bytes();
  }

  /** Rebuilds pool and table from the live sources (amortized: runs after as many removals as live postings). */
  private compact(): void {
    const live = [...this.byId.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => ({ id, fps: this.sourceFingerprints(id)! }));
    const fresh = new FingerprintIndex(this.params, this.pool.count - this.deadPostings);
    for (const { id, fps } of live) fresh.addFingerprints(id, fps);
    this.table = fresh.table;
    this.pool = fresh.pool;
    this.deadPostings = 0;
    this.ids = fresh.ids;
    this.first = fresh.first;
    this.counts = fresh.counts;
    this.alive = fresh.alive;
    this.byId = fresh.byId;
  }
}
