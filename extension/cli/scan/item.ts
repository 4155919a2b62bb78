// One input of a pooled scan as every thread sees it (pool.ts, worker.ts): its text, or a
// listed file that the thread scanning it reads (the scan server lists a folder and lets its
// threads read and scan in parallel), and the two paths the engine and the report need.
import type { EgressOptions } from '../../core/egress/types';
import type { CompiledPolicy } from '../../core/policy/contract';
import { evaluateOne, type InputResult } from './evaluate';
import { readListed, type ListedFile } from './walk';

export interface PreparedInput {
  /** The text; absent for a listed file. */
  text?: string;
  file?: ListedFile;
  display: string;
  request: string | undefined;
}

/** What scanning an input gave: the engine's answer, or why a listed file was skipped. */
export type ItemResult = InputResult | { skipped: string };

/** Reads a listed file (as the walk would) and asks the engine about it. */
export function scanItem(
  policy: CompiledPolicy,
  item: PreparedInput,
  destination: string,
  maxFileBytes: number,
  egressOptions?: EgressOptions,
  onEngineError?: (displayPath: string, error: unknown) => void,
): ItemResult {
  let text = item.text;
  if (text === undefined) {
    const read = item.file ? readListed(item.file, maxFileBytes) : 'not a file';
    if (typeof read === 'string') return { skipped: read };
    text = read.text;
  }
  return evaluateOne(policy, text, item.display, item.request, destination, onEngineError, egressOptions);
}
