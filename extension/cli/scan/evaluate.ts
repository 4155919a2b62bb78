// Asks the policy engine about each scanned input, one request per file, and gathers the
// answers into a ScanReport. No I/O here: the walker has already read the files.
import type { EgressOptions, EgressRequest, Verdict } from '../../core/egress/types';
import type { CompiledPolicy } from '../../core/policy/contract';
import { findingsOf, strongest, type ScanFinding, type ScanReport } from './report';
import type { ScanInput, SkippedInput } from './walk';

/** The rule id reported when the engine fails on an input: scanning fails closed, like egress. */
export const ENGINE_ERROR_RULE = 'airlock-engine-error';

export interface EvaluateOptions {
  destination: string;
  /** Path shown in reports for an input (relative to the scan root when possible). */
  displayPath: (absolutePath: string | undefined) => string;
  /** Path given to the engine (relative to the workspace root, where policy globs apply); undefined for anonymous stdin. */
  requestPath: (absolutePath: string | undefined) => string | undefined;
  /** Told when the engine throws; the message must not contain scanned text. */
  onEngineError?: (displayPath: string, error: unknown) => void;
  /** The workspace's fingerprint index and roots, as the gateway passes them. */
  egressOptions?: EgressOptions;
}

export function evaluateInputs(
  policy: CompiledPolicy,
  inputs: readonly ScanInput[],
  skipped: readonly SkippedInput[],
  options: EvaluateOptions,
): ScanReport {
  const findings: ScanFinding[] = [];
  const actions: Verdict['action'][] = [];
  for (const input of inputs) {
    const display = options.displayPath(input.absolutePath);
    const request = requestFor(input, options.requestPath(input.absolutePath), options.destination);
    let verdict: Verdict;
    try {
      verdict = policy.evaluateEgress(request, options.egressOptions);
    } catch (error) {
      options.onEngineError?.(display, error);
      verdict = engineErrorVerdict();
    }
    actions.push(verdict.action);
    findings.push(...findingsOf(verdict, display, input.text));
  }
  return {
    verdict: strongest(actions),
    destination: options.destination,
    policy: policy.layers,
    filesScanned: inputs.length,
    findings,
    skipped: skipped.map((s) => ({ path: options.displayPath(s.absolutePath), reason: s.reason })),
  };
}

/** One `file` segment per input, its path referenced, as if an assistant attached the file. */
export function requestFor(input: ScanInput, path: string | undefined, destination: string): EgressRequest {
  const segment: EgressRequest['segments'][number] = { id: 'file', role: 'file', text: input.text };
  if (path !== undefined) segment.path = path;
  return { destination, segments: [segment], referencedPaths: path === undefined ? [] : [path] };
}

function engineErrorVerdict(): Verdict {
  return {
    action: 'block',
    rule: ENGINE_ERROR_RULE,
    message: 'The policy engine failed on this file; Airlock fails closed and treats it as blocked.',
    findings: [{ rule: ENGINE_ERROR_RULE, kind: 'unparseable', action: 'block', segment: 'file' }],
  };
}
