// Who may talk to the gateway: only local processes. A browser page could reach a loopback port
// (directly, or by DNS rebinding a name it controls), so foreign Host names and any request that
// carries a browser Origin are refused before anything else happens.
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True when a Host header names this machine's loopback interface (with or without a port). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(name.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** The reason to refuse this request, or undefined when it may proceed. */
export function refusalReason(req: IncomingMessage): string | undefined {
  if (!isLoopbackHost(req.headers.host)) return 'requests must be addressed to a loopback host (127.0.0.1 or localhost)';
  if (req.headers.origin !== undefined) return 'requests from web pages (with an Origin header) are not accepted';
  if (req.headers['sec-fetch-site'] !== undefined && req.headers['sec-fetch-site'] !== 'none') return 'requests from web pages are not accepted';
  return undefined;
}
