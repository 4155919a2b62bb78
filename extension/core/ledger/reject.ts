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

/** Replacements for the contributions `roots`, bottom-up so applying them in order keeps line numbers valid. */
export function rejectReplacements(located: readonly LocatedLine[], state: LedgerState, roots: readonly string[]): LineReplacement[] {
  return roots
    .map((root) => located.filter((l) => l.span.root === root))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const baseline = state.contributions.get(lines[0]!.span.root)?.baseline ?? '';
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
