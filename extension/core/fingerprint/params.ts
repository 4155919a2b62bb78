// Fingerprinting parameters. Chosen from the measurements in test/bench/fingerprint.bench.ts
// (see policies/README.md, "Protected code by content", for the table and the reasoning):
// - K: k-gram length in normalized tokens. Below ~12 the identifier-free token stream of
//   protected code collides with public code (`if ( I ) { return I ; }` is everywhere).
// - WINDOW: winnowing window. Guarantees a fingerprint in every shared run of K + WINDOW - 1
//   tokens (~ 3 lines of code), with about 2/(WINDOW+1) of all k-grams stored.
// - MIN_FINGERPRINTS: distinct fingerprints of one source file, close together in the query,
//   needed before a match is reported.
// - STOP_SOURCES: a k-gram found in more protected files than this is boilerplate of the
//   codebase itself and identifies nothing.
export interface FingerprintParams {
  k: number;
  window: number;
}

export const DEFAULT_PARAMS: Readonly<FingerprintParams> = Object.freeze({ k: 16, window: 8 });
export const MIN_FINGERPRINTS = 4;
export const STOP_SOURCES = 32;
/** Hits of one source further apart than this many query tokens belong to different matches. */
export const CLUSTER_GAP_TOKENS = 48;
/** Version of the tokenizer + hash: fingerprint files from another version cannot be compared. */
export const FINGERPRINT_FORMAT = 1;
