// The escapes view: JSON string escapes (`\u0041`, `\/`, `\"`, `\\`), URL encoding (`%2F`), HTML
// character references (`&#x2F;`, `&quot;`) and line continuations inside a word (a backslash
// ending a line, which stands for nothing), decoded together in regions around them.
//
// Why one view: decoded one kind per view, each level below decoded every other kind again, in
// every order (URL inside JSON inside HTML, and the five other orders), and escaped JSON holding
// HTML with encoded links (a WordPress API response in an agent's transcript) read 20 times its
// length in views, past the decode budget. Together, a level decodes them all at once, and what
// one decoding makes of another (a URL-encoded `\u0041`, a JSON-escaped `%2F`, `&amp;#x2F;`) is
// decoded at the next.

import type { DecodeHints } from './decode';
import { isBlank, isEscapedBlankLetter, isTokenEdge, TOKEN_CHAR, tokenEnd, tokenStart } from './tokens';
import { COPIED, ViewBuilder, type DecodedView, type EscapeSink } from './views';

/**
 * The region decoded around an escape: this many chars either side, across lines, and on to the
 * ends of the tokens there (up to TOKEN_REACH). Lines were once the bound: then an AWS secret
 * key JSON-escaped or URL-encoded on the line after its key id (pretty-printed JSON from PHP's
 * json_encode escapes every `/`) was in a view without its id, and the pair detector (300
 * chars each way) never saw the two.
 */
const CONTEXT = 300;

/** How far one region extends (further escapes go into the next region). */
const MAX_ESCAPE_REGION = 1 << 16;

/**
 * Where a region that holds `at` starts: at the start of the token holding the char CONTEXT
 * chars back (followed outward up to TOKEN_REACH: a region cut at the escape itself lost the
 * name before a long URL-encoded value, and put a cut token beside text 5000 chars away), not
 * before `floor` (where the region before ends).
 */
function regionStart(text: string, at: number, floor: number): number {
  const back = at - CONTEXT;
  if (back <= floor) return floor;
  const start = tokenStart(text, back);
  if (start <= floor) return floor;
  if (isTokenEdge(text.charCodeAt(start - 1))) return start;
  // A token longer than the reach: its cut part is left out (what a separator follows reads as
  // whole), up to the next field of a query or form body, which has no other edge; with none,
  // the reach's cut stays (starting at the escape lost the value's head, name and key id).
  for (let i = start; i < at; i++) if (isFieldEdge(text.charCodeAt(i))) return i + 1;
  return start;
}

/** A token edge, or `&`/`?` between the fields of a query or form body. */
const isFieldEdge = (c: number) => isTokenEdge(c) || c === 38 || c === 63;

/** Where a region whose last escape ends at `end` ends: at the end of the token holding the char CONTEXT chars on. */
function regionEndAfter(text: string, end: number): number {
  const on = end + CONTEXT;
  if (on >= text.length) return text.length;
  const stop = tokenEnd(text, on);
  if (stop >= text.length || isTokenEdge(text.charCodeAt(stop))) return stop;
  // As in regionStart: a token cut at the reach is left out, back to a field's end.
  for (let i = stop - 1; i > end; i--) if (isFieldEdge(text.charCodeAt(i))) return i;
  return stop;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

/** The value of the `digits` hex digits at text[at] (already checked to be hex). */
function hexAt(text: string, at: number, digits: number): number {
  let value = 0;
  for (let i = at; i < at + digits; i++) {
    const c = text.charCodeAt(i) | 32; // 0-9 keep their codes under | 32; A-F fold onto a-f
    value = (value << 4) | (c <= 57 ? c - 48 : c - 87);
  }
  return value;
}

/** `\u` followed by 4 hex digits at `i`. */
function isUnicodeEscape(text: string, i: number): boolean {
  return text.charCodeAt(i + 1) === 117 && isHex(text.charCodeAt(i + 2)) && isHex(text.charCodeAt(i + 3)) && isHex(text.charCodeAt(i + 4)) && isHex(text.charCodeAt(i + 5));
}

/**
 * A JSON escape the view decodes at `i` (`\u` and 4 hex digits, `\/`, `\"`, `\\`), as a hint may
 * start one: `\\` only before the n, r or t of an escaped line break or tab (an escaped line break
 * escaped again: a service account's key in a JSON transcript of `cat .env`); never the second
 * backslash of `\\`.
 */
function startsJsonEscape(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  return (next === 47 || next === 34 || isUnicodeEscape(text, i) || (next === 92 && isEscapedBlankLetter(text.charCodeAt(i + 2)))) && !escapedBackslashEnds(text, i);
}

/** Where an escape of the view starts, ascending (reused from view to view). */
let escapeStarts = new Int32Array(256);

/** The hints of the four kinds where an escape the view decodes starts, merged in order. */
function escapeStartsOf(text: string, hints: DecodeHints): Int32Array {
  const lists = [hints.escape, hints.percent, hints.reference, hints.continuation];
  let total = 0;
  for (const list of lists) total += list.length;
  if (escapeStarts.length < total) escapeStarts = new Int32Array(Math.max(total, 2 * escapeStarts.length));
  let n = 0;
  for (let k = 0; k < hints.escape.length; k++) if (startsJsonEscape(text, hints.escape[k]!)) escapeStarts[n++] = hints.escape[k]!;
  for (let k = 0; k < hints.percent.length; k++) if (isPercentEscape(text, hints.percent[k]!)) escapeStarts[n++] = hints.percent[k]!;
  for (let k = 0; k < hints.reference.length; k++) if (htmlReference(text, hints.reference[k]!) !== 0) escapeStarts[n++] = hints.reference[k]!;
  for (let k = 0; k < hints.continuation.length; k++) if (lineContinuation(text, hints.continuation[k]!) !== 0) escapeStarts[n++] = hints.continuation[k]!;
  const starts = escapeStarts.subarray(0, n);
  starts.sort();
  return starts;
}

/**
 * `hints`: where each kind's trigger literal starts. Regions reach CONTEXT chars around their
 * escapes, across lines, to the ends of the tokens there; further escapes that follow closely
 * extend a region, up to MAX_ESCAPE_REGION (a long form body or escaped JSON line is decoded in
 * regions of about that size, one after another, not skipped).
 */
export function escapes(text: string, hints: DecodeHints): DecodedView | undefined {
  if (hints.escape.length + hints.percent.length + hints.reference.length + hints.continuation.length === 0) return undefined;
  const starts = escapeStartsOf(text, hints);
  if (starts.length === 0) return undefined;
  const builder = new ViewBuilder('escapes');
  let regionEnd = 0;
  for (let k = 0; k < starts.length; ) {
    const at = starts[k]!;
    if (at < regionEnd) {
      k++;
      continue;
    }
    const floor = regionEnd;
    let start = regionStart(text, at, floor);
    // Not between the two backslashes of a `\\` (its second would read as an escape).
    if (start > floor && escapedBackslashEnds(text, start)) start--;
    let last = at;
    let n = k + 1;
    for (; n < starts.length && starts[n]! - last < CONTEXT && starts[n]! - start < MAX_ESCAPE_REGION; n++) last = starts[n]!;
    regionEnd = regionEndAfter(text, last + Math.max(2, widthOf(escapeAt(text, last))));
    // A region that goes on where the one before ended (a long run of escapes) continues it:
    // a separator there would cut what spans the two.
    if (start > floor) builder.separate();
    const count = n - k;
    if (count < DENSE_ESCAPES || count * DENSE_GAP < regionEnd - start) regionEnd = decodeRegion(builder, text, start, regionEnd);
    else {
      denseRegion.reset(regionEnd - start);
      regionEnd = decodeRegion(denseRegion, text, start, regionEnd);
      denseRegion.appendTo(builder);
    }
    k = n;
  }
  denseRegion.release();
  if (escapeStarts.length > RETAINED_UNITS) escapeStarts = new Int32Array(256);
  return builder.build();
}

/**
 * From this many escapes in a region on, it is decoded into a code unit buffer and appended as
 * one piece (DenseRegion); below, piece by piece into the view (its copied stretches are slices,
 * no char is copied). Escaped JSON (`{\"a\":\"b\"}` all along a line) has an escape every few
 * chars: a string and two segments per escape cost a hundred times what its chars do.
 */
const DENSE_ESCAPES = 16;
/**
 * ...and when they are this close on average: the buffer copies every char of the region, the
 * pieces only the escapes (a region reaches 300 chars around its escapes, across lines).
 */
const DENSE_GAP = 64;

/**
 * The escape a region decoder reads at `i`, packed by packEscape, or 0 when there is none (one
 * number, no object: this runs for every `\\`, `%` and `&` in a region).
 */
type EscapeReader = (text: string, i: number) => number;
/** An escape of `width` chars standing for the char `char` (a UTF-16 code unit, NOTHING or ITSELF). */
const packEscape = (width: number, char: number) => width * 0x20000 + char;
const widthOf = (escape: number) => escape >>> 17;
const charOf = (escape: number) => escape & 0x1ffff;
/** What a line continuation stands for: no char at all (beyond the code units, as ITSELF). */
const NOTHING = 0x10000;
/** What an escape kept as it is, whole, stands for: itself (see escapeAt). */
const ITSELF = 0x10001;

/** A JSON escape at the backslash at `i` (see startsJsonEscape; any `\\` inside a region). */
const jsonEscape: EscapeReader = (text, i) => {
  if (isUnicodeEscape(text, i)) return packEscape(6, hexAt(text, i + 2, 4));
  // `\\` is decoded too: JSON inside JSON inside JSON (a tool result in a log line) has its
  // inner quotes as `\\\"`, which the next level decodes. Not before a line break, which no JSON
  // string holds: a shell's escaped backslash ending a word (`T=abc\\`), which decoded read as a
  // continuation at the next level.
  const next = text.charCodeAt(i + 1);
  if (next === 92 && (text.charCodeAt(i + 2) === 10 || text.charCodeAt(i + 2) === 13)) return packEscape(2, ITSELF);
  return next === 47 || next === 34 || next === 92 ? packEscape(2, next) : 0;
};

const percentEscape: EscapeReader = (text, i) => (isPercentEscape(text, i) ? packEscape(3, hexAt(text, i + 1, 2)) : 0);

/** The escape at `i`, of whichever kind its first char starts. */
const escapeAt: EscapeReader = (text, i) => {
  const c = text.charCodeAt(i);
  if (c === 92) {
    // A continuation first: its JSON-escaped form starts with `\\`, which is also a JSON escape.
    const joined = lineContinuation(text, i);
    if (joined !== 0) return joined;
    // One not inside a word in the text may be in this view (`gM&#87;\\\n…`: the reference
    // next to it is decoded here): kept whole, for the next level to join; decoding its `\\`
    // left `\\n`, which reads as no continuation.
    const next = continuationEnd(text, i);
    if (next !== -1) return packEscape(next - i, ITSELF);
    return jsonEscape(text, i);
  }
  if (c === 37) return percentEscape(text, i);
  return c === 38 ? htmlReference(text, i) : 0;
};

/** Decodes text[start, regionEnd) into `sink`; returns where it stopped (an escape at the end may reach past regionEnd). */
function decodeRegion(sink: EscapeSink, text: string, start: number, regionEnd: number): number {
  // Searched within the region only (a slice is a view, no copy): the text's next backslash
  // after the region can be megabytes on. The next of each lead char is kept, and searched
  // again only once passed.
  const region = text.slice(start, regionEnd);
  let slash = region.indexOf('\\');
  let percent = region.indexOf('%');
  let amp = region.indexOf('&');
  let run = start;
  let i = start;
  for (;;) {
    const from = i - start;
    if (slash !== -1 && slash < from) slash = region.indexOf('\\', from);
    if (percent !== -1 && percent < from) percent = region.indexOf('%', from);
    if (amp !== -1 && amp < from) amp = region.indexOf('&', from);
    let p = slash;
    if (percent !== -1 && (p === -1 || percent < p)) p = percent;
    if (amp !== -1 && (p === -1 || amp < p)) p = amp;
    if (p === -1) break;
    const at = start + p;
    const escape = escapeAt(text, at);
    // Not an escape here, or one kept whole: as it is. (The char after a kept backslash is
    // looked at too: `\&quot;`, HTML-escaped JSON, has a reference there.)
    if (escape === 0) {
      i = at + 1;
      continue;
    }
    const width = widthOf(escape);
    if (charOf(escape) === ITSELF) {
      i = at + width;
      continue;
    }
    sink.copy(text, run, at);
    if (charOf(escape) !== NOTHING) sink.decoded(charOf(escape), at, at + width);
    i = run = at + width;
  }
  const end = Math.max(regionEnd, i);
  sink.copy(text, run, end);
  return end;
}

/**
 * A region decoded into one code unit buffer, with a mark (view offset, from, to) per copied
 * stretch and per decoded char, then appended to the view as one piece. One, reused from region
 * to region; its lists are let go above RETAINED_UNITS after each view.
 */
class DenseRegion implements EscapeSink {
  private units = new Uint16Array(1024);
  private marks = new Int32Array(3 * 256);
  private n = 0;
  private m = 0;

  /** Empties it, with room for a region of `chars` chars (a char each, at most two marks per escape). */
  reset(chars: number): void {
    if (this.units.length < chars + 8) this.units = new Uint16Array(Math.max(chars + 8, 2 * this.units.length));
    if (this.marks.length < 3 * (2 * chars + 8)) this.marks = new Int32Array(3 * (2 * chars + 8));
    this.n = 0;
    this.m = 0;
  }

  copy(text: string, from: number, to: number): void {
    if (to <= from) return;
    this.mark(from, COPIED);
    const units = this.units;
    let n = this.n;
    for (let k = from; k < to; k++) units[n++] = text.charCodeAt(k);
    this.n = n;
  }

  decoded(code: number, from: number, to: number): void {
    this.mark(from, to);
    this.units[this.n++] = code;
  }

  appendTo(builder: ViewBuilder): void {
    builder.appendUnits(this.units, this.n, this.marks, this.m);
  }

  release(): void {
    if (this.units.length > RETAINED_UNITS) this.units = new Uint16Array(1024);
    if (this.marks.length > RETAINED_UNITS) this.marks = new Int32Array(3 * 256);
  }

  private mark(from: number, to: number): void {
    this.marks[this.m] = this.n;
    this.marks[this.m + 1] = from;
    this.marks[this.m + 2] = to;
    this.m += 3;
  }
}
const RETAINED_UNITS = 1 << 16;
const denseRegion = new DenseRegion();

/** Whether the backslash at `i` is the second of an escaped backslash (an odd run of backslashes ends before it). */
function escapedBackslashEnds(text: string, i: number): boolean {
  let before = 0;
  while (i - before - 1 >= 0 && text.charCodeAt(i - before - 1) === 92) before++;
  return before % 2 === 1;
}

/**
 * A line continuation at `i` (a backslash, then a line break as typed or JSON-escaped): where the
 * next line starts, or -1. Not the second backslash of an escaped one (`\\` then a line break).
 */
function continuationEnd(text: string, i: number): number {
  if (text.charCodeAt(i) !== 92 || escapedBackslashEnds(text, i)) return -1;
  let j = i + 1;
  if (text.charCodeAt(j) === 92) {
    // JSON-escaped: `\\` (the backslash), then `\n` or `\r\n`.
    j++;
    if (text.charCodeAt(j) !== 92) return -1;
    if (text.charCodeAt(j + 1) === 114 && text.charCodeAt(j + 2) === 92) j += 2;
    return text.charCodeAt(j + 1) === 110 ? j + 2 : -1;
  }
  if (text.charCodeAt(j) === 13) j++;
  return text.charCodeAt(j) === 10 ? j + 1 : -1;
}

/**
 * Where the text of a line starting at `i` starts, past what a reader put before it: a line
 * number (`cat -n`, an agent's file read with →, also JSON-escaped as `\t` or `\u2192`) with the
 * blanks before it, and the `>` marks of an e-mail reply or a Markdown quote. Blanks alone are no
 * lead: they end a shell word.
 */
function afterLineLead(text: string, i: number): number {
  let j = i;
  while (j - i < 12 && isBlank(text.charCodeAt(j))) j++;
  const digits = j;
  while (j - digits < 7 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
  const c = text.charCodeAt(j);
  if (j > digits && (c === 0x2192 || c === 9)) j++;
  else if (j > digits && c === 92 && text.charCodeAt(j + 1) === 116) j += 2;
  else if (j > digits && c === 92 && text.startsWith('u2192', j + 1)) j += 6;
  else j = i;
  for (let marks = 0; marks < 3 && text.charCodeAt(j) === 62; marks++) j += isBlank(text.charCodeAt(j + 1)) ? 2 : 1;
  return j;
}

/**
 * A continuation at `i` inside a word (a token char on both sides, past the next line's lead):
 * `export GITHUB_TOKEN=ghp_abc\` then `def` on the next line is the token `ghp_abcdef` to a
 * shell (and to Python or C; cmd writes `^` for it); read line by line, the first half was
 * redacted and the second sent. It decodes to nothing: the view joins the two lines.
 */
const lineContinuation: EscapeReader = (text, i) => {
  if (TOKEN_CHAR[text.charCodeAt(i - 1)] !== 1) return 0;
  const next = continuationEnd(text, i);
  if (next < 0) return 0;
  const word = afterLineLead(text, next);
  return TOKEN_CHAR[text.charCodeAt(word)] === 1 ? packEscape(word - i, NOTHING) : 0;
};

/** Named references a region decodes (printable ASCII only; `&amp;`, `&lt;`, `&gt;` start none, see DECODE_TRIGGERS). */
const NAMED_REFERENCES: ReadonlyMap<string, number> = new Map(Object.entries({ quot: 34, apos: 39, amp: 38, lt: 60, gt: 62, sol: 47, plus: 43, equals: 61, colon: 58, lowbar: 95, period: 46, commat: 64, num: 35 }));
/** The longest name in NAMED_REFERENCES. */
const LONGEST_NAME = 6;

/**
 * `&#NNN;`, `&#xHH;` or a named reference at `i` that stands for a printable ASCII char, a tab or
 * a line break (a key in an XML attribute has its line breaks as `&#10;` or `&#xA;`). Escapers
 * that write `/` as `&#x2F;` (OWASP's rule for HTML) or `&#47;`, `+` as `&#43;`, quotes as
 * `&quot;` and `&#39;` put a secret in a page, an XML config or a fetched document where no
 * detector read it (an AWS secret key beside its key id in a table).
 */
const htmlReference: EscapeReader = (text, i) => {
  if (text.charCodeAt(i) !== 38) return 0;
  let j = i + 1;
  let code = 0;
  if (text.charCodeAt(j) === 35) {
    const hex = (text.charCodeAt(j + 1) | 32) === 120;
    j += hex ? 2 : 1;
    const digitsFrom = j;
    for (let c = text.charCodeAt(j); hex ? isHex(c) : c >= 48 && c <= 57; c = text.charCodeAt(++j)) {
      code = hex ? code * 16 + hexAt(text, j, 1) : code * 10 + c - 48;
      if (j - digitsFrom >= 7) return 0;
    }
    if (j === digitsFrom) return 0;
  } else {
    for (let c = text.charCodeAt(j); c >= 97 && c <= 122 && j - i <= LONGEST_NAME; c = text.charCodeAt(++j));
    code = NAMED_REFERENCES.get(text.slice(i + 1, j)) ?? 0;
  }
  if (text.charCodeAt(j) !== 59 || !((code >= 32 && code <= 126) || code === 9 || code === 10 || code === 13)) return 0;
  return packEscape(j + 1 - i, code);
};

/** `%20`..`%7E` at `i`: a printable ASCII char (not %7F). */
function isPercentEscape(text: string, i: number): boolean {
  const first = text.charCodeAt(i + 1);
  const second = text.charCodeAt(i + 2);
  return text.charCodeAt(i) === 37 && first >= 50 && first <= 55 && isHex(second) && !(first === 55 && (second | 32) === 102);
}

