// `node hook-engine.js --serve`: the hook server. Hooks start a new process per tool call; most
// of a standalone call is loading and compiling the policy engine, and Node's own start-up is
// already about the 50 ms a hook may take. The server keeps the engine loaded (policies
// recompiled when one of their files changes) and answers each call over HTTP on a private
// unix socket (socket.ts has the wire format), so the launcher asks it with curl and no Node
// starts at all. It serves one decision at a time, exits after 15 idle minutes or when its
// engine file changes, and a caller that cannot reach it decides standalone: the server only
// makes hooks faster, never more permissive.
import { unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileIdentity, realOrSelf, socketAlive, socketInode } from '../localSocket';
import { answerHook } from './command';
import { keepIndexes } from './fingerprints';
import { withCallerEnv } from './callerEnv';
import { encodeAnswer, encodeRetry, FORWARDED_ENV, HEADER_CWD, HEADER_ENGINE, HEADER_ENV_PREFIX, HEADER_ORG_POLICY, hookSocketPath } from './socket';

const IDLE_MS = Number(process.env.AIRLOCK_HOOK_IDLE_MS) || 15 * 60 * 1000;
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** A parsed request: what `airlock hook <args>` would get, plus what identifies the server the caller meant. */
interface Call {
  args: string[];
  cwd: string;
  payload: string;
  env: Record<string, string>;
  engine: string | undefined;
  orgPolicy: string | undefined;
}

export async function serveHooks(engineFile: string): Promise<void> {
  const socket = hookSocketPath(engineFile);
  if (!socket) return;
  if (await socketAlive(socket)) return; // another server already answers
  try {
    if (process.platform !== 'win32') unlinkSync(socket);
  } catch {
    // no stale socket
  }
  keepIndexes();
  const engineIdentity = fileIdentity(engineFile);
  const engineReal = realOrSelf(engineFile);
  const orgPolicy = process.env.AIRLOCK_ORG_POLICY ?? '';
  // A rebuilt or removed engine retires this server, even when nobody calls it any more.
  setInterval(() => {
    if (fileIdentity(engineFile) !== engineIdentity) process.exit(0);
  }, 30_000).unref();
  let queue: Promise<unknown> = Promise.resolve();
  let idle = setTimeout(() => process.exit(0), IDLE_MS);
  const server = createServer((req, res) => {
    clearTimeout(idle);
    idle = setTimeout(() => process.exit(0), IDLE_MS);
    void readCall(req).then((call) => {
      if (!call) return reply(res, 400, 'not an Airlock hook request\n');
      queue = queue.then(async () => {
        if (fileIdentity(engineFile) !== engineIdentity) {
          reply(res, 200, encodeRetry(call.payload));
          server.close();
          setImmediate(() => process.exit(0));
          return;
        }
        // A socket name shared by chance (cksum) or a caller with another org policy: not ours to decide.
        if ((call.engine !== undefined && realOrSelf(call.engine) !== engineReal) || (call.orgPolicy !== undefined && call.orgPolicy !== orgPolicy)) {
          reply(res, 200, encodeRetry(call.payload));
          return;
        }
        reply(res, 200, encodeAnswer(await withCallerEnv(call.env, () => answerHook(call.args, call.payload, call.cwd))));
      });
    });
  });
  server.on('clientError', (_error, conn) => conn.destroy());
  server.on('error', () => process.exit(0));
  server.listen(socket, () => {
    // Leave no socket file behind (a stale one only costs the next caller a refused connect),
    // but never remove one a newer server has put in its place.
    const ino = process.platform === 'win32' ? undefined : socketInode(socket);
    process.once('exit', () => {
      try {
        if (ino !== undefined && socketInode(socket) === ino) unlinkSync(socket);
      } catch {
        // already gone
      }
    });
  });
}

/** The request as a hook call, or undefined when it is not one (wrong path, too large, cut off). */
function readCall(req: IncomingMessage): Promise<Call | undefined> {
  return new Promise((resolvePromise) => {
    const url = new URL(req.url ?? '/', 'http://airlock');
    const cwd = header(req, HEADER_CWD);
    if ((req.method !== 'PUT' && req.method !== 'POST') || url.pathname !== '/v1/hook' || !cwd) {
      req.resume();
      return resolvePromise(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        resolvePromise(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.once('error', () => resolvePromise(undefined));
    req.once('aborted', () => resolvePromise(undefined));
    req.once('end', () => {
      if (!req.complete) return resolvePromise(undefined);
      const agent = url.searchParams.get('agent') ?? '';
      const event = url.searchParams.get('event');
      const env: Record<string, string> = {};
      for (const k of FORWARDED_ENV) {
        const v = header(req, `${HEADER_ENV_PREFIX}${k.toLowerCase()}`);
        if (v !== undefined) env[k] = v;
      }
      resolvePromise({
        args: event ? [agent, event] : [agent],
        cwd,
        payload: Buffer.concat(chunks).toString('utf8'),
        env,
        engine: header(req, HEADER_ENGINE),
        orgPolicy: header(req, HEADER_ORG_POLICY),
      });
    });
  });
}

/** A header's value as the UTF-8 the caller sent (Node reads header bytes as latin1). */
function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? Buffer.from(v, 'latin1').toString('utf8') : undefined;
}

function reply(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=us-ascii', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}
