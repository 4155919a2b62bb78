// Routes a proxied request (decrypted from a CONNECT tunnel, or absolute-form plain HTTP) to its
// real destination: the host it was addressed to, its dialect by host and path.
import { dialectForHost } from '../../core/dialects/route';
import type { Route } from '../routes';
import type { ProxyTarget } from './connect';

/** Origin-form path of a request line (`/v1/x?y`), also from an absolute-form URL. */
export function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/')) return url;
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

/** The target of an absolute-form request line (`GET http://host/path`), when it is one. */
export function absoluteTarget(url: string | undefined): ProxyTarget | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  try {
    const u = new URL(url);
    const scheme = u.protocol === 'https:' ? 'https' : 'http';
    return { scheme, host: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: Number(u.port || (scheme === 'https' ? 443 : 80)) };
  } catch {
    return undefined;
  }
}

export function routeProxied(target: ProxyTarget, method: string, url: string | undefined): Route | undefined {
  const path = pathOf(url);
  if (!path) return undefined;
  const defaultPort = target.scheme === 'https' ? 443 : 80;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const destination = new URL(`${target.scheme}://${host}${target.port === defaultPort ? '' : `:${target.port}`}${path}`);
  const { family, dialect } = dialectForHost(target.host, method, destination.pathname);
  return { family, subpath: path, target: destination, dialect };
}
