// Resolves a policy and everything it `extends` into one merged layer. Reading is injected
// (`read(ref)`) so core stays pure; the node reader lives in extension/cli/policySource.ts.
// Merge order: each `extends` entry in order, then the file itself; later definitions of the
// same rule id, detector id or destination name replace earlier ones; lists of globs and
// markers accumulate.
import { findNodeAtLocation } from 'jsonc-parser';
import { MAX_POLICY_CHARS, nodeFor, parsePolicyText, type ParsedPolicy } from './parse';
import { problemAt, type PolicyProblem } from './problems';
import { PolicyRefError, refKind, resolveRef } from './refs';
import type { AgentSettingsSpec, AuditExportSpec, CustomDetectorSpec, EgressRuleSpec, PolicyDocument, PolicyTestSpec, ReviewRuleSpec } from './schema';
import { importGitleaksConfig, type GitleaksImport } from '../detectors/gitleaks';

/**
 * Reads a policy by canonical reference. `readBytes`, when the host has it, reads binary files
 * the policy names (`protected.fingerprints`); without it such a policy fails to load.
 */
export type PolicyReader = ((ref: string) => Promise<string>) & { readBytes?: (ref: string) => Promise<Uint8Array> };

/** A value with the place it was written, so later problems point at it. */
export interface Located<T> {
  value: T;
  source: string;
  path: (string | number)[];
}

export interface ResolvedPolicy {
  /** Canonical reference of the root file. */
  root: string;
  /** Every file that was read, in merge order (bases first, root last). */
  sources: string[];
  parsed: Map<string, ParsedPolicy>;
  name?: string;
  onUnparseable?: Located<NonNullable<PolicyDocument['onUnparseable']>>;
  /** Audit export (OTLP); the root file's wins over what it extends. */
  auditExport?: Located<AuditExportSpec>;
  protectedPaths: Located<string>[];
  markers: Located<string>[];
  /** Fingerprint files, canonical references (resolved against the policy that names them). */
  fingerprints: Located<string>[];
  references?: Located<NonNullable<NonNullable<PolicyDocument['protected']>['references']>>;
  builtinDetectors: boolean;
  disabledDetectors: Located<string>[];
  allowlist: string[];
  allowlistPatterns: Located<string>[];
  customDetectors: Located<CustomDetectorSpec>[];
  /** gitleaks-format configs loaded by `detectors.import`, located at their import entry. */
  imports: Located<{ ref: string; config: GitleaksImport }>[];
  destinations: Map<string, Located<string[]>>;
  /** The last `attachments` setting in merge order (the file itself wins over what it extends). */
  attachments?: Located<NonNullable<PolicyDocument['attachments']>>;
  /** `credentials` by destination group; later files win per group. */
  credentials: Map<string, Located<string[]>>;
  egress: Located<EgressRuleSpec>[];
  review: Located<ReviewRuleSpec>[];
  /** Agent hook settings by agent id; later files win per agent. */
  agents: Map<string, Located<AgentSettingsSpec>>;
  /** Proxy mode: inspected hosts (accumulated), tunnel exceptions (accumulated), otherHosts (last wins). */
  proxyInspect: string[];
  proxyTunnel: string[];
  otherHosts?: 'tunnel' | 'block';
  /** Tests written in the root file only: bases test themselves. */
  tests: Located<PolicyTestSpec>[];
  problems: PolicyProblem[];
}

export const MAX_EXTENDS_DEPTH = 12;
export const MAX_POLICY_FILES = 64;
const MAX_TOTAL_CHARS = 4 * MAX_POLICY_CHARS;

export async function resolvePolicy(rootRef: string, read: PolicyReader): Promise<ResolvedPolicy> {
  const out: ResolvedPolicy = {
    root: rootRef,
    sources: [],
    parsed: new Map(),
    protectedPaths: [],
    markers: [],
    fingerprints: [],
    builtinDetectors: true,
    disabledDetectors: [],
    allowlist: [],
    allowlistPatterns: [],
    customDetectors: [],
    imports: [],
    destinations: new Map(),
    credentials: new Map(),
    egress: [],
    review: [],
    agents: new Map(),
    proxyInspect: [],
    proxyTunnel: [],
    tests: [],
    problems: [],
  };
  let root: string;
  try {
    root = resolveRef(rootRef);
  } catch (error) {
    out.problems.push(problemAt(rootRef, undefined, 0, 0, messageOf(error)));
    return out;
  }
  out.root = root;
  const state = { totalChars: 0, done: new Set<string>() };
  await visit(root, [], undefined, out, read, state);
  return out;
}

interface Referrer {
  source: string;
  path: (string | number)[];
}

async function visit(
  ref: string,
  stack: string[],
  referrer: Referrer | undefined,
  out: ResolvedPolicy,
  read: PolicyReader,
  state: { totalChars: number; done: Set<string> },
): Promise<void> {
  const report = (message: string) => out.problems.push(problemAtReferrer(out, referrer, ref, message));
  if (stack.includes(ref)) {
    report(`extends cycle: ${[...stack.slice(stack.indexOf(ref)), ref].join(' → ')}`);
    return;
  }
  // A diamond (two bases extending the same preset) merges that preset once.
  if (state.done.has(ref)) return;
  if (stack.length >= MAX_EXTENDS_DEPTH) {
    report(`extends chain is deeper than ${MAX_EXTENDS_DEPTH}`);
    return;
  }
  if (state.done.size >= MAX_POLICY_FILES) {
    report(`more than ${MAX_POLICY_FILES} policy files`);
    return;
  }
  state.done.add(ref);
  let text: string;
  try {
    text = await read(ref);
  } catch (error) {
    report(`cannot read policy "${ref}": ${messageOf(error)}`);
    return;
  }
  if (typeof text !== 'string') {
    report(`cannot read policy "${ref}": the reader returned no text`);
    return;
  }
  state.totalChars += text.length;
  if (state.totalChars > MAX_TOTAL_CHARS && text.length <= MAX_POLICY_CHARS) {
    report('policies with their extends are too large together (limit 4 MB)');
    return;
  }
  const parsed = parsePolicyText(text, ref);
  out.parsed.set(ref, parsed);
  out.problems.push(...parsed.problems);
  const doc = parsed.document;
  if (!doc) return;
  for (const [i, entry] of (doc.extends ?? []).entries()) {
    const here: Referrer = { source: ref, path: ['extends', i] };
    let child: string;
    try {
      child = resolveRef(entry, ref);
    } catch (error) {
      out.problems.push(problemAtReferrer(out, here, entry, messageOf(error)));
      continue;
    }
    await visit(child, [...stack, ref], here, out, read, state);
  }
  merge(doc, ref, ref === out.root, out);
  for (const [i, entry] of (doc.detectors?.import ?? []).entries()) await importRules(entry, { source: ref, path: ['detectors', 'import', i] }, out, read);
}

/** Reads one `detectors.import` entry (a gitleaks TOML config) and records its rules and problems. */
async function importRules(entry: string, here: Referrer, out: ResolvedPolicy, read: PolicyReader): Promise<void> {
  let ref: string;
  let text: string;
  try {
    ref = resolveRef(entry, here.source);
    text = await read(ref);
  } catch (error) {
    out.problems.push(problemAtReferrer(out, here, entry, `cannot read detectors.import "${entry}": ${messageOf(error)}`));
    return;
  }
  if (typeof text !== 'string' || text.length > MAX_POLICY_CHARS) {
    out.problems.push(problemAtReferrer(out, here, entry, `cannot read detectors.import "${entry}": no text, or larger than ${MAX_POLICY_CHARS} chars`));
    return;
  }
  const config = importGitleaksConfig(text);
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  for (const p of config.problems) {
    const offset = starts[Math.min(p.line, starts.length) - 1] ?? 0;
    const end = text.indexOf('\n', offset);
    out.problems.push({ source: ref, line: p.line, column: 1, offset, length: (end === -1 ? text.length : end) - offset, message: p.message, severity: p.severity });
  }
  if (config.useDefault) out.builtinDetectors = true;
  config.globalSecretPatterns.forEach((p) => out.allowlistPatterns.push({ value: p, source: here.source, path: here.path }));
  config.disabledRules.forEach((id) => out.disabledDetectors.push({ value: id, source: here.source, path: here.path }));
  out.imports.push({ value: { ref, config }, source: here.source, path: here.path });
}

function merge(doc: PolicyDocument, source: string, isRoot: boolean, out: ResolvedPolicy): void {
  out.sources.push(source);
  const at = <T>(value: T, ...path: (string | number)[]): Located<T> => ({ value, source, path });
  if (doc.name !== undefined && isRoot) out.name = doc.name;
  if (doc.onUnparseable) out.onUnparseable = at(doc.onUnparseable, 'onUnparseable');
  if (doc.audit?.otlp) out.auditExport = at(doc.audit.otlp, 'audit', 'otlp');
  doc.protected?.paths?.forEach((p, i) => out.protectedPaths.push(at(p, 'protected', 'paths', i)));
  doc.protected?.markers?.forEach((m, i) => out.markers.push(at(m, 'protected', 'markers', i)));
  doc.protected?.fingerprints?.forEach((f, i) => {
    try {
      if (refKind(f) === 'preset' || refKind(source) === 'preset') throw new Error('fingerprint files are files or https URLs, named by a policy file');
      out.fingerprints.push(at(resolveRef(f, source), 'protected', 'fingerprints', i));
    } catch (error) {
      out.problems.push(problemAtLocation(out, { source, path: ['protected', 'fingerprints', i] }, `fingerprint file "${f}": ${messageOf(error)}`));
    }
  });
  if (doc.protected?.references) out.references = at(doc.protected.references, 'protected', 'references');
  if (doc.detectors?.builtin !== undefined) out.builtinDetectors = doc.detectors.builtin;
  doc.detectors?.disable?.forEach((d, i) => out.disabledDetectors.push(at(d, 'detectors', 'disable', i)));
  out.allowlist.push(...(doc.detectors?.allowlist ?? []));
  doc.detectors?.allowlistPatterns?.forEach((p, i) => out.allowlistPatterns.push(at(p, 'detectors', 'allowlistPatterns', i)));
  doc.detectors?.custom?.forEach((c, i) => replaceById(out.customDetectors, at(c, 'detectors', 'custom', i)));
  for (const [name, entries] of Object.entries(doc.destinations ?? {})) out.destinations.set(name, at(entries, 'destinations', name));
  if (doc.attachments !== undefined) out.attachments = at(doc.attachments, 'attachments');
  for (const [group, detectors] of Object.entries(doc.credentials ?? {})) out.credentials.set(group, at(detectors, 'credentials', group));
  doc.egress?.forEach((r, i) => replaceById(out.egress, at(r, 'egress', i)));
  doc.review?.forEach((r, i) => replaceById(out.review, at(r, 'review', i)));
  for (const [agent, settings] of Object.entries(doc.agents ?? {})) out.agents.set(agent, at(settings, 'agents', agent));
  out.proxyInspect.push(...(doc.proxy?.inspect ?? []));
  out.proxyTunnel.push(...(doc.proxy?.tunnel ?? []));
  if (doc.proxy?.otherHosts) out.otherHosts = doc.proxy.otherHosts;
  if (isRoot) doc.tests?.forEach((t, i) => out.tests.push(at(t, 'tests', i)));
}

function replaceById<T extends { id: string }>(list: Located<T>[], item: Located<T>): void {
  const existing = list.findIndex((x) => x.value.id === item.value.id);
  if (existing === -1) list.push(item);
  else list[existing] = item;
}

function problemAtReferrer(out: ResolvedPolicy, referrer: Referrer | undefined, ref: string, message: string): PolicyProblem {
  if (!referrer) return problemAt(ref, undefined, 0, 0, message);
  return problemAtLocation(out, { source: referrer.source, path: referrer.path }, message);
}

/** A problem positioned at a value written in one of the resolved files. */
export function problemAtLocation(
  out: Pick<ResolvedPolicy, 'parsed'>,
  where: { source: string; path: (string | number)[] },
  message: string,
  severity: PolicyProblem['severity'] = 'error',
): PolicyProblem {
  const parsed = out.parsed.get(where.source);
  if (!parsed?.tree) return problemAt(where.source, undefined, 0, 0, message, severity);
  const node = findNodeAtLocation(parsed.tree, where.path) ?? nodeFor(parsed.tree, where.path);
  return problemAt(where.source, parsed.lines, node.offset, node.length, message, severity);
}

export function messageOf(error: unknown): string {
  if (error instanceof PolicyRefError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
