// The unified diff of one pending hunk (baseline vs current), as plain rows the webview can
// render without any diff logic of its own. Pure: no editor access, data in, data out.
import { diffLines } from 'diff';

export type DiffRowKind = 'context' | 'added' | 'removed';

export interface DiffRow {
  kind: DiffRowKind;
  /** 1-based line in the file before the AI edit (absent on added rows). */
  oldLine?: number;
  /** 1-based line in the file now (absent on removed rows). */
  newLine?: number;
  text: string;
}

export interface HunkDiffInput {
  /** Text the AI replaced ('' for a pure insertion); whole lines, '\n'-terminated. */
  baseline: string;
  /** The AI-written lines as they are now. */
  current: string;
  /** 1-based first line of `current` in the file. */
  startLine: number;
  /** Unchanged file lines right above and below the hunk, shown as context. */
  before?: readonly string[];
  after?: readonly string[];
}

export interface HunkDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
  /** Rows left out because the hunk is longer than `maxRows`. */
  omitted: number;
}

/** Lines of `text`; a final '\n' ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const joinLines = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');

/** Rows of baseline → current with context around them; at most `maxRows` rows are kept. */
export function hunkDiff(input: HunkDiffInput, maxRows = 400): HunkDiff {
  const before = input.before ?? [];
  const after = input.after ?? [];
  // Diffing whole lines with the same context on both sides lets jsdiff align the context
  // for us, so line numbers on both sides fall out of one walk.
  const oldText = joinLines([...before, ...splitLines(input.baseline), ...after]);
  const newText = joinLines([...before, ...splitLines(input.current), ...after]);
  let oldLine = Math.max(1, input.startLine - before.length);
  let newLine = oldLine;
  const rows: DiffRow[] = [];
  let added = 0;
  let removed = 0;
  for (const change of diffLines(oldText, newText)) {
    for (const text of splitLines(change.value)) {
      if (change.added) {
        rows.push({ kind: 'added', newLine: newLine++, text });
        added++;
      } else if (change.removed) {
        rows.push({ kind: 'removed', oldLine: oldLine++, text });
        removed++;
      } else {
        rows.push({ kind: 'context', oldLine: oldLine++, newLine: newLine++, text });
      }
    }
  }
  const omitted = Math.max(0, rows.length - maxRows);
  return { rows: omitted > 0 ? rows.slice(0, maxRows) : rows, added, removed, omitted };
}

/**
 * The file's lines with lines startLine..endLine put back to `baseline`: the file as it was
 * before this one AI edit (other edits stay). Used for the diff editor's left side.
 */
export function withBaseline(fileLines: readonly string[], startLine: number, endLine: number, baseline: string): string[] {
  const start = Math.min(Math.max(0, startLine - 1), fileLines.length);
  const end = Math.min(Math.max(start, endLine), fileLines.length);
  return [...fileLines.slice(0, start), ...splitLines(baseline), ...fileLines.slice(end)];
}
