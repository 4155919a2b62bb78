// Builds the ledger records that the recorders (CLI, agent hooks, editor) append.
import { trackLine } from '../provenance/anchor';
import { contentHash } from '../provenance/hash';
import type { Channel, TrackedLine } from '../provenance/types';
import type { ContributionRecord, Person, ReviewRecord, UpdateRecord } from './records';
import type { LocatedLine } from './check';

export interface ContributionInput {
  id: string;
  time: string;
  path: string;
  /** All lines of the file now. */
  fileLines: readonly string[];
  startLine: number;
  endLine: number;
  tool: string;
  model?: string;
  session?: string;
  channel: Channel;
  confidence: number;
  baseline?: string;
  recordedBy?: Person;
}

export function buildContribution(input: ContributionInput): ContributionRecord {
  if (input.startLine < 1 || input.endLine < input.startLine || input.endLine > input.fileLines.length) {
    throw new RangeError(`lines ${input.startLine}-${input.endLine} are outside ${input.path} (${input.fileLines.length} lines)`);
  }
  const text = input.fileLines.slice(input.startLine - 1, input.endLine);
  const record: ContributionRecord = {
    airlock: 1,
    type: 'contribution',
    id: input.id,
    time: input.time,
    path: input.path,
    startLine: input.startLine,
    endLine: input.endLine,
    lines: text.map((l) => trackLine(l)),
    contentHash: contentHash(text),
    tool: input.tool,
    channel: input.channel,
    confidence: input.confidence,
  };
  if (input.model) record.model = input.model;
  if (input.session) record.session = input.session;
  if (input.baseline !== undefined) record.baseline = input.baseline;
  if (input.recordedBy) record.recordedBy = input.recordedBy;
  return record;
}

/** A review of the located AI lines in path:startLine-endLine. */
export function buildReview(
  decision: 'approve' | 'reject',
  reviewer: Person,
  id: string,
  time: string,
  path: string,
  located: readonly LocatedLine[],
  fileLines: readonly string[],
): ReviewRecord {
  const byRoot = new Map<string, string[]>();
  for (const l of located) {
    const list = byRoot.get(l.span.root);
    if (list) list.push(l.x);
    else byRoot.set(l.span.root, [l.x]);
  }
  const startLine = Math.min(...located.map((l) => l.line));
  const endLine = Math.max(...located.map((l) => l.line));
  return {
    airlock: 1,
    type: 'review',
    id,
    time,
    decision,
    reviewer,
    path,
    startLine,
    endLine,
    lines: [...byRoot.entries()].map(([root, x]) => ({ root, x })),
    contentHash: contentHash(fileLines.slice(startLine - 1, endLine)),
  };
}

/**
 * An update record after the editor tracked edits: the spans `replaces` of contribution `root`
 * are now the tracker's `ranges` for that root (lines hashed from `fileLines`; mixed lines
 * flagged). Empty ranges clear the contribution (a human rewrote all of it).
 */
export function buildUpdate(
  root: string,
  replaces: readonly string[],
  ranges: readonly { startLine: number; endLine: number; mixedLines: readonly number[] }[],
  path: string,
  fileLines: readonly string[],
  newId: () => string,
  time: string,
  reason = 'edited',
): UpdateRecord {
  return {
    airlock: 1,
    type: 'update',
    id: newId(),
    time,
    replaces: [...replaces],
    root,
    reason,
    spans: ranges.map((r) => {
      const mixed = new Set(r.mixedLines);
      const lines: TrackedLine[] = [];
      for (let line = r.startLine; line <= r.endLine; line++) lines.push(trackLine(fileLines[line - 1] ?? '', mixed.has(line)));
      return { id: newId(), path, startLine: r.startLine, endLine: r.endLine, lines };
    }),
  };
}
