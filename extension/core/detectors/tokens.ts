// Where tokens start and end, for whatever must not cut one: a decoded view's copies and
// regions (decode.ts), a detector's search window (compile.ts). A cut name or value reads as
// another (a partial redaction, a secret's tail reported as a secret). copyStart/copyEnd shrink
// a stretch inward to the nearest edges; tokenStart/tokenEnd grow it outward to them.

/** Chars a copy or region (decode.ts) or a detector's search window (compile.ts) may start after or end before without cutting a token. */
const TOKEN_EDGE = (() => {
  const table = new Uint8Array(128);
  for (const c of ' \t\r\n"\'`,;(){}[]<>') table[c.charCodeAt(0)] = 1;
  return table;
})();
export const isTokenEdge = (c: number) => c < 128 && TOKEN_EDGE[c] === 1;

/** The first offset in [from, limit] that starts a token (the text's start, or after an edge char); limit if none. */
export function copyStart(text: string, from: number, limit: number): number {
  if (from === 0 || isTokenEdge(text.charCodeAt(from - 1))) return from;
  for (let i = from; i < limit; i++) if (isTokenEdge(text.charCodeAt(i))) return i + 1;
  return limit;
}

/** The last offset in [floor, to] that ends a token (the text's end, or before an edge char); floor if none. */
export function copyEnd(text: string, floor: number, to: number): number {
  if (to >= text.length || isTokenEdge(text.charCodeAt(to))) return to;
  for (let i = to - 1; i > floor; i--) if (isTokenEdge(text.charCodeAt(i))) return i;
  return floor;
}

/**
 * How far a token is followed to its ends: a value cut by a window's edge (a JFrog access token
 * in an .npmrc runs to a thousand chars; past this, the value is reported up to here), a decoded
 * region's context.
 */
const TOKEN_REACH = 8192;

/**
 * How far tokenEnd has followed a token, and from where (no edge in [lastFrom, lastEnd)): windows
 * hit by a keyword repeated along one long token all end inside it, and each would follow it
 * again (18 times the parent's time on such a text); a later call goes on from lastEnd.
 * Forgotten after every scan (forgetTokenEnds), so no text is held on to.
 */
let lastText: string | undefined;
let lastFrom = 0;
let lastEnd = 0;

/** Called at the end of every scan. */
export function forgetTokenEnds(): void {
  lastText = undefined;
}

/** The start of the token holding text[at] (at itself when a token edge precedes it), at most TOKEN_REACH back. */
export function tokenStart(text: string, at: number): number {
  const floor = Math.max(0, at - TOKEN_REACH);
  while (at > floor && !isTokenEdge(text.charCodeAt(at - 1))) at--;
  return at;
}

/** The end of the token holding text[at - 1] (at itself when text[at] is a token edge), at most TOKEN_REACH on. */
export function tokenEnd(text: string, at: number): number {
  const ceiling = Math.min(text.length, at + TOKEN_REACH);
  let i = at;
  // No edge in [lastFrom, lastEnd): from anywhere in it, the search goes on from lastEnd.
  const known = text === lastText && at >= lastFrom && at <= lastEnd;
  // Never past this call's own reach, however far an earlier call went.
  if (known) i = Math.min(lastEnd, ceiling);
  while (i < ceiling && !isTokenEdge(text.charCodeAt(i))) i++;
  if (!known) {
    lastText = text;
    lastFrom = at;
    lastEnd = i;
  } else if (i > lastEnd) {
    lastEnd = i;
  }
  return i;
}

/**
 * Whether text[0, pos) ends with something that stands for a blank or a line break but is
 * written with token chars, so a token right after it starts there: an escaped line break or
 * tab (`\n`, `\r`, `\t` of a JSON transcript or a C string; `%0A`, `%0D`, `%09` of a form
 * body), an ANSI colour code (`ESC[1;32m`, ESC raw or written `\u001b`, `\x1b`, `\033`, `\e`)
 * of captured terminal output, or the `-` of a diff's removed line. A token's leading
 * lookbehind sees the escape's last letter and refused it: `{"stdout":"…\nghp_…"}` went out.
 */
export function startsAfterEscapedBlank(text: string, pos: number): boolean {
  // Decided by the last char first: only an escape's last char can end one.
  const c = text.charCodeAt(pos - 1);
  switch (c) {
    case 110: // n, r, t of \n \r \t (isEscapedBlankLetter)
    case 114:
    case 116:
      return text.charCodeAt(pos - 2) === 92;
    case 57: // 9, A, D (either case) of %09 %0A %0D
    case 65:
    case 97:
    case 68:
    case 100:
      return text.charCodeAt(pos - 3) === 37 && text.charCodeAt(pos - 2) === 48;
    case 109: // the m of a colour code
      return endsWithEscapeIntroducer(text, sgrOpening(text, pos - 1));
    case 45: // a diff's mark; the line break before it may itself be escaped (a diff inside a JSON string)
      return pos === 1 || text.charCodeAt(pos - 2) === 10 || (text.charCodeAt(pos - 2) === 110 && text.charCodeAt(pos - 3) === 92);
    default:
      return false;
  }
}

/** The n, r or t of an escaped line break or tab (`\n`, `\r`, `\t`). */
export const isEscapedBlankLetter = (c: number) => c === 110 || c === 114 || c === 116;

/**
 * Where text from `p` goes on past up to two terminal codes there: colour codes (`ESC[1;31m`)
 * or erases to the line's end (`ESC[K`), as `grep --color` writes them around a match.
 */
export function pastColourCodes(text: string, p: number): number {
  for (let codes = 0; codes < 2 && text.charCodeAt(p) === 27 && text.charCodeAt(p + 1) === 91; codes++) {
    let i = p + 2;
    while (i - p < 20 && ((text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) || text.charCodeAt(i) === 59)) i++;
    if (text.charCodeAt(i) !== 109 && text.charCodeAt(i) !== 75) break;
    p = i + 1;
  }
  return p;
}

/** Where the `[` of an SGR sequence ending with the `m` at `m` is (digits and `;` between), or -1. */
function sgrOpening(text: string, m: number): number {
  let i = m - 1;
  while (i >= 0 && m - i <= 16 && ((text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) || text.charCodeAt(i) === 59)) i--;
  return text.charCodeAt(i) === 91 ? i : -1;
}

/** Whether text[0, at) ends with ESC, raw or written as `\u001b`, `\x1b`, `\033` or `\e`. */
function endsWithEscapeIntroducer(text: string, at: number): boolean {
  if (at < 1) return false;
  if (text.charCodeAt(at - 1) === 27) return true;
  const before = text.slice(Math.max(0, at - 6), at).toLowerCase();
  return before.endsWith('\\u001b') || before.endsWith('\\x1b') || before.endsWith('\\033') || before.endsWith('\\e');
}

/**
 * Whether `window` (text from `from` on) may hold the end of an escape startsAfterEscapedBlank
 * answers for: four native searches (most windows hold none), and a look at the few chars
 * before it, where such an escape may begin.
 */
export function mayHoldEscapedBlank(text: string, from: number, window: string): boolean {
  if (window.indexOf('\\') !== -1 || window.indexOf('%0') !== -1 || window.indexOf('\x1b') !== -1 || window.indexOf('\n-') !== -1) return true;
  // The longest escape startsAfterEscapedBlank reads (`\033[1;38;5;208m`) is 24 chars; a dash
  // that starts the text is a diff line's mark too.
  if (from <= ESCAPE_REACH && text.charCodeAt(0) === 45) return true;
  for (let i = Math.max(0, from - ESCAPE_REACH); i < from; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 || c === 37 || c === 27 || c === 10) return true;
  }
  return false;
}
const ESCAPE_REACH = 32;

/** Every offset in [from, to] of `text` right after an escaped blank (startsAfterEscapedBlank), ascending. */
export function escapedBlankEnds(text: string, from: number, to: number): number[] {
  const ends: number[] = [];
  for (let i = Math.max(1, from); i <= to; i++) if (startsAfterEscapedBlank(text, i)) ends.push(i);
  return ends;
}

/**
 * Chars a token (key, id, base64) is made of: [A-Za-z0-9_+/=-]. Narrower than "not a token edge"
 * (isTokenEdge): `.`, `:`, `@` or `\` are neither, and a join or a continuation next to one
 * joins no token.
 */
export const TOKEN_CHAR = (() => {
  const table = new Uint8Array(65536);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-') table[c.charCodeAt(0)] = 1;
  return table;
})();

/** A space or a tab. */
export const isBlank = (c: number) => c === 32 || c === 9;
