// Binary fuse filters (Graf & Lemire, "Binary Fuse Filters: Fast and Smaller Than Xor
// Filters", 2022), in their retrieval form: a static map from 64-bit keys to a 16-bit value
// (here: which repository a fingerprint comes from), with a 16-bit check per key so that a key
// that was never added answers "absent" except with probability 2^-16. ~1.13 × 32 bits per key,
// three memory reads per lookup. Used for the organization-wide set of protected-code
// fingerprints that a laptop checks requests against without holding the exact index.
//
// Keys are 64-bit (two 32-bit words): at the scale of every repository of a company, 32-bit
// k-gram hashes collide with public code far too often (docs/scale.md). Positions and the check
// come from two independent 32-bit mixes of the key and a seed. Construction peels the
// 3-hypergraph; on the rare failure it retries with the next seed.

export interface FuseMap {
  readonly seed: number;
  readonly segmentLength: number;
  readonly segmentCount: number;
  /** `(value << 16) | check`, XOR-combined; `(segmentCount + 2) × segmentLength` slots. */
  readonly slots: Uint32Array;
  /** Distinct keys the map was built from. */
  readonly size: number;
}

/** The value stored for a key that several inputs gave different values (e.g. in several repos). */
export const SEVERAL = 0xffff;

/** The murmur3 32-bit finalizer (the tokenizer keeps its own copy inline in its hot loop). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}


interface Layout {
  segmentLength: number;
  segmentLengthMask: number;
  segmentCountLength: number;
  arrayLength: number;
  segmentCount: number;
}

/** Sizes as in the reference implementation (arity 3). */
function layout(size: number): Layout {
  let segmentLength = size <= 1 ? 4 : 1 << Math.floor(Math.log(size) / Math.log(3.33) + 2.25);
  if (segmentLength > 262144) segmentLength = 262144;
  const sizeFactor = size <= 1 ? 0 : Math.max(1.125, 0.875 + (0.25 * Math.log(1_000_000)) / Math.log(size));
  const capacity = size <= 1 ? 0 : Math.round(size * sizeFactor);
  const initSegmentCount = Math.floor((capacity + segmentLength - 1) / segmentLength) - 2;
  let arrayLength = (initSegmentCount + 2) * segmentLength;
  let segmentCount = Math.floor((arrayLength + segmentLength - 1) / segmentLength);
  segmentCount = segmentCount <= 2 ? 1 : segmentCount - 2;
  arrayLength = (segmentCount + 2) * segmentLength;
  return layoutOf(segmentLength, segmentCount);
}

function layoutOf(segmentLength: number, segmentCount: number): Layout {
  return { segmentLength, segmentLengthMask: segmentLength - 1, segmentCount, segmentCountLength: segmentCount * segmentLength, arrayLength: (segmentCount + 2) * segmentLength };
}

/** The three slot positions of a key (hi, lo) into `out`, and its 16-bit check. */
function positions(hi: number, lo: number, seed: number, l: Layout, out: Uint32Array): number {
  const a = fmix32((hi ^ seed ^ fmix32(lo ^ 0x68e31da4)) >>> 0);
  const b = fmix32((lo + Math.imul(seed, 0x9e3779b1) + Math.imul(hi, 0x7f4a7c15)) >>> 0);
  // The high part of a × segmentCountLength, in doubles: deterministic, so build and query agree.
  const h0 = Math.floor((a * l.segmentCountLength) / 4294967296);
  out[0] = h0;
  out[1] = (h0 + l.segmentLength) ^ ((b >>> 18) & l.segmentLengthMask);
  out[2] = (h0 + 2 * l.segmentLength) ^ (b & l.segmentLengthMask);
  return (a ^ (b >>> 16) ^ (b << 16)) & 0xffff;
}

export interface FuseKeys {
  hi: Uint32Array;
  lo: Uint32Array;
  /** 16-bit value per key (default 0). */
  values?: Uint16Array;
}

/** LSD radix sort of (hi, lo, value) triples by the 64-bit key, in 16-bit digits: O(n). */
function sortKeys(keys: Required<FuseKeys>): Required<FuseKeys> {
  let hi: Uint32Array<ArrayBufferLike> = keys.hi;
  let lo: Uint32Array<ArrayBufferLike> = keys.lo;
  let values: Uint16Array<ArrayBufferLike> = keys.values;
  const n = hi.length;
  let hi2: Uint32Array<ArrayBufferLike> = new Uint32Array(n);
  let lo2: Uint32Array<ArrayBufferLike> = new Uint32Array(n);
  let values2: Uint16Array<ArrayBufferLike> = new Uint16Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(word[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const d = (word[i]! >>> shift) & 0xffff;
      const to = counts[d]!++;
      hi2[to] = hi[i]!;
      lo2[to] = lo[i]!;
      values2[to] = values[i]!;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [values, values2] = [values2, values];
  }
  return { hi, lo, values };
}

/**
 * Sorted distinct keys; a key given with different values gets SEVERAL. `counts`, when given,
 * receives how many times each distinct key was given (e.g. in how many repositories).
 */
export function distinctKeys(keys: FuseKeys, counts?: { of?: Uint32Array }): Required<FuseKeys> {
  if (keys.hi.length !== keys.lo.length || (keys.values && keys.values.length !== keys.hi.length)) throw new RangeError('fuse keys: arrays differ in length');
  const sorted = sortKeys({ hi: Uint32Array.from(keys.hi), lo: Uint32Array.from(keys.lo), values: keys.values ? Uint16Array.from(keys.values) : new Uint16Array(keys.hi.length) });
  const { hi, lo, values } = sorted;
  const seen = counts ? new Uint32Array(hi.length) : undefined;
  let n = 0;
  for (let i = 0; i < hi.length; i++) {
    if (n > 0 && hi[i] === hi[n - 1] && lo[i] === lo[n - 1]) {
      if (values[i] !== values[n - 1]) values[n - 1] = SEVERAL;
      if (seen) seen[n - 1]!++;
      continue;
    }
    hi[n] = hi[i]!;
    lo[n] = lo[i]!;
    values[n] = values[i]!;
    if (seen) seen[n] = 1;
    n++;
  }
  if (counts && seen) counts.of = seen.subarray(0, n);
  return { hi: hi.subarray(0, n), lo: lo.subarray(0, n), values: values.subarray(0, n) };
}

/** Builds the map; duplicate keys are merged (SEVERAL when their values differ). */
export function buildFuseMap(input: FuseKeys): FuseMap {
  const keys = distinctKeys(input);
  const n = keys.hi.length;
  const l = layout(n);
  const pos = new Uint32Array(3);
  for (let attempt = 0; attempt < 64; attempt++) {
    const seed = fmix32(0x5eed0000 + attempt);
    const slots = tryBuild(keys, seed, l, pos);
    if (slots) return { seed, segmentLength: l.segmentLength, segmentCount: l.segmentCount, slots, size: n };
  }
  throw new Error('binary fuse construction failed 64 times');
}

function tryBuild(keys: Required<FuseKeys>, seed: number, l: Layout, pos: Uint32Array): Uint32Array | undefined {
  const { hi, lo, values } = keys;
  const n = hi.length;
  const slots = new Uint32Array(l.arrayLength);
  if (n === 0) return slots;
  // Per slot: keys touching it (× 4) XOR which of their three positions it is (low 2 bits), and
  // the XOR of the indices of the keys touching it.
  const count = new Uint32Array(l.arrayLength);
  const xorIndex = new Uint32Array(l.arrayLength);
  for (let i = 0; i < n; i++) {
    positions(hi[i]!, lo[i]!, seed, l, pos);
    for (let j = 0; j < 3; j++) {
      const s = pos[j]!;
      count[s] = (count[s]! + 4) ^ j;
      xorIndex[s] = (xorIndex[s]! ^ i) >>> 0;
    }
  }
  // Peel: a slot touched by exactly one key determines that key's value.
  const queue = new Uint32Array(l.arrayLength);
  let qh = 0;
  let qt = 0;
  for (let s = 0; s < l.arrayLength; s++) if (count[s]! >> 2 === 1) queue[qt++] = s;
  const order = new Uint32Array(n);
  const orderSlot = new Uint8Array(n);
  let peeled = 0;
  while (qh < qt) {
    const s = queue[qh++]!;
    if (count[s]! >> 2 !== 1) continue;
    const i = xorIndex[s]!;
    const which = count[s]! & 3;
    order[peeled] = i;
    orderSlot[peeled++] = which;
    positions(hi[i]!, lo[i]!, seed, l, pos);
    for (let j = 0; j < 3; j++) {
      if (j === which) continue;
      const t = pos[j]!;
      count[t] = (count[t]! - 4) ^ j;
      xorIndex[t] = (xorIndex[t]! ^ i) >>> 0;
      if (count[t]! >> 2 === 1) queue[qt++] = t;
    }
    count[s] = 0;
  }
  if (peeled !== n) return undefined;
  // Assign in reverse peeling order: the XOR of each key's three slots becomes (value << 16 | check).
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    const check = positions(hi[i]!, lo[i]!, seed, l, pos);
    const which = orderSlot[k]!;
    const a = pos[which === 0 ? 1 : 0]!;
    const b = pos[which === 2 ? 1 : 2]!;
    slots[pos[which]!] = (((values[i]! << 16) | check) ^ slots[a]! ^ slots[b]!) >>> 0;
  }
  return slots;
}

/** Lookups into one map (allocates its scratch once). */
export class FuseMapLookup {
  private readonly l: Layout;
  private readonly pos = new Uint32Array(3);

  constructor(readonly map: FuseMap) {
    this.l = layoutOf(map.segmentLength, map.segmentCount);
    if (map.slots.length !== this.l.arrayLength || (map.segmentLength & (map.segmentLength - 1)) !== 0) throw new RangeError('binary fuse map: inconsistent layout');
  }

  /** The value stored for the key, or -1 when the key was (almost surely) never added. */
  get(hi: number, lo: number): number {
    const check = positions(hi >>> 0, lo >>> 0, this.map.seed, this.l, this.pos);
    const s = this.map.slots;
    const v = (s[this.pos[0]!]! ^ s[this.pos[1]!]! ^ s[this.pos[2]!]!) >>> 0;
    return (v & 0xffff) === check ? v >>> 16 : -1;
  }
}
