// A verdict carries the rewritten prompt in `redactedSegments` (the gateway needs it), but its
// printable forms — JSON for audit logs, util.inspect for consoles — never include prompt text.
import type { Verdict } from './types';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export function printableVerdict(verdict: Verdict): object {
  const { redactedSegments, ...rest } = verdict;
  return {
    ...rest,
    findings: verdict.findings.map((f) => ({ ...f })),
    ...(redactedSegments
      ? { redactedSegments: redactedSegments.map((s) => ({ id: s.id, role: s.role, ...(s.path ? { path: s.path } : {}), chars: s.text.length })) }
      : {}),
  };
}

/** Adds non-enumerable toJSON / inspect hooks so logging a verdict never prints prompt text. */
export function makePrintable<T extends Verdict>(verdict: T): T {
  Object.defineProperty(verdict, 'toJSON', { value: () => printableVerdict(verdict), enumerable: false });
  Object.defineProperty(verdict, INSPECT, { value: () => printableVerdict(verdict), enumerable: false });
  return verdict;
}
