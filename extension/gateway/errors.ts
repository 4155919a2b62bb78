// Errors the gateway answers itself, in each provider's own error shape, so the assistant shows
// the engineer the message (and the SDKs raise their usual error types). Never echoes content.
import type { ProviderFamily } from '../core/dialects';

export type GatewayErrorKind = 'blocked' | 'too-large' | 'bad-request' | 'forbidden' | 'not-found' | 'no-policy' | 'engine-error' | 'upstream-error';

export interface GatewayError {
  status: number;
  kind: GatewayErrorKind;
  message: string;
  rule?: string;
  hint?: string;
}

// A block is the client's request being invalid under policy: 400 with the invalid-request type.
// 401/403 read as "Failed to authenticate" in Claude Code and Copilot CLI, and 403 makes Codex
// retry (see extension/gateway/README.md, "Decisions").
const OPENAI_TYPES: Record<GatewayErrorKind, string> = {
  blocked: 'invalid_request_error',
  'too-large': 'invalid_request_error',
  'bad-request': 'invalid_request_error',
  forbidden: 'permission_error',
  'not-found': 'not_found_error',
  'no-policy': 'airlock_unavailable',
  'engine-error': 'airlock_unavailable',
  'upstream-error': 'upstream_error',
};

const ANTHROPIC_TYPES: Record<GatewayErrorKind, string> = {
  blocked: 'invalid_request_error',
  'too-large': 'request_too_large',
  'bad-request': 'invalid_request_error',
  forbidden: 'permission_error',
  'not-found': 'not_found_error',
  'no-policy': 'api_error',
  'engine-error': 'api_error',
  'upstream-error': 'api_error',
};

const GEMINI_STATUS: Record<GatewayErrorKind, string> = {
  blocked: 'INVALID_ARGUMENT',
  'too-large': 'INVALID_ARGUMENT',
  'bad-request': 'INVALID_ARGUMENT',
  forbidden: 'PERMISSION_DENIED',
  'not-found': 'NOT_FOUND',
  'no-policy': 'UNAVAILABLE',
  'engine-error': 'UNAVAILABLE',
  'upstream-error': 'UNAVAILABLE',
};

/** The full text an engineer reads: message, rule id and hint in one line. */
export function describe(error: GatewayError): string {
  const rule = error.rule ? ` [rule ${error.rule}]` : '';
  const hint = error.hint ? ` Hint: ${error.hint}` : '';
  return `Airlock${rule}: ${error.message}${hint}`;
}

export function errorResponse(family: ProviderFamily | undefined, error: GatewayError): { status: number; body: string; headers: Record<string, string> } {
  const message = describe(error);
  const extra = { ...(error.rule ? { rule: error.rule } : {}), ...(error.hint ? { hint: error.hint } : {}) };
  let payload: unknown;
  if (family === 'anthropic') {
    payload = { type: 'error', error: { type: ANTHROPIC_TYPES[error.kind], message, ...extra } };
  } else if (family === 'gemini') {
    // google.rpc.Status, as the Gemini API answers errors.
    payload = { error: { code: error.status, message, status: GEMINI_STATUS[error.kind], details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: `AIRLOCK_${error.kind.replace('-', '_').toUpperCase()}`, domain: 'airlock', metadata: extra }] } };
  } else if (family === 'ollama') {
    payload = { error: message, ...extra };
  } else {
    payload = { error: { message, type: OPENAI_TYPES[error.kind], code: `airlock_${error.kind.replace('-', '_')}`, param: null, ...extra } };
  }
  const body = JSON.stringify(payload);
  return {
    status: error.status,
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      // Both official SDKs honour this: a policy answer does not change on retry.
      'x-should-retry': 'false',
      'x-airlock': error.kind,
    },
  };
}
