// One OTLP/HTTP export request: POST, a timeout, the status and Retry-After back. https for a
// real collector, http for one on loopback (a local agent/collector sidecar).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OtlpAnswer {
  status: number;
  retryAfterMs?: number;
}

export type OtlpPost = (url: string, body: Uint8Array | string, headers: Record<string, string>, timeoutMs: number) => Promise<OtlpAnswer>;

function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export const postOtlp: OtlpPost = (url, body, headers, timeoutMs) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
    if (!send) {
      reject(new Error('OTLP endpoints are http(s) URLs'));
      return;
    }
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const req = send(target, { method: 'POST', timeout: timeoutMs, headers: { ...headers, 'content-length': String(payload.length) } }, (res) => {
      res.resume();
      res.on('end', () => {
        const ra = retryAfter(typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined);
        resolve({ status: res.statusCode ?? 0, ...(ra !== undefined ? { retryAfterMs: ra } : {}) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
