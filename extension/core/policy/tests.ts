// Runs the tests embedded in policies (like OPA's): each example request must get the
// expected verdict. A layer's tests run against that layer and the layers above it, so an
// organization's tests do not depend on what a workspace adds.
import type { EgressOptions, EgressRequest, EgressSegment } from '../egress/types';
import { FingerprintIndex } from '../fingerprint';
import { LayeredPolicy, type AirlockPolicy, type PolicyTestCase } from './layered';
import type { TestRequestSpec } from './schema';

export interface PolicyTestResult {
  name: string;
  layer: string;
  source: string;
  line: number;
  column: number;
  passed: boolean;
  /** Why it failed, one line each; never quotes request text. */
  failures: string[];
}

export function runPolicyTests(policy: AirlockPolicy): PolicyTestResult[] {
  const byDepth = new Map<number, LayeredPolicy>();
  const policyFor = (layer: string): AirlockPolicy => {
    const depth = policy.layers.indexOf(layer);
    if (depth < 0 || depth === policy.layers.length - 1) return policy;
    let p = byDepth.get(depth);
    if (!p) {
      p = new LayeredPolicy(policy.compiledLayers.slice(0, depth + 1));
      byDepth.set(depth, p);
    }
    return p;
  };
  return policy.tests.map((t) => runOne(t, policyFor(t.layer)));
}

function runOne(t: PolicyTestCase, policy: AirlockPolicy): PolicyTestResult {
  const failures: string[] = [];
  const { spec } = t;
  if (spec.request) {
    const verdict = policy.evaluateEgress(toRequest(spec.request), protectedIndexFor(spec.request));
    const rules = new Set(verdict.findings.map((f) => f.rule));
    const detectors = new Set(verdict.findings.flatMap((f) => (f.detector ? [f.detector] : [])));
    if (spec.expect.action && verdict.action !== spec.expect.action) {
      failures.push(`expected action ${spec.expect.action}, got ${verdict.action}${verdict.rule ? ` (rule ${verdict.rule})` : ''}`);
    }
    for (const r of spec.expect.rules ?? []) if (!rules.has(r)) failures.push(`expected rule ${r} to fire; fired: ${list(rules)}`);
    for (const d of spec.expect.detectors ?? []) if (!detectors.has(d)) failures.push(`expected detector ${d} to match; matched: ${list(detectors)}`);
  } else if (spec.reviewPath !== undefined) {
    const req = policy.reviewFor(spec.reviewPath);
    const actual = req.forbidden ? 'forbidden' : req.requireApproval ? 'require-approval' : 'none';
    if (spec.expect.review && spec.expect.review !== actual) failures.push(`expected review ${spec.expect.review} for ${spec.reviewPath}, got ${actual}`);
    const ruleIds = new Set([req.forbidden?.rule, req.requireApproval?.rule].filter((x): x is string => !!x));
    for (const r of spec.expect.rules ?? []) if (!ruleIds.has(r)) failures.push(`expected review rule ${r}; got: ${list(ruleIds)}`);
  } else {
    failures.push('test has neither "request" nor "reviewPath"');
  }
  return { name: spec.name, layer: t.layer, source: t.source, line: t.line, column: t.column, passed: failures.length === 0, failures };
}

function list(values: Set<string>): string {
  return values.size > 0 ? [...values].join(', ') : '(none)';
}

/** The fingerprint index of a test's `protectedFiles`, as a host would build it for its workspace. */
function protectedIndexFor(spec: TestRequestSpec): EgressOptions {
  if (!spec.protectedFiles) return {};
  const index = new FingerprintIndex();
  for (const f of spec.protectedFiles) index.add(f.path, f.text);
  return { protectedIndex: index };
}

/** Builds the engine's request from a test's example. */
export function toRequest(spec: TestRequestSpec): EgressRequest {
  const segments: EgressSegment[] = [];
  if (spec.text !== undefined) segments.push({ id: 'text', role: 'user', text: spec.text });
  for (const [i, s] of (spec.segments ?? []).entries()) {
    segments.push({ id: s.id ?? `segments[${i}]`, role: s.role, text: s.text, ...(s.path !== undefined ? { path: s.path } : {}) });
  }
  return {
    destination: spec.destination,
    segments,
    referencedPaths: spec.referencedPaths ?? [],
    ...(spec.attachments?.length
      ? { attachments: spec.attachments.map((a, i) => ({ id: `attachments[${i}]`, bytes: a.bytes ?? 0, ...(a.mediaType !== undefined ? { mediaType: a.mediaType } : {}) })) }
      : {}),
    ...(spec.assistant !== undefined ? { assistant: spec.assistant } : {}),
  };
}
