// The fingerprint file format (`.alfp`): what `airlock fingerprint build` writes and policies
// name in `protected.fingerprints`, and what the workspace index cache stores. It holds the
// parameters, the public-code exclusions, and per source its id with hashes and line numbers.
// Never code: nothing in it can be turned back into the text it was computed from.
//
//   "ALFP" u32 format u32 k u32 window u32 sources u32 excluded
//   excluded × u32 hash
//   sources × ( u32 idBytes, id (UTF-8, padded to 4), u32 n, n × u32 hash, n × u32 line, n × u32 span )
// All integers little-endian.
import { FingerprintIndex } from './fingerprintIndex';
import { FINGERPRINT_FORMAT } from './params';

const MAGIC = 0x50464c41; // "ALFP" read as little-endian u32

export class FingerprintFormatError extends Error {
  constructor(reason: string) {
    super(`not a valid Airlock fingerprint file: ${reason}`);
    this.name = 'FingerprintFormatError';
  }
}

export function serializeIndex(index: FingerprintIndex): Uint8Array {
  const encoder = new TextEncoder();
  const sources = index.sources().sort();
  const excluded = index.excludedHashes();
  const encoded = sources.map((id) => ({ id: encoder.encode(id), fps: index.sourceFingerprints(id)! }));
  let size = 24 + excluded.length * 4;
  for (const { id, fps } of encoded) size += 8 + pad4(id.length) + fps.count * 12;
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  let at = 0;
  const u32 = (v: number) => {
    view.setUint32(at, v >>> 0, true);
    at += 4;
  };
  u32(MAGIC);
  u32(FINGERPRINT_FORMAT);
  u32(index.params.k);
  u32(index.params.window);
  u32(encoded.length);
  u32(excluded.length);
  for (let i = 0; i < excluded.length; i++) u32(excluded[i]!);
  for (const { id, fps } of encoded) {
    u32(id.length);
    bytes.set(id, at);
    at += pad4(id.length);
    u32(fps.count);
    for (let i = 0; i < fps.count; i++) u32(fps.hashes[i]!);
    for (let i = 0; i < fps.count; i++) u32(fps.startLines[i]!);
    for (let i = 0; i < fps.count; i++) u32(fps.endLines[i]! - fps.startLines[i]!);
  }
  return bytes;
}

/** Reads a fingerprint file; throws FingerprintFormatError (never a crash or a partial index) on bad input. */
export function deserializeIndex(bytes: Uint8Array): FingerprintIndex {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => {
    if (at + 4 > bytes.byteLength) throw new FingerprintFormatError('truncated');
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  if (bytes.byteLength < 24 || u32() !== MAGIC) throw new FingerprintFormatError('wrong magic number');
  const format = u32();
  if (format !== FINGERPRINT_FORMAT) throw new FingerprintFormatError(`format ${format}, this Airlock reads format ${FINGERPRINT_FORMAT}; rebuild it with this version's \`airlock fingerprint build\``);
  const k = u32();
  const window = u32();
  const sourceCount = u32();
  const excludedCount = u32();
  if (excludedCount * 4 > bytes.byteLength - at) throw new FingerprintFormatError('truncated');
  let index: FingerprintIndex;
  try {
    index = new FingerprintIndex({ k, window }, Math.min(bytes.byteLength / 12, 1 << 26));
  } catch {
    throw new FingerprintFormatError(`parameters k=${k} window=${window} out of range`);
  }
  const excluded = new Uint32Array(excludedCount);
  for (let i = 0; i < excludedCount; i++) excluded[i] = u32();
  index.exclude(excluded);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let s = 0; s < sourceCount; s++) {
    const idBytes = u32();
    if (idBytes === 0 || idBytes > 4096 || at + pad4(idBytes) > bytes.byteLength) throw new FingerprintFormatError('bad source id');
    let id: string;
    try {
      id = decoder.decode(bytes.subarray(at, at + idBytes));
    } catch {
      throw new FingerprintFormatError('source id is not UTF-8');
    }
    at += pad4(idBytes);
    const n = u32();
    if (n * 12 > bytes.byteLength - at) throw new FingerprintFormatError('truncated');
    const hashes = new Uint32Array(n);
    const startLines = new Uint32Array(n);
    const endLines = new Uint32Array(n);
    for (let i = 0; i < n; i++) hashes[i] = u32();
    for (let i = 0; i < n; i++) startLines[i] = u32();
    for (let i = 0; i < n; i++) endLines[i] = startLines[i]! + u32();
    if (index.has(id)) throw new FingerprintFormatError(`duplicate source "${id.slice(0, 80)}"`);
    index.addFingerprints(id, { count: n, hashes, startLines, endLines });
  }
  if (at !== bytes.byteLength) throw new FingerprintFormatError('trailing bytes');
  return index;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
