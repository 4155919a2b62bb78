// After a write: records exactly the lines the agent wrote, with tool and model, in the ledger
// (through the provenance helper's public append). Evidence, best first: the work tree before
// and after (a pre-tool snapshot), the tool's own patch (Claude Code structuredPatch /
// originalFile), the whole new file (Write/create), the replacement texts found in the file.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { buildContribution } from '../../core/ledger/contribution';
import { appendRecords } from '../provenance/ledgerFile';
import type { ContributionRecord } from '../../core/ledger/records';
import { splitLines } from '../../core/provenance/hash';
import { addedRanges, hunksToRanges, type HunkLike } from '../provenance/baseline';
import { newRecordId } from '../provenance/common';
import { identity } from '../provenance/git';
import type { WriteEvidence } from './events';
import { realPath } from './paths';
import type { ChangedFile } from './snapshot';

export interface WrittenRange {
  startLine: number;
  endLine: number;
  baseline: string;
  exact: boolean;
}

export interface RecordContext {
  root: string;
  cwd: string;
  tool: string;
  model?: string;
  session?: string;
}

/** Where finished records go: the ledger, or (Copilot CLI before its model is known) a holding file. */
export type RecordSink = (records: ContributionRecord[]) => void;

const toLedger = (root: string): RecordSink => (records) => appendRecords(root, records);

/** Records the lines each piece of evidence shows were written; returns how many records were added. */
export function recordWrites(context: RecordContext, evidence: readonly WriteEvidence[], before?: ReadonlyMap<string, string>, sink: RecordSink = toLedger(context.root)): number {
  const records: ContributionRecord[] = [];
  const who = identity(context.root);
  const time = new Date().toISOString();
  for (const e of evidence) {
    const abs = realPath(e.path, context.cwd);
    const path = relative(context.root, abs).split(sep).join('/');
    if (path.startsWith('..') || isAbsolute(path)) continue; // outside the repository
    let now: string;
    try {
      now = readFileSync(abs, 'utf8');
    } catch {
      continue;
    }
    const prior = before?.get(abs);
    const ranges = prior !== undefined ? addedRanges(prior, now).map((r) => ({ ...r, exact: true })) : writtenRanges(e, now);
    records.push(...toRecords(context, path, now, ranges, time, who));
  }
  if (records.length > 0) sink(records);
  return records.length;
}

/** Records what a shell command changed in the work tree (confidence below 1: a human may have typed meanwhile). */
export function recordChanges(context: RecordContext, changes: readonly ChangedFile[], sink: RecordSink = toLedger(context.root)): number {
  const who = identity(context.root);
  const time = new Date().toISOString();
  const records = changes.flatMap((c) => toRecords(context, c.path, c.now, addedRanges(c.before, c.now).map((r) => ({ ...r, exact: false })), time, who));
  if (records.length > 0) sink(records);
  return records.length;
}

function toRecords(context: RecordContext, path: string, now: string, ranges: WrittenRange[], time: string, who: ReturnType<typeof identity>): ContributionRecord[] {
  const fileLines = splitLines(now);
  return ranges
    .filter((r) => r.endLine >= r.startLine)
    .map((r) =>
      buildContribution({
        id: newRecordId(),
        time,
        path,
        fileLines,
        startLine: r.startLine,
        endLine: Math.min(r.endLine, fileLines.length),
        tool: context.tool,
        ...(context.model ? { model: context.model } : {}),
        ...(context.session ? { session: context.session } : {}),
        channel: 'agent-hook',
        confidence: r.exact ? 1 : 0.9,
        baseline: r.baseline,
        ...(who.email ? { recordedBy: who } : {}),
      }),
    );
}

/** The 1-based line ranges a write tool wrote, from its own evidence. */
export function writtenRanges(e: WriteEvidence, now: string): WrittenRange[] {
  const patch = e.structuredPatch;
  if (Array.isArray(patch) && patch.length > 0 && patch.every((h: HunkLike) => typeof h?.newStart === 'number' && Array.isArray(h.lines))) {
    return hunksToRanges(patch as HunkLike[]).map((r) => ({ ...r, exact: true }));
  }
  if (typeof e.originalFile === 'string') return addedRanges(e.originalFile, now).map((r) => ({ ...r, exact: true }));
  if (e.content !== undefined) {
    const lines = splitLines(now);
    const count = now.endsWith('\n') ? lines.length - 1 : lines.length;
    return count > 0 ? [{ startLine: 1, endLine: count, baseline: '', exact: e.created === true || e.content === now }] : [];
  }
  const out: WrittenRange[] = [];
  for (const edit of e.newTexts ?? []) {
    if (edit.newText.length === 0) continue;
    let from = 0;
    for (;;) {
      const at = now.indexOf(edit.newText, from);
      if (at < 0) break;
      const startLine = lineAt(now, at);
      const endLine = lineAt(now, at + edit.newText.length - (edit.newText.endsWith('\n') ? 1 : 0));
      out.push({ startLine, endLine, baseline: edit.oldText ?? '', exact: false });
      if (edit.replaceAll !== true) break;
      from = at + edit.newText.length;
    }
  }
  return out;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
