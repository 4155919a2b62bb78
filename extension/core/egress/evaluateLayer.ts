// Evaluates one compiled layer against one request: which rules fire and with which findings.
// Layers never see each other's detectors, allowlists or rules (see policies/README.md).
import { previewSecret } from '../detectors';
import type { RequestContext } from './context';
import type { CompiledEgressRule, CompiledLayer } from './layer';
import type { Finding } from './types';

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
    if (rule.protected) {
      const found = protectedFindings(layer, rule, ctx);
      if (found.length === 0) continue;
      findings = found;
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
    fired.push({ rule, layer: layer.name, findings });
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

function protectedFindings(layer: CompiledLayer, rule: CompiledEgressRule, ctx: RequestContext): Finding[] {
  const out: Finding[] = [];
  const { request, workspaceRoots } = ctx;
  if (!layer.protectedPaths.empty) {
    const seen = new Set<string>();
    for (const path of request.referencedPaths) {
      if (seen.has(path)) continue;
      seen.add(path);
      if (layer.protectedPaths.match(path, workspaceRoots) !== undefined) {
        out.push({ rule: rule.id, kind: 'protected-path', action: rule.action, path });
      }
    }
    for (const segment of request.segments) {
      if (!segment.path || (rule.roles && !rule.roles.has(segment.role))) continue;
      if (layer.protectedPaths.match(segment.path, workspaceRoots) !== undefined) {
        out.push({ rule: rule.id, kind: 'protected-path', action: rule.action, segment: segment.id, path: segment.path });
      }
    }
  }
  if (layer.markers) {
    for (const segment of request.segments) {
      if (rule.roles && !rule.roles.has(segment.role)) continue;
      // One finding per segment is enough to decide and to show where (the regex is not global: no state).
      const m = layer.markers.exec(segment.text);
      if (m) {
        out.push({
          rule: rule.id,
          kind: 'protected-content',
          action: rule.action,
          segment: segment.id,
          start: m.index,
          end: m.index + m[0].length,
          ...(segment.path ? { path: segment.path } : {}),
          preview: previewSecret(m[0]),
        });
      }
    }
  }
  return out;
}

function detectorFindings(layer: CompiledLayer, rule: CompiledEgressRule, ctx: RequestContext): Finding[] {
  const scanner = layer.scanner;
  if (!scanner) return [];
  const out: Finding[] = [];
  const matches = ctx.scan(scanner);
  const segments = ctx.request.segments;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const found = matches[i]!;
    if (found.length === 0 || (rule.roles && !rule.roles.has(segment.role))) continue;
    for (const m of found) {
      if (!rule.detectors!.matches(m.detector)) continue;
      out.push({
        rule: rule.id,
        detector: m.detector,
        kind: scanner.customIds.has(m.detector) ? 'custom-detector' : 'secret',
        action: rule.action,
        segment: segment.id,
        start: m.start,
        end: m.end,
        ...(segment.path ? { path: segment.path } : {}),
        preview: previewSecret(segment.text.slice(m.start, m.end)),
      });
    }
  }
  return out;
}
