// Compiles one resolved layer (a policy file with its extends) into what the engine
// evaluates: path matchers, the marker regex, detectors, destination groups and rules. Every
// mistake that only shows at this stage becomes a positioned problem.
import { RE2JS } from 're2js';
import {
  BUILTIN_SECRET_DETECTORS,
  compileCustomDetector,
  compileDetectors,
  DetectorCompileError,
  scanText,
  type CompiledDetectors,
  type CustomDetector,
  type DetectorSpec,
} from '../detectors';
import type { CompiledAttachments, CompiledEgressRule, CompiledLayer, CompiledReviewRule, LayerScanner } from '../egress/layer';
import { compileEntry, DestinationGroup } from './destinations';
import { NameMatcher } from './globs';
import { PathMatcher } from './paths';
import type { PolicyProblem } from './problems';
import { messageOf, problemAtLocation, type Located, type ResolvedPolicy } from './resolve';

const BUILTIN_IDS: ReadonlySet<string> = new Set(BUILTIN_SECRET_DETECTORS.map((d: DetectorSpec) => d.id));

/** Scanners shared between layers with the same detector configuration, within one load. */
export type ScannerCache = Map<string, LayerScanner>;

export function compileLayer(name: string, resolved: ResolvedPolicy, cache: ScannerCache = new Map()): { layer: CompiledLayer; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const report = (where: Located<unknown>, message: string, severity: PolicyProblem['severity'] = 'error', ...sub: (string | number)[]) =>
    problems.push(problemAtLocation(resolved, { source: where.source, path: [...where.path, ...sub] }, message, severity));

  const destinations = new Map<string, DestinationGroup>();
  for (const [group, located] of resolved.destinations) {
    const entries: string[] = [];
    located.value.forEach((entry, i) => {
      try {
        compileEntry(entry);
        entries.push(entry);
      } catch (error) {
        report(located, `destinations.${group}[${i}]: ${messageOf(error)}`, 'error', i);
      }
    });
    destinations.set(group, new DestinationGroup(group, entries));
  }

  const usesDetectors = resolved.egress.some((r) => r.value.when.detectors !== undefined);
  const scanner = usesDetectors ? buildScanner(resolved, report, cache) : undefined;
  const knownDetectorIds = new Set([...BUILTIN_IDS, ...resolved.customDetectors.map((c) => c.value.id), ...resolved.imports.flatMap((i) => i.value.config.detectors.map((d) => d.id))]);

  const egress: CompiledEgressRule[] = [];
  for (const located of resolved.egress) {
    const rule = located.value;
    const when = rule.when;
    if (rule.action === 'redact' && !when.detectors) {
      report(located, `egress rule "${rule.id}": "redact" needs when.detectors (only detected secrets can be redacted; use "block" for protected code)`, 'error', 'action');
    }
    for (const [i, d] of (when.detectors ?? []).entries()) {
      if (!d.includes('*') && !knownDetectorIds.has(d.replace(/^!/, ''))) {
        report(located, `egress rule "${rule.id}": unknown detector "${d}"`, 'warning', 'when', 'detectors', i);
      }
    }
    let destinationCondition: CompiledEgressRule['destinations'];
    if (when.destinations) {
      destinationCondition = { include: [], exclude: [] };
      for (const [i, raw] of when.destinations.entries()) {
        const negate = raw.startsWith('!');
        const groupName = negate ? raw.slice(1) : raw;
        const group = destinations.get(groupName);
        if (!group) {
          report(located, `egress rule "${rule.id}": unknown destination group "${groupName}" (define it under "destinations")`, 'error', 'when', 'destinations', i);
          continue;
        }
        (negate ? destinationCondition.exclude : destinationCondition.include).push(group);
      }
    }
    egress.push({
      id: rule.id,
      action: rule.action,
      message: rule.message ?? defaultMessage(rule.id, rule.action),
      protected: when.protected === true,
      ...(when.detectors ? { detectors: new NameMatcher(when.detectors) } : {}),
      ...(destinationCondition ? { destinations: destinationCondition } : {}),
      ...(when.assistants ? { assistants: new NameMatcher(when.assistants) } : {}),
      ...(when.segmentRoles ? { roles: new Set(when.segmentRoles) } : {}),
    });
  }

  const review: CompiledReviewRule[] = resolved.review.map(({ value: rule }) => ({
    id: rule.id,
    action: rule.action,
    paths: new PathMatcher(rule.paths),
    distinctReviewer: rule.distinctReviewer === true,
    ...(rule.signatures ? { signatures: rule.signatures } : {}),
    ...(rule.allowedSigners ? { allowedSigners: rule.allowedSigners } : {}),
    ...(rule.disclosure ? { disclosure: rule.disclosure } : {}),
    message: rule.message ?? (rule.action === 'forbid' ? `AI-written code is not allowed here (rule "${rule.id}").` : `AI-written code here needs a human approval (rule "${rule.id}").`),
  }));

  for (const test of resolved.tests) {
    const hasRequest = test.value.request !== undefined;
    const hasPath = test.value.reviewPath !== undefined;
    if (hasRequest === hasPath) report(test, `test "${test.value.name}": give exactly one of "request" or "reviewPath"`);
  }

  const agentDestinations = new Map<string, string>();
  for (const [agent, located] of resolved.agents) agentDestinations.set(agent, located.value.destination);
  let attachments: CompiledAttachments | undefined;
  if (resolved.attachments) {
    const setting = resolved.attachments.value;
    if (typeof setting === 'string') attachments = { byGroup: [], fallback: setting };
    else {
      attachments = { byGroup: [], fallback: setting.default ?? 'allow' };
      for (const [groupName, action] of Object.entries(setting.destinations ?? {})) {
        const group = destinations.get(groupName);
        if (!group) report(resolved.attachments, `attachments: unknown destination group "${groupName}" (define it under "destinations")`, 'error', 'destinations', groupName);
        else attachments.byGroup.push({ group, action });
      }
    }
  }

  const credentials: CompiledLayer['credentials'] = [];
  for (const [groupName, located] of resolved.credentials) {
    const group = destinations.get(groupName);
    for (const [i, d] of located.value.entries()) {
      if (!d.includes('*') && !knownDetectorIds.has(d.replace(/^!/, ''))) report(located, `credentials.${groupName}: unknown detector "${d}"`, 'warning', i);
    }
    if (!group) report(located, `credentials: unknown destination group "${groupName}" (define it under "destinations")`);
    // `[]` names no key (a NameMatcher without includes would match every id).
    else credentials.push({ group, detectors: located.value.length ? new NameMatcher(located.value) : { matches: () => false } });
  }

  const markers = resolved.markers.map((m) => m.value);
  const layer: CompiledLayer = {
    name,
    source: resolved.root,
    onUnparseable: resolved.onUnparseable?.value ?? 'block',
    ...(resolved.auditExport ? { auditExport: resolved.auditExport.value } : {}),
    protectedPaths: new PathMatcher(resolved.protectedPaths.map((p) => p.value)),
    references: resolved.references?.value ?? 'ignore',
    fingerprints: [],
    orgSets: [],
    ...(markers.length > 0 ? { markers: markerRegExp(markers) } : {}),
    ...(scanner ? { scanner } : {}),
    egress,
    review,
    ...(agentDestinations.size > 0 ? { agentDestinations } : {}),
    proxy: { inspect: resolved.proxyInspect, tunnel: resolved.proxyTunnel, otherHosts: resolved.otherHosts ?? 'tunnel' },
    ...(attachments ? { attachments } : {}),
    credentials,
  };
  return { layer, problems };
}

function buildScanner(
  resolved: ResolvedPolicy,
  report: (where: Located<unknown>, message: string, severity?: PolicyProblem['severity'], ...sub: (string | number)[]) => void,
  cache: ScannerCache,
): LayerScanner | undefined {
  const disabled = new Set(resolved.disabledDetectors.map((d) => d.value));
  for (const d of resolved.disabledDetectors) {
    if (!BUILTIN_IDS.has(d.value)) report(d, `unknown built-in detector "${d.value}"`, 'warning');
  }
  const regexes: string[] = [];
  for (const p of resolved.allowlistPatterns) {
    try {
      RE2JS.compile(p.value);
      regexes.push(p.value);
    } catch (error) {
      report(p, `allowlist pattern is not a valid RE2 regex: ${messageOf(error)}`);
    }
  }
  const custom: CustomDetector[] = [];
  for (const c of resolved.customDetectors) {
    if (BUILTIN_IDS.has(c.value.id)) {
      report(c, `custom detector id "${c.value.id}" is a built-in detector id; choose another id`, 'error', 'id');
      continue;
    }
    try {
      custom.push(compileCustomDetector(c.value));
    } catch (error) {
      const reason = error instanceof DetectorCompileError ? error.reason : messageOf(error);
      report(c, `custom detector "${c.value.id}": ${reason}`, 'error', 'regex');
    }
  }
  // Imported gitleaks rules: a rule with a built-in id replaces that built-in, as in gitleaks.
  const imported = new Map<string, CustomDetector>();
  for (const i of resolved.imports) {
    for (const d of i.value.config.detectors) {
      if (custom.some((c) => c.id === d.id)) report(i, `detectors.import: rule "${d.id}" has the id of a custom detector; the custom detector wins`, 'warning');
      else imported.set(d.id, d);
    }
  }
  custom.push(...imported.values());
  const builtins = resolved.builtinDetectors ? BUILTIN_SECRET_DETECTORS.filter((d: DetectorSpec) => !disabled.has(d.id) && !imported.has(d.id)) : [];
  const key = JSON.stringify({
    builtins: builtins.map((d: DetectorSpec) => d.id),
    custom: resolved.customDetectors.map((c) => c.value),
    imported: [...imported.values()].map((d) => [d.id, d.re2.toString(), d.keywords, d.minEntropy, d.allowlists?.map((a) => [a.target, a.condition, a.stopwords, a.regexes.map((r) => r.toString())])]),
    values: resolved.allowlist,
    regexes,
  });
  const cached = cache.get(key);
  if (cached) return cached;
  let compiled: CompiledDetectors;
  try {
    compiled = compileDetectors([...builtins, ...custom], { allowlist: { values: resolved.allowlist, regexes } });
  } catch (error) {
    const at = resolved.customDetectors[0] ?? resolved.egress[0]!;
    report(at, `detectors cannot be compiled: ${messageOf(error)}`);
    return undefined;
  }
  const scanner: LayerScanner = {
    scan: (text) => scanText(text, compiled),
    customIds: new Set(custom.map((c) => c.id)),
    ids: new Set(compiled.ids),
    // Conservative: any `^` or `$` (even inside a class) keeps segments apart when scanning.
    batchable: !resolved.customDetectors.some((c) => /[\^$]/.test(c.value.regex)),
  };
  cache.set(key, scanner);
  return scanner;
}

function defaultMessage(id: string, action: CompiledEgressRule['action']): string {
  switch (action) {
    case 'block':
      return `Blocked by Airlock policy rule "${id}".`;
    case 'redact':
      return `Secrets were redacted by Airlock policy rule "${id}".`;
    case 'warn':
      return `Airlock policy rule "${id}" flagged this request.`;
    case 'audit':
      return `Recorded by Airlock policy rule "${id}".`;
    default:
      return '';
  }
}

/**
 * One case-insensitive alternation of the markers, each matched as whole words so that the
 * marker `CONFIDENTIAL` does not fire on `isConfidentialClient`. Literals only: no backtracking.
 */
function markerRegExp(markers: readonly string[]): RegExp {
  const word = /[A-Za-z0-9_]/;
  const alternatives = markers.map((m) => {
    const before = word.test(m.charAt(0)) ? '(?<![A-Za-z0-9_])' : '';
    const after = word.test(m.charAt(m.length - 1)) ? '(?![A-Za-z0-9_])' : '';
    return `${before}${escapeRegExp(m)}${after}`;
  });
  return new RegExp(alternatives.join('|'), 'i');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
