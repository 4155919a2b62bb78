// Token shapes: a provider's documented token structure (literal prefix, runs of a charset of a
// given length) written once as data. The detector's regex is built from it, and the tests
// generate true-positive samples from the same shape, so the rule and its samples cannot drift.
import type { CharsetName, ShapePart, ShapeRun } from './types';

/** Regex character-class bodies, by charset name. */
export const CHARSET_CLASS: Record<CharsetName, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  hex: 'a-f0-9',
  HEX: 'A-F0-9',
  hexAny: 'a-fA-F0-9',
  lower: 'a-z',
  upper: 'A-Z',
  digits: '0-9',
  lowerNum: 'a-z0-9',
  upperNum: 'A-Z0-9',
  b64: 'A-Za-z0-9+/',
  url: 'A-Za-z0-9_-',
  base32: 'A-Z2-7',
  base32Lower: 'a-z2-7',
};

/** The characters of a charset, in a fixed order (for generators). */
export function charsetChars(name: CharsetName): string {
  let out = '';
  const body = CHARSET_CLASS[name];
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      for (let c = body.charCodeAt(i); c <= body.charCodeAt(i + 2); c++) out += String.fromCharCode(c);
      i += 2;
    } else {
      out += body[i];
    }
  }
  return out;
}

/** `s` as a regex source that matches it literally. */
export function escapeLiteral(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function runSource(run: ShapeRun): string {
  const n = typeof run.n === 'number' ? `{${run.n}}` : `{${run.n[0]},${run.n[1]}}`;
  return `[${CHARSET_CLASS[run.set]}]${n}`;
}

/** Regex source for a shape (no boundaries). */
export function shapeSource(shape: readonly ShapePart[]): string {
  return shape.map((p) => (typeof p === 'string' ? escapeLiteral(p) : runSource(p))).join('');
}

/** The first literal of a shape, lower-cased: the natural keyword. */
export function shapePrefix(shape: readonly ShapePart[]): string | undefined {
  const first = shape[0];
  return typeof first === 'string' ? first.toLowerCase() : undefined;
}

/** Shorthand for a run: `run('alnum', 36)`, `run('hex', 32, 40)`. */
export function run(set: CharsetName, min: number, max?: number): ShapeRun {
  return { set, n: max === undefined ? min : [min, max] };
}
