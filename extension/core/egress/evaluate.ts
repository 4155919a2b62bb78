// The egress decision over all layers: each layer is evaluated on its own, the strongest
// action wins, and on a tie the highest layer's first rule decides (so a lower layer can
// only add or tighten, never loosen).
import { evaluateAttachments } from './attachments';
import { RequestContext } from './context';
import { evaluateLayer, type FiredRule } from './evaluateLayer';
import type { CompiledLayer } from './layer';
import { redactSegments } from './redact';
import { ACTION_STRENGTH, type EgressAction, type EgressOptions, type EgressRequest, type Finding, type Verdict } from './types';
import { makePrintable } from './printable';

export type EvaluateOptions = EgressOptions;

export function evaluateLayers(layers: readonly CompiledLayer[], request: EgressRequest, options: EvaluateOptions = {}): Verdict {
  assertWellFormed(request);
  const withOrgHashes = layers.some((l) => l.orgSets.length > 0);
  const ctx = new RequestContext(request, request.workspaceRoots ?? options.workspaceRoots ?? [], options.protectedIndex, withOrgHashes);
  const fired: FiredRule[] = [];
  for (const layer of layers) fired.push(...evaluateLayer(layer, ctx), ...evaluateAttachments(layer, ctx));
  if (fired.length === 0) return makePrintable({ action: 'allow', findings: [], message: '' });

  let decider = fired[0]!;
  for (const f of fired) if (ACTION_STRENGTH[f.rule.action] > ACTION_STRENGTH[decider.rule.action]) decider = f;
  const action = decider.rule.action;
  const all = fired.flatMap((f) => f.findings);
  // Only two layers can report the same finding (an inherited preset): one layer never does.
  const findings = new Set(fired.map((f) => f.layer)).size > 1 ? dedupe(all) : all;
  const verdict: Verdict = { action, findings, message: action === 'allow' ? '' : decider.rule.message, rule: decider.rule.id };
  if (action === 'redact') {
    verdict.redactedSegments = redactSegments(
      request.segments,
      findings.filter((f) => f.action === 'redact'),
    );
  }
  return makePrintable(verdict);
}

/** A malformed request is a fault, and faults block (the caller catches): never a silent allow. */
function assertWellFormed(request: EgressRequest): void {
  if (typeof request?.destination !== 'string' || !Array.isArray(request.segments) || !Array.isArray(request.referencedPaths)) {
    throw new TypeError('malformed egress request');
  }
  for (const s of request.segments) {
    if (typeof s?.text !== 'string' || typeof s.id !== 'string' || (s.path !== undefined && typeof s.path !== 'string')) {
      throw new TypeError('malformed egress segment');
    }
  }
  for (const p of request.referencedPaths) if (typeof p !== 'string') throw new TypeError('malformed referenced path');
  if (request.attachments !== undefined && !Array.isArray(request.attachments)) throw new TypeError('malformed attachments');
}

/** Two layers firing on the same span with the same rule id (an inherited preset) count once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}|${f.kind}|${f.detector ?? ''}|${f.segment ?? ''}|${f.start ?? ''}|${f.end ?? ''}|${f.path ?? ''}|${f.source ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The verdict for a request the interceptor could not parse, per the policy's `onUnparseable`. */
export function unparseableVerdict(action: EgressAction, reason: string): Verdict {
  const rule = 'airlock:unparseable';
  const safeReason = reason.length > 120 ? `${reason.slice(0, 117)}…` : reason;
  const message = action === 'allow' ? '' : `Airlock could not read this request (${safeReason}); policy onUnparseable is "${action}".`;
  return makePrintable({ action, rule, message, findings: [{ rule, kind: 'unparseable', action }] });
}
