// A recording pass-through between an agent and the gateway (base-URL mode): keeps the exact
// request bytes the client sent (to prove the upstream got the same bytes) and the arrival time
// of each response chunk (to prove a stream reaches the client incrementally). Pipes both ways
// unbuffered, so it changes neither bytes nor timing in a way the test depends on.
import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

export interface TappedExchange {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  status?: number;
  responseBody: Buffer;
  /** ms (since the tap started) at which each response body chunk reached the tap. */
  responseChunkTimes: number[];
}

export interface Tap {
  url: string;
  exchanges: TappedExchange[];
  /** Resolves when a response body chunk arrives after `since` ms (tap time), or rejects after `timeoutMs`. */
  waitForResponseChunk(timeoutMs: number): Promise<void>;
  now(): number;
  close(): Promise<void>;
}

export async function startTap(target: string): Promise<Tap> {
  const started = Date.now();
  const now = () => Date.now() - started;
  const exchanges: TappedExchange[] = [];
  let chunkWaiters: (() => void)[] = [];
  const t = new URL(target);
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const ex: TappedExchange = { method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(parts), responseBody: Buffer.alloc(0), responseChunkTimes: [] };
      exchanges.push(ex);
      const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        ex.status = upRes.statusCode;
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.flushHeaders();
        const got: Buffer[] = [];
        upRes.on('data', (c: Buffer) => {
          got.push(c);
          ex.responseChunkTimes.push(now());
          res.write(c);
          for (const w of chunkWaiters.splice(0)) w();
        });
        upRes.on('end', () => { ex.responseBody = Buffer.concat(got); res.end(); });
        upRes.on('error', () => res.destroy());
      });
      up.on('error', () => { if (!res.headersSent) res.writeHead(502).end(); else res.destroy(); });
      up.end(ex.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    now,
    waitForResponseChunk: (timeoutMs) => new Promise<void>((done, fail) => {
      const timer = setTimeout(() => { chunkWaiters = chunkWaiters.filter((w) => w !== waiter); fail(new Error(`no response chunk reached the client within ${timeoutMs} ms`)); }, timeoutMs);
      const waiter = () => { clearTimeout(timer); done(); };
      chunkWaiters.push(waiter);
    }),
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/**
 * A raw TCP relay in front of the gateway's proxy port (proxy mode: CONNECT + TLS, so the bytes
 * are opaque). It only notes when bytes travel from the gateway to the client, which is enough
 * to see whether a stream reaches the client while the upstream still holds the rest.
 */
export interface TcpTap {
  url: string;
  /** Date.now() of the last gateway→client bytes. */
  lastDownstreamAt: number;
  close(): Promise<void>;
}

export async function startTcpTap(targetPort: number): Promise<TcpTap> {
  const sockets = new Set<Socket>();
  const tap: TcpTap = { url: '', lastDownstreamAt: 0, close: async () => undefined };
  const server = createTcpServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', () => { tap.lastDownstreamAt = Date.now(); });
    upstream.pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  tap.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tap.close = () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); });
  return tap;
}
