// Text that travels beside the body: the URL's path and query, and every header outside a short
// list of transport and auth headers. It reaches the upstream as much as the body does, so it is
// scanned as `other` segments. Ids name the channel, never its text (a header is `@header[3]`).
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that are not scanned: framing and negotiation, and the client's own credentials
 * (scanning those would flag every request's API key as a secret leaving — it goes to the
 * provider it was issued for). Everything else, `user-agent` and `x-*` included, is scanned.
 */
export const UNSCANNED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'te',
  'expect',
  'accept',
  'accept-encoding',
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
]);

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Query parameters that carry the client's own credential (Gemini's `?key=`, OAuth
 * `access_token`): like auth headers, they go to the provider they were issued for.
 */
export const UNSCANNED_QUERY_PARAMS: ReadonlySet<string> = new Set(['key', 'api_key', 'api-key', 'apikey', 'access_token']);

/** The URL as scanned: decoded, without credential query parameters. */
function scannedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return decoded(url);
  const params = url
    .slice(q + 1)
    .split('&')
    .filter((p) => !UNSCANNED_QUERY_PARAMS.has(decoded(p.split('=')[0] ?? '').toLowerCase()));
  return decoded(params.length ? `${url.slice(0, q)}?${params.join('&')}` : url.slice(0, q));
}

/** `[id, text]` pairs for the URL (path below the gateway prefix, with the query) and scanned headers. */
export function requestChannels(url: string, headers: IncomingHttpHeaders): [string, string][] {
  const out: [string, string][] = [['@url', scannedUrl(url)]];
  let n = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || UNSCANNED_HEADERS.has(name)) continue;
    out.push([`@header[${n++}]`, `${name}: ${Array.isArray(value) ? value.join(', ') : value}`]);
  }
  return out;
}
