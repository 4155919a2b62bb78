// A fake model API on 127.0.0.1 that records every request it receives and answers like OpenAI,
// Anthropic or Ollama would (JSON, SSE or NDJSON, by path and `stream`). Streams can be held
// after their first chunk until the test releases them, or reset mid-stream.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface StreamBehaviour {
  /** Hold every stream after its first chunk until `release()` is called. */
  hold?: boolean;
  /** Destroy the connection right after the first chunk (an upstream failing mid-stream). */
  resetAfterFirst?: boolean;
  /** Delay between chunks, ms. */
  chunkDelayMs?: number;
  /** Number of content chunks in a stream. */
  chunks?: number;
}

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  behaviour: StreamBehaviour;
  /** Resolves with the next request to arrive (or the latest one, if it arrived unawaited). */
  nextRequest(): Promise<RecordedRequest>;
  /** Lets held streams continue. */
  release(): void;
  /** Resolves when a response is closed by the client before it was complete. */
  nextClientAbort(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openAIChunk(text: string, done = false): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: 'fake', choices: [{ index: 0, delta: done ? {} : { content: text }, finish_reason: done ? 'stop' : null }] })}\n\n`;
}

function anthropicEvent(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** The chunks of a streamed answer in the dialect of `path`: [first, ...middle, last]. */
function streamChunks(path: string, n: number): { contentType: string; chunks: string[] } {
  const words = Array.from({ length: n }, (_, i) => `w${i} `);
  if (path.includes('/messages')) {
    const message = { id: 'msg_fake', type: 'message', role: 'assistant', model: 'fake', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } };
    return {
      contentType: 'text/event-stream',
      chunks: [
        anthropicEvent('message_start', { message }) + anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        ...words.map((w) => anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: w } })),
        anthropicEvent('content_block_stop', { index: 0 }) + anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: n } }) + anthropicEvent('message_stop', {}),
      ],
    };
  }
  if (path.includes(':streamGenerateContent')) {
    const event = (text: string, done: boolean) => `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...(done ? { finishReason: 'STOP' } : {}) }], modelVersion: 'fake' })}\r\n\r\n`;
    return { contentType: 'text/event-stream', chunks: [...words.map((w, i) => event(w, i === words.length - 1))] };
  }
  if (path.startsWith('/api/')) {
    const line = (content: string, done: boolean) => `${JSON.stringify({ model: 'fake', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content }, response: content, done, ...(done ? { done_reason: 'stop' } : {}) })}\n`;
    return { contentType: 'application/x-ndjson', chunks: [...words.map((w) => line(w, false)), line('', true)] };
  }
  return { contentType: 'text/event-stream', chunks: [...words.map((w) => openAIChunk(w)), openAIChunk('', true) + 'data: [DONE]\n\n'] };
}

function jsonAnswer(path: string): object {
  if (path.includes('/messages')) {
    return { id: 'msg_fake', type: 'message', role: 'assistant', model: 'fake', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };
  }
  if (path === '/api/tags') return { models: [{ name: 'fake:latest', model: 'fake:latest', size: 1 }] };
  if (path.startsWith('/api/')) return { model: 'fake', created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', content: 'ok' }, response: 'ok', done: true, done_reason: 'stop' };
  if (path.includes(':generateContent')) return { candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP', index: 0 }], modelVersion: 'fake' };
  if (path.includes(':countTokens')) return { totalTokens: 3 };
  if (path.endsWith('/models')) return { object: 'list', data: [{ id: 'fake', object: 'model', created: 1, owned_by: 'fake' }] };
  if (path.endsWith('/responses')) {
    return { id: 'resp_fake', object: 'response', created_at: 1, status: 'completed', model: 'fake', output: [{ type: 'message', id: 'm1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] }], usage: null };
  }
  return { id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: 'fake', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
}

/** `tls`: serve HTTPS with these options (key and certificate, or an SNICallback: a fake answering under real host names). */
export async function startFakeUpstream(options: { tls?: import('node:tls').TlsOptions } = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const waiters: ((r: RecordedRequest) => void)[] = [];
  const abortWaiters: (() => void)[] = [];
  let releaseHeld: () => void = () => undefined;
  let held = new Promise<void>((r) => (releaseHeld = r));
  const behaviour: StreamBehaviour = {};

  async function respond(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let wantsStream = false;
    try {
      const body = JSON.parse(recorded.body.toString('utf8') || '{}') as { stream?: boolean };
      wantsStream = path.includes(':streamGenerateContent') || body.stream === true || (path.startsWith('/api/') && path !== '/api/tags' && body.stream !== false && req.method === 'POST');
    } catch {
      wantsStream = false;
    }
    if (!wantsStream) {
      const text = JSON.stringify(jsonAnswer(path));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const { contentType, chunks } = streamChunks(path, behaviour.chunks ?? 3);
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
    let complete = false;
    res.once('close', () => {
      if (!complete) for (const w of abortWaiters.splice(0)) w();
    });
    for (const [i, chunk] of chunks.entries()) {
      if (res.destroyed) return;
      res.write(chunk);
      if (i === 0 && behaviour.resetAfterFirst) {
        await sleep(20);
        res.socket?.destroy();
        return;
      }
      if (i === 0 && behaviour.hold) await held;
      if (behaviour.chunkDelayMs) await sleep(behaviour.chunkDelayMs);
    }
    complete = true;
    res.end();
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(recorded);
      const waiter = waiters.shift();
      if (waiter) waiter(recorded);
      void respond(req, res, recorded).catch(() => res.destroy());
    });
  };
  const server = options.tls ? createTlsServer({ ...options.tls, ALPNProtocols: ['http/1.1'] }, handler) : createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  let seen = 0;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    behaviour,
    nextRequest: () => {
      if (requests.length > seen) return Promise.resolve(requests[seen++]!);
      return new Promise((resolve) =>
        waiters.push((r) => {
          seen++;
          resolve(r);
        }),
      );
    },
    release: () => {
      releaseHeld();
      held = new Promise<void>((r) => (releaseHeld = r));
    },
    nextClientAbort: () => new Promise((resolve) => abortWaiters.push(resolve)),
    close: async () => {
      releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
