// `airlock review approve|reject FILE:A-B [--sign | --no-sign]` — for reviewers outside VS Code.
// approve records the reviewer and the exact content hashes of the AI lines in A-B (an approval
// is void as soon as one of those lines changes), signed with the reviewer's git SSH signing key
// when one is configured (and refused without one where the policy requires signatures).
// reject puts back the text the AI replaced, but only text git has seen in this file before the
// AI change: a record's baseline is data, and a forged one must not plant code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateSpans } from '../../core/ledger/check';
import { buildReview } from '../../core/ledger/contribution';
import { appendRecords } from './ledgerFile';
import { applyReplacements, baselineInGit, rejectReplacements } from '../../core/ledger/reject';
import { indexFile } from '../../core/provenance/anchor';
import { splitLines } from '../../core/provenance/hash';
import type { CliIO } from '../run';
import { guarded, insideRepo, parseArgs, parseTarget, readWorking, repoPath, requireInsideRepo, UsageError, workspaceRoot } from './common';
import { git, identity, readBlobs } from './git';
import { blame, UNCOMMITTED } from './gitHistory';
import { loadLedgerState, spansByCurrentPath } from './ledgerState';
import { loadReviewPolicy } from './policy';
import { newRecordId } from '../../core/ledger/records';
import { signingSetup, signReview } from './signing';

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
    const required = load.ok && load.policy.reviewFor(path).requireApproval?.signatures === 'required';
    const sign = decideSigning(root, parsed.flags.has('sign'), parsed.flags.has('no-sign'), required);

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
    const time = new Date().toISOString();
    const signed = (record: ReturnType<typeof buildReview>) => (sign ? { ...record, signature: signReview(root, record) } : record);
    const by = `${reviewer.name} <${reviewer.email}>${sign ? ' (signed)' : ''}`;
    if (decision === 'approve') {
      appendRecords(root, [signed(buildReview('approve', reviewer, newRecordId(), time, path, selected, fileLines))]);
      io.stdout.write(`approved ${selected.length} AI-written line(s) in ${path}:${target.startLine}-${target.endLine} as ${by}\n`);
      return 0;
    }
    // Reject: each contribution touched goes back to its baseline, bottom-up so line numbers hold.
    const roots = [...new Set(selected.map((l) => l.span.root))];
    const untrusted = roots.filter((r) => !baselineInGit(state.contributions.get(r)?.baseline ?? '', gitVersionsBefore(root, path, located.filter((l) => l.span.root === r).map((l) => l.line), text)));
    if (untrusted.length > 0) {
      io.stderr.write(
        `airlock review: refusing to reject: the text recorded as what the AI replaced (contribution ${untrusted.join(', ')}) is not in git's history of ${path}, so it could be anything; nothing was changed.\n` +
          `Restore the lines by hand (e.g. git checkout -p -- ${path}), then run the check again.\n`,
      );
      return 1;
    }
    const replacements = rejectReplacements(located, state, roots);
    const out = applyReplacements(fileLines, replacements);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    writeFileSync(file, out.join(eol));
    appendRecords(root, [signed(buildReview('reject', reviewer, newRecordId(), time, path, located.filter((l) => roots.includes(l.span.root)), fileLines))]);
    io.stdout.write(`rejected ${roots.length === 1 ? '1 AI contribution' : `${roots.length} AI contributions`} in ${path}: ${replacements.map(describeReplacement).join('; ')}${sign ? ' (signed review)' : ''}\n`);
    return 0;
  });
}

/** Sign when asked, when the policy requires it, or when git is set up to sign with SSH. */
function decideSigning(root: string, asked: boolean, refused: boolean, required: boolean): boolean {
  if (asked && refused) throw new UsageError('choose one of --sign and --no-sign');
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-review-'));
  try {
    const setup = signingSetup(root, scratch);
    const configured = !('problem' in setup);
    if (required && refused) throw new UsageError('the policy requires signed reviews here; --no-sign is not allowed');
    if ((required || asked) && !configured) {
      throw new UsageError(`${required ? 'the policy requires signed reviews here' : '--sign'}: ${(setup as { problem: string }).problem}. Set up SSH signing the way git does: git config gpg.format ssh; git config user.signingkey ~/.ssh/id_ed25519.pub`);
    }
    return !refused && configured;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The file as git knew it before the AI lines came in: HEAD (the AI change is not committed
 * yet) and, for committed AI lines, the parent of each commit that `git blame` names for them.
 */
function gitVersionsBefore(root: string, path: string, lines: readonly number[], text: string): (string | undefined)[] {
  const specs = [`HEAD:${path}`];
  const byLine = blame(root, path, { contents: text });
  for (const commit of new Set(lines.map((l) => byLine.get(l)).filter((c): c is string => !!c && c !== UNCOMMITTED))) {
    if (git(root, ['rev-parse', '--verify', '--quiet', `${commit}^`]).ok) specs.push(`${commit}^:${path}`);
  }
  const blobs = readBlobs(root, specs);
  return specs.map((s) => blobs.get(s));
}


/** What one reject did to the file, truthfully: removed lines, or put back what they replaced. */
function describeReplacement(r: { startLine: number; endLine: number; lines: readonly string[] }): string {
  const n = r.endLine - r.startLine + 1;
  const ai = `${n === 1 ? `the AI-written line ${r.startLine}` : `the ${n} AI-written lines ${r.startLine}-${r.endLine}`}`;
  const they = n === 1 ? 'it' : 'they';
  if (r.lines.length === 0) return `removed ${ai} (${they} replaced nothing)`;
  return `replaced ${ai} with the ${r.lines.length === 1 ? 'line' : `${r.lines.length} lines`} ${they} had replaced`;
}
