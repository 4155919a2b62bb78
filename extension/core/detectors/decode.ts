// Decoded views of a text, so secrets that are split, escaped or encoded are still found:
// string literals concatenated across lines (`"abc" +\n "def"`) or adjacent (`"abc" "def"`),
// lines continued inside a word (`abc\` then `def`), JSON string escapes (\u0041, \/, and \" of
// JSON inside a JSON string), URL encoding (%2F), HTML character references (&#x2F;), base64 /
// base64url and hex runs that decode to printable text, YAML folded and literal block scalars,
// and the `+`/`-`/` ` prefixes of unified-diff lines.
//
// The escapes (JSON, URL, HTML references, line continuations) are one view, made in escapes.ts;
// views.ts holds what a view is and how one is built.
//
// Each view is the decoded text of the regions that needed decoding (joined by newlines) and,
// for every decoded char, the span of the ORIGINAL text it came from; a finding in a view is
// mapped back through it, so redaction replaces the encoded form in the original text.
//
// Speed: no decoder walks the whole text. Each looks only where its input can start, and those
// places are literals (DECODE_TRIGGERS) that the detectors' one keyword pass finds along with
// the keywords, so finding them costs no extra pass: a quote followed by a junction char, a
// backslash ending a line, `\u`, `\/`, `\"` and `\\n`, `\\r`, `\\t`, `%2`..`%7`, `&#` and a few
// named references, a block indicator `|`/`>`, a hunk header `\n@@ -`. Base64 runs have no
// literal; the same pass reports where a run of base64 chars reaches MIN_RUN (BASE64_RUN).
import { escapes } from './escapes';
import { copyEnd, copyStart, isBlank, startsAfterEscapedBlank, TOKEN_CHAR } from './tokens';
import { lineStartWithin, MAX_REGION, ViewBuilder, type DecodedView } from './views';

export { mapSpan, type DecodedView } from './views';

/**
 * Every YAML block header tail `[+-]?[0-9]?[ \t]*\r?` of at most `max` characters, spelled out
 * directly (this runs at every start-up: no enumeration of all strings over the alphabet).
 */
function headerTails(max: number): string[] {
  const out: string[] = [];
  const blanks = (n: number): string[] => (n === 0 ? [''] : blanks(n - 1).flatMap((b) => [`${b} `, `${b}\t`]));
  for (const sign of ['', '+', '-']) {
    for (const digit of ['', ...'0123456789']) {
      for (const cr of ['', '\r']) {
        const room = max - sign.length - digit.length - cr.length;
        for (let n = 0; n <= room; n++) for (const b of blanks(n)) out.push(sign + digit + b + cr);
      }
    }
  }
  return out;
}

/** Blank runs after a quote that the literals spell out (longer ones: one catch-all literal). */
const QUOTE_BLANKS = 8;

/** The quotes a literal can open with: `"`, `'` and a JavaScript template's backtick. */
const QUOTES = ['"', "'", '`'];
const isQuote = (c: number) => c === 34 || c === 39 || c === 96;

/**
 * What may follow a closing quote at a junction (see junctionEnd): a `+`, a line break, `.` then
 * a blank, line break or quote, or blanks then one of `+ . \r \n` or the same quote again (the
 * adjacent literals of Python and C, `"abc" "def"`). Blank runs are spelled out up to
 * QUOTE_BLANKS of one kind; a longer run, or one that mixes spaces and tabs, is caught by a
 * literal of QUOTE_BLANKS + 1 blanks or by the first change of blank. So every junction is hit,
 * while `"  x` and `".length` (most quotes followed by a blank or a dot) are not.
 */
const junctionStarts = (quote: string) => {
  // A template is joined by `+` only: never by `.` (`` `a`.length ``: most backticks before a
  // dot end a Markdown code span), a bare line break (two lines of Markdown code spans) or
  // adjacency (`` `a` `b` `` is a tagged template's call).
  const template = quote === '`';
  return [
    '+',
    '\r',
    '\n',
    ...(template ? [] : [' ', '\t', '\r', '\n', ...QUOTES].map((c) => `.${c}`)),
    ...[' ', '\t'].flatMap((blank) => {
      const other = blank === ' ' ? '\t' : ' ';
      const runs = Array.from({ length: QUOTE_BLANKS }, (_, n) => blank.repeat(n + 1));
      const follows = template ? ['+', '\r', '\n', other] : ['+', '.', '\r', '\n', other, quote];
      return [...runs.flatMap((run) => follows.map((c) => run + c)), blank.repeat(QUOTE_BLANKS + 1)];
    }),
  ];
};

/**
 * Literals the keyword pass finds for the decoders (matched case-insensitively, like keywords;
 * each decoder checks what it needs). Each kind's positions are the START offsets of its
 * literals (the quote, the backslash, the %, the indicator, the line break before `@@`).
 */
export const DECODE_TRIGGERS = {
  /** A closing quote followed by the start of a junction. */
  quote: QUOTES.flatMap((q) => junctionStarts(q).map((c) => q + c)),
  /**
   * `\u` (then 4 hex digits), `\/`, and `\"`: JSON inside a JSON string (an agent's tool result,
   * a log line, a config blob) has its quotes escaped, `"{\"db_password\": \"…\"}"`, and no
   * assignment is read through them until they are decoded. And `\\n`, `\\r`, `\\t`: an escaped
   * line break escaped again (a service account's key.json in a JSON transcript of `cat`), where a
   * key's lines were read as one line of `\`.
   */
  escape: ['\\u', '\\/', '\\"', '\\\\n', '\\\\r', '\\\\t'],
  /** `%` and the first hex digit of a printable ASCII char. */
  percent: ['%2', '%3', '%4', '%5', '%6', '%7'],
  /**
   * An HTML character reference: numeric, or one of the names an escaper writes for a char of a
   * token or a quote, also escaped twice (`&amp;#x2F;`: HTML in an RSS feed, in XML), which the
   * next level decodes. Not `&amp;`, `&lt;`, `&gt;` alone (all over HTML and XML, and no token
   * char): they are decoded only in a region another reference started.
   */
  reference: ['&#', '&quot;', '&apos;', '&sol;', '&plus;', '&equals;', '&colon;', '&lowbar;', '&period;', '&commat;', '&num;', '&amp;#', '&amp;quot;'],
  /**
   * A YAML block scalar indicator and what may follow it on a header line (YAML_HEADER: chomping,
   * indentation digit, blanks, CR) up to the line break, at most 3 chars (as blockHeaderLines
   * requires). A header on the text's last line has no content, so needs no literal.
   */
  indicator: ['|', '>'].flatMap((indicator) => headerTails(3).map((tail) => `${indicator}${tail}\n`)),
  /** A unified-diff hunk header not at the start of the text. */
  hunk: ['\n@@ -'],
  /**
   * A backslash ending a line (shell, Makefile, Python, C), as typed or JSON-escaped (a command
   * in an agent's tool call): `ghp_abc\` then `def` on the next line is one word.
   */
  continuation: ['\\\n', '\\\r\n', '\\\\\\n', '\\\\\\r\\n'],
} as const;

export type DecodeTriggerKind = keyof typeof DECODE_TRIGGERS;

/** Start offsets of each kind of trigger literal in the text, ascending; base64 run ends. */
export type DecodeHints = Record<DecodeTriggerKind, ArrayLike<number>> & {
  /** Where each maximal run of base64 chars reaches MIN_RUN chars (end offset), ascending. */
  readonly base64: ArrayLike<number>;
};

/**
 * Every view of `text` that differs from it. Cheap when there is nothing to decode. `of`: the
 * kind of view `text` is, when it is one: a concatenation view's literals are joined already
 * (its junctions are in the copies the level above read), so it is not joined again.
 */
export function decodedViews(text: string, hints: DecodeHints, of?: DecodedView['kind']): DecodedView[] {
  const views: (DecodedView | undefined)[] = [
    of === 'concatenation' ? undefined : concatenations(text, hints.quote),
    escapes(text, hints),
    ...encodedRuns(text, hints.base64),
    yamlBlocks(text, hints.indicator),
    diffLines(text, hints.hunk),
  ];
  return views.filter((v): v is DecodedView => v !== undefined);
}

function lineStartOf(text: string, i: number): number {
  return text.lastIndexOf('\n', i - 1) + 1;
}
function lineEndOf(text: string, i: number): number {
  const e = text.indexOf('\n', i);
  return e === -1 ? text.length : e;
}

// ---------- string-literal concatenation ----------

const isJoinChar = (c: number) => c === 43 || c === 46; // + .
const isPlus = (c: number) => c === 43;

/**
 * A junction starting at the quote at `i`: blanks, a `+` or `.` (PHP) and/or a line break, blanks,
 * another quote; or blanks and the same quote (adjacent literals on one line: Python, C; not
 * templates). Returns the index of that next quote, or -1. (A plain loop: a regex would be
 * tried at every position of the text.)
 */
function junctionEnd(text: string, i: number): number {
  let j = i + 1;
  let joined = false;
  while (isBlank(text.charCodeAt(j))) j++;
  const quote = text.charCodeAt(i);
  const template = quote === 96;
  if (j > i + 1 && text.charCodeAt(j) === quote && !template) return j;
  // A template is joined by `+` only (see junctionStarts), on its line or at the next one's start.
  const isJoin = template ? isPlus : isJoinChar;
  let plus = false;
  if (isJoin(text.charCodeAt(j))) {
    plus = true;
    joined = true;
    j++;
    while (isBlank(text.charCodeAt(j))) j++;
  }
  if (text.charCodeAt(j) === 13) j++;
  if (text.charCodeAt(j) === 10) {
    j++;
    while (isBlank(text.charCodeAt(j))) j++;
    if (!joined && isJoin(text.charCodeAt(j))) {
      plus = true;
      j++;
      while (isBlank(text.charCodeAt(j))) j++;
    }
    joined = true;
  }
  return joined && (plus || !template) && isQuote(text.charCodeAt(j)) ? j : -1;
}

/** The literal whose closing quote is at `close`: its opening quote, or -1 (escapes: give up). */
function literalOpening(text: string, close: number, quote: number): number {
  for (let i = close - 1; i >= 0 && close - i < 1024; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return -1;
    if (c === quote) return text.charCodeAt(i - 1) === 92 ? -1 : i;
  }
  return -1;
}

function literalClosing(text: string, open: number, quote: number): number {
  for (let i = open + 1; i < text.length && i - open < 1024; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 92) return -1;
    if (c === quote) return i;
  }
  return -1;
}

/** The chain being followed (one list for all chains: one is followed per junction in the text). */
let chainBounds: number[] = [];
/** chainBounds is let go after a text whose longest chain needed more than this many ints. */
const RETAINED_CHAIN = 4096;

/** Whether text[from, to) is one or more blanks. */
function blanksOnly(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!isBlank(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Whether the literal closing at `close` is a value: after `=`, `(`, `[`, `{`, `:` or `,`, after
 * `return`, `yield` or `else`, or a `#define`'s (blanks between).
 */
function opensValue(text: string, close: number): boolean {
  let i = literalOpening(text, close, text.charCodeAt(close)) - 1;
  if (i < 0) return false;
  while (i > 0 && isBlank(text.charCodeAt(i))) i--;
  const c = text.charCodeAt(i);
  // A command line's `--header="…" "https://…"`: an option's value, then the next word.
  if (c === 61) return !optionBefore(text, i);
  if (c === 40 || c === 91 || c === 123 || c === 58 || c === 44) return true;
  // The word before it.
  let w = i + 1;
  while (w > 0 && w > i - 64 && IDENTIFIER_CHAR[text.charCodeAt(w - 1)] === 1) w--;
  if (w > i) return false;
  const word = text.slice(w, i + 1);
  if (word === 'return' || word === 'yield' || word === 'else') return true;
  // `#define NAME "…" "…"`: the line up to the name is `#`, `define` and blanks.
  let d = w - 1;
  while (d > 0 && isBlank(text.charCodeAt(d))) d--;
  return DEFINE.test(text.slice(lineStartWithin(text, d, 64), d + 1));
}
const DEFINE = /^[ \t]*#[ \t]*define$/;

/** Whether the `=` at `eq` ends a command line option (`--header=`, `-H=`). */
function optionBefore(text: string, eq: number): boolean {
  let w = eq;
  while (w > 0 && eq - w < 64 && (IDENTIFIER_CHAR[text.charCodeAt(w - 1)] === 1 || text.charCodeAt(w - 1) === 45)) w--;
  return text.charCodeAt(w) === 45 && (w === 0 || isBlank(text.charCodeAt(w - 1)) || text.charCodeAt(w - 1) === 10);
}

/** [A-Za-z0-9_]: the chars of a name in code. */
const IDENTIFIER_CHAR = (() => {
  const table = new Uint8Array(65536);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_') table[c.charCodeAt(0)] = 1;
  return table;
})();

/** Chars of literals a cut chain's successor starts before the cut. */
const CHAIN_OVERLAP = 256;

/** The closing quote of the literal that starts the successor of a chain cut after bounds[0, count). */
function overlapStart(bounds: readonly number[], count: number): number {
  let k = count - 2;
  for (let chars = 0; k > 2 && chars < CHAIN_OVERLAP; k -= 2) chars += bounds[k + 1]! - bounds[k]!;
  return bounds[k + 1]!;
}

/** `quotes`: the quotes followed by a blank, `+`, `.` or line break (no other can start a junction). */
function concatenations(text: string, quotes: ArrayLike<number>): DecodedView | undefined {
  if (quotes.length === 0) return undefined;
  const builder = new ViewBuilder('concatenation');
  let resume = 0; // a chain's literals are not tried again as the start of another
  let copiedTo = 0; // where the last chain's copy ended
  let successor = -1; // where the successor of a chain cut for its length starts
  let successorAsValue: boolean | undefined;
  for (let q = 0; q < quotes.length; q++) {
    const close = quotes[q]!;
    if (close < resume) continue;
    resume = close + 1;
    const afterJunction = junctionEnd(text, close);
    if (afterJunction < 0) continue;
    // Adjacent literals (blanks between, no operator) are one string only as a value: assigned,
    // passed or listed (`T = ("abc" "def")`). Elsewhere they are a shell's two words
    // (`curl -H "…" "https://…"`), joined they made one token of both.
    // (A chain cut for its length goes on as what it was.)
    let asValue = close === successor ? successorAsValue : undefined;
    const joins = (from: number, to: number) => !blanksOnly(text, from + 1, to) || (asValue ??= opensValue(text, close));
    if (!joins(close, afterJunction)) continue;
    // Chain: collect the literals after the first while junctions continue. Bounds go into a
    // flat list, [start, end) per literal (this runs for every junction in the text).
    const bounds = chainBounds;
    bounds[0] = -1;
    bounds[1] = close;
    let count = 2; // ints of `bounds` in use (the list is reused, never shortened)
    let nextOpen = afterJunction;
    // A chain longer than a view's region (a long list of adjacent literals, a certificate in
    // literals) is cut there, and the next chain starts CHAIN_OVERLAP chars of literals before
    // the cut (a token across it is whole in one of the two).
    let later = 0;
    let cut = false;
    for (;;) {
      const nextClose = literalClosing(text, nextOpen, text.charCodeAt(nextOpen));
      if (nextClose < 0) break;
      bounds[count++] = nextOpen + 1;
      bounds[count++] = nextClose;
      later += nextClose - nextOpen - 1;
      const more = junctionEnd(text, nextClose);
      if (more < 0 || !joins(nextClose, more)) break;
      if (later > MAX_REGION - 1024) {
        cut = true;
        break;
      }
      nextOpen = more;
    }
    if (count < 4) continue;
    // Only a join inside a token can hide one: "Hello, " + "world" cannot. (A token char before
    // the first closing quote means the first literal is not empty.) Decided before the first
    // literal is looked for: most chains are prose, and a chain that fails here fails from any
    // of its literals, so none is tried again.
    let insideToken = false;
    for (let k = 0; k + 2 < count && !insideToken; k += 2) {
      const end = bounds[k + 1]!;
      const nextStart = bounds[k + 2]!;
      // (A literal that ends with an escaped line break, `'usage:\\n'`, ends no token there.)
      insideToken = (k === 0 || end > bounds[k]!) && TOKEN_CHAR[text.charCodeAt(end - 1)] === 1 && !startsAfterEscapedBlank(text, end) && bounds[k + 3]! > nextStart && TOKEN_CHAR[text.charCodeAt(nextStart)] === 1;
    }
    const last = bounds[count - 1]!;
    const open = insideToken ? literalOpening(text, close, text.charCodeAt(close)) : -1;
    // A chain whose first literal cannot be read (an escape in it) is tried from its next one.
    if (insideToken && open < 0) continue;
    resume = cut ? overlapStart(bounds, count) : last + 1;
    if (cut) {
      successor = resume;
      // (Decided for the chain's first literal, whether or not an adjacent pair came up yet.)
      successorAsValue = asValue ?? opensValue(text, close);
    }
    if (!insideToken) continue;
    bounds[0] = open + 1;
    let joinedLength = 0;
    for (let k = 0; k < count; k += 2) joinedLength += bounds[k + 1]! - bounds[k]!;
    if (joinedLength < 12) continue;
    // The line up to the first literal gives detectors the assigned name; not before the chain
    // ahead of it on the line (copied with each of nine chains, a line was copied nine times,
    // and each level of decoding below copied that again).
    builder.separate();
    const lineStart = Math.max(lineStartWithin(text, open, 200), copiedTo);
    if (open - lineStart < 200) builder.copy(text, lineStart, open + 1);
    for (let k = 0; k < count; k += 2) builder.copy(text, bounds[k]!, bounds[k + 1]!);
    builder.copy(text, last, last + 1);
    copiedTo = last + 1;
  }
  if (chainBounds.length > RETAINED_CHAIN) chainBounds = [];
  return builder.build();
}

// ---------- base64 ----------

const B64_VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  table['-'.charCodeAt(0)] = 62; // base64url
  table['_'.charCodeAt(0)] = 63;
  return table;
})();

/** Decodes base64/base64url to a latin1 string; undefined on a bad char. */
function decodeRun(run: string): string | undefined {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c === 61) break; // '='
    const v = c < 128 ? B64_VALUES[c]! : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

/**
 * Mostly printable ASCII (`unicode`: or printable non-ASCII, decoded UTF-8) with some structure
 * (spaces, punctuation): text, not binary; or printable through and through, structure or not: a
 * bare value (a Kubernetes Secret's `data:` holds base64 of `AKIA…` and of the 40-char AWS secret
 * key, neither with a space or punctuation). Random bytes are all printable once in 1e5 at 12
 * bytes, and far less often at the lengths credentials have.
 */
function isPrintableText(s: string, unicode = false): boolean {
  if (s.length < 12) return false;
  let printable = 0;
  let structure = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13 || (unicode && c >= 0xa0 && c !== 0xfffd)) printable++;
    if (c === 32 || c === 10 || c === 58 || c === 61 || c === 34 || c === 44 || c === 95 || c === 45 || c === 46 || c === 47) structure++;
  }
  return structure >= 1 ? printable >= s.length * 0.97 : printable === s.length;
}

const MIN_RUN = 24;

/** A run of base64 chars (and padding) of at least MIN_RUN: an encoding the next level decodes. */
function isBase64Text(s: string): boolean {
  if (s.length < MIN_RUN) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (B64_CHAR[c] !== 1 && c !== 61) return false;
  }
  return true;
}

/** The chars of base64 and base64url runs. */
const B64_RUN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';

/** 1 for B64_RUN_CHARS, over all UTF-16 code units (so the loop needs no range check). */
const B64_CHAR = (() => {
  const table = new Uint8Array(65536);
  for (const c of B64_RUN_CHARS) table[c.charCodeAt(0)] = 1;
  return table;
})();

/**
 * The run the keyword pass reports for base64Runs: its chars, MIN_RUN, and the test base64Runs
 * applies first (from one of its first 4 chars, the first 12 decoded bytes are printable), so the runs that are identifiers,
 * words and paths are dropped while their text is still in cache. Judged by what the run decodes
 * to, not by which kinds of chars it has: an encoding without a digit is decoded like any other.
 */
export const BASE64_RUN = {
  chars: B64_RUN_CHARS,
  length: MIN_RUN,
  startsWell: (text: string, start: number) => printableAlignment(text, start) >= 0 || hexAlignment(text, start) >= 0,
} as const;

/**
 * The base64 and hex views, and their partner view (partnerView). `runs`: where each maximal run
 * of base64 chars reaches MIN_RUN chars (its start is MIN_RUN before).
 */
function encodedRuns(text: string, runs: ArrayLike<number>): (DecodedView | undefined)[] {
  const base64 = base64Runs(text, runs);
  const hex = hexRuns(text, runs);
  return [base64.builder?.build(), hex.builder?.build(), partnerView(text, [...base64.blocks, ...hex.blocks].sort((a, b) => a.start - b.start))];
}

/** The base64 view's builder, and its blocks. */
function base64Runs(text: string, runs: ArrayLike<number>): DecodedRuns {
  let builder: ViewBuilder | undefined;
  const length = text.length;
  // Where the last block decoded ends: the runs of its further lines are inside it.
  let decodedTo = -1;
  const blocks: DecodedBlock[] = [];
  for (let r = 0; r < runs.length; r++) {
    const start = runs[r]! - MIN_RUN;
    if (start < decodedTo) continue;
    let end = start;
    while (end < length && B64_CHAR[text.charCodeAt(end)]! !== 0) end++;
    let padded = end;
    while (padded < length && padded - end < 2 && text.charCodeAt(padded) === 61) padded++;
    // A data: URL's payload is decoded by the request readers (core/dialects/payload.ts), which
    // redact in the decoded copy and re-encode it; a second, encoded finding here would overlap
    // that redaction (also in a view: it holds a copy of the request's URL). A text that is one
    // base64 payload is decoded here too: short ones are scanned joined with others (batchScan),
    // and the readers take UTF-16 for binary; where both find a secret, rebuildBody keeps one
    // of the two redactions (resolveDecodedCopies).
    if (text.endsWith(';base64,', start)) continue;
    const offset = printableAlignment(text, start);
    if (offset < 0) continue;
    const lines = wrappedLines(text, start + offset, end, padded);
    decodedTo = lines[lines.length - 1]!;
    builder ??= new ViewBuilder('base64');
    const before = builder.mark();
    addBase64Lines(text, lines, builder);
    if (builder.mark()[2] > before[2]) blocks.push({ start, end: decodedTo, source: builder, from: before, to: builder.mark() });
  }
  return { builder, blocks };
}

/** A block of text[start, end) decoded into the view `source` is building, between its marks `from` and `to`. */
interface DecodedBlock {
  start: number;
  end: number;
  source: ViewBuilder;
  from: readonly [number, number, number];
  to: readonly [number, number, number];
}

interface DecodedRuns {
  builder: ViewBuilder | undefined;
  blocks: DecodedBlock[];
}

/**
 * The view's decoded blocks again, each between copies of the original around it (up to
 * PARTNER_REACH chars each way, each original char copied once, never into the next decoded
 * block): a pair whose halves are on the two sides of an encoding boundary is seen together. A
 * key id in plain text and its AWS secret key base64-encoded a line later (or the other way
 * round) was missed: the pair detector wants both within a few lines, and the text held one
 * half, a view the other. Base64 and hex blocks alike, in text order. A view of its own: the
 * decoded views keep their blocks side by side, as the request readers' decoded copies are
 * (what pairs there must pair in the text's own scan too, or the gateway refuses the request).
 * A copy never starts or ends inside a token (a name or a value cut short read as another, or a
 * secret as a part of itself); what is found in it maps to itself. Not decoded further: its
 * decoded text is the decoded view's, its copies are the text's.
 */
function partnerView(text: string, decoded: readonly DecodedBlock[]): DecodedView | undefined {
  // In text order; a run decoded both as base64 and as hex (rare) is taken once.
  const blocks: DecodedBlock[] = [];
  for (const block of decoded) if (blocks.length === 0 || block.start >= blocks[blocks.length - 1]!.end) blocks.push(block);
  if (blocks.length === 0) return undefined;
  const view = new ViewBuilder('partners');
  let copiedTo = 0;
  blocks.forEach((block, b) => {
    view.separate();
    view.copy(text, copyStart(text, Math.max(copiedTo, block.start - PARTNER_REACH), block.start), block.start);
    view.appendRange(block.source, block.from, block.to);
    const next = b + 1 < blocks.length ? blocks[b + 1]!.start : text.length;
    copiedTo = copyEnd(text, block.end, Math.min(next, block.end + PARTNER_REACH));
    view.separate();
    view.copy(text, block.end, copiedTo);
    copiedTo = Math.max(copiedTo, block.end);
  });
  return view.build();
}

/** How far around a decoded block the original is copied: the pair detectors' reach (aws-secret-near-access-key-id: 300 chars). */
const PARTNER_REACH = 300;

/**
 * The lines of a base64 block wrapped at a fixed width (`base64`'s 76 columns, PEM's 64, an
 * indented YAML block), as (start, end) pairs, the last end taking its padding: each line but
 * the last holds whole 4-char groups and is followed by a line break, optional indentation and
 * more base64. A single run is one pair. (Decoded line by line, a secret across a line break was
 * cut in two: only its first part was found, and redacted.)
 */
function wrappedLines(text: string, start: number, end: number, padded: number, encoding: WrappedEncoding = BASE64_LINES): number[] {
  const { group, isChar } = encoding;
  const lines = [start, end];
  // The wrap width: the first continuation line's (the first line may start after `key: `).
  let width = -1;
  for (;;) {
    const from = lines[lines.length - 2]!;
    const to = lines[lines.length - 1]!;
    if (to !== padded || (to - from) % group !== 0 || to - from < MIN_WRAP) break;
    // Only a full line wraps: after the first, every line but the last is as wide as the others.
    if (width !== -1 && to - from !== width) break;
    let next = to;
    if (text.charCodeAt(next) === 13) next++;
    if (text.charCodeAt(next) !== 10) break;
    next++;
    while (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 9) next++;
    let lineEnd = next;
    while (lineEnd < text.length && isChar(text.charCodeAt(lineEnd))) lineEnd++;
    // Base64 or hex needs two chars for a byte (a last line of `bg==` holds one).
    if (lineEnd - next < 2) break;
    let linePadded = lineEnd;
    while (encoding.padding && linePadded < text.length && linePadded - lineEnd < 2 && text.charCodeAt(linePadded) === 61) linePadded++;
    // The next line must be nothing but the encoding (`region: YWNt…`, `64 bytes from`, a shell
    // prompt are the next thing in the text, not more of the block) and no wider than the block.
    if (!endsLine(text, linePadded) || (width !== -1 && lineEnd - next > width)) break;
    if (width === -1) width = lineEnd - next;
    lines.push(next, lineEnd);
    padded = linePadded;
  }
  lines[lines.length - 1] = padded;
  return lines;
}

/** Whether only blanks come between `i` and the end of its line (or of the text). */
function endsLine(text: string, i: number): boolean {
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13) i++;
  return i >= text.length || text.charCodeAt(i) === 10;
}

/** Lines shorter than this are not read as wrapped (base64's wrap widths are 64 and 76, xxd -p's 60). */
const MIN_WRAP = 40;

/** What a wrapped block is made of: chars per group (a line holds whole groups), its chars, whether `=` pads it. */
interface WrappedEncoding {
  readonly group: number;
  readonly isChar: (c: number) => boolean;
  readonly padding: boolean;
}
const BASE64_LINES: WrappedEncoding = { group: 4, isChar: (c) => B64_CHAR[c] === 1, padding: true };
const HEX_LINES: WrappedEncoding = { group: 2, isChar: (c) => hexValue(c) >= 0, padding: false };

/**
 * Decodes the block's lines as one run into the view (a long one in chunks that overlap, so a
 * secret across a chunk boundary is whole in one of them), each decoded char mapped to its 4-char
 * group in the original.
 */
function addBase64Lines(text: string, lines: readonly number[], builder: ViewBuilder | undefined): ViewBuilder | undefined {
  // The block's chars without its line breaks, and where each line starts in them.
  const joined = lines.length === 2 ? text.slice(lines[0], lines[1]) : linesText(text, lines);
  let runEnd = joined.length;
  while (runEnd > 0 && joined.charCodeAt(runEnd - 1) === 61) runEnd--;
  const original = lineMapper(lines);
  for (let at = 0; ; at += B64_CHUNK - B64_OVERLAP) {
    const stop = Math.min(runEnd, at + B64_CHUNK);
    builder = addBase64(joined, at, stop, stop === runEnd ? joined.length : stop, builder, original);
    if (stop === runEnd) break;
  }
  return builder;
}

function linesText(text: string, lines: readonly number[]): string {
  let out = '';
  for (let k = 0; k < lines.length; k += 2) out += text.slice(lines[k], lines[k + 1]);
  return out;
}

/**
 * Maps offsets in a block's chars without line breaks (lines: (start, end) pairs) to offsets in
 * the original. Offsets come in increasing order within a chunk, so the line is followed by a
 * cursor; a chunk that starts further back (they overlap) finds its line by binary search.
 * (Searching from the first line for every decoded char was quadratic in a long block.)
 */
function lineMapper(lines: readonly number[]): (joined: number) => number {
  if (lines.length === 2) return (joined) => lines[0]! + joined;
  const count = lines.length >> 1;
  // before[k]: chars of the lines before line k.
  const before = new Int32Array(count + 1);
  for (let k = 0; k < count; k++) before[k + 1] = before[k]! + (lines[2 * k + 1]! - lines[2 * k]!);
  let line = 0;
  return (joined) => {
    if (joined < before[line]!) {
      let lo = 0;
      let hi = line;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (before[mid]! <= joined) lo = mid;
        else hi = mid - 1;
      }
      line = lo;
    }
    while (line + 1 < count && joined >= before[line + 1]!) line++;
    return lines[2 * line]! + (joined - before[line]!);
  };
}

/** Long runs are decoded in chunks of this many chars (a multiple of 4, so every chunk is aligned). */
const B64_CHUNK = MAX_REGION * 2;
/** How much consecutive chunks overlap (a multiple of 4): 768 decoded bytes, more than any secret. */
const B64_OVERLAP = 1024;

/**
 * Where in the run's first 4 chars its base64 starts: the first offset from which the first 12
 * decoded bytes are printable ASCII, or -1. A payload glued to 1-3 other base64 chars (`x` +
 * the encoding) decodes to noise from the run's own start; read from the right offset it is text.
 */
function printableAlignment(text: string, start: number): number {
  for (let offset = 0; offset < 4; offset++) {
    // The first char alone holds the first byte's top 6 bits: printable (32-126) or a tab, line
    // feed or return needs 8-31 or 2-3. Most offsets of identifiers fail here, without a call.
    const top = B64_VALUES[text.charCodeAt(start + offset)]!;
    if (top === 59 || top === 63) {
      // A byte order mark (UTF-8 `77u/`, UTF-16LE `//4`, `//5`): text written by Windows tools.
      if (startsWithMark(text, start + offset)) return offset;
      if (top === 63) continue;
    }
    // 48-61: the lead byte of a UTF-8 sequence (text that starts with a non-ASCII char).
    if ((top < 8 || top > 31) && top !== 2 && top !== 3 && (top < 48 || top > 61)) continue;
    if (startsPrintable(text, start + offset) || startsWide(text, start + offset, 0)) return offset;
  }
  return -1;
}

/** The first `count` (a multiple of 3) decoded bytes of the base64 at `at` into `wideBytes`. */
function firstBytes(text: string, at: number, count: number): Uint8Array {
  for (let i = 0, b = 0; b < count; i += 4, b += 3) {
    let acc = 0;
    for (let j = at + i; j < at + i + 4; j++) acc = (acc << 6) | (B64_VALUES[text.charCodeAt(j)]! & 63);
    wideBytes[b] = acc >> 16;
    wideBytes[b + 1] = acc >> 8;
    wideBytes[b + 2] = acc;
  }
  return wideBytes;
}
const wideBytes = new Uint8Array(24);
const isPrintableByte = (b: number) => (b >= 32 && b < 127) || b === 9 || b === 10 || b === 13;

/** UTF-16LE text from byte `skip` of the base64 at `at`: 6 printable chars, each a byte and a zero (PowerShell's -EncodedCommand). */
function startsWide(text: string, at: number, skip: number): boolean {
  // Without a mark, the second byte (the low 4 bits of char 1, the high 2 of char 2) must be 0:
  // most runs fail here, before anything is decoded.
  if (skip === 0 && ((B64_VALUES[text.charCodeAt(at + 1)]! & 15) !== 0 || (B64_VALUES[text.charCodeAt(at + 2)]! & 63) >> 2 !== 0)) return false;
  const bytes = firstBytes(text, at, 15);
  for (let b = skip; b < skip + 12; b += 2) if (!isPrintableByte(bytes[b]!) || bytes[b + 1] !== 0) return false;
  return true;
}

/** A byte order mark at `at`, then printable text: UTF-8 (EF BB BF) or UTF-16LE (FF FE). */
function startsWithMark(text: string, at: number): boolean {
  if (text.startsWith('77u/', at)) return startsPrintable(text, at + 4);
  const bytes = firstBytes(text, at, 3);
  return bytes[0] === 0xff && bytes[1] === 0xfe && startsWide(text, at, 2);
}

/** The first 12 decoded bytes are printable ASCII: a cheap test before decoding the whole run. */
function startsPrintable(text: string, start: number): boolean {
  // Continuation bytes still owed by a UTF-8 sequence (non-ASCII text: an accent, a CJK comment).
  let owed = 0;
  for (let i = start; i < start + 16; i += 4) {
    let acc = 0;
    for (let j = i; j < i + 4; j++) acc = (acc << 6) | B64_VALUES[text.charCodeAt(j)]!;
    for (let shift = 16; shift >= 0; shift -= 8) {
      const b = (acc >> shift) & 0xff;
      if (owed > 0) {
        if (b < 0x80 || b > 0xbf) return false;
        owed--;
      } else if (b >= 0xc2 && b <= 0xf4) owed = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
      else if (!((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13)) return false;
    }
  }
  return true;
}

/** Decodes text[start, runEnd) into the view (mapped to text[start, end): `end` takes the padding) if it is text. */
function addBase64(run: string, start: number, runEnd: number, end: number, builder: ViewBuilder | undefined, original: (offset: number) => number): ViewBuilder | undefined {
  if (!(startsPrintable(run, start) || startsWide(run, start, 0) || startsWithMark(run, start))) return builder;
  const bytes = decodeRun(run.slice(start, runEnd));
  if (bytes === undefined) return builder;
  const text = asText(bytes);
  if (!text) return builder;
  const view = builder ?? new ViewBuilder('base64');
  view.separate();
  // Char i is bytes [byteAt(i), byteAt(i + 1)): the groups holding them.
  const { chars, byteAt } = text;
  for (let i = 0; i < chars.length; i++) {
    const first = start + Math.floor(byteAt(i) / 3) * 4;
    const last = start + Math.floor((Math.max(byteAt(i + 1), byteAt(i) + 1) - 1) / 3) * 4;
    // A group is within one line (every line but the last holds whole groups).
    view.add(chars[i]!, original(first), original(last) + (Math.min(end, last + 4) - last));
  }
  return view;
}

/**
 * The decoded bytes (one char per byte) as text, or undefined: ASCII text, base64 again (base64
 * of base64: a Docker config's auth in a Kubernetes secret, for the next level), UTF-8 text with
 * non-ASCII chars, or UTF-16LE text; a byte order mark is skipped. `byteAt(i)`: where char i's
 * bytes start (byteAt(chars.length): where the text ends).
 */
function asText(bytes: string): { chars: string; byteAt: (i: number) => number } | undefined {
  const utf8Mark = bytes.startsWith('\xef\xbb\xbf') ? 3 : 0;
  const narrow = utf8Mark ? bytes.slice(3) : bytes;
  if (isPrintableText(narrow) || isBase64Text(narrow)) return { chars: narrow, byteAt: (i) => utf8Mark + i };
  const utf8 = utf8Text(narrow);
  if (utf8 !== undefined) return { chars: utf8.chars, byteAt: (i) => utf8Mark + utf8.starts[i]! };
  const wideMark = bytes.startsWith('\xff\xfe') ? 2 : 0;
  if (bytes.charCodeAt(wideMark + 1) !== 0) return undefined;
  let wide = '';
  for (let b = wideMark; b + 1 < bytes.length; b += 2) wide += String.fromCharCode(bytes.charCodeAt(b) | (bytes.charCodeAt(b + 1) << 8));
  return isPrintableText(wide) ? { chars: wide, byteAt: (i) => wideMark + 2 * i } : undefined;
}

/** `bytes` (one char per byte) as UTF-8 text with non-ASCII chars, and the byte each UTF-16 unit starts at; undefined if not valid UTF-8 or not text. */
function utf8Text(bytes: string): { chars: string; starts: Int32Array } | undefined {
  let nonAscii = false;
  for (let i = 0; i < bytes.length && !nonAscii; i++) nonAscii = bytes.charCodeAt(i) >= 0x80;
  if (!nonAscii) return undefined;
  const raw = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) raw[i] = bytes.charCodeAt(i);
  let chars: string;
  try {
    chars = utf8Decoder.decode(raw);
  } catch {
    return undefined;
  }
  if (!isPrintableText(chars, true)) return undefined;
  const starts = new Int32Array(chars.length + 1);
  let at = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    starts[i] = at;
    // A surrogate pair is 4 bytes: both units start where the pair does.
    if (c >= 0xd800 && c <= 0xdbff) {
      starts[++i] = at;
      at += 4;
      continue;
    }
    at += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  starts[chars.length] = at;
  return { chars, starts };
}
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------- hex ----------
// Hex digits are base64 chars, so a hex run is among the base64 runs the keyword pass reports
// (BASE64_RUN.startsWell also accepts a run whose hex decodes to printable text): `xxd -p`,
// `Buffer.from(token).toString('hex')`, a hex-encoded config value.

const HEX_VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i++) {
    table['0123456789abcdef'.charCodeAt(i)] = i;
    table['0123456789ABCDEF'.charCodeAt(i)] = i;
  }
  return table;
})();
const hexValue = (c: number) => (c < 128 ? HEX_VALUES[c]! : -1);

/** Where in the run's first 2 chars its hex starts (the first 12 decoded bytes printable), or -1. */
function hexAlignment(text: string, start: number): number {
  for (let offset = 0; offset < 2; offset++) if (hexStartsPrintable(text, start + offset)) return offset;
  return -1;
}

function hexStartsPrintable(text: string, at: number): boolean {
  for (let i = at; i < at + 24; i += 2) {
    const high = hexValue(text.charCodeAt(i));
    const low = hexValue(text.charCodeAt(i + 1));
    if (high < 0 || low < 0) return false;
    const b = (high << 4) | low;
    if (!((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13)) return false;
  }
  return true;
}

/**
 * The hex view's builder, and its blocks. `runs` as for base64Runs: each run whose hex decodes to
 * printable text, decoded (wrapped lines joined, as `xxd -p` writes them; a long one in
 * overlapping chunks).
 */
function hexRuns(text: string, runs: ArrayLike<number>): DecodedRuns {
  let builder: ViewBuilder | undefined;
  let decodedTo = -1;
  const blocks: DecodedBlock[] = [];
  for (let r = 0; r < runs.length; r++) {
    const start = runs[r]! - MIN_RUN;
    if (start < decodedTo) continue;
    const offset = hexAlignment(text, start);
    if (offset < 0) continue;
    const from = start + offset;
    let end = from;
    while (end + 1 < text.length && hexValue(text.charCodeAt(end)) >= 0 && hexValue(text.charCodeAt(end + 1)) >= 0) end += 2;
    const lines = wrappedLines(text, from, end, end, HEX_LINES);
    decodedTo = lines[lines.length - 1]!;
    const joined = lines.length === 2 ? text.slice(from, end) : linesText(text, lines);
    const pairs = joined.length - (joined.length % 2);
    const original = lineMapper(lines);
    builder ??= new ViewBuilder('hex');
    const before = builder.mark();
    for (let at = 0; ; at += B64_CHUNK - B64_OVERLAP) {
      const stop = Math.min(pairs, at + B64_CHUNK);
      addHex(joined, at, stop, builder, original);
      if (stop === pairs) break;
    }
    if (builder.mark()[2] > before[2]) blocks.push({ start: from, end: decodedTo, source: builder, from: before, to: builder.mark() });
  }
  return { builder, blocks };
}

/** Decodes the hex pairs of run[start, end) into the view, each char mapped to its two digits in the original, if it is text. */
function addHex(run: string, start: number, end: number, builder: ViewBuilder | undefined, original: (offset: number) => number): ViewBuilder | undefined {
  let decoded = '';
  for (let i = start; i + 1 < end; i += 2) decoded += String.fromCharCode((hexValue(run.charCodeAt(i)) << 4) | hexValue(run.charCodeAt(i + 1)));
  if (!isPrintableText(decoded)) return builder;
  const view = builder ?? new ViewBuilder('hex');
  view.separate();
  for (let i = 0; i < decoded.length; i++) {
    // A pair is within one line (every line but the last has an even length).
    const from = original(start + 2 * i);
    view.add(decoded[i]!, from, from + 2);
  }
  return view;
}

// ---------- YAML block scalars ----------

const YAML_HEADER = /^([ \t]*)(?:- )?([A-Za-z0-9_.-]{1,80}):[ \t]*([|>])[+-]?[0-9]?[ \t]*\r?$/;

/** Starts of lines ending within 3 chars of a block-scalar indicator (`key: |`, `key: >-`), ascending. */
function blockHeaderLines(text: string, indicators: ArrayLike<number>): number[] {
  const starts: number[] = [];
  for (let k = 0; k < indicators.length; k++) {
    const i = indicators[k]!;
    let e = i + 1;
    while (e < text.length && e - i < 4 && text[e] !== '\n') e++;
    if (e < text.length && text[e] !== '\n') continue;
    const start = lineStartOf(text, i);
    if (starts.length === 0 || starts[starts.length - 1] !== start) starts.push(start);
  }
  return starts;
}

/** `indicators`: where `|` and `>` occur. */
function yamlBlocks(text: string, indicators: ArrayLike<number>): DecodedView | undefined {
  let builder: ViewBuilder | undefined;
  let after = 0;
  for (const lineStart of blockHeaderLines(text, indicators)) {
    if (lineStart < after) continue;
    const header = YAML_HEADER.exec(text.slice(lineStart, lineEndOf(text, lineStart)));
    if (!header) continue;
    const m = { index: lineStart, 0: header[0], 1: header[1]!, 2: header[2]!, 3: header[3]! };
    const indent = m[1].length;
    const folded = m[3] === '>';
    let p = m.index + m[0].length + 1;
    const lines: [number, number][] = [];
    while (p < text.length) {
      const e = lineEndOf(text, p);
      const line = text.slice(p, e);
      const lead = /^[ \t]*/.exec(line)![0].length;
      if (line.trim() !== '' && lead <= indent) break;
      if (line.trim() !== '') lines.push([p + lead, e - (line.endsWith('\r') ? 1 : 0)]);
      p = e + 1;
      if (lines.length > 400) break;
    }
    if (lines.length === 0) continue;
    builder ??= new ViewBuilder('yaml-block');
    builder.separate();
    // `name: ` then the scalar's content as YAML reads it (folded: lines joined by spaces).
    const nameStart = m.index + m[1].length + (m[0].slice(indent).startsWith('- ') ? 2 : 0);
    builder.copy(text, nameStart, nameStart + m[2].length + 1);
    builder.add(' ', nameStart + m[2].length, nameStart + m[2].length + 1);
    lines.forEach(([s, e], i) => {
      if (i > 0) builder!.add(folded ? ' ' : '\n', s - 1, s);
      builder!.copy(text, s, e);
    });
    after = p;
  }
  return builder?.build();
}

// ---------- unified diffs ----------

/** `hunks`: where `\n@@ -` occurs (the offset of the line break). */
function diffLines(text: string, hunks: ArrayLike<number>): DecodedView | undefined {
  // Every diff with content has a hunk header.
  const atStart = text.startsWith('@@ -');
  if (!atStart && hunks.length === 0) return undefined;
  const builder = new ViewBuilder('diff');
  // The next header's line break at or after `from` (a cursor: `from` only grows).
  let cursor = 0;
  const nextHunk = (from: number): number => {
    while (cursor < hunks.length && hunks[cursor]! < from) cursor++;
    return cursor < hunks.length ? hunks[cursor]! : -1;
  };
  // From each hunk header, the lines that belong to the hunk (prefixed by +, - or space).
  for (let h = atStart ? 0 : nextHunk(0) + 1; h >= 0; ) {
    // The header's counts bound the hunk: `@@ -a,removed +c,added @@`.
    const counts = /^@@ -[0-9]+(?:,([0-9]+))? \+[0-9]+(?:,([0-9]+))? @@/.exec(text.slice(h, h + 80));
    let removed = counts ? Number(counts[1] ?? 1) : 0;
    let added = counts ? Number(counts[2] ?? 1) : 0;
    let p = lineEndOf(text, h) + 1;
    while (p < text.length && (removed > 0 || added > 0)) {
      const e = lineEndOf(text, p);
      const first = text[p];
      if (first === '-') removed--;
      else if (first === '+') added--;
      else if (first === ' ' || p === e) {
        removed--;
        added--;
      } else if (first !== '\\') break; // "\ No newline at end of file"
      // Removed lines are left out: what the change adds reads as one text, multi-line keys too.
      if (first === '+' || first === ' ') {
        builder.copy(text, p + 1, e);
        builder.add('\n', e, Math.min(text.length, e + 1));
      }
      p = e + 1;
    }
    builder.separate();
    const next = p >= text.length ? -1 : nextHunk(p - 1);
    h = next === -1 ? -1 : next + 1;
  }
  return builder.build();
}
