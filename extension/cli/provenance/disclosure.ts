// Disclosure rules: commits that bring AI-written lines must say so with a trailer
// (`Assisted-by: <tool>:<model>`, as the Linux kernel asks, or `Co-authored-by:`). Checked by
// `check --range` for the commits in the range that `git blame` names for the AI lines.
import type { LocatedLine, Violation } from '../../core/ledger/check';
import type { ReviewRequirement } from '../../core/policy/contract';
import type { CommitInfo } from './gitHistory';

export function disclosureViolations(
  path: string,
  located: readonly LocatedLine[],
  requirement: ReviewRequirement,
  range: { commits: () => Set<string> },
  commitsOf: (lines: readonly LocatedLine[]) => { line: LocatedLine; commit: string; info?: CommitInfo }[],
): Violation[] {
  const rule = requirement.disclosure;
  if (!rule || located.length === 0) return [];
  const inRange = range.commits();
  const byCommit = new Map<string, { lines: LocatedLine[]; info?: CommitInfo }>();
  for (const { line, commit, info } of commitsOf(located)) {
    if (!inRange.has(commit)) continue; // brought in before the range: not this change's to disclose
    const entry = byCommit.get(commit) ?? { lines: [], ...(info ? { info } : {}) };
    entry.lines.push(line);
    byCommit.set(commit, entry);
  }
  const out: Violation[] = [];
  for (const [commit, { lines, info }] of byCommit) {
    const values = info?.trailers.get(rule.trailer.toLowerCase()) ?? [];
    if (values.some((v) => v.length > 0)) continue;
    const first = lines[0]!;
    const tools = [...new Set(lines.map((l) => `${l.span.tool}${l.span.model ? `:${l.span.model}` : ''}`))];
    out.push({
      path,
      startLine: Math.min(...lines.map((l) => l.line)),
      endLine: Math.max(...lines.map((l) => l.line)),
      kind: 'undisclosed',
      rule: rule.rule,
      tool: first.span.tool,
      model: first.span.model ?? null,
      commit,
      reason: `commit ${commit.slice(0, 12)} brings ${lines.length} AI-written line(s) without a "${rule.trailer}:" trailer (e.g. ${rule.trailer}: ${tools[0]})`,
    });
  }
  return out;
}
