// Proxy mode on the gateway's own port: the gateway is also an HTTP forward proxy.
//   CONNECT to an inspected AI host → TLS terminated with a leaf from the local Airlock CA; the
//     decrypted HTTP/1.1 requests (keep-alive, several per tunnel) are served by a second,
//     listener-less http.Server whose handler is the gateway's own request chain, so proxied
//     and base-URL traffic go through exactly the same pipeline (mitmproxy style).
//   CONNECT to any other host → a blind tunnel, or refused (`proxy.otherHosts: block`).
//   WebSocket upgrades to inspected hosts → refused at once (426), so clients use HTTP.
// Every CONNECT is audited: target, tunnel/inspect/block, never content.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { aiHostFamily, isInspectedHost, normalizeHost } from '../../core/dialects/hosts';
import type { AirlockCa } from './ca';
import type { Upstream } from './upstream';

/** Where a proxied request was addressed (the CONNECT authority, or an absolute-form URL). */
export interface ProxyTarget {
  scheme: 'https' | 'http';
  host: string;
  port: number;
}

export type ProxyMode = 'inspect' | 'tunnel' | 'block';

const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface ProxySettings {
  /** Inspected-host entries (defaults plus the policy's). */
  inspect: readonly string[];
  /** Whether a host that is not inspected may be tunnelled (`proxy.otherHosts`, `proxy.tunnel`). */
  tunnelAllowed(host: string): boolean;
}

export interface ConnectEvent {
  target: string;
  mode: ProxyMode;
  /** Why a CONNECT was refused or failed (`policy`, `ai-host-not-inspected`, `ca-error`, `ca-not-covering`, `unreachable`, `bad-target`). */
  reason?: string;
}

export interface ProxyDeps {
  settings: () => ProxySettings;
  ca: () => Promise<AirlockCa>;
  upstream: Upstream;
  /** The gateway's request chain, for decrypted (and absolute-form) requests. */
  handle: (req: IncomingMessage, res: ServerResponse, target: ProxyTarget) => void;
  onConnect: (event: ConnectEvent) => void;
}

export interface ProxyFront {
  /** The proxy's decision for a host (exposed for absolute-form requests and tests). */
  modeFor(host: string): ProxyMode;
  /** The target of a request that came through a CONNECT tunnel Airlock decrypted. */
  targetOf(req: IncomingMessage): ProxyTarget | undefined;
  close(): void;
}

/** `host:port` of a CONNECT request, or undefined when it is not a plain authority. */
export function parseAuthority(authority: string | undefined): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(authority ?? '');
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port <= 0 || port > 65535) return undefined;
  return { host: normalizeHost(m[1]!.replace(/^\[|\]$/g, '')), port };
}

/**
 * Why proxy mode refuses `host` (the audit reason) and what the client is told: for an AI host
 * the policy does not inspect, the two ways to decide otherwise; else `otherwise`.
 */
export function hostRefusal(host: string, otherwise: string): { reason: 'ai-host-not-inspected' | 'policy'; message: string } {
  const ai = aiHostFamily(host);
  if (!ai) return { reason: 'policy', message: otherwise };
  return {
    reason: 'ai-host-not-inspected',
    message: `${host} carries AI traffic (${ai}) that the Airlock policy does not inspect, and Airlock does not tunnel AI traffic blind; nothing was sent. Add "${host}" to proxy.inspect in the policy (then run \`airlock ca reset\`), or to proxy.tunnel to let it through uninspected`,
  };
}

export function proxyMode(settings: ProxySettings, host: string): ProxyMode {
  if (isInspectedHost(host, settings.inspect)) return 'inspect';
  if (settings.tunnelAllowed(host)) return 'tunnel';
  return 'block';
}

function refuse(socket: Duplex, status: number, text: string, message: string): void {
  const body = `Airlock: ${message}\n`;
  socket.end(`HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\nx-airlock: ${status === 403 ? 'blocked' : 'proxy-error'}\r\n\r\n${body}`);
}

export function attachProxy(server: Server, deps: ProxyDeps): ProxyFront {
  const targets = new WeakMap<object, ProxyTarget>();
  const open = new Set<Duplex>();
  const track = (s: Duplex) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };

  // Decrypted requests: same handler as the listening server, target taken from the tunnel.
  const inner = createServer({ noDelay: true }, (req, res) => {
    const target = targets.get(req.socket);
    if (!target) return void res.destroy();
    deps.handle(req, res, target);
  });
  inner.keepAliveTimeout = 30_000;
  // WebSockets (Codex tries them first): answered at once with 426 so the client falls back to HTTP.
  inner.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const target = targets.get(req.socket);
    deps.onConnect({ target: target ? `${target.host}:${target.port}` : '?', mode: 'block', reason: 'websocket' });
    refuse(socket, 426, 'Upgrade Required', 'WebSocket connections to AI hosts are not inspected; use HTTP (server-sent events) instead');
  });

  function inspect(client: Socket, head: Buffer, host: string, port: number, ca: AirlockCa): void {
    let context;
    try {
      context = ca.contextFor(host);
    } catch {
      deps.onConnect({ target: `${host}:${port}`, mode: 'block', reason: 'ca-not-covering' });
      return refuse(client, 502, 'Bad Gateway', `the Airlock CA does not cover ${host}; nothing was sent (recreate the CA after changing proxy.inspect)`);
    }
    deps.onConnect({ target: `${host}:${port}`, mode: 'inspect' });
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) client.unshift(head);
    const tls = new TLSSocket(client, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] });
    track(tls);
    targets.set(tls, { scheme: 'https', host, port });
    tls.once('error', () => tls.destroy());
    // A client that never finishes the handshake does not hold the socket forever.
    const handshake = setTimeout(() => tls.destroy(), HANDSHAKE_TIMEOUT_MS);
    tls.once('close', () => clearTimeout(handshake));
    tls.once('secure', () => {
      clearTimeout(handshake);
      inner.emit('connection', tls);
    });
  }

  function tunnel(client: Socket, head: Buffer, host: string, port: number): void {
    deps.upstream.connectRaw(host, port, (error, remote) => {
      if (error || !remote) {
        deps.onConnect({ target: `${host}:${port}`, mode: 'tunnel', reason: 'unreachable' });
        return refuse(client, 502, 'Bad Gateway', `${host}:${port} could not be reached`);
      }
      if (client.destroyed) return void remote.destroy();
      deps.onConnect({ target: `${host}:${port}`, mode: 'tunnel' });
      track(remote);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) remote.write(head);
      remote.on('error', () => client.destroy());
      client.on('error', () => remote.destroy());
      remote.pipe(client);
      client.pipe(remote);
    });
  }

  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const client = socket as Socket;
    track(client);
    client.setNoDelay(true);
    client.on('error', () => client.destroy());
    const authority = parseAuthority(req.url);
    if (!authority) {
      // Not the target text itself: whatever a client puts there stays out of the audit log.
      deps.onConnect({ target: '(malformed)', mode: 'block', reason: 'bad-target' });
      return refuse(client, 400, 'Bad Request', 'CONNECT needs a host:port target');
    }
    const { host, port } = authority;
    let mode: ProxyMode;
    try {
      mode = proxyMode(deps.settings(), host);
    } catch {
      mode = 'block';
    }
    if (mode === 'block') {
      const refusal = hostRefusal(host, `CONNECT to ${host}:${port} is not allowed by the Airlock policy (proxy.otherHosts is block)`);
      deps.onConnect({ target: `${host}:${port}`, mode, reason: refusal.reason });
      return refuse(client, 403, 'Forbidden', refusal.message);
    }
    if (mode === 'tunnel') return tunnel(client, head, host, port);
    deps.ca().then(
      (ca) => inspect(client, head, host, port, ca),
      () => {
        // Fail closed: an inspected host is never tunnelled uninspected.
        deps.onConnect({ target: `${host}:${port}`, mode: 'block', reason: 'ca-error' });
        refuse(client, 502, 'Bad Gateway', 'the Airlock CA could not be loaded; nothing was sent (see `airlock ca path`)');
      },
    );
  });

  return {
    modeFor: (host) => proxyMode(deps.settings(), host),
    targetOf: (req) => targets.get(req.socket),
    close() {
      inner.closeAllConnections();
      for (const s of open) s.destroy();
      open.clear();
    },
  };
}
