// What a reviewer's SSH signature covers: the review record without its `signature` field, as
// canonical JSON (keys sorted at every level), under a fixed header. Canonical so a record read
// back from git (or re-serialized by any tool) verifies the same; every field is covered, so a
// signed approval cannot be moved to other lines, other content or another reviewer.
import type { ReviewRecord } from './records';

/** The namespace passed to `ssh-keygen -Y sign|verify -n`: a signature for git commits does not verify here. */
export const REVIEW_SIGNATURE_NAMESPACE = 'airlock-review';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The bytes that are signed (and verified) for a review record. */
export function signedPayload(record: ReviewRecord): string {
  const { signature: _signature, ...rest } = record;
  return `airlock review v1\n${canonical(rest)}\n`;
}
