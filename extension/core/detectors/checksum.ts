// Checksums that token formats carry, so a detector can tell a real token from a lookalike.
// GitHub (ghp_/gho_/ghu_/ghs_/ghr_) and npm (npm_) tokens end in 6 base62 chars holding the
// CRC32 of the 30 random chars before them (github.blog, "Behind GitHub's new authentication
// token formats", 2021; npm adopted the same format).

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE) of an ASCII string. */
export function crc32(ascii: string): number {
  let crc = -1;
  for (let i = 0; i < ascii.length; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ ascii.charCodeAt(i)) & 0xff]!;
  return (crc ^ -1) >>> 0;
}

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` in base62, left-padded with `0` to `width` chars. */
export function base62(n: number, width: number): string {
  let out = '';
  for (let v = n; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62] + out;
  return out.padStart(width, '0');
}

/** True when the token (prefix_ + 30 random + 6 checksum chars) carries a valid CRC32. */
export function hasCrc32Base62(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (body.length < 7) return false;
  const random = body.slice(0, -6);
  return base62(crc32(random), 6) === body.slice(-6);
}
