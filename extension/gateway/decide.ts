// The decide stage: decoded body → parsed request → the engine's verdict → what to do with the
// request. No I/O; anything unexpected ends in a refusal (fail closed).
import { parseBody, rebuildBody, UnparseableBodyError, type DialectId, type ParsedBody } from '../core/dialects';
import { ACTION_STRENGTH, type EgressAction, type EgressOptions, type EgressRequest, type Verdict } from '../core/egress/types';
import type { CompiledPolicy } from '../core/policy/contract';
import type { GatewayError } from './errors';

export type Decision =
  | { kind: 'forward'; action: EgressAction; verdict: Verdict; request: EgressRequest; body?: Buffer; reason?: string }
  | { kind: 'refuse'; action: EgressAction; verdict?: Verdict; request?: EgressRequest; error: GatewayError; reason: string };

export interface DecideInput {
  policy: CompiledPolicy;
  /** Undefined when the endpoint is not one Airlock knows: treated like an unparseable body. */
  dialect: DialectId | undefined;
  body: Buffer;
  destination: string;
  assistant?: string;
  /** The workspace's fingerprint index and roots, passed to the engine (see EgressOptions). */
  egressOptions?: EgressOptions;
}

/** The hint shown with a block: what to do next, from what fired (ids and safe previews only). */
export function hintFor(verdict: Verdict): string {
  const kinds = new Set(verdict.findings.filter((f) => f.action === 'block').map((f) => f.kind));
  const where = verdict.findings
    .filter((f) => f.action === 'block')
    .slice(0, 3)
    // A fingerprint match names the protected file the code came from, and its lines.
    .map((f) => [f.detector, f.source ? `code from ${f.source}${f.sourceLines ? ` lines ${f.sourceLines[0]}-${f.sourceLines[1]}` : ''}` : f.path, f.preview && `(${f.preview})`].filter(Boolean).join(' '))
    .filter(Boolean);
  const whereText = where.length ? ` Found: ${where.join('; ')}.` : '';
  if (kinds.has('secret') || kinds.has('custom-detector')) return `remove the secret from the prompt or the attached files and retry.${whereText}`;
  if (kinds.has('protected-path') || kinds.has('protected-content')) return `this code is protected; remove it from the context or use an approved internal model.${whereText}`;
  if (kinds.has('destination')) return 'this destination is not allowed for this content; use an approved endpoint.';
  return `see rule '${verdict.rule ?? '?'}' in your Airlock policy.${whereText}`;
}

function blocked(verdict: Verdict, request: EgressRequest, reason = 'policy'): Decision {
  const message = verdict.message || 'this request was blocked by policy';
  return {
    kind: 'refuse',
    action: 'block',
    verdict,
    request,
    reason,
    error: { status: 403, kind: 'blocked', message, ...(verdict.rule ? { rule: verdict.rule } : {}), hint: hintFor(verdict) },
  };
}

function engineError(request?: EgressRequest): Decision {
  return {
    kind: 'refuse',
    action: 'block',
    reason: 'engine-error',
    ...(request ? { request } : {}),
    error: { status: 500, kind: 'engine-error', message: 'the policy engine failed on this request; nothing was forwarded', hint: 'run `airlock policy check` and look at the Airlock output.' },
  };
}

/** A body Airlock cannot read: scanned as raw text, then the policy's `onUnparseable` (default block). */
function decideUnparseable(input: DecideInput, reason: string): Decision {
  const request: EgressRequest = {
    destination: input.destination,
    segments: [{ id: 'body', role: 'user', text: input.body.toString('utf8') }],
    referencedPaths: [],
    dialect: 'unparseable',
  };
  const policy = input.policy;
  let scanned: Verdict;
  let onUnparseable: Verdict;
  try {
    scanned = policy.evaluateEgress(request, input.egressOptions);
    onUnparseable = policy.unparseableVerdict?.(reason) ?? fallbackUnparseable(policy.onUnparseable ?? 'block', reason);
  } catch {
    return engineError();
  }
  // The stronger of "what the raw text contains" and "what the policy says about unreadable bodies".
  const deciding = ACTION_STRENGTH[scanned.action] >= ACTION_STRENGTH[onUnparseable.action] ? scanned : onUnparseable;
  const verdict: Verdict = { ...deciding, findings: [...scanned.findings, ...onUnparseable.findings] };
  // Redaction needs a structure to write back into: unreadable bodies are blocked instead.
  if (verdict.action === 'block' || verdict.action === 'redact') {
    return {
      kind: 'refuse',
      action: 'block',
      verdict,
      request,
      reason: 'unparseable',
      error: {
        status: deciding === scanned && scanned.action === 'block' ? 403 : 400,
        kind: deciding === scanned && scanned.action === 'block' ? 'blocked' : 'bad-request',
        message: verdict.message || `Airlock could not read this request (${reason}); nothing was forwarded`,
        rule: verdict.rule ?? 'airlock:unparseable',
        hint: 'send a well-formed JSON body for this endpoint, or set onUnparseable in the policy.',
      },
    };
  }
  return { kind: 'forward', action: verdict.action, verdict, request, reason: 'unparseable' };
}

function fallbackUnparseable(action: EgressAction, reason: string): Verdict {
  const rule = 'airlock:unparseable';
  return { action, rule, message: action === 'allow' ? '' : `Airlock could not read this request (${reason})`, findings: [{ rule, kind: 'unparseable', action }] };
}

export function decide(input: DecideInput): Decision {
  if (input.dialect === undefined) return decideUnparseable(input, 'unknown endpoint');
  const text = input.body.toString('utf8');
  let parsed: ParsedBody;
  try {
    parsed = parseBody(input.dialect, text, { destination: input.destination, ...(input.assistant ? { assistant: input.assistant } : {}) });
  } catch (error) {
    if (error instanceof UnparseableBodyError) return decideUnparseable(input, error.message.replace(/^unparseable request body: /, ''));
    return engineError();
  }
  let verdict: Verdict;
  try {
    // Reads without a body (model listings) still go through destination rules.
    verdict = input.policy.evaluateEgress(parsed.request, input.egressOptions);
  } catch {
    return engineError(parsed.request);
  }
  if (verdict.action === 'block') return blocked(verdict, parsed.request);
  if (verdict.action !== 'redact') return { kind: 'forward', action: verdict.action, verdict, request: parsed.request };
  if (!verdict.redactedSegments) return blocked({ ...verdict, message: verdict.message || 'redaction failed' }, parsed.request, 'redaction-missing');
  let rebuilt: string | undefined;
  try {
    rebuilt = rebuildBody(text, parsed, verdict.redactedSegments);
  } catch {
    return engineError(parsed.request);
  }
  const body = rebuilt === undefined ? input.body : Buffer.from(rebuilt, 'utf8');
  return { kind: 'forward', action: 'redact', verdict, request: parsed.request, body };
}

