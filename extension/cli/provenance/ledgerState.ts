// Reads and folds the ledger, and maps spans onto where their files are now (renames followed).
import { foldLedger, spansByPath, type LedgerState } from '../../core/ledger/fold';
import type { AiSpan } from '../../core/provenance/types';
import type { CliIO } from '../run';
import { renames } from './git';
import { readLedger } from '../../core/ledger/fileStore';

export function loadLedgerState(root: string, io: CliIO): LedgerState {
  const { records, problems } = readLedger(root);
  for (const p of problems) io.stderr.write(`airlock: warning: .airlock/ledger/ledger.jsonl:${p.line}: ${p.reason}\n`);
  return foldLedger(records);
}

/**
 * Live spans by the path their file has now. A span whose file is gone is moved along git's
 * rename detection (history and uncommitted renames).
 */
export function spansByCurrentPath(state: LedgerState, root: string, exists: (path: string) => boolean): Map<string, AiSpan[]> {
  const byPath = spansByPath(state);
  const missing = [...byPath.keys()].filter((p) => !exists(p));
  if (missing.length === 0) return byPath;
  const renamed = renames(root);
  for (const path of missing) {
    const to = renamed.get(path);
    if (!to || !exists(to)) continue;
    const moved = byPath.get(path)!.map((s) => ({ ...s, path: to }));
    byPath.delete(path);
    byPath.set(to, [...(byPath.get(to) ?? []), ...moved]);
  }
  return byPath;
}
