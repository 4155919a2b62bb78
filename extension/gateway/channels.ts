// Text that travels beside the body: the URL's path and query, and every header outside a short
// list of transport headers. It reaches the upstream as much as the body does, so it is scanned:
// as `other` segments, except a credential header or query parameter whose value has the shape
// of a credential, which is a `credential` segment (read for protected code, not for the
// client's own key: see core/egress/credentials.ts). Ids name the channel, never its text (a
// header is `@header[3]`, a credential query parameter `@query[0]`).
import type { IncomingHttpHeaders } from 'node:http';
import { headerRole, queryParamRole } from '../core/egress/credentials';
import type { SegmentRole } from '../core/egress/types';

/** `[id, text, role]`: one piece of text beside the body. */
export type Channel = [id: string, text: string, role: SegmentRole];

/**
 * Headers that are not scanned: framing and negotiation only. They are parsed by Node or the
 * upstream's HTTP stack and carry no free text a client could fill without breaking the request.
 * Everything else — credentials, `user-agent`, `x-*` — is scanned.
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
]);

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The URL as scanned (decoded), and its credential query parameters apart: each of those is a
 * credential segment when its value has a credential's shape, else it stays in the URL text.
 */
function urlChannels(url: string, out: Channel[]): void {
  const q = url.indexOf('?');
  if (q < 0) {
    out.push(['@url', decoded(url), 'other']);
    return;
  }
  const kept: string[] = [];
  const credentials: Channel[] = [];
  for (const param of url.slice(q + 1).split('&')) {
    const eq = param.indexOf('=');
    const name = decoded(eq < 0 ? param : param.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : decoded(param.slice(eq + 1));
    if (eq >= 0 && queryParamRole(name, value) === 'credential') credentials.push([`@query[${credentials.length}]`, `${name}=${value}`, 'credential']);
    else kept.push(param);
  }
  out.push(['@url', decoded(kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q)), 'other'], ...credentials);
}

/**
 * The URL (path below the gateway prefix, with the query) and the scanned headers of a request
 * to `hostname` (which decides whether an `Authorization` scheme is the provider's own).
 */
export function requestChannels(url: string, headers: IncomingHttpHeaders, hostname?: string): Channel[] {
  const out: Channel[] = [];
  urlChannels(url, out);
  let n = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || UNSCANNED_HEADERS.has(name)) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    // A repeated header is a list, never one credential.
    const role = Array.isArray(value) ? 'other' : headerRole(name, text, hostname);
    out.push([`@header[${n++}]`, `${name}: ${text}`, role]);
  }
  return out;
}
