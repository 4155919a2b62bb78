// Reads git-ai's authorship notes (refs/notes/ai) and turns their attested lines into Airlock
// contributions, hashed from the file as it was at the noted commit. Ids are deterministic
// (`git-ai:<commit>:<session>:<path>:<line>`), so a review recorded against one in a work tree is
// the same contribution `check --range` sees in CI. Notes are not fetched by default:
// `git fetch origin refs/notes/ai:refs/notes/ai` (and push them with `git push origin refs/notes/ai`).
import { buildContribution } from '../../core/ledger/contribution';
import type { ContributionRecord } from '../../core/ledger/records';
import { isRepoPath } from '../../core/ledger/records';
import { splitLines } from '../../core/provenance/hash';
import { parseGitAiLog, parseHumanAuthor } from '../../core/provenance/gitAi';
import { git, readBlobs } from './git';

export const GIT_AI_REF = 'refs/notes/ai';

/** The commit git-ai's notes ref points at, or undefined when there are no notes (one git call: a cheap "did the notes move?"). */
export function gitAiNotesHead(root: string): string | undefined {
  const head = git(root, ['rev-parse', '--verify', '--quiet', GIT_AI_REF]);
  return head.ok ? head.stdout.trim() || undefined : undefined;
}

/**
 * Contributions from the git-ai notes on `commits` (all noted commits when undefined). Notes that
 * are not authorship/3.x, paths outside the repository and lines past the end are skipped.
 */
export function gitAiContributions(root: string, commits?: ReadonlySet<string>): ContributionRecord[] {
  const tree = git(root, ['ls-tree', '-r', GIT_AI_REF]);
  if (!tree.ok) return [];
  const notes: { commit: string; blob: string }[] = [];
  for (const line of tree.stdout.split('\n')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (!m) continue;
    const commit = m[2]!.replace(/\//g, '');
    if (!/^[0-9a-f]{40,64}$/.test(commit) || (commits && !commits.has(commit))) continue;
    notes.push({ commit, blob: m[1]! });
  }
  if (notes.length === 0) return [];
  const texts = readBlobs(root, notes.map((n) => n.blob));
  const out: ContributionRecord[] = [];
  const wanted: { commit: string; path: string }[] = [];
  const logs = notes.map((n) => ({ ...n, log: parseGitAiLog(texts.get(n.blob) ?? '') }));
  for (const { commit, log } of logs) for (const a of log?.attestations ?? []) if (isRepoPath(a.path)) wanted.push({ commit, path: a.path });
  const files = readBlobs(root, [...new Set(wanted.map((w) => `${w.commit}:${w.path}`))]);
  const times = commitTimes(root, logs.map((l) => l.commit));
  for (const { commit, log } of logs) {
    if (!log) continue;
    for (const a of log.attestations) {
      const text = isRepoPath(a.path) ? files.get(`${commit}:${a.path}`) : undefined;
      const prompt = log.prompts.get(a.session);
      if (text === undefined || !prompt) continue;
      const fileLines = splitLines(text);
      for (const r of a.ranges) {
        if (r.endLine > fileLines.length) continue;
        const recordedBy = parseHumanAuthor(prompt.humanAuthor);
        out.push(
          buildContribution({
            id: `git-ai:${commit.slice(0, 12)}:${a.session}:${a.path}:${r.startLine}`,
            time: times.get(commit) ?? '1970-01-01T00:00:00.000Z',
            path: a.path,
            fileLines,
            startLine: r.startLine,
            endLine: r.endLine,
            tool: prompt.tool,
            ...(prompt.model ? { model: prompt.model } : {}),
            session: a.session,
            channel: 'agent-hook',
            confidence: 1,
            ...(recordedBy ? { recordedBy } : {}),
          }),
        );
      }
    }
  }
  return out;
}

function commitTimes(root: string, commits: string[]): Map<string, string> {
  const r = git(root, ['log', '--no-walk=unsorted', '--format=%H %cI', '--stdin'], commits.join('\n') + '\n');
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const [sha, time] = line.split(' ');
    if (sha && time) out.set(sha, new Date(time).toISOString());
  }
  return out;
}
