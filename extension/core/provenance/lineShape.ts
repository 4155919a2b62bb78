// A line's shape: the hash of its normalized token stream (core/fingerprint's lexer: every
// identifier one symbol, literals by kind, comments and layout dropped). Renaming identifiers or
// reformatting a line keeps its shape, so re-anchoring and copy detection still find AI lines
// after a rename; the exact hash (approvals) still changes, so a renamed line needs review again.
// One engine: the same tokenizer that recognises protected code in requests.
import { normalizedTokens } from '../fingerprint/tokenize';

/** 8 hex digits, or '' for a line without tokens. */
export function lineShape(line: string): string {
  const tokens = normalizedTokens(line);
  if (tokens.length === 0) return '';
  let h = 0x811c9dc5;
  for (let i = 0; i < tokens.length; i++) {
    const c = tokens.codes[i]!;
    h = Math.imul(h ^ (c & 0xffff), 0x01000193);
    h = Math.imul(h ^ (c >>> 16), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
