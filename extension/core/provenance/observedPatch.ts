// Edits written as patches, reduced to the code they put into files: apply_patch envelopes
// (`*** Begin Patch`), unified diffs, and SEARCH/REPLACE blocks (Aider, Cline, Roo Code).
// Added lines are kept in runs: context lines between them are not the model's, so each run of
// consecutive added lines lands contiguously in the file and is its own piece.
import { splitLines } from './hash';

export interface PatchPiece {
  text: string;
  path?: string;
}

const SEARCH = /^\s*(?:<{5,}|-{5,})\s*SEARCH\s*$/;
const DIVIDER = /^\s*={5,}\s*$/;
const REPLACE = /^\s*(?:>{5,}|\+{5,})\s*REPLACE\s*$/;
const V4A_FILE = /^\*\*\* (Add|Update|Delete) File:\s*(.+?)\s*$/;
const V4A_MOVE = /^\*\*\* Move to:\s*(.+?)\s*$/;
const DIFF_NEW_FILE = /^\+\+\+ (?:[bw]\/)?(.+?)(?:\t.*)?$/;

export function hasSearchReplace(text: string): boolean {
  return /^\s*(?:<{5,}|-{5,})\s*SEARCH\s*$/m.test(text) && /^\s*(?:>{5,}|\+{5,})\s*REPLACE\s*$/m.test(text);
}

/** True for text that is a patch (apply_patch envelope or unified diff), not plain code. */
export function isPatch(text: string): boolean {
  if (/^\*\*\* Begin Patch\s*$/m.test(text) || /^\*\*\* (?:Add|Update) File:/m.test(text)) return true;
  return /^@@ .*@@/m.test(text) && /^[+-]/m.test(text);
}

/** The REPLACE halves of SEARCH/REPLACE blocks: what lands in the file. */
export function replaceSections(text: string, path?: string): PatchPiece[] {
  const out: PatchPiece[] = [];
  let state: 'outside' | 'search' | 'replace' = 'outside';
  let lines: string[] = [];
  for (const line of splitLines(text)) {
    if (state === 'outside' && SEARCH.test(line)) state = 'search';
    else if (state === 'search' && DIVIDER.test(line)) {
      state = 'replace';
      lines = [];
    } else if (state === 'replace' && REPLACE.test(line)) {
      out.push({ text: lines.join('\n'), ...(path ? { path } : {}) });
      state = 'outside';
    } else if (state === 'replace') lines.push(line);
  }
  return out;
}

/** Runs of added lines of an apply_patch envelope or a unified diff, each with its file when named. */
export function addedRuns(text: string, path?: string): PatchPiece[] {
  const out: PatchPiece[] = [];
  let current = path;
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) out.push({ text: run.join('\n'), ...(current ? { path: current } : {}) });
    run = [];
  };
  for (const line of splitLines(text)) {
    const file = V4A_FILE.exec(line);
    const moved = V4A_MOVE.exec(line);
    const diffFile = line.startsWith('+++ ') ? DIFF_NEW_FILE.exec(line) : null;
    if (file || moved || diffFile) {
      flush();
      const named = file?.[2] ?? moved?.[1] ?? diffFile?.[1];
      if (named && named !== '/dev/null') current = named;
      continue;
    }
    if (line.startsWith('+')) run.push(line.slice(1));
    else flush();
  }
  flush();
  return out;
}

/** The code a patch-like text puts into files, or undefined when it is not a patch. */
export function patchPieces(text: string, path?: string): PatchPiece[] | undefined {
  if (hasSearchReplace(text)) return replaceSections(text, path);
  if (isPatch(text)) return addedRuns(text, path);
  return undefined;
}
