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
  const results = inputs.map((input) => evaluateOne(policy, input.text, options.displayPath(input.absolutePath), options.requestPath(input.absolutePath), options.destination, options.onEngineError, options.egressOptions));
  return reportOf(policy, results, inputs.length, skipped, options);
}

/** What one input gets: the verdict's action and its positioned findings. */
export interface InputResult {
  action: Verdict['action'];
  findings: ScanFinding[];
}

/** Asks the engine about one input (pure; also what each scan worker runs). */
export function evaluateOne(
  policy: CompiledPolicy,
  text: string,
  display: string,
  requestPath: string | undefined,
  destination: string,
  onEngineError?: (displayPath: string, error: unknown) => void,
  egressOptions?: EgressOptions,
): InputResult {
  const request = requestFor({ text }, requestPath, destination);
  let verdict: Verdict;
  try {
    verdict = policy.evaluateEgress(request, egressOptions);
  } catch (error) {
    onEngineError?.(display, error);
    verdict = engineErrorVerdict();
  }
  return { action: verdict.action, findings: findingsOf(verdict, display, text) };
}

/** Gathers per-input results (in input order) into the report. */
export function reportOf(
  policy: CompiledPolicy,
  results: readonly InputResult[],
  filesScanned: number,
  skipped: readonly SkippedInput[],
  options: Pick<EvaluateOptions, 'destination' | 'displayPath'>,
): ScanReport {
  return {
    verdict: strongest(results.map((r) => r.action)),
    destination: options.destination,
    policy: policy.layers,
    filesScanned,
    findings: results.flatMap((r) => r.findings),
    skipped: skipped.map((s) => ({ path: options.displayPath(s.absolutePath), reason: s.reason })),
  };
}

/** One `file` segment per input, its path referenced, as if an assistant attached the file. */
export function requestFor(input: Pick<ScanInput, 'text'> & Partial<ScanInput>, path: string | undefined, destination: string): EgressRequest {
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
