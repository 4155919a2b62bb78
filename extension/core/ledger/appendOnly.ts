// Proves that a ledger only grew between two commits: every record line present at the base
// must be present, byte for byte, at the head. Removal, truncation, rewriting and new garbage
// are `tampered`. Pure: the CLI hands in the two blobs read from git (never the work tree).
//
// Why lines, not records: a record rewritten with the same id but one field changed (a
// reviewer, a baseline, a hash) is exactly the attack; comparing the raw lines catches it
// without trusting anything inside them. Git's union merge keeps both sides' lines, so a merged
// ledger still contains every base line, just not necessarily as a prefix.
import { parseLine, type ParseProblem } from './records';

export type TamperKind = 'removed' | 'rewritten' | 'garbage' | 'ledger-deleted';

export interface TamperFinding {
  kind: TamperKind;
  /** The record's id, when it can be read. */
  id?: string;
  /** 1-based line: in the head ledger for `garbage` and `rewritten`, in the base ledger for `removed`. */
  line: number;
  reason: string;
}

/** The `"id":"…"` of a raw record line, without parsing (it may be garbage). */
function idOf(raw: string): string | undefined {
  const m = /"id":"((?:[^"\\]|\\.){1,80})"/.exec(raw);
  return m ? m[1] : undefined;
}

function nonEmptyLines(text: string): { raw: string; line: number }[] {
  const out: { raw: string; line: number }[] = [];
  let line = 0;
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    line++;
    const raw = text.slice(from, to).trim();
    if (raw.length > 0) out.push({ raw, line });
    from = to + 1;
  }
  return out;
}

/** 1-based number of the line after the last newline of `text` (lines are counted as parseLedger counts them). */
function lineCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/**
 * Findings when the base ledger is already known to be a prefix of the head (the caller proved it
 * with git's blob id of the head's first bytes): only the head's lines after `baseLines` are new.
 */
export function appendedFindings(baseLines: number, headProblems: readonly ParseProblem[]): TamperFinding[] {
  return headProblems
    .filter((p) => p.line > baseLines)
    .map((p) => ({ kind: 'garbage' as const, ...(p.id !== undefined ? { id: p.id } : {}), line: p.line, reason: p.reason }));
}

/**
 * Findings for `head` against `base` (undefined: the ledger file does not exist at that commit).
 * `headProblems` are the parse problems of the head ledger (parseLedger's, by line), so new
 * wrong-shaped or unreadable lines are reported as garbage while ones already on the base stay
 * warnings; without them the head's new lines are parsed here.
 */
export function verifyAppendOnly(base: string | undefined, head: string | undefined, headProblems?: readonly ParseProblem[]): TamperFinding[] {
  const findings: TamperFinding[] = [];
  if (head === undefined) {
    const records = base === undefined ? 0 : nonEmptyLines(base).length;
    if (records > 0) findings.push({ kind: 'ledger-deleted', line: 0, reason: `the ledger was deleted (${records} record line(s) on the base)` });
    return findings;
  }
  const garbage = (line: number, raw: string, parsedShape?: string, parsedId?: string) => {
    const id = parsedId ?? idOf(raw);
    findings.push({ kind: 'garbage', ...(id !== undefined ? { id } : {}), line, reason: parsedShape ?? 'unreadable record (torn write or edited by hand)' });
  };
  // The common case (appends only, no merge from the other side): the base is a prefix, and
  // only the lines after it are new. No splitting, no sets: a 100 MB ledger stays cheap.
  const baseText = base === undefined ? '' : base.endsWith('\n') || base.length === 0 ? base : base + '\n';
  if (head.startsWith(baseText)) {
    const after = lineCount(baseText);
    if (headProblems) {
      for (const p of headProblems) if (p.line > after) garbage(p.line, '', p.reason, p.id);
      return findings;
    }
    for (const { raw, line } of nonEmptyLines(head.slice(baseText.length))) {
      const parsed = parseLine(raw);
      if (!parsed.record) garbage(line + after, raw, parsed.shape, parsed.id);
    }
    return findings;
  }
  const baseLines = nonEmptyLines(baseText);
  const headLines = nonEmptyLines(head);
  const baseSet = new Map<string, number>();
  for (const { raw } of baseLines) baseSet.set(raw, (baseSet.get(raw) ?? 0) + 1);
  const remaining = new Map(baseSet);
  const headIds = new Map<string, number>();
  for (const { raw, line } of headLines) {
    const n = remaining.get(raw);
    if (n !== undefined && n > 0) remaining.set(raw, n - 1);
    else {
      const id = idOf(raw);
      if (id !== undefined && !headIds.has(id)) headIds.set(id, line);
    }
  }
  for (const { raw, line } of baseLines) {
    const n = remaining.get(raw);
    if (n === undefined || n === 0) continue;
    remaining.set(raw, n - 1);
    const id = idOf(raw);
    const rewrittenAt = id !== undefined ? headIds.get(id) : undefined;
    if (rewrittenAt !== undefined) findings.push({ kind: 'rewritten', id, line: rewrittenAt, reason: `record ${id} was changed (it differs from the base's line ${line})` });
    else findings.push({ kind: 'removed', ...(id !== undefined ? { id } : {}), line, reason: `record ${id ?? `at base line ${line}`} was removed` });
  }
  // New lines that are not records: garbage (a record turned into junk, or hand-written junk).
  for (const { raw, line } of headLines) {
    if (baseSet.has(raw)) continue; // already on the base: a warning there, not new here
    const parsed = parseLine(raw);
    if (!parsed.record) garbage(line, raw, parsed.shape, parsed.id);
  }
  return findings;
}

