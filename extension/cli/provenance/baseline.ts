// The text an AI replaced, for `reject`: the old side of the git diff hunks over the AI lines.
import { structuredPatch } from 'diff';

/** Old lines removed or replaced by the hunks touching new lines start..end (1-based). */
export function baselineFromDiff(oldText: string | undefined, newText: string, startLine: number, endLine: number): string {
  if (oldText === undefined) return '';
  const patch = structuredPatch('a', 'b', oldText, newText, '', '', { context: 0 });
  const removed: string[] = [];
  for (const hunk of patch.hunks) {
    const hunkEnd = hunk.newStart + Math.max(hunk.newLines, 1) - 1;
    if (hunkEnd < startLine || hunk.newStart > endLine) continue;
    for (const line of hunk.lines) if (line.startsWith('-')) removed.push(line.slice(1));
  }
  return removed.length > 0 ? removed.join('\n') + '\n' : '';
}

/** 1-based new-side lines added by a diff, grouped with the old lines each hunk removed. */
export function addedRanges(oldText: string, newText: string): { startLine: number; endLine: number; baseline: string }[] {
  const patch = structuredPatch('a', 'b', oldText, newText, '', '', { context: 0 });
  return hunksToRanges(patch.hunks);
}

export interface HunkLike {
  newStart: number;
  lines: string[];
}

/** Ranges of '+' lines per hunk; the hunk's '-' lines are the first range's baseline. */
export function hunksToRanges(hunks: readonly HunkLike[]): { startLine: number; endLine: number; baseline: string }[] {
  const out: { startLine: number; endLine: number; baseline: string }[] = [];
  for (const hunk of hunks) {
    let line = hunk.newStart;
    const removed = hunk.lines.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
    let first = true;
    let open: { startLine: number; endLine: number; baseline: string } | undefined;
    for (const l of hunk.lines) {
      if (l.startsWith('-') || l.startsWith('\\')) continue;
      if (l.startsWith('+')) {
        if (open && open.endLine === line - 1) open.endLine = line;
        else {
          open = { startLine: line, endLine: line, baseline: first && removed.length > 0 ? removed.join('\n') + '\n' : '' };
          first = false;
          out.push(open);
        }
      }
      line++;
    }
  }
  return out;
}
