// The act stage for allowed requests: send the body upstream and pipe the answer back as it
// arrives (SSE and NDJSON streams are never buffered). Failures propagate both ways: a client
// that goes away cancels the upstream request; an upstream that fails mid-stream makes the
// client's stream fail too (socket destroyed), never end cleanly truncated.
import { ClientRequest, type Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { tapSafely, type ResponseTap } from './responseTap';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect']);

export interface ForwardInput {
  req: IncomingMessage;
  res: ServerResponse;
  target: URL;
  body: Buffer;
  /** True when `body` is not what the client sent (redacted/decoded): drop its Content-Encoding. */
  rewritten: boolean;
  agents: { http: HttpAgent; https: HttpsAgent };
  /** Called once the upstream could not be reached, before any byte went to the client. */
  onUnreachable: (error: Error) => void;
  onResponse?: (status: number) => void;
  /** Sees a copy of the response after each chunk went to the client (provenance); never on the critical path. */
  tap?: ResponseTap;
}

/** Request headers for the upstream: the client's own (auth included, untouched) minus hop-by-hop. */
export function upstreamHeaders(headers: IncomingHttpHeaders, target: URL, bodyLength: number, rewritten: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'x-airlock-assistant') continue;
    if (rewritten && name === 'content-encoding') continue;
    out[name] = value;
  }
  out['host'] = target.host;
  out['content-length'] = String(bodyLength);
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  if (headers['content-length'] !== undefined && headers['transfer-encoding'] === undefined) out['content-length'] = headers['content-length'];
  return out;
}

/** URL → request options (ClientRequest takes no URL plus options in its typings). */
export function requestTarget(url: URL): { protocol: string; hostname: string; port?: number; path: string } {
  return { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), ...(url.port ? { port: Number(url.port) } : {}), path: `${url.pathname}${url.search}` };
}

export function forward(input: ForwardInput): void {
  const { req, res, target, body } = input;
  // The client gave up while the request was being decided: do not call the model for nobody.
  if (res.destroyed || req.socket.destroyed) return;
  const secure = target.protocol === 'https:';
  // A ClientRequest on our own agent, not http(s).request: VS Code's extension host patches those
  // to route through its http.proxy, which is this gateway when Airlock set it (a loop).
  const upstream = new ClientRequest({
    ...requestTarget(target),
    method: req.method,
    headers: upstreamHeaders(req.headers, target, body.length, input.rewritten),
    agent: secure ? input.agents.https : input.agents.http,
  });
  let finished = false;

  res.once('close', () => {
    // The client went away before the answer was complete: cancel upstream.
    if (!finished) upstream.destroy();
  });

  upstream.once('response', (answer) => {
    input.onResponse?.(answer.statusCode ?? 502);
    const tap = input.tap;
    if (tap) tapSafely(() => tap.head(answer.statusCode ?? 502, answer.headers));
    res.socket?.setNoDelay(true);
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.headers));
    // Streams: let the client see the status now, before the first event; sized bodies go out with it.
    if (answer.headers['content-length'] === undefined) res.flushHeaders();
    answer.on('data', (chunk: Buffer) => {
      if (!res.write(chunk)) {
        answer.pause();
        res.once('drain', () => answer.resume());
      }
      if (tap) tapSafely(() => tap.data(chunk));
    });
    answer.once('end', () => {
      finished = true;
      res.end();
      if (tap) tapSafely(() => tap.end());
    });
    answer.once('close', () => {
      // `complete` is false when the upstream connection broke before the message ended.
      if (!answer.complete) res.destroy(new Error('upstream connection lost mid-response'));
    });
    answer.once('error', () => res.destroy());
  });

  upstream.once('error', (error) => {
    if (finished || res.destroyed) return;
    if (!res.headersSent) input.onUnreachable(error);
    else res.destroy();
  });

  upstream.end(body);
}
