// A language-agnostic lexer that turns source text into a normalized token stream: whitespace,
// comments and layout are dropped, every identifier becomes one symbol, every literal becomes
// its kind (string, number), keywords and operators are kept. Renaming identifiers or
// reformatting code therefore leaves the stream unchanged. It reads C-like languages (C, Java,
// JS/TS, Go, Rust, C#…), Python, shell, JSON and YAML well enough for fingerprinting: it never
// fails, it only ever produces a coarser stream on text it does not understand.
//
// Hot path (every request byte goes through it): a charCodeAt loop, no regexes, no string
// slices — keywords are recognised by a hash computed while scanning the identifier.
import { mix } from './winnow';

/** Token codes for the normalized classes. Keyword and operator codes are hashes of their text. */
export const IDENT = 0x1d3a7c15;
export const STRING = 0x5c0e91b3;
export const NUMBER = 0x2b71f6d9;

export interface TokenStream {
  /** Number of tokens. */
  length: number;
  /** Token codes (IDENT, STRING, NUMBER, or the hash of a keyword/operator). */
  codes: Uint32Array;
  /** 1-based line of each token's first character. */
  lines: Uint32Array;
  /** UTF-16 offset of each token's first character, and one past its last. */
  starts: Uint32Array;
  ends: Uint32Array;
}

const KEYWORDS = [
  // C family, Java, C#, JS/TS
  'if', 'else', 'for', 'while', 'do', 'switch', 'case', 'default', 'break', 'continue', 'return', 'goto',
  'function', 'class', 'const', 'let', 'var', 'new', 'delete', 'typeof', 'instanceof', 'void', 'this', 'super',
  'import', 'export', 'from', 'as', 'async', 'await', 'yield', 'try', 'catch', 'finally', 'throw', 'throws',
  'extends', 'implements', 'interface', 'enum', 'type', 'public', 'private', 'protected', 'static', 'readonly',
  'abstract', 'final', 'override', 'virtual', 'namespace', 'using', 'struct', 'union', 'typedef', 'sizeof',
  'extern', 'volatile', 'register', 'unsigned', 'signed', 'int', 'long', 'short', 'char', 'float', 'double',
  'bool', 'boolean', 'string', 'number', 'any', 'unknown', 'never', 'null', 'true', 'false', 'undefined', 'of',
  'in', 'is', 'keyof', 'declare', 'module', 'require', 'package', 'synchronized', 'get', 'set',
  // Python
  'def', 'lambda', 'pass', 'None', 'True', 'False', 'elif', 'not', 'and', 'or', 'with', 'global', 'nonlocal',
  'raise', 'except', 'self', 'cls', 'print',
  // Rust, Go, Swift, Kotlin
  'fn', 'mut', 'impl', 'trait', 'pub', 'use', 'mod', 'match', 'loop', 'where', 'Self', 'crate', 'ref', 'move',
  'dyn', 'unsafe', 'func', 'go', 'defer', 'chan', 'map', 'select', 'range', 'fallthrough', 'nil', 'val', 'fun',
  'when', 'object', 'guard', 'init',
  // shell
  'then', 'fi', 'esac', 'done', 'echo', 'local', 'until', 'source', 'exit',
];

const enum C {
  TAB = 9, LF = 10, VT = 11, FF = 12, CR = 13, SPACE = 32, BANG = 33, DQUOTE = 34, HASH = 35, DOLLAR = 36,
  SQUOTE = 39, STAR = 42, DOT = 46, SLASH = 47, D0 = 48, D9 = 57, LBRACKET = 91, BACKSLASH = 92, UNDERSCORE = 95,
  BACKTICK = 96, A = 65, Z = 90, a = 97, z = 122, LBRACE = 123,
}

/** FNV-1a over UTF-16 code units, then a final mix: spreads short strings over 32 bits. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix(h);
}


/**
 * Keyword hash (as computed incrementally by the lexer) → keyword token code, in a small
 * open-addressing table of int32s (a Map with 32-bit keys would box every lookup).
 */
const KEYWORD_SLOTS = 1024;
const KEYWORD_KEYS = new Int32Array(KEYWORD_SLOTS);
const KEYWORD_VALUES = new Uint32Array(KEYWORD_SLOTS);
for (const word of new Set(KEYWORDS)) {
  const h = rawHash(word) | 0;
  let slot = h & (KEYWORD_SLOTS - 1);
  while (KEYWORD_VALUES[slot] !== 0) slot = (slot + 1) & (KEYWORD_SLOTS - 1);
  KEYWORD_KEYS[slot] = h;
  KEYWORD_VALUES[slot] = fnv(`k:${word}`);
}

/** Token code of the identifier with incremental hash `h`: its keyword code, or IDENT. */
function identifierCode(h: number): number {
  let slot = h & (KEYWORD_SLOTS - 1);
  for (;;) {
    const v = KEYWORD_VALUES[slot]!;
    if (v === 0) return IDENT;
    if (KEYWORD_KEYS[slot] === h) return v;
    slot = (slot + 1) & (KEYWORD_SLOTS - 1);
  }
}

function rawHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Multi-character operators, longest first; anything else is a one-character token. */
const OPERATORS = [
  '>>>=', '===', '!==', '**=', '<<=', '>>=', '>>>', '...', '<=>', '&&=', '||=', '??=',
  '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '=>', '->',
  '::', '<<', '>>', '**', '??', '?.', ':=', '..',
];
// Every 3- and 4-character operator starts with a 2-character one: look up 2, then 3, then 4.
// Typed tables, no Map: a two-character operator gets a small id, and (id, third character)
// indexes the three-character codes (a Map lookup per operator showed in the profile).
const SINGLE_CODES = new Uint32Array(128);
for (let c = 33; c < 127; c++) SINGLE_CODES[c] = fnv(`o:${String.fromCharCode(c)}`);
const OP2 = new Uint32Array(128 * 128);
const OP2_ID = new Uint8Array(128 * 128);
const OP3 = new Uint32Array(64 * 128);
let OP4 = 0;
for (const op of OPERATORS) {
  const [a, b] = [op.charCodeAt(0), op.charCodeAt(1)];
  if (op.length === 2) {
    OP2[a * 128 + b] = fnv(`o:${op}`);
    OP2_ID[a * 128 + b] = OPERATORS.filter((o) => o.length === 2).indexOf(op) + 1;
  }
}
for (const op of OPERATORS) {
  const code = fnv(`o:${op}`);
  const id = OP2_ID[op.charCodeAt(0) * 128 + op.charCodeAt(1)]!;
  if (op.length === 3) OP3[id * 128 + op.charCodeAt(2)] = code;
  else if (op.length === 4) OP4 = code; // `>>>=`
}
const OTHER_CODE = fnv('o:?unicode');

/** Character classes of ASCII, for the lexer's dispatch. */
const enum K { PUNCT = 0, SPACE = 1, LF = 2, IDENT = 3, DIGIT = 4, QUOTE = 5, SLASH = 6, HASH = 7, DOT = 8 }
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  CLASS[c] = /[A-Za-z_$]/.test(ch) ? K.IDENT : /[0-9]/.test(ch) ? K.DIGIT : c === 10 ? K.LF : c === 32 || (c >= 9 && c <= 13) || c < 32 || c === 127 ? K.SPACE : /["'`]/.test(ch) ? K.QUOTE : ch === '/' ? K.SLASH : ch === '#' ? K.HASH : ch === '.' ? K.DOT : K.PUNCT;
}

/** 1 for ASCII characters that continue an identifier (letters, digits, `_`, `$`). */
const IDENT_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) IDENT_PART[c] = CLASS[c] === K.IDENT || CLASS[c] === K.DIGIT ? 1 : 0;

/** 1 for ASCII characters of a path in a `grep -n` gutter: identifier characters and `./\\-@~+`. */
const PATH_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) PATH_PART[c] = IDENT_PART[c] === 1 || './\\-@~+'.includes(String.fromCharCode(c)) ? 1 : 0;

function isIdentStart(c: number): boolean {
  return (c >= C.a && c <= C.z) || (c >= C.A && c <= C.Z) || c === C.UNDERSCORE || c === C.DOLLAR || (c > 127 && isLetterLike(c));
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= C.D0 && c <= C.D9);
}

/** Non-ASCII letters (accented identifiers, CJK) join identifiers; typographic punctuation does not. */
function isLetterLike(c: number): boolean {
  return c >= 0xc0 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && c !== 0xfeff && !(c >= 0xd800 && c <= 0xdfff);
}


/** Token arrays that grow by doubling; a caller may reuse one across calls (`TokenBuffer`). */
export class TokenBuffer {
  length = 0;
  codes: Uint32Array;
  lines: Uint32Array;
  starts: Uint32Array;
  ends: Uint32Array;

  constructor(capacity: number) {
    this.codes = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
  }

  push(code: number, line: number, start: number, end: number): void {
    if (this.length === this.codes.length) this.grow();
    const i = this.length++;
    this.codes[i] = code;
    this.lines[i] = line;
    this.starts[i] = start;
    this.ends[i] = end;
  }

  private grow(): void {
    const n = Math.max(16, this.codes.length * 2);
    const copy = (a: Uint32Array) => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.codes = copy(this.codes);
    this.lines = copy(this.lines);
    this.starts = copy(this.starts);
    this.ends = copy(this.ends);
  }
}

/** The normalized token stream of `text` (see the header comment). Never throws. */
export function normalizedTokens(text: string, reuse?: TokenBuffer, hidden?: number[], append = false): TokenStream {
  const n = text.length;
  // Source code averages one token per 4-6 characters; start near that and grow when needed.
  // A reused buffer (the query side's scratch) saves allocating and zeroing them per request.
  // `append`: the tokens go after those already in `reuse` (the query side's comment contents).
  const out = reuse ?? new TokenBuffer(Math.max(16, n >>> 2));
  if (!append) out.length = 0;
  let line = 1;
  let i = 0;
  let atLineStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cls = c < 128 ? CLASS[c]! : 255;
    if (cls === K.LF) {
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (cls === K.SPACE || c === 0xa0 || c === 0xfeff) {
      // Indentation comes in runs: skip them without going through the dispatch above.
      i++;
      while (i < n && text.charCodeAt(i) === C.SPACE) i++;
      continue;
    }
    if (atLineStart) {
      atLineStart = false;
      const skip = gutterEnd(text, i);
      if (skip > i) {
        i = skip;
        continue;
      }
    }
    const start = i;
    if (cls === K.IDENT || (cls === 255 && isLetterLike(c))) {
      // Only identifiers of up to 12 characters can be keywords: hash those, then just scan.
      let h = 0x811c9dc5;
      const hashEnd = Math.min(n, i + 13);
      while (i < hashEnd) {
        const d = text.charCodeAt(i);
        if (d < 128 ? IDENT_PART[d] === 0 : !isLetterLike(d)) break;
        h = Math.imul(h ^ d, 0x01000193);
        i++;
      }
      if (i === hashEnd) {
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d < 128 ? IDENT_PART[d] === 0 : !isLetterLike(d)) break;
          i++;
        }
      }
      out.push(i - start <= 12 ? identifierCode(h) : IDENT, line, start, i);
      continue;
    }
    switch (cls) {
      case K.DIGIT:
        i = skipNumber(text, i);
        out.push(NUMBER, line, start, i);
        continue;
      case K.DOT:
        if (i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
          i = skipNumber(text, i + 1);
          out.push(NUMBER, line, start, i);
          continue;
        }
        break;
      case K.SLASH: {
        const d = text.charCodeAt(i + 1);
        if (d === C.SLASH) {
          const end = endOfLine(text, i);
          if (hidden) hide(hidden, text, i + 2, end);
          i = end;
          continue;
        }
        if (d === C.STAR) {
          const close = text.indexOf('*/', i + 2);
          const end = close < 0 ? n : close + 2;
          if (hidden) hide(hidden, text, i + 2, close < 0 ? n : close);
          line += countLines(text, i, end);
          i = end;
          continue;
        }
        break;
      }
      case K.HASH: {
        const d = i + 1 < n ? text.charCodeAt(i + 1) : C.LF;
        // `# text`, `#!shebang`, `##`, a bare `#`: a comment in Python, shell, YAML, Ruby, Perl.
        // `#include`, `#[derive]`, `#private`, `#{…}` stay tokens.
        if (d === C.SPACE || d === C.TAB || d === C.BANG || d === C.HASH || d === C.LF || d === C.CR) {
          const end = endOfLine(text, i);
          if (hidden) hide(hidden, text, i + 1, end);
          i = end;
          continue;
        }
        break;
      }
      case K.QUOTE: {
        const end = skipString(text, i, c);
        if (end > 0) {
          out.push(STRING, line, start, end);
          // skipString saw every character: it says whether one was a line feed.
          const lines = stringHadLineFeed ? countLines(text, i, end) : 0;
          // A string spanning lines (template literal, triple quotes) can carry a whole file.
          if (hidden && lines > 0) hide(hidden, text, i + 1, end - 1);
          line += lines;
          i = end;
          continue;
        }
        // An apostrophe without a closing quote on its line (prose, Rust lifetimes): punctuation.
        break;
      }
      default:
        break;
    }
    if (c < 128) {
      const d = text.charCodeAt(i + 1);
      const two = d < 128 ? OP2[c * 128 + d]! : 0;
      if (two !== 0) {
        const e = text.charCodeAt(i + 2);
        const three = e < 128 ? OP3[OP2_ID[c * 128 + d]! * 128 + e]! : 0;
        if (three !== 0) {
          if (c === 62 && d === 62 && e === 62 && text.charCodeAt(i + 3) === 61) {
            i += 4;
            out.push(OP4, line, start, i);
          } else {
            i += 3;
            out.push(three, line, start, i);
          }
        } else {
          i += 2;
          out.push(two, line, start, i);
        }
        continue;
      }
      i++;
      out.push(SINGLE_CODES[c]!, line, start, i);
      continue;
    }
    // Other non-ASCII: surrogate pairs (emoji) and typographic punctuation, one token each.
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    out.push(OTHER_CODE, line, start, Math.min(i, n));
  }
  return { length: out.length, codes: out.codes, lines: out.lines, starts: out.starts, ends: out.ends };
}

/**
 * Records `[from, to)` as text the lexer skipped (a comment's or a multi-line string's content)
 * so the query side can read it as code too. Consecutive line comments (`//` or `#` on every
 * line, only whitespace between) become one span: code commented out line by line is one piece.
 */
function hide(hidden: number[], text: string, from: number, to: number): void {
  const last = hidden.length - 2;
  // Between the previous span's end and this content: a newline, indentation and the opener.
  if (last >= 0 && from - hidden[last + 1]! <= 200 && /^\s*(?:\/\/|#)$/.test(text.slice(hidden[last + 1]!, from))) {
    hidden[last + 1] = to;
    return;
  }
  hidden.push(from, to);
}

/**
 * End of a line-number gutter at the start of a line, or `i` when there is none. Tools quote
 * files with one: `cat -n` and Claude Code's Read (`   12\t…`, `12→…`), `grep -n`
 * (`src/x.ts:12:…`, `src/x.ts-13-…`), `nl`, editors' `12 | …`. Dropping it (on the indexed
 * side too) keeps the code's token stream intact. Costs a few characters per line.
 */
function gutterEnd(text: string, i: number): number {
  const n = text.length;
  let j = i;
  if (isDigit(text.charCodeAt(j))) {
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    const d = text.charCodeAt(j);
    if (d === C.TAB || d === 0x2192 /* → */ || d === 0x2502 /* │ */) return j + 1;
    if (d === 124 /* | */ || d === 58 /* : */) return text.charCodeAt(j + 1) === C.SPACE || text.charCodeAt(j + 1) === C.TAB ? j + 2 : i;
    return i;
  }
  // `path:12:` / `path-12-` (grep -n with several files): path characters, then the number.
  for (let limit = Math.min(n, i + 256); j < limit; j++) {
    const d = text.charCodeAt(j);
    if (d === 58 /* : */ || (d === 45 /* - */ && j > i && isDigit(text.charCodeAt(j + 1)))) {
      if (j === i || !isDigit(text.charCodeAt(j + 1))) return i;
      let k = j + 1;
      while (k < n && isDigit(text.charCodeAt(k))) k++;
      const e = text.charCodeAt(k);
      return e === 58 || e === 45 ? k + 1 : i;
    }
    if (d < 128 ? PATH_PART[d] === 0 : !isLetterLike(d)) return i;
  }
  return i;
}

function isDigit(c: number): boolean {
  return c >= C.D0 && c <= C.D9;
}

/** Digits, hex/binary prefixes, `_` separators, a fraction, an exponent and a type suffix. */
function skipNumber(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isIdentPart(c) || c === C.DOT) {
      // `1..10` (ranges) and `1.toString` stay split at the second dot / before a method name.
      if (c === C.DOT && (i + 1 >= n || !isDigit(text.charCodeAt(i + 1)))) break;
      i++;
      continue;
    }
    // Exponent signs: 1e-9, 0x1p+3.
    if ((c === 43 || c === 45) && (text.charCodeAt(i - 1) | 0x20) === 101 /* e */ && !text.startsWith('0x', i - 3)) {
      i++;
      continue;
    }
    break;
  }
  return i;
}

function endOfLine(text: string, i: number): number {
  const lf = text.indexOf('\n', i);
  return lf < 0 ? text.length : lf;
}

/** Line feeds in text[from, to): a plain loop, as most spans (string literals) are a few characters long. */
function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let j = from; j < to; j++) if (text.charCodeAt(j) === C.LF) count++;
  return count;
}

/**
 * End (exclusive) of the string literal opening at `i`, or -1 when it is not one. `"` and `'`
 * end at the line's end (an unterminated quote is punctuation); backticks and Python triple
 * quotes may span lines.
 */
function skipString(text: string, i: number, quote: number): number {
  const n = text.length;
  if (quote !== C.BACKTICK && text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) {
    const triple = String.fromCharCode(quote).repeat(3);
    const close = text.indexOf(triple, i + 3);
    stringHadLineFeed = true; // not looked at: count
    return close < 0 ? n : close + 3;
  }
  const multiline = quote === C.BACKTICK;
  let lineFeed = false;
  let j = i + 1;
  for (; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === C.BACKSLASH) {
      j++;
      if (text.charCodeAt(j) === C.LF) lineFeed = true; // a line continuation
      continue;
    }
    if (c === quote) break;
    if (c === C.LF) {
      if (!multiline) return -1;
      lineFeed = true;
    }
  }
  stringHadLineFeed = lineFeed;
  if (j < n) return j + 1;
  return multiline ? n : -1;
}

/** Set by skipString: whether the literal it just skipped may span lines (saves a second pass over it). */
let stringHadLineFeed = false;
