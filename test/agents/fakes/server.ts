// One fake model upstream on 127.0.0.1 speaking every wire format the agents use, chosen by path:
// Anthropic Messages, OpenAI Responses, Chat Completions, Gemini. Records every request (raw
// bytes), answers from a script turn by turn, streams in pieces, and can hold a stream after its
// first chunk (to prove a client receives it incrementally). Served over plain HTTP (base-URL
// wiring) and, given a certificate, over TLS too (proxy wiring via the gateway's --resolve).
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { anthropic } from './anthropic';
import { chat } from './chat';
import { gemini } from './gemini';
import { COPILOT_API_HOST, githubAnswer } from './github';
import { responses } from './responses';
import { say } from './script';
import type { Dialect, RecordedRequest, Script, WireFormat } from './types';

export interface StreamOptions {
  /** Text turns are sent in this many deltas (default 3). */
  pieces?: number;
  /** Pause between chunks, ms (default 0). */
  chunkDelayMs?: number;
  /** After the first chunk of the next stream, wait for this promise before the rest. */
  holdAfterFirst?: () => Promise<void>;
}

export interface FakeUpstream {
  /** http://127.0.0.1:PORT */
  url: string;
  /** https://127.0.0.1:PORT (only with a certificate) */
  tlsPort?: number;
  requests: RecordedRequest[];
  /** Requests the model was asked to answer (excludes GET metadata), with their wire format. */
  modelRequests(): (RecordedRequest & { format: WireFormat })[];
  script: Script;
  stream: StreamOptions;
  /** The Copilot API host the fake GitHub user's plan names (`endpoints.api` of copilot_internal/user). */
  copilotApiHost: string;
  /** Fires when the first chunk of a held stream has been written. */
  onFirstChunk?: (format: WireFormat) => void;
  close(): Promise<void>;
}

export function formatOf(path: string): WireFormat | undefined {
  if (/\/messages(\/count_tokens)?$/.test(path)) return 'anthropic';
  if (/\/responses$/.test(path)) return 'responses';
  if (/\/chat\/completions$/.test(path)) return 'chat';
  if (/:(stream)?[gG]enerateContent$|:countTokens$/.test(path)) return 'gemini';
  return undefined;
}

const DIALECTS: Record<WireFormat, Dialect> = { anthropic, responses, chat, gemini };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFake(options: { script?: Script; tls?: { key: string; cert: string } } = {}): Promise<FakeUpstream> {
  const started = Date.now();
  const requests: (RecordedRequest & { format?: WireFormat })[] = [];
  let answered = 0;

  const fake: FakeUpstream = {
    url: '',
    requests,
    modelRequests: () => requests.filter((r): r is RecordedRequest & { format: WireFormat } => r.format !== undefined && r.method === 'POST'),
    script: options.script ?? say('Hello from the fake model.'),
    stream: {},
    copilotApiHost: COPILOT_API_HOST,
    close: async () => undefined,
  };

  async function answer(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest & { format?: WireFormat }): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const format = rec.format;
    // GitHub's side of Copilot's hosted models (the user's plan, the model catalogue), by Host.
    const github = githubAnswer(req.method ?? '', path, req.headers, rec.body, fake.copilotApiHost);
    if (github && !format) {
      res.writeHead(github.status, { 'content-type': 'application/json', ...github.headers }).end(github.body === '' ? '' : JSON.stringify(github.body));
      return;
    }
    if (!format) {
      // Metadata reads (model listings) some clients make; anything else is a 404 they can report.
      if (req.method === 'GET' && /\/models$/.test(path)) {
        const body = JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', created: 1, owned_by: 'fake' }], models: [] });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `fake upstream: no route for ${req.method} ${path}` } }));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(rec.body.toString('utf8') || '{}');
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'fake upstream: body is not JSON' } }));
      return;
    }
    const dialect = DIALECTS[format];
    const view = dialect.view(body, req.url ?? '');
    if (format === 'anthropic' && path.endsWith('/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: 10 }));
      return;
    }
    if (format === 'gemini' && path.endsWith(':countTokens')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ totalTokens: 10 }));
      return;
    }
    const turn = fake.script({ request: rec, view, index: answered++ });
    if (turn.kind === 'error') {
      const text = JSON.stringify(dialect.error(turn.status, turn.message));
      res.writeHead(turn.status, { 'content-type': 'application/json', 'x-should-retry': 'false' }).end(text);
      return;
    }
    if (!view.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(dialect.json(turn, view)));
      return;
    }
    const chunks = dialect.stream(turn, view, fake.stream.pieces ?? 3);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const hold = fake.stream.holdAfterFirst;
    if (hold) fake.stream.holdAfterFirst = undefined; // one stream only
    for (const [i, chunk] of chunks.entries()) {
      if (res.destroyed) return;
      res.write(chunk);
      if (i === 0 && hold) {
        fake.onFirstChunk?.(format);
        await hold();
      } else if (fake.stream.chunkDelayMs) {
        await sleep(fake.stream.chunkDelayMs);
      }
    }
    res.end();
  }

  const handler = (scheme: 'http' | 'https') => (req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const rec = { scheme, method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(parts), at: Date.now() - started, format: formatOf(path) };
      requests.push(rec);
      answer(req, res, rec).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
        else res.destroy();
      });
    });
  };

  const servers: Server[] = [];
  const http = createHttpServer(handler('http'));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  servers.push(http);
  fake.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  if (options.tls) {
    const https = createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler('https'));
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    servers.push(https as unknown as Server);
    fake.tlsPort = (https.address() as AddressInfo).port;
  }
  fake.close = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); })));
  };
  return fake;
}
