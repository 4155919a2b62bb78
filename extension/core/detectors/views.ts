// A decoded view of a text and how it is built: the decoded chars, and for each the span of the
// original it came from (decode.ts makes the views, scan.ts maps findings in them back).

/**
 * Decoded text and where each decoded char came from, as segments in view order: segment k
 * starts at view offset segments[3k] and either copies the original verbatim from offset
 * segments[3k + 1] (segments[3k + 2] === COPIED: the i-th char of the segment maps to
 * [from + i, from + i + 1)) or maps every char it holds to the original span [from, to)
 * (-1, -1: a separator). Segments, not a span per char: views hold hundreds of kilobytes of
 * copied context, and filling two offsets per copied char cost more than decoding.
 */
export interface DecodedView {
  readonly kind: 'concatenation' | 'escapes' | 'base64' | 'hex' | 'yaml-block' | 'diff' | 'partners';
  readonly text: string;
  readonly segments: Int32Array;
  readonly segmentCount: number;
}

export const COPIED = -2;

/** Builds one view from regions appended in order. */
export class ViewBuilder implements EscapeSink {
  private readonly parts: string[] = [];
  private segments = new Int32Array(3 * 64);
  private count = 0;
  private length = 0;
  constructor(private readonly kind: DecodedView['kind']) {}

  private segment(from: number, to: number): void {
    this.segmentAt(this.length, from, to);
  }

  /**
   * A segment from view offset `at`. Decoded chars that map to the same span as the segment
   * before (the three chars of one base64 group) extend it: a span maps the same either way, and
   * a view of a large encoded text holds a third of the segments.
   */
  private segmentAt(at: number, from: number, to: number): void {
    if (this.count > 0 && from >= 0 && to !== COPIED) {
      const last = 3 * (this.count - 1);
      if (this.segments[last + 1] === from && this.segments[last + 2] === to) return;
    }
    if (3 * this.count + 3 > this.segments.length) {
      const grown = new Int32Array(this.segments.length * 2);
      grown.set(this.segments);
      this.segments = grown;
    }
    const k = 3 * this.count++;
    this.segments[k] = at;
    this.segments[k + 1] = from;
    this.segments[k + 2] = to;
  }

  /** Appends `s`, whose chars all come from the original [from, to). */
  add(s: string, from: number, to: number): void {
    if (s.length === 0) return;
    this.parts.push(s);
    this.segment(from, to);
    this.length += s.length;
  }

  /** Appends the char `code`, decoded from the original [from, to). */
  decoded(code: number, from: number, to: number): void {
    this.add(String.fromCharCode(code), from, to);
  }

  /** Appends original text verbatim (each char maps to itself). */
  copy(text: string, start: number, end: number): void {
    if (end <= start) return;
    this.parts.push(text.slice(start, end));
    this.segment(start, COPIED);
    this.length += end - start;
  }

  separate(): void {
    if (this.length === 0) return;
    this.add('\n', -1, -1);
  }

  /**
   * Appends units[0, count) as one piece, with segments the caller gives by view offset within
   * the piece (a region with many escapes: a string and two segments per escape cost a hundred
   * times what its chars do).
   */
  appendUnits(units: Uint16Array, count: number, marks: Int32Array, markCount: number): void {
    if (count === 0) return;
    for (let k = 0; k < markCount; k += 3) this.segmentAt(this.length + marks[k]!, marks[k + 1]!, marks[k + 2]!);
    this.parts.push(unitsToString(units, count));
    this.length += count;
  }

  /** Where the view stands (parts, segments, length): a block's marks say what it added. */
  mark(): readonly [number, number, number] {
    return [this.parts.length, this.count, this.length];
  }

  /** Appends what `source` got between its marks `from` and `to` (its chars, as one piece, and where they came from). */
  appendRange(source: ViewBuilder, from: readonly [number, number, number], to: readonly [number, number, number]): void {
    this.parts.push(source.parts.slice(from[0], to[0]).join(''));
    const shift = this.length - from[2];
    for (let k = from[1]; k < to[1]; k++) this.segmentAt(source.segments[3 * k]! + shift, source.segments[3 * k + 1]!, source.segments[3 * k + 2]!);
    this.length += to[2] - from[2];
  }

  build(): DecodedView | undefined {
    if (this.length === 0) return undefined;
    return { kind: this.kind, text: this.parts.join(''), segments: this.segments, segmentCount: this.count };
  }
}

export const MAX_REGION = 8192;

/** units[0, count) as a string (in pieces: fromCharCode takes its arguments on the stack). */
export function unitsToString(units: Uint16Array, count: number): string {
  let out = '';
  for (let at = 0; at < count; at += 8192) out += String.fromCharCode.apply(null, units.subarray(at, Math.min(count, at + 8192)) as unknown as number[]);
  return out;
}

/** Where decodeRegion writes a region: the view itself, or a DenseRegion appended to it as one piece. */
export interface EscapeSink {
  /** Original text [from, to), kept as it is. */
  copy(text: string, from: number, to: number): void;
  /** The char `code`, decoded from the original [from, to). */
  decoded(code: number, from: number, to: number): void;
}

/** Maps a span of a view back to the original text; undefined when it crosses a separator. */
export function mapSpan(view: DecodedView, start: number, end: number): { start: number; end: number } | undefined {
  if (end <= start) return undefined;
  const { segments, segmentCount } = view;
  // The last segment starting at or before `start`.
  let lo = 0;
  let hi = segmentCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[3 * mid]! <= start) lo = mid;
    else hi = mid - 1;
  }
  // Every segment the span touches, up to the one holding its last char: none may be a separator.
  let last = lo;
  for (;;) {
    if (segments[3 * last + 1]! < 0) return undefined;
    if (last + 1 >= segmentCount || segments[3 * (last + 1)]! >= end) break;
    last++;
  }
  const copiedFrom = (k: number, i: number) => segments[3 * k + 1]! + (i - segments[3 * k]!);
  const first = 3 * lo;
  const origStart = segments[first + 2] === COPIED ? copiedFrom(lo, start) : segments[first + 1]!;
  const origEnd = segments[3 * last + 2] === COPIED ? copiedFrom(last, end - 1) + 1 : segments[3 * last + 2]!;
  return { start: origStart, end: origEnd };
}


/**
 * Where the line holding `i` starts, but at most `reach` chars back: the search goes back no
 * further, which matters on minified code, where one line can be a megabyte long.
 */
export function lineStartWithin(text: string, i: number, reach: number): number {
  const stop = Math.max(0, i - reach);
  // A slice is a view (no copy); its lastIndexOf is native.
  return stop + text.slice(stop, i).lastIndexOf('\n') + 1;
}
