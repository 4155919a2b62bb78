// Decides which AI lines violate the review rules: pure, given the folded ledger, the policy
// and the current content of each file. Whether a review counts (its signature) and who brought
// a line in (git authors) are facts the caller establishes and passes in; this module only
// combines them.
import type { ReviewRequirement } from '../policy/contract';
import { anchorHash, exactHash, isTrivialLine, splitLines } from '../provenance/hash';
import { reanchor, type FileIndex } from '../provenance/anchor';
import type { AiSpan } from '../provenance/types';
import type { LedgerState } from './fold';
import type { ReviewRecord } from './records';

export type ViolationKind = 'unreviewed' | 'forbidden' | 'rejected-reintroduced' | 'tampered' | 'undisclosed';

export interface Violation {
  path: string;
  startLine: number;
  endLine: number;
  kind: ViolationKind;
  rule: string;
  tool: string;
  model: string | null;
  /** The ledger record concerned (`tampered`), or the contribution (others, when known). */
  record?: string;
  /** The commit concerned (`undisclosed`). */
  commit?: string;
  /** Why, in words (never quoting code). */
  reason?: string;
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

/** What the caller established about one review: whether it counts, and who made it. */
export interface ReviewVerdict {
  counts: boolean;
  /** Lower-cased identities of the reviewer (signer principal, key fingerprint, or recorded email). */
  identities: string[];
  /** Why it does not count. */
  reason?: string;
}

export interface ApprovalContext {
  /** Judges a review under a requirement (signatures). Default: counts, identity = recorded email. */
  judge?: (review: ReviewRecord, requirement: NonNullable<ReviewRequirement['requireApproval']>) => ReviewVerdict;
  /** Lower-cased identities of whoever brought this line in. Default: the contribution's recordedBy email. */
  authorsOf?: (line: LocatedLine) => readonly string[];
  /** Told about every review that did not count, with the reason. */
  note?: (review: ReviewRecord, reason: string) => void;
}

const DEFAULT_REQUIREMENT = { rule: '', message: '', distinctReviewer: false } as const;

/** True when someone approved exactly this content of this contribution (and may approve it). */
export function isApproved(
  state: LedgerState,
  line: LocatedLine,
  distinctReviewer: boolean,
  context: ApprovalContext = {},
  requirement: NonNullable<ReviewRequirement['requireApproval']> = { ...DEFAULT_REQUIREMENT, distinctReviewer },
): boolean {
  const reviews = state.approvals.get(line.span.root)?.get(line.x);
  if (!reviews || reviews.length === 0) return false;
  const judge = context.judge ?? ((r: ReviewRecord) => ({ counts: true, identities: [r.reviewer.email.toLowerCase()] }));
  let authors: readonly string[] | undefined;
  for (const review of reviews) {
    const verdict = judge(review, requirement);
    if (!verdict.counts) {
      context.note?.(review, verdict.reason ?? 'does not count');
      continue;
    }
    if (!distinctReviewer) return true;
    authors ??= context.authorsOf ? context.authorsOf(line) : recordedAuthor(state, line);
    if (authors.length === 0 || !verdict.identities.some((id) => authors!.includes(id))) return true;
    context.note?.(review, `the reviewer (${verdict.identities[0]}) brought these lines in; rule ${requirement.rule} needs a distinct reviewer`);
  }
  return false;
}

function recordedAuthor(state: LedgerState, line: LocatedLine): string[] {
  const email = state.contributions.get(line.span.root)?.recordedBy?.email;
  return email ? [email.toLowerCase()] : [];
}

export interface ReviewPolicy {
  reviewFor(path: string): ReviewRequirement;
}

/** Violations in one file, consecutive lines of one contribution and rule grouped as one. */
export function evaluateFile(path: string, located: readonly LocatedLine[], state: LedgerState, policy: ReviewPolicy, context: ApprovalContext = {}): Violation[] {
  if (located.length === 0) return [];
  const requirement = policy.reviewFor(path);
  const out: Violation[] = [];
  let open: Violation | undefined;
  for (const line of located) {
    let kind: ViolationKind | undefined;
    let rule = '';
    if (requirement.forbidden) {
      kind = 'forbidden';
      rule = requirement.forbidden.rule;
    } else if (requirement.requireApproval && !isApproved(state, line, requirement.requireApproval.distinctReviewer, context, requirement.requireApproval)) {
      kind = 'unreviewed';
      rule = requirement.requireApproval.rule;
    }
    if (!kind) {
      open = undefined;
      continue;
    }
    if (open && open.kind === kind && open.rule === rule && open.record === line.span.root && open.endLine === line.line - 1) {
      open.endLine = line.line;
      continue;
    }
    open = { path, startLine: line.line, endLine: line.line, kind, rule, tool: line.span.tool, model: line.span.model ?? null, record: line.span.root };
    out.push(open);
  }
  return out;
}

/**
 * Rejected AI code that is back in the file (undo, `git checkout`, copy and paste, a forged
 * reject that never removed it): its recorded lines found again, ignoring trivial lines and
 * lines that were also in the text the AI replaced. Reported when at least half of a rejected
 * span's non-trivial lines are back, so one common line retyped by a person is not enough.
 */
export function rejectedReintroduced(path: string, spans: readonly AiSpan[], file: FileIndex, state: LedgerState): Violation[] {
  const out: Violation[] = [];
  for (const span of spans) {
    const contribution = state.contributions.get(span.id) ?? state.contributions.get(span.root);
    const baseline = new Set(splitLines(contribution?.baseline ?? '').map(anchorHash));
    const nonTrivial = span.lines.filter((l) => !l.t && !baseline.has(l.a)).length;
    if (nonTrivial === 0) continue;
    const placed = reanchor(span.lines, span.startLine, file).filter((p) => !baseline.has(span.lines[p.index]!.a));
    const found = placed.filter((p) => !span.lines[p.index]!.t && !isTrivialLine(file.lineAt(p.fileLine)));
    if (found.length === 0 || found.length * 2 < nonTrivial) continue;
    // Reported with the trivial lines (braces) that came back with them.
    const lines = placed.map((p) => p.fileLine + 1).sort((a, b) => a - b);
    let start = lines[0]!;
    let prev = start;
    const flush = (end: number) =>
      out.push({ path, startLine: start, endLine: end, kind: 'rejected-reintroduced', rule: 'airlock:rejected', tool: span.tool, model: span.model ?? null, record: span.root, reason: 'AI code that a reviewer rejected is back' });
    for (const l of lines.slice(1)) {
      if (l > prev + 2) {
        flush(prev);
        start = l;
      }
      prev = l;
    }
    flush(prev);
  }
  return out;
}
