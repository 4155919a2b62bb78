// From text to fingerprints: normalized tokens → k-gram hashes → winnowed selection, each
// fingerprint remembering the source lines its k-gram spans. And the query side: every k-gram
// of a request text with its character span (the query is not winnowed, so any fingerprint
// stored for the source is found wherever its k-gram appears).
import { DEFAULT_PARAMS, type FingerprintParams } from './params';
import { normalizedTokens } from './tokenize';
import { kgramHashes, winnow } from './winnow';

export interface SourceFingerprints {
  count: number;
  hashes: Uint32Array;
  /** 1-based first and last line of each fingerprint's k-gram in the source. */
  startLines: Uint32Array;
  endLines: Uint32Array;
}

export interface QueryGrams {
  count: number;
  /** Hash of the k-gram starting at token p. */
  hashes: Uint32Array;
  /** UTF-16 offset where k-gram p starts, and one past where it ends, in the queried text. */
  starts: Uint32Array;
  ends: Uint32Array;
}

export function fingerprintText(text: string, params: FingerprintParams = DEFAULT_PARAMS): SourceFingerprints {
  const tokens = normalizedTokens(text);
  const hashes = kgramHashes(tokens.codes, tokens.length, params.k);
  const positions = winnow(hashes, params.window);
  const count = positions.length;
  const out: SourceFingerprints = { count, hashes: new Uint32Array(count), startLines: new Uint32Array(count), endLines: new Uint32Array(count) };
  for (let i = 0; i < count; i++) {
    const p = positions[i]!;
    out.hashes[i] = hashes[p]!;
    out.startLines[i] = tokens.lines[p]!;
    out.endLines[i] = tokens.lines[p + params.k - 1]!;
  }
  return out;
}

export function queryGrams(text: string, params: FingerprintParams = DEFAULT_PARAMS): QueryGrams {
  const tokens = normalizedTokens(text);
  const hashes = kgramHashes(tokens.codes, tokens.length, params.k);
  const count = hashes.length;
  return {
    count,
    hashes,
    starts: tokens.starts.subarray(0, count),
    ends: count > 0 ? tokens.ends.subarray(params.k - 1, params.k - 1 + count) : new Uint32Array(0),
  };
}
