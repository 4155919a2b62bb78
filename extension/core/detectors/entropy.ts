// Shannon entropy of a string, in bits per character: random tokens score high (base64 ~6,
// hex ~4), words, identifiers and repeated characters score low.

// Counts per UTF-16 unit in one shared table (cleared after each use) instead of a Map: this
// runs for every candidate value of every scan. The sum goes in order of first occurrence, as
// it did over the Map, so the result is the same to the last bit.
const counts = new Int32Array(65536);
let seen = new Int32Array(256);

export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  if (seen.length < s.length) seen = new Int32Array(s.length);
  let distinct = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (counts[c]++ === 0) seen[distinct++] = c;
  }
  let bits = 0;
  for (let k = 0; k < distinct; k++) {
    const c = seen[k]!;
    const p = counts[c]! / s.length;
    counts[c] = 0;
    bits -= p * Math.log2(p);
  }
  return bits;
}
