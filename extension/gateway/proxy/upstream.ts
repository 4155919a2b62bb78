// How the gateway reaches upstreams, as enterprises need it: through the machine's own egress
// proxy (HTTPS_PROXY/NO_PROXY as seen at start, or an explicit URL), trusting extra CAs, and with
// host names pinned to addresses (`--resolve HOST=ADDR:PORT`, like curl's; the tests use it to
// reach fake TLS upstreams answering as api.openai.com). One place for both forwarded requests
// (http.Agent) and blind tunnels (raw sockets).
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, rootCertificates, type ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { normalizeHost } from '../../core/dialects/hosts';

export interface Pin {
  host: string;
  port: number;
}

export interface UpstreamOptions {
  /** Host name → where its connections go (any port). */
  resolve?: Record<string, Pin>;
  /** Extra CA certificates (PEM) trusted for upstream TLS, on top of the system's. */
  ca?: string[];
  /** `http://[user:pass@]host:port` of an egress proxy for upstream connections. */
  proxy?: string;
  /** NO_PROXY-style entries: hosts reached directly even with a proxy. Loopback always is. */
  noProxy?: string[];
}

/** Parses `HOST=ADDR:PORT` (also curl's `HOST:PORT:ADDR`). */
export function parseResolve(spec: string): [string, Pin] {
  let host: string;
  let addr: string;
  let port: string;
  const eq = spec.indexOf('=');
  if (eq > 0) {
    host = spec.slice(0, eq);
    const rest = spec.slice(eq + 1);
    const colon = rest.lastIndexOf(':');
    if (colon <= 0) throw new Error(`--resolve ${spec}: expected HOST=ADDR:PORT`);
    addr = rest.slice(0, colon).replace(/^\[|\]$/g, '');
    port = rest.slice(colon + 1);
  } else {
    const m = /^([^:]+):(\d+):(.+)$/.exec(spec);
    if (!m) throw new Error(`--resolve ${spec}: expected HOST=ADDR:PORT`);
    [, host = '', port = '', addr = ''] = m;
    addr = addr.replace(/^\[|\]$/g, '');
  }
  const n = Number(port);
  if (!host || !addr || !Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`--resolve ${spec}: expected HOST=ADDR:PORT`);
  return [normalizeHost(host), { host: addr, port: n }];
}

/**
 * Pins from a settings object (`airlock.gateway.resolve`: `{ "api.githubcopilot.com": "10.1.2.3:443" }`).
 * A bad entry throws with the setting's name: the gateway then does not start, rather than send to
 * an address the user meant to avoid.
 */
export function pinsFromSetting(setting: Record<string, unknown> | undefined, name: string): Record<string, Pin> {
  const pins: Record<string, Pin> = {};
  for (const [host, target] of Object.entries(setting ?? {})) {
    if (typeof target !== 'string') throw new Error(`${name}: ${host} needs "ADDRESS:PORT"`);
    try {
      const [h, pin] = parseResolve(`${host}=${target}`);
      pins[h] = pin;
    } catch {
      throw new Error(`${name}: ${host}: expected "ADDRESS:PORT", got "${target}"`);
    }
  }
  return pins;
}

const LOOPBACK = /^(?:localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i;

/** NO_PROXY matching as curl and most clients do it: `*`, exact names, `.suffix` / `suffix` domains, optional `:port`. */
export function bypassesProxy(host: string, port: number, noProxy: readonly string[]): boolean {
  const h = normalizeHost(host);
  if (LOOPBACK.test(h)) return true;
  for (const raw of noProxy) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = (m[1] ?? '').replace(/^\*?\./, '');
    if (m[2] && Number(m[2]) !== port) continue;
    if (h === name || h.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The upstream proxy settings a process inherits (`HTTPS_PROXY`, `https_proxy`, `NO_PROXY`, …). */
export function proxyFromEnv(env: NodeJS.ProcessEnv): Pick<UpstreamOptions, 'proxy' | 'noProxy'> {
  const proxy = env['HTTPS_PROXY'] || env['https_proxy'] || env['HTTP_PROXY'] || env['http_proxy'] || undefined;
  const noProxy = (env['NO_PROXY'] || env['no_proxy'] || '').split(',').filter(Boolean);
  return { ...(proxy ? { proxy } : {}), noProxy };
}

/** CA certificates trusted for upstream TLS: Node's roots, NODE_EXTRA_CA_CERTS, and the extra ones. */
function trustedCas(extra: readonly string[]): string[] | undefined {
  if (extra.length === 0) return undefined; // Node's defaults (roots + NODE_EXTRA_CA_CERTS)
  const out = [...rootCertificates];
  const envFile = process.env['NODE_EXTRA_CA_CERTS'];
  if (envFile) {
    try {
      out.push(readFileSync(envFile, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  return [...out, ...extra];
}

export interface Upstream {
  agents: { http: HttpAgent; https: HttpsAgent };
  /** A raw TCP connection to host:port (pins and the egress proxy applied), for blind tunnels. */
  connectRaw(host: string, port: number, done: (error: Error | undefined, socket?: Duplex) => void): void;
  /** Marks the gateway's own port, so an inherited HTTPS_PROXY pointing back at it is ignored. */
  setSelfPort(port: number): void;
  destroy(): void;
}

export function createUpstream(options: UpstreamOptions = {}): Upstream {
  const pins = new Map(Object.entries(options.resolve ?? {}).map(([h, p]) => [normalizeHost(h), p]));
  const noProxy = options.noProxy ?? [];
  const ca = trustedCas(options.ca ?? []);
  let selfPort: number | undefined;
  let proxyUrl: URL | undefined;
  try {
    proxyUrl = options.proxy ? new URL(options.proxy.includes('://') ? options.proxy : `http://${options.proxy}`) : undefined;
  } catch {
    throw new Error(`upstream proxy ${options.proxy ?? ''} is not a URL`);
  }
  if (proxyUrl && proxyUrl.protocol !== 'http:') throw new Error(`upstream proxy must be an http:// URL (got ${proxyUrl.protocol})`);

  const proxyFor = (host: string, port: number): URL | undefined => {
    if (!proxyUrl || bypassesProxy(host, port, noProxy)) return undefined;
    // The gateway's own address inherited from `airlock env`: using it would loop.
    if (selfPort !== undefined && LOOPBACK.test(proxyUrl.hostname) && Number(proxyUrl.port || 80) === selfPort) return undefined;
    return proxyUrl;
  };

  function connectRaw(host: string, port: number, done: (error: Error | undefined, socket?: Duplex) => void): void {
    const pin = pins.get(normalizeHost(host));
    const target = pin ?? { host, port };
    const via = proxyFor(host, port);
    let settled = false;
    const finish = (error: Error | undefined, socket?: Duplex) => {
      if (settled) return;
      settled = true;
      done(error, socket);
    };
    if (!via) {
      const socket: Socket = netConnect({ host: target.host, port: target.port, noDelay: true });
      socket.once('connect', () => finish(undefined, socket));
      socket.once('error', (e) => finish(e));
      return;
    }
    const socket = netConnect({ host: via.hostname.replace(/^\[|\]$/g, ''), port: Number(via.port || 80), noDelay: true });
    const authority = `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;
    const auth = via.username ? `proxy-authorization: Basic ${Buffer.from(`${decodeURIComponent(via.username)}:${decodeURIComponent(via.password)}`).toString('base64')}\r\n` : '';
    socket.once('error', (e) => finish(e));
    socket.once('connect', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n${auth}\r\n`));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16 * 1024) socket.destroy(new Error('upstream proxy sent an oversized answer'));
        return;
      }
      socket.off('data', onData);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (status !== 200) {
        socket.destroy();
        return finish(new Error(`upstream proxy refused CONNECT ${authority} (HTTP ${status || '?'})`));
      }
      const rest = head.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      finish(undefined, socket);
    };
    socket.on('data', onData);
  }

  class PinnedHttpsAgent extends HttpsAgent {
    override createConnection(opts: ClientRequestArgs & ConnectionOptions, callback: (error: Error | null, socket?: Duplex) => void): Duplex | undefined {
      const host = String(opts.servername || opts.host || opts.hostname || 'localhost');
      const port = Number(opts.port || 443);
      const servername = isIP(host) ? undefined : host;
      const tlsOptions: ConnectionOptions = { ...opts, ...(servername ? { servername } : {}), ALPNProtocols: ['http/1.1'] };
      const pin = pins.get(normalizeHost(host));
      if (!pin && !proxyFor(host, port)) return tlsConnect({ ...tlsOptions, host, port });
      connectRaw(host, port, (error, raw) => {
        if (error || !raw) return callback(error ?? new Error('no connection'));
        // Certificate checks stay against the real host name, not the pinned address.
        const secure = tlsConnect({ ...tlsOptions, socket: raw as Socket, host });
        callback(null, secure);
      });
      return undefined;
    }
  }

  class PinnedHttpAgent extends HttpAgent {
    override createConnection(opts: ClientRequestArgs, callback: (error: Error | null, socket?: Duplex) => void): Duplex | undefined {
      const host = String(opts.host || opts.hostname || 'localhost');
      const pin = pins.get(normalizeHost(host));
      if (!pin) return netConnect({ host, port: Number(opts.port || 80), noDelay: true });
      const socket = netConnect({ host: pin.host, port: pin.port, noDelay: true });
      void callback;
      return socket;
    }
  }

  const agents = {
    http: new PinnedHttpAgent({ keepAlive: true, noDelay: true }),
    // One secure context for all upstream connections: passing `ca` per connection would parse
    // every root certificate again on each new TLS connection (tens of ms).
    https: new PinnedHttpsAgent({ keepAlive: true, noDelay: true, ...(ca ? { secureContext: createSecureContext({ ca }) } : {}) }),
  };
  return {
    agents,
    connectRaw,
    setSelfPort: (port) => {
      selfPort = port;
    },
    destroy: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
