// The one decision behind every agent's hooks. Adapters turn an agent's payload into a
// HookCheck; the CLI reads the files it names (after resolving their real paths); this decides
// with the same engine as the gateway: the text that would reach the model, with its paths,
// for the destination the agent sends to. Pure: no I/O, never throws (a fault denies).
import type { CompiledPolicy } from '../policy/contract';
import { ACTION_STRENGTH, type EgressOptions, type EgressRequest, type EgressSegment, type Finding, type SegmentRole, type Verdict } from '../egress/types';

export interface HookFile {
  /** Workspace-relative POSIX path of the real file (symlinks resolved). */
  path: string;
  /** The file's text; undefined when it could not be read (decided by path alone). */
  text?: string;
}

export interface HookMessage {
  role: SegmentRole;
  text: string;
}

export type HookCheck =
  /** A prompt about to be sent (with any files attached to it). */
  | { kind: 'prompt'; text: string; files?: HookFile[] }
  /** A whole model request the hook may rewrite (Gemini BeforeModel). */
  | { kind: 'model-request'; messages: HookMessage[] }
  /** Files a tool would read (a read tool, a folder search's reach, a shell command's operands). */
  | { kind: 'read'; tool: string; files: HookFile[]; unchecked?: string }
  /** Files a tool would write (before it runs). */
  | { kind: 'write'; tool: string; paths: string[] };

export interface HookContext {
  agent: string;
  /** Where the agent sends (shown in refusals). */
  destination: string;
  /** Every destination to decide for (one per policy layer's view, see agentDestinationViews); default `[destination]`. */
  destinations?: readonly string[];
  workspaceRoots?: string[];
  /**
   * The policy's own files (workspace-relative): they name the markers and allowlisted values,
   * so judging them as content would refuse every search of the workspace.
   */
  policyFiles?: readonly string[];
  /** What the host gives the engine beside the request: the workspace fingerprint index (copies of protected code). */
  egressOptions?: EgressOptions;
}

export interface HookDecision {
  /** `rewrite`: go ahead with `messages` in place of the original (redacted secrets). */
  outcome: 'allow' | 'deny' | 'rewrite';
  /** What the agent and the engineer are told; empty for a plain allow. Never quotes guarded text. */
  message: string;
  rule?: string;
  /** A non-blocking note (a `warn` verdict). */
  warning?: string;
  messages?: HookMessage[];
  verdict?: Verdict;
}

const ALLOW: HookDecision = { outcome: 'allow', message: '' };

export function decideHook(policy: CompiledPolicy, check: HookCheck, context: HookContext): HookDecision {
  try {
    switch (check.kind) {
      case 'write':
        return decideWrite(policy, check);
      case 'prompt':
        return decideEgress(policy, context, promptSegments(check), 'this prompt', false);
      case 'model-request':
        return decideEgress(
          policy,
          context,
          check.messages.map((m, i) => ({ id: `messages[${i}]`, role: m.role, text: m.text })),
          'this request',
          true,
        );
      case 'read': {
        if (check.unchecked) {
          return { outcome: 'deny', rule: 'airlock:hook-unchecked', message: `Airlock refused ${check.tool}: ${check.unchecked}` };
        }
        const exempt = new Set(context.policyFiles ?? []);
        const files = check.files.filter((f) => !exempt.has(f.path));
        if (files.length === 0) return ALLOW;
        const segments: EgressSegment[] = files.map((f) => ({ id: `file:${f.path}`, role: 'file', text: f.text ?? '', path: f.path }));
        return decideEgress(policy, context, segments, check.tool, false);
      }
    }
  } catch {
    return { outcome: 'deny', rule: 'airlock:hook-error', message: 'Airlock could not decide this hook call, so it was refused (fail closed).' };
  }
}

function promptSegments(check: Extract<HookCheck, { kind: 'prompt' }>): EgressSegment[] {
  return [
    { id: 'prompt', role: 'user', text: check.text },
    ...(check.files ?? []).map((f): EgressSegment => ({ id: `file:${f.path}`, role: 'file', text: f.text ?? '', path: f.path })),
  ];
}

function decideWrite(policy: CompiledPolicy, check: Extract<HookCheck, { kind: 'write' }>): HookDecision {
  for (const path of check.paths) {
    const forbidden = policy.reviewFor(path).forbidden;
    if (forbidden) {
      return { outcome: 'deny', rule: forbidden.rule, message: `Airlock refused ${check.tool} writing ${path}: ${forbidden.message} (rule ${forbidden.rule})` };
    }
  }
  return ALLOW;
}

function decideEgress(
  policy: CompiledPolicy,
  context: HookContext,
  segments: EgressSegment[],
  what: string,
  canRewrite: boolean,
): HookDecision {
  // File paths travel on their segments, where the engine judges them together with their content.
  let verdict: Verdict | undefined;
  let decidedFor = context.destination;
  for (const destination of context.destinations && context.destinations.length > 0 ? context.destinations : [context.destination]) {
    const request: EgressRequest = {
      destination,
      segments,
      referencedPaths: [],
      assistant: context.agent,
      ...(context.workspaceRoots ? { workspaceRoots: context.workspaceRoots } : {}),
    };
    const v = policy.evaluateEgress(request, context.egressOptions);
    if (!verdict || ACTION_STRENGTH[v.action] > ACTION_STRENGTH[verdict.action]) {
      verdict = v;
      decidedFor = destination;
    }
  }
  if (!verdict) return ALLOW;
  const host = hostOf(decidedFor);
  switch (verdict.action) {
    case 'allow':
    case 'audit':
      return { ...ALLOW, verdict };
    case 'warn':
      return { outcome: 'allow', message: '', warning: `${verdict.message} ${where(verdict.findings)}`.trim(), verdict };
    case 'redact':
      if (canRewrite && verdict.redactedSegments) {
        return {
          outcome: 'rewrite',
          rule: verdict.rule,
          message: `${verdict.message} ${where(verdict.findings)}`.trim(),
          messages: verdict.redactedSegments.map((s) => ({ role: s.role, text: s.text })),
          verdict,
        };
      }
      // The agent reads the file (or sends the prompt) itself: a hook cannot redact it, so it refuses.
      return {
        outcome: 'deny',
        rule: verdict.rule,
        message: `Airlock refused ${what}${pathsOf(verdict.findings)}: it contains ${secretsOf(verdict.findings)} that must not reach ${host}, and a hook cannot redact it (rule ${verdict.rule}).`,
        verdict,
      };
    case 'block':
      return {
        outcome: 'deny',
        rule: verdict.rule,
        message: `Airlock refused ${what}${pathsOf(verdict.findings)}: ${verdict.message} (rule ${verdict.rule}; destination ${host}).`,
        verdict,
      };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function pathsOf(findings: readonly Finding[]): string {
  const paths = [...new Set(findings.map((f) => f.path).filter((p): p is string => !!p))];
  if (paths.length === 0) return '';
  return ` (${paths.slice(0, 3).join(', ')}${paths.length > 3 ? `, +${paths.length - 3} more` : ''})`;
}

function secretsOf(findings: readonly Finding[]): string {
  const detectors = [...new Set(findings.map((f) => f.detector).filter((d): d is string => !!d))];
  return detectors.length > 0 ? `a secret (${detectors.slice(0, 3).join(', ')})` : 'a secret';
}

function where(findings: readonly Finding[]): string {
  return pathsOf(findings).trim();
}
