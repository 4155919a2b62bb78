// The decide stage: decoded body → parsed request → the engine's verdict → what to do with the
// request. No I/O; anything unexpected ends in a refusal (fail closed).
import type { IncomingHttpHeaders } from 'node:http';
import { MalformedBodyError, parseBody, rebuildBody, UnparseableBodyError, type DialectId, type ParsedBody } from '../core/dialects';
import { ACTION_STRENGTH, type EgressAction, type EgressOptions, type EgressRequest, type EgressSegment, type Verdict } from '../core/egress/types';
import type { CompiledPolicy } from '../core/policy/contract';
import { parseDestination } from '../core/policy/destinations';
import { requestChannels, type Channel } from './channels';
import type { GatewayError } from './errors';

export type Decision =
  | { kind: 'forward'; action: EgressAction; verdict: Verdict; request: EgressRequest; body?: Buffer; reason?: string }
  | { kind: 'refuse'; action: EgressAction; verdict?: Verdict; request?: EgressRequest; error: GatewayError; reason: string };

export interface DecideInput {
  policy: CompiledPolicy;
  /** Undefined when the endpoint is not one Airlock knows: treated like an unparseable body. */
  dialect: DialectId | undefined;
  /** The decoded body (see decodeBody). */
  body: Buffer;
  destination: string;
  assistant?: string;
  /** HTTP method; a body on GET/HEAD is refused. */
  method?: string;
  /** Path and query as the upstream will see them (below the gateway prefix): scanned. */
  url?: string;
  /** The client's request headers: all but transport headers are scanned (credential-shaped values as `credential`). */
  headers?: IncomingHttpHeaders;
  /** The workspace's fingerprint index and roots, passed to the engine (see EgressOptions). */
  egressOptions?: EgressOptions;
}

/** The hint shown with a block: what to do next, from what fired (ids and safe previews only). */
export function hintFor(verdict: Verdict): string {
  const kinds = new Set(verdict.findings.filter((f) => f.action === 'block').map((f) => f.kind));
  // One mention per distinct thing found: a file quoted and referenced is one file, not three.
  // A fingerprint match names the protected file the code came from, and its lines.
  const where = [
    ...new Set(
      verdict.findings
        .filter((f) => f.action === 'block')
        .map((f) => [f.detector, f.source ? `${f.probable ? 'probable protected code from repository ' : 'code from '}${f.source}${f.sourceLines ? ` lines ${f.sourceLines[0]}-${f.sourceLines[1]}` : ''}` : f.path, f.preview && `(${f.preview})`].filter(Boolean).join(' '))
        .filter(Boolean),
    ),
  ];
  const whereText = where.length ? ` Found: ${where.slice(0, 3).join('; ')}${where.length > 3 ? ` and ${where.length - 3} more` : ''}.` : '';
  if (kinds.has('secret') || kinds.has('custom-detector')) return `remove the secret from the prompt or the attached files and retry.${whereText}`;
  if (kinds.has('protected-path') || kinds.has('protected-content')) return `this code is protected; remove it from the context or use an approved internal model.${whereText}`;
  if (kinds.has('attachment')) return 'remove the image or binary file from the request, paste its text instead, or use an approved internal model.';
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
    error: { status: 400, kind: 'blocked', message, ...(verdict.rule ? { rule: verdict.rule } : {}), hint: hintFor(verdict) },
  };
}

/** A body a strict reader refuses (duplicate keys, a body on GET, absurd nesting): never forwarded, whatever onUnparseable says. */
function malformed(reason: string): Decision {
  return {
    kind: 'refuse',
    action: 'block',
    reason: 'malformed',
    error: { status: 400, kind: 'bad-request', message: `request refused: ${reason}; nothing was forwarded`, rule: 'airlock:malformed', hint: 'send one well-formed JSON body (each key once per object), and none on GET/HEAD.' },
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
    segments: [{ id: 'body', role: 'user', text: input.body.toString('utf8') }, ...channelSegments(input)],
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
        status: 400,
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

function channelsOf(input: DecideInput): Channel[] {
  return input.url !== undefined || input.headers ? requestChannels(input.url ?? '', input.headers ?? {}, parseDestination(input.destination)?.hostname) : [];
}

function channelSegments(input: DecideInput): EgressSegment[] {
  return channelsOf(input).filter(([, t]) => t !== '').map(([id, text, role]) => ({ id, role, text }));
}

/**
 * The decide stage, reusable by every interceptor (the gateway, the TLS proxy): method, URL,
 * headers and decoded body in, what to do out. No I/O.
 */
export function decide(input: DecideInput): Decision {
  const method = (input.method ?? 'POST').toUpperCase();
  if ((method === 'GET' || method === 'HEAD') && input.body.length > 0) return malformed(`a ${method} request must not carry a body`);
  if (input.dialect === undefined) return decideUnparseable(input, 'unknown endpoint');
  const text = input.body.toString('utf8');
  let parsed: ParsedBody;
  try {
    parsed = parseBody(input.dialect, text, { destination: input.destination, channels: channelsOf(input), ...(input.assistant ? { assistant: input.assistant } : {}) });
  } catch (error) {
    if (error instanceof MalformedBodyError) return malformed(error.reason);
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
  // The URL and headers cannot be rewritten safely: a secret there blocks instead.
  // The findings there block, so the hint names what was found (a credential's has no preview).
  if (verdict.findings.some((f) => f.action === 'redact' && f.segment?.startsWith('@'))) {
    const findings = verdict.findings.map((f) => (f.action === 'redact' && f.segment?.startsWith('@') ? { ...f, action: 'block' as const } : f));
    return blocked({ ...verdict, findings, action: 'block', message: 'Airlock found a secret in the URL or a header of this request; it cannot be redacted there, so nothing was forwarded.' }, parsed.request, 'redact-channel');
  }
  let rebuilt: string | undefined;
  try {
    rebuilt = rebuildBody(text, parsed, verdict.redactedSegments, verdict.findings);
  } catch {
    // A value Airlock cannot rewrite in place (a secret found only in the decoded copy of a
    // base64 run, not in its encoded form): block rather than forward it half-redacted.
    return blocked({ ...verdict, action: 'block', message: 'Airlock could not redact a secret in this request in place, so nothing was forwarded.' }, parsed.request, 'redaction-failed');
  }
  const body = rebuilt === undefined ? input.body : Buffer.from(rebuilt, 'utf8');
  return { kind: 'forward', action: 'redact', verdict, request: parsed.request, body };
}

