// AI code copied or moved into another file outside the editor (cp, a refactoring tool, an
// agent's shell): found by content. Runs of consecutive recorded lines of any span that show up
// consecutively in a file become spans of that file, carrying the original contribution (tool,
// model, root), so their review state is the original's.
//
// By anchor hash (the line's text without indentation), not by shape: across files, a shape
// (identifiers normalized) is shared by far too much unrelated code to say "copied". A copy that
// is also renamed is therefore not followed here (re-anchoring within a file uses shapes).
import { anchorKey } from './anchor';
import type { FileIndex } from './anchor';
import type { AiSpan } from './types';

/** Fewest non-trivial matching lines in a row that count as a copy (fewer would match common code). */
export const MIN_COPY_LINES = 3;
/** A line recorded in more spans than this is too common to start a copy (it may still continue one). */
const MAX_STARTS = 32;

/** Span lines are indexed at every STRIDE-th position: any run of STRIDE or more consecutive lines contains one. */
const STRIDE = MIN_COPY_LINES;
const MAX_SPAN_LINES = 1 << 16;

export class CopyIndex {
  private byKey: Map<string, number | number[]> | undefined;
  private readonly spans: AiSpan[];

  constructor(spans: Iterable<AiSpan>) {
    // The same span object may come twice (live and recorded): index it once.
    this.spans = [...new Set(spans)];
  }

  /** Anchor hash -> packed (span index * 2^16 + line index) of sampled non-trivial span lines. */
  private index(): Map<string, number | number[]> {
    if (this.byKey) return this.byKey;
    const map = new Map<string, number | number[]>();
    this.spans.forEach((span, s) => {
      const lines = span.lines;
      for (let j = 0; j < lines.length && j < MAX_SPAN_LINES; j += STRIDE) {
        const line = lines[j]!;
        if (line.t) continue;
        const entry = s * MAX_SPAN_LINES + j;
        const list = map.get(line.a);
        if (list === undefined) map.set(line.a, entry);
        else if (typeof list === 'number') map.set(line.a, [list, entry]);
        else if (list.length <= MAX_STARTS) list.push(entry);
      }
    });
    return (this.byKey = map);
  }

  /**
   * Spans for runs of recorded lines found in `file` at `path`, skipping 0-based file lines in
   * `taken` (already located). Each run is a span of the file (startLine where it is now).
   */
  find(path: string, file: FileIndex, taken: ReadonlySet<number>): AiSpan[] {
    if (this.spans.length === 0 || file.lineCount < MIN_COPY_LINES) return [];
    const map = this.index();
    const out: AiSpan[] = [];
    const claimed = new Uint8Array(file.lineCount);
    for (const t of taken) if (t >= 0 && t < file.lineCount) claimed[t] = 1;
    const count = file.lineCount;
    const matches = (fileLine: number, span: AiSpan, j: number) =>
      fileLine >= 0 && fileLine < count && j >= 0 && j < span.lines.length && claimed[fileLine] === 0 && span.lines[j]!.a === anchorKey(file, fileLine);
    for (let i = 0; i < count; i++) {
      if (claimed[i]) continue;
      const key = anchorKey(file, i);
      const found = key === undefined ? undefined : map.get(key);
      if (found === undefined) continue;
      const many = typeof found === 'number' ? undefined : found;
      if (many && many.length > MAX_STARTS) continue;
      let best: { span: AiSpan; from: number; to: number; first: number; nonTrivial: number } | undefined;
      for (let e = 0, n = many ? many.length : 1; e < n; e++) {
        const entry = many ? many[e]! : (found as number);
        const span = this.spans[Math.floor(entry / MAX_SPAN_LINES)]!;
        const j = entry % MAX_SPAN_LINES;
        // Grow the run both ways: file line i+k against span line j+k.
        let back = 0;
        while (matches(i - back - 1, span, j - back - 1)) back++;
        let fwd = 0;
        while (matches(i + fwd + 1, span, j + fwd + 1)) fwd++;
        let nonTrivial = 0;
        for (let k = j - back; k <= j + fwd; k++) if (!span.lines[k]!.t) nonTrivial++;
        if (nonTrivial >= MIN_COPY_LINES && (!best || nonTrivial > best.nonTrivial)) best = { span, from: i - back, to: i + fwd, first: j - back, nonTrivial };
      }
      if (!best) continue;
      const { span, from, to, first } = best;
      const length = to - from + 1;
      out.push({ ...span, id: `${span.id}@${path}:${from + 1}`, path, startLine: from + 1, endLine: to + 1, lines: span.lines.slice(first, first + length) });
      claimed.fill(1, from, to + 1);
      i = to;
    }
    return out;
  }
}
