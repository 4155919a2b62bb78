// Folds ledger records into the current state: live AI spans and approvals.
import type { AiSpan, ContributionMeta } from '../provenance/types';
import type { ContributionRecord, LedgerRecord, ReviewRecord } from './records';

export interface LedgerState {
  /** Live spans by id. */
  spans: Map<string, AiSpan>;
  /** Contribution records by id (and by root, for records continuing another contribution). */
  contributions: Map<string, ContributionRecord>;
  /** root -> exact line hash -> the approvals of that content (whether each counts is the check's call). */
  approvals: Map<string, Map<string, ReviewRecord[]>>;
  /** Roots rejected (their spans are gone). */
  rejected: Set<string>;
  /**
   * The span each contribution record was recorded with, by record id, for roots not rejected.
   * Updates (written by the editor, unsigned) may move or drop live spans; the recorded
   * content is still looked for, so an update cannot make AI code that is still there stop
   * being AI.
   */
  origins: Map<string, AiSpan>;
  /** Recorded spans of rejected roots: finding their lines again is `rejected-reintroduced`. */
  rejectedSpans: Map<string, AiSpan[]>;
}

/** Records in time order (ties keep file order: git union merges may interleave branches). */
export function orderRecords(records: readonly LedgerRecord[]): readonly LedgerRecord[] {
  // Usually already in order (appends happen in time order): skip the sort then.
  let sorted = true;
  for (let i = 1; i < records.length && sorted; i++) sorted = records[i - 1]!.time <= records[i]!.time;
  if (sorted) return records;
  return records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.time < b.r.time ? -1 : a.r.time > b.r.time ? 1 : a.i - b.i))
    .map(({ r }) => r);
}

export function foldLedger(records: readonly LedgerRecord[]): LedgerState {
  const state: LedgerState = { spans: new Map(), contributions: new Map(), approvals: new Map(), rejected: new Set(), origins: new Map(), rejectedSpans: new Map() };
  for (const record of orderRecords(records)) {
    switch (record.type) {
      case 'contribution': {
        if (state.contributions.has(record.id)) break; // duplicated by a merge
        const root = record.root ?? record.id;
        if (state.rejected.has(root)) break;
        state.contributions.set(record.id, record);
        if (!state.contributions.has(root)) state.contributions.set(root, record);
        const span = metaOf(record) as AiSpan;
        span.id = record.id;
        span.root = root;
        span.path = record.path;
        span.startLine = record.startLine;
        span.endLine = record.endLine;
        span.lines = record.lines;
        state.spans.set(record.id, span);
        state.origins.set(record.id, span);
        break;
      }
      case 'update': {
        const root = state.contributions.get(record.root);
        for (const id of record.replaces) state.spans.delete(id);
        if (!root || state.rejected.has(record.root)) break;
        for (const span of record.spans) state.spans.set(span.id, { ...metaOf(root), ...span, root: record.root });
        break;
      }
      case 'review': {
        for (const { root, x } of record.lines) {
          if (record.decision === 'reject') {
            state.rejected.add(root);
            for (const [id, span] of state.spans) if (span.root === root) state.spans.delete(id);
            for (const [id, span] of state.origins) {
              if (span.root !== root) continue;
              state.origins.delete(id);
              const list = state.rejectedSpans.get(root);
              if (list) list.push(span);
              else state.rejectedSpans.set(root, [span]);
            }
            continue;
          }
          let byHash = state.approvals.get(root);
          if (!byHash) state.approvals.set(root, (byHash = new Map()));
          for (const h of x) {
            const who = byHash.get(h);
            if (who) who.push(record);
            else byHash.set(h, [record]);
          }
        }
        break;
      }
    }
  }
  return state;
}

function metaOf(r: ContributionMeta): ContributionMeta {
  const meta: ContributionMeta = { tool: r.tool, time: r.time, channel: r.channel, confidence: r.confidence };
  if (r.model !== undefined) meta.model = r.model;
  if (r.session !== undefined) meta.session = r.session;
  return meta;
}

/**
 * Live spans grouped by path. With `withOrigins`, each live root's recorded spans follow its
 * live spans (what a check locates: content recorded as AI stays AI wherever updates put it).
 */
export function spansByPath(state: LedgerState, withOrigins = false): Map<string, AiSpan[]> {
  const out = new Map<string, AiSpan[]>();
  const add = (span: AiSpan) => {
    const list = out.get(span.path);
    if (list) list.push(span);
    else out.set(span.path, [span]);
  };
  for (const span of state.spans.values()) add(span);
  if (withOrigins) for (const span of state.origins.values()) if (state.spans.get(span.id) !== span) add(span);
  return out;
}
