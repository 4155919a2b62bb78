// Protected code recognised by content: a normalized token stream, winnowed k-gram
// fingerprints, and an index of protected sources that finds copies of them in any text.
export { normalizedTokens, IDENT, STRING, NUMBER, type TokenStream } from './tokenize';
export { kgramHashes, winnow } from './winnow';
export { fingerprintText, queryGrams, type QueryGrams, type SourceFingerprints } from './fingerprint';
export { FingerprintIndex, type FingerprintMatch, type MatchOptions } from './fingerprintIndex';
export { serializeIndex, deserializeIndex, FingerprintFormatError } from './serialize';
export { DEFAULT_PARAMS, MIN_FINGERPRINTS, STOP_SOURCES, FINGERPRINT_FORMAT, type FingerprintParams } from './params';
