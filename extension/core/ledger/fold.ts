// Folds ledger records into the current state: live AI spans and approvals.
import type { AiSpan, ContributionMeta } from '../provenance/types';
import type { ContributionRecord, LedgerRecord, ReviewRecord, SpanState } from './records';

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
  const folder = new LedgerFolder();
  for (const record of records) folder.push(record);
  return folder.result();
}

/** A LedgerFolder's content as data (see LedgerFolder.snapshot). */
export interface FolderSnapshot {
  contributions: ContributionRecord[];
  /** Contribution ids whose recorded span is still live (not replaced). */
  liveContributionSpans: string[];
  /** Approvals in the order they were folded (the approvals map is rebuilt from them). */
  approvals: ReviewRecord[];
  rejected: string[];
  replaced: string[];
  updated: { span: SpanState; root: string }[];
}

/**
 * Folds records one at a time, in any order, holding only what the state needs: a replaced span
 * is dropped when its update arrives (only its id is kept), so a ledger of mostly superseded
 * editor updates costs memory for its live spans only, and the records themselves can be
 * streamed from disk. Order-insensitive by construction — an update kills the spans it replaces
 * whenever either arrives; a reject removes its contribution's spans whenever either arrives —
 * which is what git's union merge (records of two branches interleaved) needs anyway.
 */
export class LedgerFolder {
  private readonly state: LedgerState = { spans: new Map(), contributions: new Map(), approvals: new Map(), rejected: new Set(), origins: new Map(), rejectedSpans: new Map() };
  /** Ids of spans some update replaced. */
  private readonly replaced = new Set<string>();
  /** Spans from updates, by id, with the root they belong to (meta filled in at the end). */
  private readonly updated = new Map<string, { span: SpanState; root: string }>();
  /** Approvals as folded (the approvals map holds the same records). */
  private readonly approved: ReviewRecord[] = [];
  /** Replaced ids not fetched yet (see restore). */
  private pendingReplaced: (() => readonly string[]) | undefined;

  private takeReplaced(): void {
    const ids = this.pendingReplaced!();
    this.pendingReplaced = undefined;
    for (const id of ids) this.replaced.add(id);
  }

  /**
   * Everything this folder holds, as JSON-able data: what the fold cache stores, so a check can
   * start from the state of a ledger prefix it has folded before.
   */
  snapshot(): FolderSnapshot {
    if (this.pendingReplaced) this.takeReplaced();
    const s = this.state;
    return {
      contributions: [...new Set(s.contributions.values())],
      liveContributionSpans: [...s.spans.keys()].filter((id) => s.spans.get(id) === s.origins.get(id)),
      approvals: [...this.approved],
      rejected: [...s.rejected],
      replaced: [...this.replaced],
      updated: [...this.updated.values()],
    };
  }

  /**
   * A folder holding what `snapshot` describes. `replaced` may be a function: the replaced ids
   * matter only to records folded after the restore (most of a large ledger's ids; a check of a
   * ledger that did not grow never needs them), so they are fetched on the first push or snapshot.
   */
  static restore(snapshot: Omit<FolderSnapshot, 'replaced'> & { replaced: readonly string[] | (() => readonly string[]) }): LedgerFolder {
    const folder = new LedgerFolder();
    const live = new Set(snapshot.liveContributionSpans);
    if (typeof snapshot.replaced === 'function') folder.pendingReplaced = snapshot.replaced;
    else for (const id of snapshot.replaced) folder.replaced.add(id);
    for (const c of snapshot.contributions) {
      folder.add(c);
      if (!live.has(c.id)) folder.state.spans.delete(c.id);
    }
    for (const r of snapshot.approvals) folder.add(r);
    for (const root of snapshot.rejected) folder.state.rejected.add(root);
    for (const u of snapshot.updated) folder.updated.set(u.span.id, u);
    return folder;
  }

  push(record: LedgerRecord): void {
    if (this.pendingReplaced) this.takeReplaced();
    this.add(record);
  }

  private add(record: LedgerRecord): void {
    const state = this.state;
    switch (record.type) {
      case 'contribution': {
        if (state.contributions.has(record.id)) break; // duplicated by a merge
        const root = record.root ?? record.id;
        state.contributions.set(record.id, record);
        if (!state.contributions.has(root)) state.contributions.set(root, record);
        const span = spanOf(record, record, root);
        if (!this.replaced.has(record.id)) state.spans.set(record.id, span);
        state.origins.set(record.id, span);
        break;
      }
      case 'update': {
        for (const id of record.replaces) {
          this.replaced.add(id);
          state.spans.delete(id);
          this.updated.delete(id);
        }
        for (const span of record.spans) if (!this.replaced.has(span.id)) this.updated.set(span.id, { span, root: record.root });
        break;
      }
      case 'review': {
        if (record.decision === 'approve') this.approved.push(record);
        for (const { root, x } of record.lines) {
          if (record.decision === 'reject') {
            state.rejected.add(root);
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

  result(): LedgerState {
    const state = this.state;
    for (const [id, { span, root }] of this.updated) {
      const contribution = state.contributions.get(root);
      if (!contribution) continue; // an update of a contribution the ledger does not have
      state.spans.set(id, spanOf(contribution, span, root));
    }
    this.updated.clear();
    if (state.rejected.size > 0) {
      for (const [id, span] of state.spans) if (state.rejected.has(span.root)) state.spans.delete(id);
      for (const [id, span] of state.origins) {
        if (!state.rejected.has(span.root)) continue;
        state.origins.delete(id);
        const list = state.rejectedSpans.get(span.root);
        if (list) list.push(span);
        else state.rejectedSpans.set(span.root, [span]);
      }
    }
    return state;
  }
}

/**
 * A span with its contribution's meta, built field by field: one object shape for every span
 * (an object spread of records of varying shapes costs several times the memory per span).
 */
function spanOf(meta: ContributionMeta, at: SpanState, root: string): AiSpan {
  const span = metaOf(meta) as AiSpan;
  span.id = at.id;
  span.root = root;
  span.path = at.path;
  span.startLine = at.startLine;
  span.endLine = at.endLine;
  span.lines = at.lines;
  return span;
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
