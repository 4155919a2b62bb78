// `node hook-engine.js --serve`: the hook server. Hooks start a new process per tool call; most
// of a standalone call is loading and compiling the policy engine. The server keeps it loaded
// (policies recompiled when one of their files changes) and answers each call over a local
// socket, so a call costs little more than Node's start-up. It serves one request at a time,
// exits after 15 idle minutes or when its engine file changes, and a client that cannot reach
// it decides standalone: the server only makes hooks faster, never more permissive.
import { statSync, unlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { answerHook } from './command';
import { keepIndexes } from './fingerprints';
import { FORWARDED_ENV, hookSocketPath, type HookRequest } from './socket';

const IDLE_MS = Number(process.env.AIRLOCK_HOOK_IDLE_MS) || 15 * 60 * 1000;
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export async function serveHooks(engineFile: string): Promise<void> {
  const socket = hookSocketPath(engineFile);
  if (!socket) return;
  if (await alive(socket)) return; // another server already answers
  try {
    if (process.platform !== 'win32') unlinkSync(socket);
  } catch {
    // no stale socket
  }
  keepIndexes();
  const engineIdentity = identity(engineFile);
  // A rebuilt or removed engine retires this server, even when nobody calls it any more.
  setInterval(() => {
    if (identity(engineFile) !== engineIdentity) process.exit(0);
  }, 30_000).unref();
  let queue: Promise<unknown> = Promise.resolve();
  let idle = setTimeout(() => process.exit(0), IDLE_MS);
  const server = createServer((conn) => {
    clearTimeout(idle);
    idle = setTimeout(() => process.exit(0), IDLE_MS);
    const chunks: Buffer[] = [];
    let size = 0;
    conn.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) conn.destroy();
      else chunks.push(c);
      if (c.includes(10)) conn.emit('request');
    });
    conn.once('request', () => {
      queue = queue.then(async () => {
        if (identity(engineFile) !== engineIdentity) {
          conn.end(`${JSON.stringify({ retry: true })}\n`);
          server.close();
          setImmediate(() => process.exit(0));
          return;
        }
        let request: HookRequest;
        try {
          request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookRequest;
        } catch {
          conn.end(`${JSON.stringify({ retry: true })}\n`);
          return;
        }
        const saved = FORWARDED_ENV.map((k) => [k, process.env[k]] as const);
        for (const k of FORWARDED_ENV) {
          if (request.env?.[k] !== undefined) process.env[k] = request.env[k];
          else delete process.env[k];
        }
        try {
          const answer = await answerHook(request.args, request.payload, request.cwd);
          conn.end(`${JSON.stringify(answer)}\n`);
        } finally {
          for (const [k, v] of saved) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
          }
        }
      });
    });
    conn.on('error', () => conn.destroy());
  });
  server.on('error', () => process.exit(0));
  server.listen(socket, () => {
    // Leave no socket file behind (a stale one only costs the next client a refused connect).
    process.once('exit', () => {
      try {
        if (process.platform !== 'win32') unlinkSync(socket);
      } catch {
        // already gone
      }
    });
  });
}

function identity(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'gone';
  }
}

function alive(socket: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const c = connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolvePromise(true);
    });
    c.once('error', () => resolvePromise(false));
  });
}
