// What a decision found and where, for people watching the gateway (its stderr, desktop
// notices, the editor): rule, detector and the place in the request — never the value, not
// even a preview of it.
import type { EgressSegment, Verdict } from '../core/egress/types';

export interface DecisionFinding {
  rule: string;
  detector?: string;
  kind: string;
  /** `messages[1].content (user)`, `file src/app.ts`, or `the request`. */
  where: string;
}

export function decisionFindings(verdict: Verdict, segments: readonly EgressSegment[]): DecisionFinding[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const out: DecisionFinding[] = [];
  for (const f of verdict.findings) {
    const segment = f.segment !== undefined ? byId.get(f.segment) : undefined;
    const path = segment?.path ?? f.path;
    const where = segment ? `${segment.id} (${segment.role}${path ? ` ${path}` : ''})` : path ? `file ${path}` : 'the request';
    const key = `${f.rule}|${f.detector ?? f.kind}|${where}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ rule: f.rule, ...(f.detector ? { detector: f.detector } : {}), kind: f.kind, where });
  }
  return out;
}
