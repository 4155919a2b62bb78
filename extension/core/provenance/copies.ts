// AI code copied or moved into another file outside the editor (cp, a refactoring tool, an
// agent's shell): found by content. Runs of consecutive recorded lines of any span that show up
// consecutively in a file become spans of that file, carrying the original contribution (tool,
// model, root), so their review state is the original's.
import { reanchorKey } from './anchor';
import type { FileIndex } from './anchor';
import type { AiSpan } from './types';

/** Fewest non-trivial matching lines in a row that count as a copy (fewer would match common code). */
export const MIN_COPY_LINES = 3;

interface Entry {
  span: AiSpan;
  index: number;
}

export class CopyIndex {
  private byKey: Map<string, Entry[]> | undefined;

  constructor(private readonly spans: readonly AiSpan[]) {}

  private index(): Map<string, Entry[]> {
    if (this.byKey) return this.byKey;
    const map = new Map<string, Entry[]>();
    for (const span of this.spans) {
      span.lines.forEach((line, index) => {
        if (line.t) return;
        for (const key of reanchorKey(line)) {
          const list = map.get(key);
          if (list) list.push({ span, index });
          else map.set(key, [{ span, index }]);
        }
      });
    }
    return (this.byKey = map);
  }

  /**
   * Spans for runs of recorded lines found in `file` at `path`, skipping 0-based file lines in
   * `taken` (already located). Each run is a span of the file (startLine where it is now).
   */
  find(path: string, file: FileIndex, taken: ReadonlySet<number>): AiSpan[] {
    if (this.spans.length === 0) return [];
    const map = this.index();
    const out: AiSpan[] = [];
    const claimed = new Set<number>(taken);
    const keysAt = (i: number) => file.keysAt(i);
    for (let i = 0; i < file.lineCount; i++) {
      if (claimed.has(i)) continue;
      const starts = keysAt(i).flatMap((k) => map.get(k) ?? []);
      let best: { entry: Entry; length: number; nonTrivial: number } | undefined;
      for (const entry of starts.slice(0, 64)) {
        // Grow the run forward: file line i+k against span line index+k.
        let length = 0;
        let nonTrivial = 0;
        while (i + length < file.lineCount && entry.index + length < entry.span.lines.length && !claimed.has(i + length)) {
          const line = entry.span.lines[entry.index + length]!;
          const keys = keysAt(i + length);
          if (!reanchorKey(line).some((k) => keys.includes(k))) break;
          if (!line.t) nonTrivial++;
          length++;
        }
        if (nonTrivial >= MIN_COPY_LINES && (!best || nonTrivial > best.nonTrivial)) best = { entry, length, nonTrivial };
      }
      if (!best) continue;
      const { span, index } = best.entry;
      out.push({ ...span, id: `${span.id}@${path}:${i + 1}`, path, startLine: i + 1, endLine: i + best.length, lines: span.lines.slice(index, index + best.length) });
      for (let k = 0; k < best.length; k++) claimed.add(i + k);
      i += best.length - 1;
    }
    return out;
  }
}
