// Loads the policy layers (organization above workspace) and builds the CompiledPolicy the
// rest of Airlock uses. Layers are compiled and evaluated independently; see
// policies/README.md ("Layers") for why a lower layer can add and tighten but never loosen.
import { startScanDeadline } from '../detectors/customSearch';
import { DecodeBudgetError, DetectorBudgetError } from '../detectors/types';
import { evaluateLayers, unparseableVerdict } from '../egress/evaluate';
import { deserializeIndex, FingerprintFormatError, type FingerprintIndex } from '../fingerprint';
import { deserializeOrgSet, isOrgSetFile, OrgSetFormatError, type OrgFingerprintSet } from '../fingerprint/orgSet';
import type { CompiledLayer } from '../egress/layer';
import { ACTION_STRENGTH, type EgressAction, type EgressOptions, type EgressRequest, type Verdict } from '../egress/types';
import { compileLayer, type ScannerCache } from './compile';
import { aiHostFamily, isInspectedHost } from '../dialects/hosts';
import type { CompiledPolicy, ProxyPolicy, ReviewRequirement } from './contract';
import { hasErrors, problemAt, type PolicyProblem } from './problems';
import { problemAtLocation, resolvePolicy, type Located, type PolicyReader, type ResolvedPolicy } from './resolve';
import type { AuditExportSpec, PolicyTestSpec } from './schema';

export interface LayerRefs {
  /** Organization policy (file path or https URL from an admin-level setting). */
  organization?: string;
  /** Workspace policy (usually `.airlock/policy.jsonc`, else `airlock:secrets`). */
  workspace?: string;
}

export interface PolicyTestCase {
  layer: string;
  spec: PolicyTestSpec;
  source: string;
  path: (string | number)[];
  line: number;
  column: number;
}

/** The CompiledPolicy of the contract, plus what tooling (tests, CLI) needs. */
export interface AirlockPolicy extends CompiledPolicy {
  /** Compiled layers, highest first. */
  readonly compiledLayers: readonly CompiledLayer[];
  /** Root policy reference of each layer, highest first. */
  readonly sources: readonly string[];
  /** Every policy file read for any layer (extended files too), e.g. to know which open files are policies. */
  readonly files: readonly string[];
  /** Embedded tests of each layer's root file. */
  readonly tests: readonly PolicyTestCase[];
  /** The strongest `onUnparseable` of all layers (default block). */
  readonly onUnparseable: EgressAction;
  /** The verdict for a request the interceptor could not parse. */
  unparseableVerdict(reason: string): Verdict;
  /** True when this is the fail-closed stand-in for a policy that could not be loaded. */
  readonly failedClosed: boolean;
}

export interface LoadedPolicy {
  policy: AirlockPolicy;
  problems: PolicyProblem[];
  /** False when there are errors; `policy` then blocks everything (fail closed). */
  ok: boolean;
}

export interface LayerReaders {
  /** Reads the organization layer (its root and what it extends), e.g. with signature checks. Default: `read`. */
  organization?: PolicyReader;
}

export async function loadLayeredPolicy(refs: LayerRefs, read: PolicyReader, readers: LayerReaders = {}): Promise<LoadedPolicy> {
  try {
    return await loadLayers(refs, read, readers);
  } catch (error) {
    // Problems are reported, not thrown; anything thrown anyway is a bug, and still fails closed.
    const problem = problemAt(refs.workspace ?? refs.organization ?? '(none)', undefined, 0, 0, `internal error while loading the policy: ${error instanceof Error ? error.message : String(error)}`);
    return { policy: failClosedPolicy(problem.message), problems: [problem], ok: false };
  }
}

async function loadLayers(refs: LayerRefs, read: PolicyReader, readers: LayerReaders): Promise<LoadedPolicy> {
  const named: [string, string][] = [];
  if (refs.organization) named.push(['organization', refs.organization]);
  if (refs.workspace) named.push(['workspace', refs.workspace]);
  if (named.length === 0) {
    const problem = problemAt('(none)', undefined, 0, 0, 'no policy given');
    return { policy: failClosedPolicy(problem.message), problems: [problem], ok: false };
  }
  const problems: PolicyProblem[] = [];
  const resolved: [string, ResolvedPolicy][] = [];
  for (const [name, ref] of named) {
    const r = await resolvePolicy(ref, name === 'organization' && readers.organization ? readers.organization : read);
    problems.push(...r.problems);
    resolved.push([name, r]);
  }
  problems.push(...idConflicts(resolved));
  const cache: ScannerCache = new Map();
  const layers: CompiledLayer[] = [];
  const tests: PolicyTestCase[] = [];
  for (const [name, r] of resolved) {
    if (hasErrors(r.problems)) continue;
    const { layer, problems: compileProblems } = compileLayer(name, r, cache);
    problems.push(...compileProblems);
    const loadedFingerprints = await loadFingerprintFiles(r, read, problems);
    layer.fingerprints = loadedFingerprints.exact;
    layer.orgSets = loadedFingerprints.orgSets;
    layers.push(layer);
    tests.push(...r.tests.map((t) => testCase(name, r, t)));
  }
  if (hasErrors(problems)) {
    const first = problems.find((p) => p.severity === 'error')!;
    return { policy: failClosedPolicy(`policy error in ${first.source}:${first.line}:${first.column}`), problems, ok: false };
  }
  const files = [...new Set(resolved.flatMap(([, r]) => r.sources))];
  return { policy: new LayeredPolicy(layers, tests, files), problems, ok: true };
}

/**
 * Reads the layer's `protected.fingerprints` files. A file that cannot be read or is not a
 * fingerprint file is an error: the policy then fails closed, as for any policy it names.
 */
async function loadFingerprintFiles(r: ResolvedPolicy, read: PolicyReader, problems: PolicyProblem[]): Promise<{ exact: FingerprintIndex[]; orgSets: OrgFingerprintSet[] }> {
  const out: FingerprintIndex[] = [];
  const orgSets: OrgFingerprintSet[] = [];
  for (const f of r.fingerprints) {
    if (!read.readBytes) {
      problems.push(problemAtLocation(r, f, `fingerprint file "${f.value}": this host cannot read fingerprint files`));
      continue;
    }
    try {
      const bytes = await read.readBytes(f.value);
      // An exact index (`airlock fingerprint build`) or an org-wide set (`airlock fingerprint org-set`).
      if (isOrgSetFile(bytes)) orgSets.push(deserializeOrgSet(bytes));
      else out.push(deserializeIndex(bytes));
    } catch (error) {
      const reason = error instanceof FingerprintFormatError || error instanceof OrgSetFormatError ? error.message : `cannot read it: ${error instanceof Error ? error.message : String(error)}`;
      problems.push(problemAtLocation(r, f, `fingerprint file "${f.value}": ${reason}`));
    }
  }
  return { exact: out, orgSets };
}

/** Loads one policy file as a single layer (what `airlock policy validate/test` do per file). */
export function loadPolicy(ref: string, read: PolicyReader): Promise<LoadedPolicy> {
  return loadLayeredPolicy({ workspace: ref }, read);
}

function testCase(layer: string, r: ResolvedPolicy, t: Located<PolicyTestSpec>): PolicyTestCase {
  const p = problemAtLocation(r, t, '');
  return { layer, spec: t.value, source: t.source, path: t.path, line: p.line, column: p.column };
}

/**
 * A lower layer must not reuse a higher layer's rule id: it reads as an override, and
 * overriding is exactly what layers forbid. The same rule inherited from the same file
 * (both layers extend `airlock:secrets`) is fine: it is the same rule.
 */
function idConflicts(resolved: [string, ResolvedPolicy][]): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const higher = new Map<string, { layer: string; source: string }>();
  for (const [name, r] of resolved) {
    const rules: Located<{ id: string }>[] = [...r.egress, ...r.review];
    for (const rule of rules) {
      const prior = higher.get(rule.value.id);
      if (prior && prior.source !== rule.source) {
        out.push(
          problemAtLocation(
            r,
            { source: rule.source, path: [...rule.path, 'id'] },
            `rule id "${rule.value.id}" is already defined by the ${prior.layer} policy; a ${name} policy cannot redefine or loosen it — choose another id`,
          ),
        );
      }
    }
    for (const rule of rules) if (!higher.has(rule.value.id)) higher.set(rule.value.id, { layer: name, source: rule.source });
  }
  return out;
}

export class LayeredPolicy implements AirlockPolicy {
  readonly layers: readonly string[];
  readonly sources: readonly string[];
  readonly onUnparseable: EgressAction;
  readonly auditExport?: AuditExportSpec;
  readonly failedClosed = false;
  readonly proxy: ProxyPolicy;

  constructor(
    readonly compiledLayers: readonly CompiledLayer[],
    readonly tests: readonly PolicyTestCase[] = [],
    readonly files: readonly string[] = compiledLayers.map((l) => l.source),
  ) {
    this.layers = compiledLayers.map((l) => l.name);
    this.sources = compiledLayers.map((l) => l.source);
    // The highest layer that names an audit destination decides where audit goes.
    const exporting = compiledLayers.find((l) => l.auditExport);
    if (exporting?.auditExport) this.auditExport = exporting.auditExport;
    this.onUnparseable = compiledLayers.reduce<EgressAction>(
      (strongest, l) => (ACTION_STRENGTH[l.onUnparseable] > ACTION_STRENGTH[strongest] ? l.onUnparseable : strongest),
      compiledLayers.length > 0 ? 'allow' : 'block',
    );
    this.proxy = layeredProxy(compiledLayers);
  }

  evaluateEgress(request: EgressRequest, options: EgressOptions = {}): Verdict {
    // One time budget for custom regexes over the whole request (not one per segment or batch
    // scanned: a request of many hostile pieces would have had each its own floor).
    const endDeadline = startScanDeadline(request.segments.reduce((sum, s) => sum + s.text.length, 0));
    try {
      return evaluateLayers(this.compiledLayers, request, options);
    } catch (error) {
      // Fail closed: an engine fault must never let the request through. The error text is
      // not included (it could quote request content), except a budget error: it names a
      // detector and lengths only (a regex's tells the policy author what to change).
      if (error instanceof DetectorBudgetError || error instanceof DecodeBudgetError) return blockVerdict('airlock:engine-error', `Airlock blocked this request: ${error.message}`);
      return blockVerdict('airlock:engine-error', 'Airlock could not evaluate this request, so it was blocked.');
    } finally {
      endDeadline();
    }
  }

  unparseableVerdict(reason: string): Verdict {
    return unparseableVerdict(this.onUnparseable, reason);
  }

  reviewFor(path: string): ReviewRequirement {
    const out: ReviewRequirement = {};
    for (const layer of this.compiledLayers) {
      for (const rule of layer.review) {
        if (rule.paths.match(path) === undefined) continue;
        // Across layers and rules the strictest setting wins: any rule asking for a distinct
        // reviewer, signatures or a disclosure trailer gets it; the highest layer naming an
        // allowed signers file decides which one.
        if (rule.disclosure && !out.disclosure) out.disclosure = { rule: rule.id, trailer: rule.disclosure };
        if (rule.action === 'forbid') out.forbidden ??= { rule: rule.id, message: rule.message };
        else if (!out.requireApproval) {
          out.requireApproval = { rule: rule.id, message: rule.message, distinctReviewer: rule.distinctReviewer };
          if (rule.signatures) out.requireApproval.signatures = rule.signatures;
          if (rule.allowedSigners) out.requireApproval.allowedSigners = rule.allowedSigners;
        } else {
          if (rule.distinctReviewer) out.requireApproval.distinctReviewer = true;
          if (rule.signatures === 'required') out.requireApproval.signatures = 'required';
          else if (rule.signatures && !out.requireApproval.signatures) out.requireApproval.signatures = rule.signatures;
          if (rule.allowedSigners && !out.requireApproval.allowedSigners) out.requireApproval.allowedSigners = rule.allowedSigners;
        }
      }
    }
    return out;
  }

  /** The destination an agent's hooks decide for: the highest layer that names one wins (a lower layer cannot loosen it). */
  agentDestination(agent: string): string | undefined {
    for (const layer of this.compiledLayers) {
      const destination = layer.agentDestinations?.get(agent);
      if (destination) return destination;
    }
    return undefined;
  }

  isProtectedPath(path: string): { rule: string; message: string } | undefined {
    for (const layer of this.compiledLayers) {
      if (layer.protectedPaths.match(path) === undefined) continue;
      const rule = [...layer.egress].filter((r) => r.protected).sort((a, b) => ACTION_STRENGTH[b.action] - ACTION_STRENGTH[a.action])[0];
      return rule ? { rule: rule.id, message: rule.message } : { rule: 'protected', message: `${path} is protected code under the ${layer.name} policy.` };
    }
    return undefined;
  }
}

/** Inspected hosts: every layer's (inspecting more is stricter). A tunnel needs every layer's consent. */
function layeredProxy(layers: readonly CompiledLayer[]): ProxyPolicy {
  const inspect = [...new Set(layers.flatMap((l) => l.proxy?.inspect ?? []))];
  return {
    inspect,
    tunnelAllowed: (host) =>
      // AI traffic is tunnelled blind only when a layer names the host in `proxy.tunnel`.
      (aiHostFamily(host) === undefined || layers.some((l) => l.proxy && isInspectedHost(host, l.proxy.tunnel))) &&
      layers.every((l) => !l.proxy || l.proxy.otherHosts === 'tunnel' || isInspectedHost(host, l.proxy.tunnel)),
  };
}

function blockVerdict(rule: string, message: string): Verdict {
  return { action: 'block', rule, message, findings: [{ rule, kind: 'unparseable', action: 'block' }] };
}

/** Stands in for a policy that could not be loaded: nothing leaves, all AI code needs review. */
export function failClosedPolicy(reason: string): AirlockPolicy {
  const message = `Airlock blocked this request because the policy could not be loaded (${reason}).`;
  return {
    layers: [],
    compiledLayers: [],
    sources: [],
    files: [],
    tests: [],
    onUnparseable: 'block',
    failedClosed: true,
    evaluateEgress: () => blockVerdict('airlock:policy-error', message),
    unparseableVerdict: () => blockVerdict('airlock:policy-error', message),
    reviewFor: () => ({ requireApproval: { rule: 'airlock:policy-error', message, distinctReviewer: false } }),
    isProtectedPath: () => ({ rule: 'airlock:policy-error', message }),
    agentDestination: () => undefined,
    proxy: { inspect: [], tunnelAllowed: () => false },
  };
}
