// `airlock review approve|reject FILE:A-B [--sign | --no-sign]` — for reviewers outside VS Code.
// approve records the reviewer and the exact content hashes of the AI lines in A-B (an approval
// is void as soon as one of those lines changes), signed with the reviewer's git SSH signing key
// when one is configured (and refused without one where the policy requires signatures).
// reject puts back the text the AI replaced, but only text git has seen in this file before the
// AI change: a record's baseline is data, and a forged one must not plant code.
import { writeFileSync } from 'node:fs';
import { locateSpans } from '../../core/ledger/check';
import { appendRecords } from './ledgerFile';
import { applyReplacements, rejectReplacements } from '../../core/ledger/reject';
import { indexFile } from '../../core/provenance/anchor';
import { splitLines } from '../../core/provenance/hash';
import type { CliIO } from '../run';
import { guarded, insideRepo, parseArgs, parseTarget, readWorking, repoPath, requireInsideRepo, UsageError, workspaceRoot } from './common';
import { identity } from './git';
import { loadLedgerState, spansByCurrentPath } from './ledgerState';
import { loadReviewPolicy } from './policy';
import { ownSignatureProblem, reviewRecord, signatureRequired, signingDecision, untrustedBaselineMessage, untrustedBaselines } from './reviewDecision';

export const REVIEW_USAGE = 'airlock review approve|reject FILE:A-B [--sign | --no-sign]';

export async function reviewCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'review', async () => {
    const parsed = parseArgs(args, ['sign', 'no-sign']);
    const [decision, targetText] = parsed.positional;
    if ((decision !== 'approve' && decision !== 'reject') || !targetText) throw new UsageError(`usage: ${REVIEW_USAGE}`);
    const root = workspaceRoot(io.cwd);
    const target = parseTarget(targetText);
    const path = repoPath(root, io.cwd, target.file);
    const file = requireInsideRepo(root, path, target.file);
    const reviewer = identity(root);
    if (!reviewer.name || !reviewer.email) throw new UsageError('set git user.name and user.email first: the reviewer is recorded');

    const load = await loadReviewPolicy(root);
    const requirement = load.ok ? load.policy.reviewFor(path).requireApproval : undefined;
    const decided = signingDecision(root, { required: signatureRequired(decision, requirement), path, asked: parsed.flags.has('sign'), refused: parsed.flags.has('no-sign') });
    // Refused before anything is read or written (reviewRecord decides the same again).
    if ('refused' in decided) throw new UsageError(decided.refused);
    const sign = decided.sign;

    const state = loadLedgerState(root, io);
    const spans = spansByCurrentPath(state, root, (p) => insideRepo(root, p) !== undefined).get(path) ?? [];
    const text = readWorking(root, path) ?? '';
    const fileLines = splitLines(text);
    const located = locateSpans(spans, indexFile(fileLines));
    const selected = located.filter((l) => l.line >= target.startLine && l.line <= target.endLine);
    if (selected.length === 0) {
      io.stderr.write(`airlock review: no AI-written lines in ${path}:${target.startLine}-${target.endLine}\n`);
      return 1;
    }
    const review = (kind: 'approve' | 'reject', lines: typeof located) =>
      reviewRecord(root, { decision: kind, reviewer, path, lines, fileLines, requirement, asked: parsed.flags.has('sign'), refused: parsed.flags.has('no-sign') });
    const by = `${reviewer.name} <${reviewer.email}>${sign ? ' (signed)' : ''}`;
    if (decision === 'approve') {
      const record = await review('approve', selected);
      appendRecords(root, [record]);
      io.stdout.write(`approved ${selected.length} AI-written line(s) in ${path}:${target.startLine}-${target.endLine} as ${by}\n`);
      const problem = await ownSignatureProblem(root, record, requirement);
      if (problem) io.stderr.write(`airlock review: warning: ${problem}\n`);
      return 0;
    }
    // Reject: each contribution touched goes back to its baseline, bottom-up so line numbers hold.
    const roots = [...new Set(selected.map((l) => l.span.root))];
    const untrusted = untrustedBaselines(root, path, text, located, state, roots);
    if (untrusted.length > 0) {
      io.stderr.write(`airlock review: ${untrustedBaselineMessage(path, untrusted)}\n`);
      return 1;
    }
    // Signed before the file changes: a signing failure leaves the file and the ledger as they were.
    const record = await review('reject', located.filter((l) => roots.includes(l.span.root)));
    const replacements = rejectReplacements(located, state, roots);
    const out = applyReplacements(fileLines, replacements);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    writeFileSync(file, out.join(eol));
    appendRecords(root, [record]);
    io.stdout.write(`rejected ${roots.length === 1 ? '1 AI contribution' : `${roots.length} AI contributions`} in ${path}: ${replacements.map(describeReplacement).join('; ')}${sign ? ' (signed review)' : ''}\n`);
    return 0;
  });
}

/** What one reject did to the file, truthfully: removed lines, or put back what they replaced. */
function describeReplacement(r: { startLine: number; endLine: number; lines: readonly string[] }): string {
  const n = r.endLine - r.startLine + 1;
  const ai = `${n === 1 ? `the AI-written line ${r.startLine}` : `the ${n} AI-written lines ${r.startLine}-${r.endLine}`}`;
  const they = n === 1 ? 'it' : 'they';
  if (r.lines.length === 0) return `removed ${ai} (${they} replaced nothing)`;
  return `replaced ${ai} with the ${r.lines.length === 1 ? 'line' : `${r.lines.length} lines`} ${they} had replaced`;
}
