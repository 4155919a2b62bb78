// Open-addressing tables keyed by 32-bit fingerprint hashes, in typed arrays: a million lines
// of protected code are a few million entries, which as a Map of objects would cost ten times
// the memory and a garbage collector's attention on every request.

/** The two bits `hash` sets in its filter word, from bits independent of the word's index. */
function filterBits(hash: number): number {
  const y = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return (1 << (y & 31)) | (1 << ((y >>> 5) & 31));
}

/**
 * hash → head of a postings chain, and how many sources contain the hash (a saturating byte:
 * only "more than STOP_SOURCES" matters, and a saturated count stays saturated until the
 * index is compacted). Linear probing, load ≤ 0.7: 9 bytes per slot.
 */
export class PostingsTable {
  private keys: Uint32Array;
  private heads: Int32Array;
  private sources: Uint8Array;
  private mask: number;
  /**
   * 8 bits per slot of capacity, two set per key in one 32-bit word (a blocked Bloom filter):
   * a lookup that misses (nearly every k-gram of a request) is answered from this small
   * array with one memory access instead of a cache miss in the big table. Two bits rather
   * than one cut the false positives that go on to probe the table from ~8% to ~1.5% on a
   * million-line index. Never cleared on removal (a stale bit only costs a probe).
   */
  private filter: Uint32Array;
  private filterShift: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity * 0.7 < expected) capacity *= 2;
    this.keys = new Uint32Array(capacity);
    this.heads = new Int32Array(capacity).fill(-1);
    this.sources = new Uint8Array(capacity);
    this.mask = capacity - 1;
    this.filter = new Uint32Array(capacity / 4);
    this.filterShift = 32 - Math.log2(capacity / 4); // top bits of a multiply pick the word
  }

  /** False: `hash` is certainly not in the table. */
  mayHave(hash: number): boolean {
    const mask = filterBits(hash);
    return (this.filter[Math.imul(hash, 0x85ebca6b) >>> this.filterShift]! & mask) === mask;
  }

  private mark(hash: number): void {
    this.filter[Math.imul(hash, 0x85ebca6b) >>> this.filterShift]! |= filterBits(hash);
  }

  /** Slot of `hash`, or -1. */
  find(hash: number): number {
    let slot = (Math.imul(hash, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      if (this.heads[slot] === -1) return -1;
      if (this.keys[slot] === hash) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Slot of `hash`, created (empty chain) when missing. */
  slotFor(hash: number): number {
    if (this.size + 1 > this.keys.length * 0.7) this.grow();
    let slot = (Math.imul(hash, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const head = this.heads[slot]!;
      if (head === -1) {
        this.keys[slot] = hash;
        this.heads[slot] = -2; // present, no postings yet
        this.size++;
        this.mark(hash);
        return slot;
      }
      if (this.keys[slot] === hash) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  head(slot: number): number {
    return this.heads[slot]!;
  }

  setHead(slot: number, posting: number): void {
    this.heads[slot] = posting;
  }

  sourceCount(slot: number): number {
    return this.sources[slot]!;
  }

  addSource(slot: number, delta: number): void {
    const n = this.sources[slot]!;
    if (n !== 255) this.sources[slot] = n + delta;
  }

  bytes(): number {
    return this.keys.byteLength + this.heads.byteLength + this.sources.byteLength + this.filter.byteLength;
  }

  private grow(): void {
    const keys = this.keys;
    const heads = this.heads;
    const sources = this.sources;
    const capacity = keys.length * 2;
    this.keys = new Uint32Array(capacity);
    this.heads = new Int32Array(capacity).fill(-1);
    this.sources = new Uint8Array(capacity);
    this.mask = capacity - 1;
    this.filter = new Uint32Array(capacity / 4);
    this.filterShift = 32 - Math.log2(capacity / 4); // top bits of a multiply pick the word
    for (let i = 0; i < keys.length; i++) {
      if (heads[i] === -1) continue;
      this.mark(keys[i]!);
      let slot = (Math.imul(keys[i]!, 0x9e3779b1) >>> 0) & this.mask;
      while (this.heads[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = keys[i]!;
      this.heads[slot] = heads[i]!;
      this.sources[slot] = sources[i]!;
    }
  }
}

/** A set of 32-bit hashes (public-code exclusions). */
export class HashSet {
  private keys: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  has(hash: number): boolean {
    if (this.size === 0) return false;
    let slot = (Math.imul(hash, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      if (!this.used[slot]) return false;
      if (this.keys[slot] === hash) return true;
      slot = (slot + 1) & this.mask;
    }
  }

  add(hash: number): boolean {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    let slot = (Math.imul(hash, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      if (!this.used[slot]) {
        this.used[slot] = 1;
        this.keys[slot] = hash;
        this.size++;
        return true;
      }
      if (this.keys[slot] === hash) return false;
      slot = (slot + 1) & this.mask;
    }
  }

  values(): Uint32Array {
    const out = new Uint32Array(this.size);
    let n = 0;
    for (let i = 0; i < this.keys.length; i++) if (this.used[i]) out[n++] = this.keys[i]!;
    return out.sort();
  }

  bytes(): number {
    return this.keys.byteLength + this.used.byteLength;
  }

  private grow(): void {
    const keys = this.keys;
    const used = this.used;
    this.keys = new Uint32Array(keys.length * 2);
    this.used = new Uint8Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (used[i]) this.add(keys[i]!);
  }
}
