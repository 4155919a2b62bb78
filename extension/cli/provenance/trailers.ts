// `airlock commit-trailers MSGFILE [SOURCE]` — run by the prepare-commit-msg hook that
// `airlock hooks install` writes: when the staged change brings AI-written lines under a review
// rule with `disclosure`, adds the trailer to the commit message (`Assisted-by: <tool>:<model>`,
// or `Co-authored-by: <tool>:<model> <ai-assistant@airlock.invalid>`), once per tool and model,
// with git interpret-trailers (so existing trailers and the message's comments are respected).
import type { LocatedLine } from '../../core/ledger/check';
import { locateSpans } from '../../core/ledger/check';
import { spansByPath } from '../../core/ledger/fold';
import { indexText } from '../../core/provenance/anchor';
import { CopyIndex } from '../../core/provenance/copies';
import type { CliIO } from '../run';
import { guarded, parseArgs, UsageError, workspaceRoot } from './common';
import { git, readBlobs, renames, stagedPaths } from './git';
import { blame, UNCOMMITTED } from './gitHistory';
import { followRenames, loadLedgerState } from './ledgerState';
import { loadReviewPolicy } from './policy';

export const COMMIT_TRAILERS_USAGE = 'airlock commit-trailers MSGFILE [SOURCE]';

/** The trailer line for one tool/model under a disclosure rule. */
export function trailerFor(trailer: 'Assisted-by' | 'Co-authored-by', tool: string, model: string | undefined): string {
  const who = `${tool}${model ? `:${model}` : ''}`.replace(/[\r\n]/g, ' ');
  return trailer === 'Assisted-by' ? `Assisted-by: ${who}` : `Co-authored-by: ${who} <ai-assistant@airlock.invalid>`;
}

export async function commitTrailersCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'commit-trailers', async () => {
    const { positional } = parseArgs(args);
    const [messageFile, source] = positional;
    if (!messageFile) throw new UsageError(`usage: ${COMMIT_TRAILERS_USAGE}`);
    // A merge or squash message is git's own; amend keeps what the author wrote.
    if (source === 'merge' || source === 'squash') return 0;
    const root = workspaceRoot(io.cwd);
    const load = await loadReviewPolicy(root);
    if (!load.ok) {
      io.stderr.write('airlock commit-trailers: the policy could not be loaded; no trailers added (the pre-commit check refuses the commit)\n');
      return 0;
    }
    const state = loadLedgerState(root, io);
    const scope = stagedPaths(root);
    const inScope = new Set(scope);
    const byPath = followRenames(spansByPath(state, true), (p) => inScope.has(p), () => renames(root));
    const copies = new CopyIndex([...state.spans.values(), ...state.origins.values()]);
    const blobs = readBlobs(root, scope.map((p) => `:${p}`));
    const trailers = new Set<string>();
    for (const path of scope) {
      const rule = load.policy.reviewFor(path).disclosure;
      const text = blobs.get(`:${path}`);
      if (!rule || text === undefined) continue;
      const file = indexText(text);
      let located: LocatedLine[] = locateSpans(byPath.get(path) ?? [], file);
      const taken = new Set(located.map((l) => l.line - 1));
      located = [...located, ...locateSpans(copies.find(path, file, taken), file).filter((l) => !taken.has(l.line - 1))];
      if (located.length === 0) continue;
      // Only lines this commit brings in (not committed before).
      const byLine = blame(root, path, { contents: text });
      for (const l of located) {
        const commit = byLine.get(l.line);
        if (commit !== undefined && commit !== UNCOMMITTED) continue;
        trailers.add(trailerFor(rule.trailer, l.span.tool, l.span.model));
      }
    }
    if (trailers.size === 0) return 0;
    const r = git(root, ['interpret-trailers', '--in-place', '--if-exists', 'addIfDifferent', ...[...trailers].flatMap((t) => ['--trailer', t]), messageFile]);
    if (!r.ok) throw new Error(`git interpret-trailers failed: ${r.stderr.trim()}`);
    return 0;
  });
}
