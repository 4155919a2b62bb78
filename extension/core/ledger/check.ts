// Decides which AI lines violate the review rules: pure, given the folded ledger, the policy
// and the current content of each file.
import type { ReviewRequirement } from '../policy/contract';
import { exactHash } from '../provenance/hash';
import { reanchor, type FileIndex } from '../provenance/anchor';
import type { AiSpan } from '../provenance/types';
import type { LedgerState } from './fold';

export type ViolationKind = 'unreviewed' | 'forbidden';

export interface Violation {
  path: string;
  startLine: number;
  endLine: number;
  kind: ViolationKind;
  rule: string;
  tool: string;
  model: string | null;
}

/** One AI line as found in the file now. */
export interface LocatedLine {
  span: AiSpan;
  /** 1-based line in the file now. */
  line: number;
  /** Exact hash of the line now. */
  x: string;
  mixed: boolean;
}

/** Where each span's lines are in `file` now (lines a human rewrote are gone). */
export function locateSpans(spans: readonly AiSpan[], file: FileIndex): LocatedLine[] {
  const out: LocatedLine[] = [];
  const taken = new Set<number>();
  for (const span of spans) {
    for (const p of reanchor(span.lines, span.startLine, file)) {
      if (taken.has(p.fileLine)) continue; // two records claiming one line: count it once
      taken.add(p.fileLine);
      out.push({ span, line: p.fileLine + 1, x: exactHash(file.lineAt(p.fileLine)), mixed: p.mixed });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** True when someone approved exactly this content of this contribution (and may approve it). */
export function isApproved(state: LedgerState, line: LocatedLine, distinctReviewer: boolean): boolean {
  const reviewers = state.approvals.get(line.span.root)?.get(line.x);
  if (!reviewers || reviewers.length === 0) return false;
  if (!distinctReviewer) return true;
  const author = state.contributions.get(line.span.root)?.recordedBy?.email;
  return reviewers.some((r) => !author || r.email !== author);
}

export interface ReviewPolicy {
  reviewFor(path: string): ReviewRequirement;
}

/** Violations in one file, consecutive lines of one contribution and rule grouped as one. */
export function evaluateFile(path: string, located: readonly LocatedLine[], state: LedgerState, policy: ReviewPolicy): Violation[] {
  if (located.length === 0) return [];
  const requirement = policy.reviewFor(path);
  const out: (Violation & { root: string })[] = [];
  let open: (Violation & { root: string }) | undefined;
  for (const line of located) {
    let kind: ViolationKind | undefined;
    let rule = '';
    if (requirement.forbidden) {
      kind = 'forbidden';
      rule = requirement.forbidden.rule;
    } else if (requirement.requireApproval && !isApproved(state, line, requirement.requireApproval.distinctReviewer)) {
      kind = 'unreviewed';
      rule = requirement.requireApproval.rule;
    }
    if (!kind) {
      open = undefined;
      continue;
    }
    if (open && open.kind === kind && open.rule === rule && open.root === line.span.root && open.endLine === line.line - 1) {
      open.endLine = line.line;
      continue;
    }
    open = { path, startLine: line.line, endLine: line.line, kind, rule, tool: line.span.tool, model: line.span.model ?? null, root: line.span.root };
    out.push(open);
  }
  return out.map(({ root: _root, ...v }) => v);
}
