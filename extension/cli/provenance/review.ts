// `airlock review approve|reject FILE:A-B` — for reviewers working outside VS Code.
// approve records the reviewer and the exact content hashes of the AI lines in A-B (an approval
// is void as soon as one of those lines changes); reject puts back the text the AI replaced.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { locateSpans } from '../../core/ledger/check';
import { applyReplacements, rejectReplacements } from '../../core/ledger/reject';
import { buildReview } from '../../core/ledger/contribution';
import { indexFile } from '../../core/provenance/anchor';
import { splitLines } from '../../core/provenance/hash';
import type { CliIO } from '../run';
import { guarded, newRecordId, parseArgs, parseTarget, repoPath, UsageError, workspaceRoot } from './common';
import { identity } from './git';
import { loadLedgerState, spansByCurrentPath } from './ledgerState';
import { existsSync } from 'node:fs';
import { appendRecords } from '../../core/ledger/fileStore';

export const REVIEW_USAGE = 'airlock review approve|reject FILE:A-B';

export async function reviewCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'review', async () => {
    const { positional } = parseArgs(args);
    const [decision, targetText] = positional;
    if ((decision !== 'approve' && decision !== 'reject') || !targetText) throw new UsageError(`usage: ${REVIEW_USAGE}`);
    const root = workspaceRoot(io.cwd);
    const target = parseTarget(targetText);
    const path = repoPath(root, io.cwd, target.file);
    const reviewer = identity(root);
    if (!reviewer.name || !reviewer.email) throw new UsageError('set git user.name and user.email first: the reviewer is recorded');

    const state = loadLedgerState(root, io);
    const spans = spansByCurrentPath(state, root, (p) => existsSync(resolve(root, p))).get(path) ?? [];
    const text = readFileSync(resolve(root, path), 'utf8');
    const fileLines = splitLines(text);
    const located = locateSpans(spans, indexFile(fileLines));
    const selected = located.filter((l) => l.line >= target.startLine && l.line <= target.endLine);
    if (selected.length === 0) {
      io.stderr.write(`airlock review: no AI-written lines in ${path}:${target.startLine}-${target.endLine}\n`);
      return 1;
    }
    const time = new Date().toISOString();
    if (decision === 'approve') {
      appendRecords(root, [buildReview('approve', reviewer, newRecordId(), time, path, selected, fileLines)]);
      io.stdout.write(`approved ${selected.length} AI-written line(s) in ${path}:${target.startLine}-${target.endLine} as ${reviewer.name} <${reviewer.email}>\n`);
      return 0;
    }
    // Reject: each contribution touched goes back to its baseline, bottom-up so line numbers hold.
    const roots = [...new Set(selected.map((l) => l.span.root))];
    const replacements = rejectReplacements(located, state, roots);
    const out = applyReplacements(fileLines, replacements);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    writeFileSync(resolve(root, path), out.join(eol));
    appendRecords(root, [buildReview('reject', reviewer, newRecordId(), time, path, located.filter((l) => roots.includes(l.span.root)), fileLines)]);
    io.stdout.write(`rejected ${roots.length === 1 ? '1 AI contribution' : `${roots.length} AI contributions`} in ${path}: ${replacements.map(describeReplacement).join('; ')}\n`);
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
