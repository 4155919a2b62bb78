// Line hashing for provenance. Pure and synchronous (no node:crypto) so core stays portable.
// Two hashes per line: the *anchor* hash ignores indentation and trailing whitespace so a
// formatter that re-indents does not lose AI lines; the *exact* hash covers every character so an
// approval is void as soon as one character of the approved line changes.

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits (two 32-bit halves, no BigInt). */
export function fnv1a64(text: string): string {
  fnvHalves(text);
  return hex8(hi) + hex8(lo);
}

/** The first 48 bits of fnv1a64 (12 hex digits): line hashes, allocation-light. */
function fnv1a48(text: string): string {
  fnvHalves(text);
  return hex8(hi) + hex8(lo).slice(0, 4);
}

let hi = 0;
let lo = 0;

/**
 * FNV-1a 64 (offset basis cbf29ce484222325, prime 100000001b3) into `hi`/`lo`. A code unit above
 * 0xff is hashed as two bytes, low byte first. Multiplying by 2^40 + 0x1b3: the low half times
 * 0x1b3 is below 2^41, exact in a double; its carry and the low half shifted by 8 (the 2^40
 * term) go to the high half.
 */
function fnvHalves(text: string, from = 0, to = text.length): void {
  let h = 0xcbf29ce4;
  let l = 0x84222325;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) {
      l = (l ^ (c & 0xff)) >>> 0;
      let p = l * 0x1b3;
      h = (Math.imul(h, 0x1b3) + (l << 8) + Math.floor(p / 4294967296)) >>> 0;
      l = p >>> 0;
      l = (l ^ (c >>> 8)) >>> 0;
      p = l * 0x1b3;
      h = (Math.imul(h, 0x1b3) + (l << 8) + Math.floor(p / 4294967296)) >>> 0;
      l = p >>> 0;
    } else {
      l = (l ^ c) >>> 0;
      const p = l * 0x1b3;
      h = (Math.imul(h, 0x1b3) + (l << 8) + Math.floor(p / 4294967296)) >>> 0;
      l = p >>> 0;
    }
  }
  hi = h;
  lo = l;
}

const HEX = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));

function hex8(n: number): string {
  return HEX[n >>> 24]! + HEX[(n >>> 16) & 0xff]! + HEX[(n >>> 8) & 0xff]! + HEX[n & 0xff]!;
}

/** The line with indentation and trailing whitespace (and a stray CR) removed. */
export function normalizeLine(line: string): string {
  return line.trim();
}

/** Hash used to find a line again wherever it moved (indentation-insensitive). */
export function anchorHash(line: string): string {
  return fnv1a48(normalizeLine(line));
}

/** What String.prototype.trim removes. */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** anchorHash of text.slice(from, to), without cutting the line out (check hashes whole files). */
export function anchorHashAt(text: string, from: number, to: number): string {
  while (from < to && isTrimmed(text.charCodeAt(from))) from++;
  while (to > from && isTrimmed(text.charCodeAt(to - 1))) to--;
  fnvHalves(text, from, to);
  return hex8(hi) + hex8(lo).slice(0, 4);
}

/** Hash of the exact line content (CR stripped), used for approvals. */
export function exactHash(line: string): string {
  return fnv1a48(line.endsWith('\r') ? line.slice(0, -1) : line);
}

/** Hash of a block of lines (exact), `fnv1a64:` prefixed, as used in Agent Trace `content_hash`. */
export function contentHash(lines: readonly string[]): string {
  return `fnv1a64:${fnv1a64(lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).join('\n'))}`;
}

const TRIVIAL = /^(?:[{}()[\];,]|\)\s*;|\}\s*[;,)]*|\]\s*[;,)]*|\)\s*[{;,]?|\}\s*else\s*\{?|else\s*\{?|\{\s*\}|\(\s*\)|end|fi|done|esac|pass|break;?|continue;?|return;?|\*\/|\/\*+|\/\/|#|--|<\/?\w+>|"""|'''|`{3}\w*)?$/i;

/**
 * True for lines that carry no identity of their own (blank, lone braces, `else {`, `});`, a lone comment end…).
 * Such lines never anchor an AI range alone: they match everywhere.
 */
export function isTrivialLine(line: string): boolean {
  const text = normalizeLine(line);
  if (text.length === 0) return true;
  if (text.length <= 3 && /^[^\w]*$/.test(text)) return true;
  return TRIVIAL.test(text);
}

/** Splits text into lines the way editors count them ("a\n" is two lines: "a" and ""). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (!text.includes('\r')) return lines;
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * A tiny similarity sketch of a line: the 8 smallest 16-bit hashes of its character trigrams
 * (bottom-k MinHash), as hex. Two sketches sharing a good part of their values mean "the same
 * line, edited"; it lets re-anchoring tell a partly edited AI line from a rewritten one
 * without storing the line's text.
 */
export function lineSketch(line: string): string {
  const text = normalizeLine(line);
  if (text.length < 3) return '';
  const seen = new Set<number>();
  for (let i = 0; i + 3 <= text.length; i++) {
    let h = 0x811c9dc5;
    for (let j = i; j < i + 3; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
    seen.add((h ^ (h >>> 16)) & 0xffff);
  }
  return [...seen].sort((a, b) => a - b).slice(0, 8).map((n) => n.toString(16).padStart(4, '0')).join('');
}

/** Share of sketch values two lines have in common, 0..1 (0 when either has no sketch). */
export function sketchSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  const left = new Set(a.match(/.{4}/g));
  const right = b.match(/.{4}/g) ?? [];
  const shared = right.filter((v) => left.has(v)).length;
  return shared / Math.max(left.size, right.length);
}
