// What rejecting AI contributions does to a file: each contribution's block of lines goes back
// to the baseline text it replaced (captured when it was recorded). Pure: the CLI applies the
// result to the file on disk, the editor as a WorkspaceEdit.
import { splitLines } from '../provenance/hash';
import type { LocatedLine } from './check';
import type { LedgerState } from './fold';

export interface LineReplacement {
  /** 1-based inclusive lines to replace. */
  startLine: number;
  endLine: number;
  /** The lines that go there (empty: the AI inserted these lines, so they are removed). */
  lines: string[];
}

/**
 * Replacements for the contributions `roots`, bottom-up so applying them in order keeps line
 * numbers valid. `baselineOf` gives the text to restore per root; the CLI passes only text it
 * verified against git (see baselineInGit): a record's `baseline` is data anyone can write, and
 * restoring it unverified lets a forged record plant code through the reviewer's own reject.
 */
export function rejectReplacements(
  located: readonly LocatedLine[],
  state: LedgerState,
  roots: readonly string[],
  baselineOf: (root: string) => string = (root) => state.contributions.get(root)?.baseline ?? '',
): LineReplacement[] {
  return roots
    .map((root) => located.filter((l) => l.span.root === root))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const baseline = baselineOf(lines[0]!.span.root);
      const restored = baseline === '' ? [] : splitLines(baseline.endsWith('\n') ? baseline.slice(0, -1) : baseline);
      return { startLine: lines[0]!.line, endLine: lines[lines.length - 1]!.line, lines: restored };
    })
    .sort((a, b) => b.startLine - a.startLine);
}

/** Applies replacements (as returned above) to a file's lines. */
export function applyReplacements(fileLines: readonly string[], replacements: readonly LineReplacement[]): string[] {
  const out = [...fileLines];
  for (const r of replacements) out.splice(r.startLine - 1, r.endLine - r.startLine + 1, ...r.lines);
  return out;
}

/**
 * True when restoring `baseline` cannot introduce code that git has never seen in this file:
 * empty (the AI only added lines: they are removed), or its lines appear as one contiguous
 * block in one of `versions` (the file's content in git before the AI change).
 */
export function baselineInGit(baseline: string, versions: readonly (string | undefined)[]): boolean {
  if (baseline === '') return true;
  const wanted = splitLines(baseline.endsWith('\n') ? baseline.slice(0, -1) : baseline);
  for (const text of versions) {
    if (text === undefined) continue;
    const lines = splitLines(text);
    for (let i = 0; i + wanted.length <= lines.length; i++) {
      let j = 0;
      while (j < wanted.length && lines[i + j] === wanted[j]) j++;
      if (j === wanted.length) return true;
    }
  }
  return false;
}
