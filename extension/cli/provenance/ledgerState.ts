// Reads and folds the ledger, and maps spans onto where their files are now (renames followed).
import { foldLedger, spansByPath, type LedgerState } from '../../core/ledger/fold';
import type { AiSpan } from '../../core/provenance/types';
import type { CliIO } from '../run';
import { renames } from './git';
import { readLedger } from './ledgerFile';
import { gitAiContributions } from './gitAiNotes';

/** The work-tree ledger folded, with git-ai's authorship notes (refs/notes/ai) as contributions. */
export function loadLedgerState(root: string, io: CliIO): LedgerState {
  const { records, problems } = readLedger(root);
  for (const p of problems) io.stderr.write(`airlock: warning: .airlock/ledger/ledger.jsonl:${p.line}: ${p.reason}${p.id ? ` (record ${p.id})` : ''}\n`);
  return foldLedger([...records, ...gitAiContributions(root)]);
}

/** Moves spans whose file is gone along `renamed` (old path -> new path). */
export function followRenames(byPath: Map<string, AiSpan[]>, exists: (path: string) => boolean, renamed: () => Map<string, string>): Map<string, AiSpan[]> {
  const missing = [...byPath.keys()].filter((p) => !exists(p));
  if (missing.length === 0) return byPath;
  const map = renamed();
  for (const path of missing) {
    const to = map.get(path);
    if (!to || !exists(to)) continue;
    const moved = byPath.get(path)!.map((s) => ({ ...s, path: to }));
    byPath.delete(path);
    byPath.set(to, [...(byPath.get(to) ?? []), ...moved]);
  }
  return byPath;
}

/**
 * Live spans by the path their file has now. A span whose file is gone is moved along git's
 * rename detection (history and uncommitted renames). With `withOrigins`, recorded spans too
 * (what a check locates; see LedgerState.origins).
 */
export function spansByCurrentPath(state: LedgerState, root: string, exists: (path: string) => boolean, withOrigins = false): Map<string, AiSpan[]> {
  return followRenames(spansByPath(state, withOrigins), exists, () => renames(root));
}

/** Rejected roots' recorded spans by path. */
export function rejectedByPath(state: LedgerState): Map<string, AiSpan[]> {
  const out = new Map<string, AiSpan[]>();
  for (const spans of state.rejectedSpans.values()) {
    for (const span of spans) {
      const list = out.get(span.path);
      if (list) list.push(span);
      else out.set(span.path, [span]);
    }
  }
  return out;
}
