// Absolute-form plain-HTTP proxy requests (`GET http://host/path`) to hosts Airlock does not
// inspect: passed on as they are, streamed both ways (the plain-HTTP counterpart of a tunnel).
import { ClientRequest, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { requestTarget } from '../forward';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade']);

export function passThrough(req: IncomingMessage, res: ServerResponse, url: URL, agent: Agent): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  // Not http.request: VS Code patches it to use http.proxy (this gateway), see forward.ts.
  const upstream = new ClientRequest({ ...requestTarget(url), method: req.method, headers, agent });
  upstream.once('response', (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
    answer.pipe(res);
    answer.once('error', () => res.destroy());
  });
  upstream.once('error', () => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`Airlock: ${url.host} could not be reached\n`);
  });
  res.once('close', () => upstream.destroy());
  req.pipe(upstream);
}
