// From text to fingerprints: normalized tokens → k-gram hashes → winnowed selection, each
// fingerprint remembering the source lines its k-gram spans. And the query side: every k-gram
// of a request text with its character span (the query is not winnowed, so any fingerprint
// stored for the source is found wherever its k-gram appears).
import { DEFAULT_PARAMS, type FingerprintParams } from './params';
import { normalizedTokens, TokenBuffer, type TokenStream } from './tokenize';
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
  /**
   * The org set's second, independent hash of k-gram p (orgSet.ts), when asked for: the
   * exact index and the org set then share one token stream per segment.
   */
  second?: Uint32Array;
}

export function fingerprintText(text: string, params: FingerprintParams = DEFAULT_PARAMS): SourceFingerprints {
  const tokens = normalizedTokens(text);
  const hashes = kgramHashes(tokens.codes, tokens.length, params.k);
  const positions = winnow(hashes, params.window);
  const out: SourceFingerprints = { count: 0, hashes: new Uint32Array(positions.length), startLines: new Uint32Array(positions.length), endLines: new Uint32Array(positions.length) };
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    if (isPeriodic(tokens.codes, p, params.k)) continue;
    const n = out.count++;
    out.hashes[n] = hashes[p]!;
    out.startLines[n] = tokens.lines[p]!;
    out.endLines[n] = tokens.lines[p + params.k - 1]!;
  }
  if (out.count < positions.length) {
    out.hashes = out.hashes.slice(0, out.count);
    out.startLines = out.startLines.slice(0, out.count);
    out.endLines = out.endLines.slice(0, out.count);
  }
  return out;
}

/** Longest repeating unit (in tokens) that makes a k-gram uninformative. */
const MAX_PERIOD = 6;

/**
 * The built-in stop set: a k-gram that is one short unit repeated (`STR : STR , STR : STR ,`
 * in any JSON or YAML map, `I , I , I ,` in any argument list, `} } } }`) is in every data
 * file and identifies nothing, so it is never stored.
 */
export function isPeriodic(codes: Uint32Array, p: number, k: number): boolean {
  outer: for (let period = 1; period <= MAX_PERIOD; period++) {
    for (let j = 0; j + period < k; j++) if (codes[p + j] !== codes[p + j + period]) continue outer;
    return true;
  }
  return false;
}

/**
 * Scratch token arrays for queries, reused request after request (JavaScript runs one query at
 * a time; nothing keeps a reference to them: the grams below are copies). Dropped when a huge
 * request grew them past SCRATCH_LIMIT tokens, so one 32 MB body does not pin its arrays.
 */
let scratch: TokenBuffer | undefined;
const SCRATCH_LIMIT = 1 << 20;

/** Comment or multi-line string content shorter than this is never re-read as code. */
const MIN_HIDDEN_CHARS = 24;
/** Nesting re-read at most (`/* /* … *\/` inside a comment is read again, up to this depth). */
const MAX_HIDDEN_DEPTH = 3;

/**
 * The query side's token stream: the text's normalized tokens, then the tokens of what the
 * lexer skipped as comments or multi-line strings, read as code. Without this, one unterminated
 * `/*`, backtick or triple quote before a paste, code wrapped in a comment, or code commented out
 * line by line would hide protected code from every index (the indexed side drops comments, so
 * normal code with comments still matches through its main stream). Offsets stay offsets into
 * `text`; the appended tokens only ever add matches.
 */
export function exposedTokens(text: string, buffer: TokenBuffer, depth = 0): TokenStream {
  exposeInto(text, buffer, depth, 0);
  return { length: buffer.length, codes: buffer.codes, lines: buffer.lines, starts: buffer.starts, ends: buffer.ends };
}

/**
 * Appends (depth > 0) or writes (depth 0) `text`'s exposed tokens to `buffer`, offsets shifted
 * by `offset`. Nested content is lexed straight into the same buffer: no buffer per comment,
 * no copy of its tokens (a megabyte of commented code has thousands of comments).
 */
function exposeInto(text: string, buffer: TokenBuffer, depth: number, offset: number): void {
  const hidden: number[] = [];
  const base = depth === 0 ? 0 : buffer.length;
  normalizedTokens(text, buffer, depth < MAX_HIDDEN_DEPTH ? hidden : undefined, depth > 0);
  if (offset !== 0) {
    for (let t = base; t < buffer.length; t++) {
      buffer.starts[t] += offset;
      buffer.ends[t] += offset;
    }
  }
  for (let h = 0; h < hidden.length; h += 2) {
    const from = hidden[h]!;
    const to = hidden[h + 1]!;
    if (to - from < MIN_HIDDEN_CHARS) continue;
    // Line-comment openers inside the span become spaces (same length: offsets still map), so
    // code commented out line by line reads as the code it is. Without an opener character
    // anywhere there is nothing to replace (most block comments and strings).
    let content = text.slice(from, to);
    if (content.includes('/') || content.includes('#')) content = content.replace(LINE_OPENER, blankOpener);
    exposeInto(content, buffer, depth + 1, offset + from);
  }
}

const LINE_OPENER = /^([ \t]*)(\/\/|#)/gm;
const blankOpener = (_m: string, ws: string, opener: string) => ws + ' '.repeat(opener.length);

/**
 * Every k-gram of `text` with its span. `withSecond` adds the org set's second hash
 * (`secondHash`, passed in to keep this module free of the org set's).
 */
export function queryGrams(
  text: string,
  params: FingerprintParams = DEFAULT_PARAMS,
  secondHash?: (codes: Uint32Array, length: number, k: number, into: Uint32Array) => Uint32Array,
): QueryGrams {
  const buffer = (scratch ??= new TokenBuffer(1 << 12));
  const tokens = exposedTokens(text, buffer);
  if (buffer.codes.length > SCRATCH_LIMIT) scratch = undefined;
  const k = params.k;
  const count = Math.max(0, tokens.length - k + 1);
  // One allocation for the three arrays (the caller keeps them for the request): fewer
  // ArrayBuffers per request means less external memory for the garbage collector to chase.
  const block = new Uint32Array(count * (secondHash ? 4 : 3));
  const hashes = count > 0 ? kgramHashes(tokens.codes, tokens.length, k, block) : block.subarray(0, 0);
  const starts = block.subarray(count, 2 * count);
  const ends = block.subarray(2 * count, 3 * count);
  starts.set(tokens.starts.subarray(0, count));
  if (count > 0) ends.set(tokens.ends.subarray(k - 1, k - 1 + count));
  const grams: QueryGrams = { count, hashes, starts, ends };
  if (secondHash) grams.second = count > 0 ? secondHash(tokens.codes, tokens.length, k, block.subarray(3 * count)) : block.subarray(0, 0);
  return grams;
}
