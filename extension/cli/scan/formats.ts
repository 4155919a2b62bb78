// Prints a ScanReport as text (for people), JSON (for scripts) or SARIF 2.1.0 (for GitHub code
// scanning and other SARIF viewers). Pure: report in, string out. No format ever prints a
// scanned value: text shows masked previews only, JSON and SARIF show positions only.
import { createHash } from 'node:crypto';
import { ACTION_STRENGTH, type EgressAction } from '../../core/egress/types';
import { VERSION } from '../../core/version';
import type { ScanFinding, ScanReport } from './report';

export type ScanFormat = 'text' | 'json' | 'sarif';
export const SCAN_FORMATS: readonly ScanFormat[] = ['text', 'json', 'sarif'];

export interface FormatOptions {
  /** Human descriptions of detectors by id, used for SARIF rule descriptions and help. */
  describeDetector?: (id: string) => string | undefined;
}

export function formatReport(report: ScanReport, format: ScanFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(report);
    case 'json':
      return `${JSON.stringify(toJson(report), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
  }
}

// ---- text ----------------------------------------------------------------------------------

export function formatText(report: ScanReport): string {
  const lines = report.findings.map((f) =>
    [`${f.path}:${f.line}:${f.column}:`, f.action, f.rule, f.detector ?? f.kind, f.preview].filter(Boolean).join(' '),
  );
  for (const skip of report.skipped) lines.push(`${skip.path}: skipped (${skip.reason})`);
  const messages = [...new Set(report.findings.map((f) => f.message).filter((m): m is string => !!m))];
  for (const message of messages) lines.push(`message: ${message}`);
  const filesWithFindings = new Set(report.findings.map((f) => f.path)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `airlock scan: ${report.verdict} — ${plural(report.findings.length, 'finding')} in ` +
      `${filesWithFindings} of ${plural(report.filesScanned, 'file')} scanned` +
      `${report.skipped.length ? `, ${report.skipped.length} skipped` : ''} ` +
      `(destination ${report.destination}; policy ${report.policy.join(' > ') || 'none'})`,
  );
  return `${lines.join('\n')}\n`;
}

// ---- json ----------------------------------------------------------------------------------

export interface JsonFinding {
  detector: string | null;
  rule: string;
  action: EgressAction;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  kind: string;
}

export interface JsonReport {
  verdict: EgressAction;
  findings: JsonFinding[];
  skipped: { path: string; reason: string }[];
  filesScanned: number;
}

export function toJson(report: ScanReport): JsonReport {
  return {
    verdict: report.verdict,
    findings: report.findings.map((f) => ({
      detector: f.detector ?? null,
      rule: f.rule,
      action: f.action,
      path: f.path,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      kind: f.kind,
    })),
    skipped: report.skipped.map((s) => ({ path: s.path, reason: s.reason })),
    filesScanned: report.filesScanned,
  };
}

// ---- sarif ---------------------------------------------------------------------------------

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const AIRLOCK_INFORMATION_URI = 'https://example.invalid/airlock';

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(action: EgressAction): SarifLevel {
  if (action === 'block') return 'error';
  if (action === 'redact' || action === 'warn') return 'warning';
  return 'note';
}

/** GitHub ranks alerts by this 0–10 score; it follows the strongest action seen for the rule. */
const SECURITY_SEVERITY: Record<EgressAction, string> = { block: '8.0', redact: '6.0', warn: '5.0', audit: '2.0', allow: '1.0' };

/** One SARIF rule per (policy rule, detector) pair: that is what an alert is about. */
export function sarifRuleId(finding: Pick<ScanFinding, 'rule' | 'detector'>): string {
  return finding.detector ? `${finding.rule}/${finding.detector}` : finding.rule;
}

export function toSarif(report: ScanReport, options: FormatOptions = {}): Record<string, unknown> {
  const byRule = new Map<string, ScanFinding[]>();
  for (const finding of report.findings) {
    const id = sarifRuleId(finding);
    byRule.set(id, [...(byRule.get(id) ?? []), finding]);
  }
  const ruleIds = [...byRule.keys()].sort();
  const rules = ruleIds.map((id) => sarifRule(id, byRule.get(id)!, options));
  const ordinals = new Map<string, number>();
  const results = report.findings.map((finding) => {
    const ruleId = sarifRuleId(finding);
    // Fingerprint without the value: hashing a short password would let anyone brute-force it
    // back. Rule, file and the finding's ordinal for that rule in the file stay stable across
    // edits elsewhere in the file.
    const key = `${ruleId}\u0000${finding.path}`;
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    return {
      ruleId,
      ruleIndex: ruleIds.indexOf(ruleId),
      level: sarifLevel(finding.action),
      message: { text: resultMessage(finding, options) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(finding.path),
            region: {
              startLine: finding.line,
              startColumn: finding.column,
              endLine: finding.endLine,
              // SARIF regions must not be empty; a position-only finding covers one column.
              endColumn: finding.endLine === finding.line && finding.endColumn <= finding.column ? finding.column + 1 : finding.endColumn,
            },
          },
        },
      ],
      partialFingerprints: { 'airlockFinding/v1': sha256(`${key}\u0000${ordinal}`).slice(0, 32) },
      properties: { action: finding.action, kind: finding.kind },
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Airlock',
            informationUri: AIRLOCK_INFORMATION_URI,
            version: VERSION,
            semanticVersion: VERSION,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.skipped.map((skip) => ({
              level: 'note',
              message: { text: `skipped (${skip.reason})` },
              locations: [{ physicalLocation: { artifactLocation: artifactLocation(skip.path) } }],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        properties: { verdict: report.verdict, destination: report.destination, policy: report.policy },
        results,
      },
    ],
  };
}

function sarifRule(id: string, findings: ScanFinding[], options: FormatOptions): Record<string, unknown> {
  const sample = findings[0]!;
  const strongestAction = findings.reduce<EgressAction>(
    (best, f) => (ACTION_STRENGTH[f.action] > ACTION_STRENGTH[best] ? f.action : best),
    sample.action,
  );
  const description = sample.detector ? options.describeDetector?.(sample.detector) : undefined;
  const what = sample.detector ? `Detector '${sample.detector}'` : `A ${sample.kind} condition`;
  const short = description ?? `${what} matched under policy rule '${sample.rule}'`;
  const message = findings.find((f) => f.message)?.message;
  const help =
    `${short}.\n` +
    `Airlock policy rule '${sample.rule}' decides '${strongestAction}' when this is sent to an AI model.` +
    `${message ? `\nPolicy message: ${message}` : ''}\n` +
    'Remove the value from the file (rotate it if it is a real credential) or adjust the workspace policy.';
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: short },
    fullDescription: { text: `${short} (policy rule '${sample.rule}'${sample.detector ? `, detector '${sample.detector}'` : ''}).` },
    help: { text: help, markdown: help.replace(/\n/g, '\n\n') },
    defaultConfiguration: { level: sarifLevel(strongestAction) },
    properties: {
      tags: ['security', sample.kind === 'secret' ? 'secrets' : 'data-egress'],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[strongestAction],
    },
  };
}

function resultMessage(finding: ScanFinding, options: FormatOptions): string {
  const what = finding.detector
    ? (options.describeDetector?.(finding.detector) ?? `Detector '${finding.detector}' matched`)
    : `${finding.kind} condition matched`;
  const decision = `policy rule '${finding.rule}' decides '${finding.action}' for AI traffic`;
  return `${what}: ${decision}.${finding.message ? ` ${finding.message}` : ''}`;
}

function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  if (/^(?:\/|[A-Za-z]:\/)/.test(path)) {
    // Outside the scan root: an absolute file URI, which needs no base.
    const withSlash = path.startsWith('/') ? path : `/${path}`;
    return { uri: `file://${encodePath(withSlash)}` };
  }
  return { uri: encodePath(path), uriBaseId: '%SRCROOT%' };
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%3A/gi, ':'))
    .join('/');
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
