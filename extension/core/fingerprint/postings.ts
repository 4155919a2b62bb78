// The postings of the fingerprint index — per stored fingerprint: its hash, the next posting
// with the same hash, its source, its first line and line span — in fixed-size chunks of
// typed arrays. Chunks never move: growing adds a chunk instead of copying tens of MB, so
// re-indexing one file after a save never pays for the whole index.
const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export class PostingPool {
  private hashes: Uint32Array[] = [];
  private nexts: Int32Array[] = [];
  private sources: Uint32Array[] = [];
  private lines: Uint32Array[] = [];
  private spans: Uint16Array[] = [];
  /** Postings in use (the next free posting). */
  count = 0;

  /** Makes room for `needed` postings in total. */
  reserve(needed: number): void {
    while (this.hashes.length * CHUNK < needed) {
      this.hashes.push(new Uint32Array(CHUNK));
      this.nexts.push(new Int32Array(CHUNK));
      this.sources.push(new Uint32Array(CHUNK));
      this.lines.push(new Uint32Array(CHUNK));
      this.spans.push(new Uint16Array(CHUNK));
    }
  }

  /** Appends a posting (room must be reserved) and returns its number. */
  push(hash: number, next: number, source: number, line: number, span: number): number {
    const p = this.count++;
    const c = p >>> SHIFT;
    const o = p & MASK;
    this.hashes[c]![o] = hash;
    this.nexts[c]![o] = next;
    this.sources[c]![o] = source;
    this.lines[c]![o] = line;
    this.spans[c]![o] = span > 0xffff ? 0xffff : span;
    return p;
  }

  hash(p: number): number {
    return this.hashes[p >>> SHIFT]![p & MASK]!;
  }

  next(p: number): number {
    return this.nexts[p >>> SHIFT]![p & MASK]!;
  }

  source(p: number): number {
    return this.sources[p >>> SHIFT]![p & MASK]!;
  }

  line(p: number): number {
    return this.lines[p >>> SHIFT]![p & MASK]!;
  }

  span(p: number): number {
    return this.spans[p >>> SHIFT]![p & MASK]!;
  }

  bytes(): number {
    return this.hashes.length * CHUNK * (4 + 4 + 4 + 4 + 2);
  }
}
