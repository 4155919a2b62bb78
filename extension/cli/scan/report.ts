// What one `airlock scan` run found, independent of how it is printed. Built from the engine's
// verdicts; carries positions and masked previews, never a scanned value in full.
import { ACTION_STRENGTH, type EgressAction, type Finding, type Verdict } from '../../core/egress/types';
import { lineStarts, positionAt } from './positions';

export interface ScanFinding {
  /** Display path: POSIX, relative to the scan root (cwd) when inside it, else absolute. */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  detector?: string;
  kind: Finding['kind'];
  action: EgressAction;
  /** Masked preview of the match (at most a quarter of it, 4 chars a side), for text output. */
  preview?: string;
  /** The engineer-facing message of the deciding rule, when this finding's rule decided. */
  message?: string;
}

export interface ScanSkip {
  path: string;
  reason: string;
}

export interface ScanReport {
  /** Strongest action over all scanned inputs; `allow` when nothing fired. */
  verdict: EgressAction;
  destination: string;
  /** Layers of the policy used, highest first. */
  policy: readonly string[];
  filesScanned: number;
  findings: ScanFinding[];
  skipped: ScanSkip[];
}

export function strongest(actions: Iterable<EgressAction>): EgressAction {
  let best: EgressAction = 'allow';
  for (const action of actions) if (ACTION_STRENGTH[action] > ACTION_STRENGTH[best]) best = action;
  return best;
}

/**
 * Shows at most a quarter of a value, split between both ends (`AKIA…MPLE` for a 20-char key),
 * so that short passwords are never shown whole. Whitespace is flattened to keep one line.
 */
export function maskValue(value: string): string {
  const side = Math.min(4, Math.floor(value.length / 8));
  const shown = side === 0 ? '…' : `${value.slice(0, side)}…${value.slice(value.length - side)}`;
  return shown.replace(/\s/g, ' ');
}

/** The findings of one input's verdict, positioned in its text and sorted by position. */
export function findingsOf(verdict: Verdict, path: string, text: string): ScanFinding[] {
  // Line starts only for files with findings: most scanned files have none.
  if (verdict.findings.length === 0) return [];
  const starts = lineStarts(text);
  const findings = verdict.findings.map((finding): ScanFinding => {
    const hasSpan = typeof finding.start === 'number' && typeof finding.end === 'number';
    const start = positionAt(starts, hasSpan ? finding.start! : 0);
    const end = positionAt(starts, hasSpan ? Math.max(finding.start!, finding.end!) : 0);
    const scanFinding: ScanFinding = {
      path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      rule: finding.rule,
      kind: finding.kind,
      action: finding.action,
    };
    if (finding.detector) scanFinding.detector = finding.detector;
    if (hasSpan && finding.end! > finding.start!) scanFinding.preview = maskValue(text.slice(finding.start, finding.end));
    if (verdict.message && finding.rule === verdict.rule) scanFinding.message = verdict.message;
    return scanFinding;
  });
  return dedupe(findings.sort(byPosition));
}

/**
 * A scanned file is both a segment and a referenced path of its request, so the engine may
 * report one protected path twice; for a scan that is one fact.
 */
function dedupe(findings: ScanFinding[]): ScanFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = [f.rule, f.detector, f.kind, f.action, f.line, f.column, f.endLine, f.endColumn].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function byPosition(a: ScanFinding, b: ScanFinding): number {
  return (
    a.line - b.line ||
    a.column - b.column ||
    compare(a.rule, b.rule) ||
    compare(a.detector ?? '', b.detector ?? '')
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
