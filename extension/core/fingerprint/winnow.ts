// k-gram hashing and winnowing (Schleimer, Wilkerson, Aiken: "Winnowing: local algorithms for
// document fingerprinting", SIGMOD 2003). Every k consecutive tokens get one hash; in every
// window of `window` consecutive hashes the minimum is selected (the rightmost on ties) and
// recorded once. Guarantee: any shared run of at least window + k - 1 tokens shares at least
// one selected fingerprint; runs shorter than k tokens are never matched (noise threshold).

/**
 * 32-bit finalizer (MurmurHash3's fmix32). Lives here, beside its hot caller, so that the
 * k-gram loop calls a local function (an import can become a getter call per k-gram in
 * some module loaders).
 */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Odd multiplier of the polynomial k-gram hash (mod 2^32); the result is mixed before use. */
const BASE = 0x9e3779b1;

/**
 * Hash of every k-gram of `codes[0..length)`: `out[p]` covers tokens p .. p+k-1. Polynomial
 * rolling hash mod 2^32, each value then passed through a 32-bit finalizer so that winnowing's
 * minimum is a uniformly random pick. `into` (at least length - k + 1 long) saves the query
 * side an allocation: it writes its hashes straight into the array it returns.
 */
export function kgramHashes(codes: Uint32Array, length: number, k: number, into?: Uint32Array): Uint32Array {
  const count = length - k + 1;
  if (count <= 0) return new Uint32Array(0);
  const out = into ? into.subarray(0, count) : new Uint32Array(count);
  let top = 1; // BASE^(k-1)
  for (let j = 1; j < k; j++) top = Math.imul(top, BASE);
  let h = 0;
  for (let j = 0; j < k; j++) h = (Math.imul(h, BASE) + codes[j]!) | 0;
  out[0] = mix(h);
  for (let p = 1; p < count; p++) {
    h = (Math.imul(h - Math.imul(codes[p - 1]!, top), BASE) + codes[p + k - 1]!) | 0;
    out[p] = mix(h);
  }
  return out;
}

/**
 * Positions (into `hashes`) selected by winnowing with the given window, ascending. A text
 * shorter than one window still yields its minimum, so short files get a fingerprint.
 */
export function winnow(hashes: Uint32Array, window: number): Uint32Array {
  const n = hashes.length;
  if (n === 0) return new Uint32Array(0);
  const w = Math.max(1, Math.min(window, n));
  // About 2/(w+1) of the positions on random text; up to all of them on repetitive text.
  const selected = new Uint32Array(n);
  let count = 0;
  // Monotonic deque of positions with increasing hashes; the front is the window's minimum.
  const deque = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  let last = -1;
  for (let p = 0; p < n; p++) {
    const h = hashes[p]!;
    // `>=`: on ties the newer (rightmost) position replaces the older one.
    while (tail > head && hashes[deque[tail - 1]!]! >= h) tail--;
    deque[tail++] = p;
    if (deque[head]! <= p - w) head++;
    if (p >= w - 1) {
      const min = deque[head]!;
      if (min !== last) {
        selected[count++] = min;
        last = min;
      }
    }
  }
  return selected.slice(0, count);
}
