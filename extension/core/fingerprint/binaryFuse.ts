// Binary fuse filters (Graf & Lemire, "Binary Fuse Filters: Fast and Smaller Than Xor
// Filters", 2022): a static set of 32-bit fingerprint hashes in ~1.13 × 16 bits per key, with
// a false-positive rate of 2^-16 per lookup and three memory reads per query. Used for the
// organization-wide set of protected-code fingerprints a laptop checks requests against
// without holding the exact index (issue "from one laptop to the whole company").
//
// Keys are the 32-bit k-gram hashes of core/fingerprint; positions and the stored check value
// come from two independent 32-bit mixes of key and seed. Construction peels the 3-hypergraph;
// on the rare failure it retries with the next seed.

export interface BinaryFuseFilter {
  readonly seed: number;
  readonly segmentLength: number;
  readonly segmentCount: number;
  /** Check values, `(segmentCount + 2) × segmentLength` of them. */
  readonly slots: Uint16Array;
  /** Distinct keys the filter was built from. */
  readonly size: number;
}

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
  segmentCount: number;
  segmentCountLength: number;
  arrayLength: number;
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
  return { segmentLength, segmentLengthMask: segmentLength - 1, segmentCount, segmentCountLength: segmentCount * segmentLength, arrayLength };
}

/** The three slot positions of a key, and its 16-bit check value. */
function positions(key: number, seed: number, l: Layout, out: Uint32Array): number {
  const a = fmix32((key ^ seed) >>> 0);
  const b = fmix32((key + Math.imul(seed, 0x9e3779b1) + 0x7f4a7c15) >>> 0);
  // h0 = high part of a × segmentCountLength (deterministic in doubles: the same at build and query).
  const h0 = Math.floor((a * l.segmentCountLength) / 4294967296);
  out[0] = h0;
  out[1] = (h0 + l.segmentLength) ^ ((b >>> 18) & l.segmentLengthMask);
  out[2] = (h0 + 2 * l.segmentLength) ^ (b & l.segmentLengthMask);
  return (a ^ (b >>> 16) ^ (b << 16)) & 0xffff;
}

/** Builds a filter over `keys` (duplicates allowed; they are removed). */
export function buildBinaryFuse(keys: Uint32Array): BinaryFuseFilter {
  const unique = Uint32Array.from(keys).sort();
  let n = 0;
  for (let i = 0; i < unique.length; i++) if (i === 0 || unique[i] !== unique[i - 1]) unique[n++] = unique[i]!;
  const distinct = unique.subarray(0, n);
  const l = layout(n);
  const pos = new Uint32Array(3);
  for (let attempt = 0; attempt < 64; attempt++) {
    const seed = fmix32(0x5eed0000 + attempt);
    const slots = tryBuild(distinct, seed, l, pos);
    if (slots) return { seed, segmentLength: l.segmentLength, segmentCount: l.segmentCount, slots, size: n };
  }
  throw new Error('binary fuse construction failed 64 times (keys are not distinct?)');
}

function tryBuild(keys: Uint32Array, seed: number, l: Layout, pos: Uint32Array): Uint16Array | undefined {
  const n = keys.length;
  const slots = new Uint16Array(l.arrayLength);
  if (n === 0) return slots;
  // Per slot: how many keys touch it (× 4) and which of their three positions it is (low 2 bits,
  // XORed), and the XOR of the indices of the keys touching it.
  const count = new Uint32Array(l.arrayLength);
  const xorIndex = new Uint32Array(l.arrayLength);
  for (let i = 0; i < n; i++) {
    positions(keys[i]!, seed, l, pos);
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
    positions(keys[i]!, seed, l, pos);
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
  // Assign in reverse peeling order: each key's own slot makes the XOR of its three equal its check value.
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    const check = positions(keys[i]!, seed, l, pos);
    const which = orderSlot[k]!;
    slots[pos[which]!] = check ^ slots[pos[(which + 1) % 3]!]! ^ slots[pos[(which + 2) % 3]!]!;
  }
  return slots;
}

/** Reusable lookup for one filter (allocates its scratch once). */
export class BinaryFuseLookup {
  private readonly l: Layout;
  private readonly pos = new Uint32Array(3);

  constructor(readonly filter: BinaryFuseFilter) {
    const segmentLength = filter.segmentLength;
    this.l = {
      segmentLength,
      segmentLengthMask: segmentLength - 1,
      segmentCount: filter.segmentCount,
      segmentCountLength: filter.segmentCount * segmentLength,
      arrayLength: (filter.segmentCount + 2) * segmentLength,
    };
    if (filter.slots.length !== this.l.arrayLength) throw new RangeError('binary fuse filter: slot array has the wrong length');
  }

  has(key: number): boolean {
    const check = positions(key >>> 0, this.filter.seed, this.l, this.pos);
    const s = this.filter.slots;
    return (s[this.pos[0]!]! ^ s[this.pos[1]!]! ^ s[this.pos[2]!]!) === check;
  }
}
