// Evaluates one compiled layer against one request: which rules fire and with which findings.
// Layers never see each other's detectors, allowlists or rules (see policies/README.md).
import { previewSecret } from '../detectors';
import type { FingerprintIndex, FingerprintMatch } from '../fingerprint';
import { candidatesFor } from '../policy/paths';
import type { RequestContext } from './context';
import { countsInCredential } from './credentials';
import type { CompiledEgressRule, CompiledLayer } from './layer';
import type { EgressSegment, Finding, SegmentRole } from './types';

export interface FiredRule {
  rule: CompiledEgressRule;
  layer: string;
  findings: Finding[];
}

export function evaluateLayer(layer: CompiledLayer, ctx: RequestContext): FiredRule[] {
  const fired: FiredRule[] = [];
  for (const rule of layer.egress) {
    if (!destinationHolds(rule, ctx)) continue;
    if (rule.assistants && !rule.assistants.matches(ctx.request.assistant)) continue;
    let findings: Finding[] = [];
    let referencesOnly = false;
    if (rule.protected) {
      const found = protectedFindings(layer, rule, ctx);
      const references = layer.references === 'ignore' ? [] : found.references;
      if (found.content.length === 0 && references.length === 0) continue;
      referencesOnly = found.content.length === 0 && layer.references === 'audit';
      findings = found.content.concat(references);
    }
    if (rule.detectors) {
      const found = detectorFindings(layer, rule, ctx);
      if (found.length === 0) continue;
      findings = findings.concat(found);
    }
    if (!rule.protected && !rule.detectors) {
      // A rule about where or who only: one finding naming the condition.
      findings.push({ rule: rule.id, kind: rule.destinations || !rule.assistants ? 'destination' : 'assistant', action: rule.action });
    }
    // `references: "audit"`: a mentioned path alone is recorded under the rule, never more.
    const effective = referencesOnly && rule.action !== 'allow' ? { ...rule, action: 'audit' as const, message: `A protected path was mentioned, no protected content (rule "${rule.id}"); recorded.` } : rule;
    fired.push({ rule: effective, layer: layer.name, findings });
  }
  return fired;
}

function destinationHolds(rule: CompiledEgressRule, ctx: RequestContext): boolean {
  const cond = rule.destinations;
  if (!cond) return true;
  const dest = ctx.destination;
  if (cond.exclude.some((g) => g.matches(dest))) return false;
  return cond.include.length === 0 || cond.include.some((g) => g.matches(dest));
}

/** The model's own turns: what it wrote, echoed back in the history (see `when.segmentRoles`). */
const MODEL_ROLES: ReadonlySet<SegmentRole> = new Set<SegmentRole>(['assistant', 'tool-call']);
/** A tool result named after a file counts as that file's content from this many non-blank lines (a status line does not). */
const MIN_LABELLED_RESULT_LINES = 3;
const NUMBERED_LINE = /^ *\d+(?:\t|\u2192)/m;

/**
 * Protected content leaving, and protected paths merely mentioned. Content: a copy of
 * protected code found by fingerprint (workspace index and the layer's fingerprint files), a
 * marker, or text attributed to a protected file — a `file` segment (an attachment or a
 * labelled file block), or a tool result of a call naming the file when the host has no
 * index to judge its content. References: referenced paths and path labels on anything else.
 */
function protectedFindings(layer: CompiledLayer, rule: CompiledEgressRule, ctx: RequestContext): { content: Finding[]; references: Finding[] } {
  const content: Finding[] = [];
  const references: Finding[] = [];
  const { request, workspaceRoots } = ctx;
  const referenceAction = layer.references === 'block' ? rule.action : 'audit';
  const roleOk = (role: SegmentRole) => !rule.roles || rule.roles.has(role);
  const fingerprintRoleOk = (role: SegmentRole) => (rule.roles ? rule.roles.has(role) : !MODEL_ROLES.has(role));
  const indexes = ctx.protectedIndex || layer.fingerprints.length > 0 || layer.orgSets.length > 0;

  if (indexes) {
    // The exact indexes this layer counts: the workspace index holds the code under every
    // layer's protected paths, so each layer counts only sources under its own.
    const exact: FingerprintIndex[] = [...(ctx.protectedIndex && !layer.protectedPaths.empty ? [ctx.protectedIndex] : []), ...layer.fingerprints];
    const counts = (index: FingerprintIndex, source: string) => index !== ctx.protectedIndex || layer.protectedPaths.match(source, workspaceRoots) !== undefined;
    const found = (segment: EgressSegment, m: FingerprintMatch, span: { start: number; end: number } = m): Finding => ({
      rule: rule.id,
      kind: 'protected-content',
      action: rule.action,
      segment: segment.id,
      start: span.start,
      end: span.end,
      ...(segment.path ? { path: segment.path } : {}),
      source: m.source,
      sourceLines: [m.startLine, m.endLine],
      fingerprints: m.fingerprints,
    });
    request.segments.forEach((segment, i) => {
      if (!fingerprintRoleOk(segment.role) || segment.text.length === 0) return;
      // A protected file attached as itself is already content by its label (see below): its
      // copy of itself is not a second finding (`airlock scan src/` would report every file twice).
      const self = segment.role === 'file' && segment.path && layer.protectedPaths.match(segment.path, workspaceRoots) !== undefined ? candidatesFor(segment.path, workspaceRoots) : [];
      for (const index of exact) {
        for (const m of ctx.matches(index, i)) if (counts(index, m.source) && !(index === ctx.protectedIndex && self.includes(m.source))) content.push(found(segment, m));
      }
      // The org-wide set: probable copies of code from repositories not checked out here. Where an
      // exact index already found the span (the repo is local), the exact finding stands alone.
      if (layer.orgSets.length > 0) {
        const exactFound = content.filter((f) => f.segment === segment.id && f.source !== undefined);
        for (const set of layer.orgSets) {
          for (const m of ctx.probableMatches(set, i)) {
            if (exactFound.some((f) => f.start! < m.end && m.start < f.end!)) continue;
            content.push({
              rule: rule.id,
              kind: 'protected-content',
              action: rule.action,
              segment: segment.id,
              start: m.start,
              end: m.end,
              ...(segment.path ? { path: segment.path } : {}),
              source: m.repo ?? 'several repositories',
              probable: true,
              fingerprints: m.hits,
            });
          }
        }
      }
    });
    // Code cut into pieces too small to match alone, over several segments (see pieceMatchesOf).
    const eligible = (i: number) => fingerprintRoleOk(request.segments[i]!.role);
    const rolesKey = rule.roles ? [...rule.roles].sort().join(',') : '';
    for (const index of exact) {
      for (const p of ctx.pieceMatchesOf(index, eligible, rolesKey)) if (counts(index, p.match.source)) content.push(found(request.segments[p.segment]!, p.match, p));
    }
  }

  if (!layer.protectedPaths.empty) {
    const seen = new Set<string>();
    for (const path of request.referencedPaths) {
      if (seen.has(path)) continue;
      seen.add(path);
      if (layer.protectedPaths.match(path, workspaceRoots) !== undefined) {
        references.push({ rule: rule.id, kind: 'protected-path', action: referenceAction, path });
      }
    }
    for (const segment of request.segments) {
      if (!segment.path || !roleOk(segment.role)) continue;
      if (layer.protectedPaths.match(segment.path, workspaceRoots) === undefined) continue;
      if (isLabelledContent(segment, ctx)) {
        content.push({ rule: rule.id, kind: 'protected-path', action: rule.action, segment: segment.id, path: segment.path });
      } else {
        references.push({ rule: rule.id, kind: 'protected-path', action: referenceAction, segment: segment.id, path: segment.path });
      }
    }
  }
  if (layer.markers) {
    for (const segment of request.segments) {
      if (!roleOk(segment.role)) continue;
      // One finding per segment is enough to decide and to show where (the regex is not global: no state).
      const m = layer.markers.exec(segment.text);
      if (m) {
        content.push({
          rule: rule.id,
          kind: 'protected-content',
          action: rule.action,
          segment: segment.id,
          start: m.index,
          end: m.index + m[0].length,
          ...(segment.path ? { path: segment.path } : {}),
          ...previewOf(segment, m[0]),
        });
      }
    }
  }
  return { content, references };
}

/**
 * Whether a segment labelled with a protected path carries that file's content. A `file`
 * segment does (the client says so: an attachment, a labelled file block). A tool result named
 * after the path its call touched is judged by its content when the host has a fingerprint
 * index (a hook refusal, "File created", a directory listing are not code, and a file's
 * content is found by fingerprint); without one — or while the index is still being built and
 * does not have that file yet — failing closed, it counts when it is more than a status line:
 * numbered lines, or several lines.
 */
function isLabelledContent(segment: EgressSegment, ctx: RequestContext): boolean {
  if (segment.text.trim() === '') return false;
  if (segment.role === 'file') return true;
  if (segment.role !== 'tool-result') return false;
  const index = ctx.protectedIndex;
  if (index && (!index.building || candidatesFor(segment.path!, ctx.workspaceRoots).some((c) => index.has(c)))) return false;
  // A numbered listing (`cat -n`, Claude Code's Read) is file content however short.
  if (NUMBERED_LINE.test(segment.text)) return true;
  let lines = 0;
  for (const line of segment.text.split('\n')) if (line.trim() !== '' && ++lines >= MIN_LABELLED_RESULT_LINES) return true;
  return false;
}

function detectorFindings(layer: CompiledLayer, rule: CompiledEgressRule, ctx: RequestContext): Finding[] {
  const scanner = layer.scanner;
  if (!scanner) return [];
  const out: Finding[] = [];
  // The layer's `credentials` entry for this destination, looked up once (false: none).
  let declared: CompiledLayer['credentials'][number]['detectors'] | false | undefined;
  const matches = ctx.scan(scanner);
  const segments = ctx.request.segments;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const found = matches[i]!;
    if (found.length === 0 || (rule.roles && !rule.roles.has(segment.role))) continue;
    const credential = segment.role === 'credential';
    for (const m of found) {
      if (!rule.detectors!.matches(m.detector)) continue;
      const custom = scanner.customIds.has(m.detector);
      // The client's own key to the destination is what a credential segment is for; the
      // company's own detectors and another service's key still count (see credentials.ts).
      if (credential && !countsInCredential(m.detector, custom, ctx.destination?.hostname, (declared ??= declaredCredentials(layer, ctx)) || undefined)) continue;
      out.push({
        rule: rule.id,
        detector: m.detector,
        kind: custom ? 'custom-detector' : 'secret',
        action: rule.action,
        segment: segment.id,
        start: m.start,
        end: m.end,
        ...(segment.path ? { path: segment.path } : {}),
        ...previewOf(segment, segment.text.slice(m.start, m.end)),
      });
    }
  }
  return out;
}

/** The detectors of the keys the destination takes, when the layer's `credentials` names its group. */
function declaredCredentials(layer: CompiledLayer, ctx: RequestContext): CompiledLayer['credentials'][number]['detectors'] | false {
  for (const { group, detectors } of layer.credentials) if (group.matches(ctx.destination)) return detectors;
  return false;
}

/** A finding's preview: none for a credential segment (not even four characters of a key leave in a finding). */
function previewOf(segment: EgressSegment, match: string): { preview?: string } {
  return segment.role === 'credential' ? {} : { preview: previewSecret(match) };
}
