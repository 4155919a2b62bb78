// `node cli.js scan-server`: keeps `airlock scan`'s engine loaded and warm. A scan in a fresh
// process spends most of its time before the scanning is fast: Node's start, loading and
// compiling the bundle and the policy, V8 running the scanner unoptimised until its compiler
// catches up, and worker threads that cost more to start than they save. cli.js's loader hands
// each `airlock scan` here (serverClient.ts; serverWire.ts has the wire) before it loads
// anything, and after a scan it ran itself it starts this server.
//
// The server runs exactly what the caller would: scanCommand with the caller's arguments,
// working folder and whole environment (policy lookups read HOME, XDG_*, AIRLOCK_*), reading
// the policy files and the scanned files afresh every time, and hands back its exit code and
// output. Its scan workers stay between scans (pool.ts poolOptions.keepWorkers), so every core
// scans. It scans one request at a time (a caller that comes meanwhile scans in its own
// process), and retires after AIRLOCK_SCAN_IDLE_MS (10 minutes) without a request, when its
// cli.js is rebuilt or removed, or when a scan left it holding much memory.
import { unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { fileIdentity, realOrSelf, socketAlive, socketInode } from '../localSocket';
import type { CliIO } from '../run';
import { scanCommand } from '../scan';
import { poolOptions } from './pool';
import { namesThisProcess } from './serverClient';
import { callerIdentity, definedOnly, parseRequest, SCAN_WARM_UP_ENV, SCAN_WIRE_VERSION, scanSocketPath, type ScanAnswer, type ScanRequest, type WarmUp } from './serverWire';

const IDLE_MS = Number(process.env['AIRLOCK_SCAN_IDLE_MS']) || 10 * 60 * 1000;
/** A request is arguments and an environment: far below this. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** After a scan that leaves the process this large, the server retires (the next one starts small). */
const MAX_RSS_BYTES = 512 * 1024 * 1024;
/** "Scan this yourself." */
const RETRY_LINE = `${JSON.stringify({ v: SCAN_WIRE_VERSION, retry: true })}\n`;

export async function serveScans(cliFile: string): Promise<void> {
  const socket = scanSocketPath(cliFile);
  if (!socket) return;
  // Who this server is (before any caller's environment is swapped in): it scans only for the same.
  const self = callerIdentity(process.env);
  // What the starting scan asks to be warmed on; not passed on to the scans served.
  const warmUp = warmUpOf(process.env[SCAN_WARM_UP_ENV]);
  delete process.env[SCAN_WARM_UP_ENV];
  poolOptions.keepWorkers = true;
  const cliReal = realOrSelf(cliFile);
  const cliIdentity = fileIdentity(cliFile);
  const retired = () => fileIdentity(cliFile) !== cliIdentity;
  /** A scan (a caller's or a warm-up round) under way: callers meanwhile scan themselves. */
  let busy = false;
  let callerCame = false;
  // Idle time counts from the end of the last scan; nothing retires the server mid-scan.
  let idle: NodeJS.Timeout | undefined;
  const idleFromNow = () => {
    clearTimeout(idle);
    idle = setTimeout(() => (busy ? idleFromNow() : process.exit(0)), IDLE_MS);
  };

  const server = createServer((conn) => {
    conn.on('error', () => undefined);
    void readRequest(conn).then(async (request) => {
      if (!request) return void conn.destroy();
      callerCame = true;
      if (busy || request.caller !== self || realOrSelf(request.cli) !== cliReal || retired()) {
        await endWith(conn, RETRY_LINE);
        if (retired() && !busy) process.exit(0);
        return;
      }
      busy = true;
      // A caller that went away (Ctrl-C, or it gave up waiting) ends its scan here too.
      const abort = new AbortController();
      conn.once('close', () => abort.abort());
      try {
        conn.write(`${JSON.stringify({ v: SCAN_WIRE_VERSION, accepted: true })}\n`);
        const answer = await scanAsCaller(request, abort.signal);
        // Sent whole before anything may end this process (an answer can be megabytes).
        if (!abort.signal.aborted) await endWith(conn, `${JSON.stringify(answer)}\n`);
      } catch (error) {
        if (error instanceof NotOursToReadError && !abort.signal.aborted) await endWith(conn, RETRY_LINE);
        else conn.destroy();
      } finally {
        busy = false;
        idleFromNow();
      }
      if (process.memoryUsage().rss > MAX_RSS_BYTES || retired()) setImmediate(() => process.exit(0));
    });
  });
  if (!(await listen(server, socket))) return;
  server.on('error', () => process.exit(0));
  idleFromNow();
  // Leave no socket behind, but never remove one a newer server has put in its place; and a
  // server whose socket is no longer its own (a rebuilt cli.js, or another server that took the
  // name) is reached by nobody: it goes.
  const ino = socketInode(socket);
  setInterval(() => {
    if (!busy && (retired() || socketInode(socket) !== ino)) process.exit(0);
  }, 30_000).unref();
  // Ended by a signal, it still removes its socket (the exit handler below).
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => process.exit(0));
  process.once('exit', () => {
    try {
      if (ino !== undefined && socketInode(socket) === ino) unlinkSync(socket);
    } catch {
      // already gone
    }
  });
  // The scan that started the server, again, output dropped, a few times: V8 optimises for what
  // it has run, and what comes next is most likely that scan again. A caller that comes
  // meanwhile scans itself (a round can take as long as its scan), and ends the warm-up.
  if (warmUp) {
    for (let round = 0; round < warmUp.rounds && !callerCame; round++) {
      busy = true;
      try {
        await scanAsCaller({ v: SCAN_WIRE_VERSION, cli: cliFile, caller: self, args: warmUp.args, cwd: warmUp.cwd, env: definedOnly(process.env) });
      } catch {
        break;
      } finally {
        busy = false;
        idleFromNow();
      }
      await new Promise((r) => setImmediate(r));
    }
  }
}

function endWith(conn: Socket, line: string): Promise<void> {
  return new Promise((resolvePromise) => {
    conn.once('close', () => resolvePromise());
    conn.end(line, () => resolvePromise());
  });
}

function warmUpOf(text: string | undefined): WarmUp | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<WarmUp>;
    if (!Array.isArray(value.args) || !value.args.every((a) => typeof a === 'string') || typeof value.cwd !== 'string' || typeof value.rounds !== 'number') return undefined;
    return { args: value.args, cwd: value.cwd, rounds: Math.max(0, Math.min(3, Math.floor(value.rounds))) };
  } catch {
    return undefined;
  }
}

/** Listens on `socket`; false when another live server already does (then this one just ends). */
async function listen(server: Server, socket: string): Promise<boolean> {
  const attempt = () =>
    new Promise<NodeJS.ErrnoException | undefined>((resolvePromise) => {
      const onError = (error: NodeJS.ErrnoException) => resolvePromise(error);
      server.once('error', onError);
      server.listen(socket, () => {
        server.off('error', onError);
        resolvePromise(undefined);
      });
    });
  let error = await attempt();
  if (error?.code === 'EADDRINUSE' && !(await socketAlive(socket))) {
    // A server that died left its socket: take its place.
    try {
      unlinkSync(socket);
    } catch {
      // another server took it meanwhile
    }
    error = await attempt();
  }
  return error === undefined;
}

function readRequest(conn: Socket): Promise<ScanRequest | undefined> {
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      const nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        size += chunk.length;
        if (size > MAX_REQUEST_BYTES) {
          conn.off('data', onData);
          resolvePromise(undefined);
        } else chunks.push(chunk);
        return;
      }
      chunks.push(chunk.subarray(0, nl));
      conn.off('data', onData);
      resolvePromise(parseRequest(Buffer.concat(chunks).toString('utf8')));
    };
    conn.on('data', onData);
    conn.once('end', () => resolvePromise(undefined));
    conn.once('close', () => resolvePromise(undefined));
  });
}

/** A scan leads to something only the caller has: it scans itself. */
class NotOursToReadError extends Error {}

/** scanCommand as the caller would run it: its folder and environment for the time of the scan. */
async function scanAsCaller(request: ScanRequest, signal?: AbortSignal): Promise<ScanAnswer> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ownCwd = process.cwd();
  const restoreEnv = replaceEnv(request.env);
  try {
    process.chdir(request.cwd);
  } catch {
    // scanCommand resolves every path against io.cwd; a folder it cannot enter reads as missing there too.
  }
  let exitCode: number;
  try {
    // What leads into /dev or /proc is this process's own there (its stdin, its fds, its /proc/self): the caller's is not ours to read.
    const onLink = (path: string) => {
      if (namesThisProcess(path, request.cwd)) throw new NotOursToReadError();
    };
    const io: CliIO = { stdout: collector(stdout), stderr: collector(stderr), stdin: Readable.from([]), cwd: request.cwd, env: process.env, onLink, ...(signal ? { signal } : {}) };
    exitCode = await scanCommand(request.args, io);
  } catch (error) {
    // Nobody to answer, or the caller must scan this itself.
    if (signal?.aborted || error instanceof NotOursToReadError) throw error;
    // As main.ts reports an internal error.
    stderr.push(`airlock: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = 3;
  } finally {
    restoreEnv();
    try {
      process.chdir(ownCwd);
    } catch {
      // its own folder is gone: paths are absolute from here on
    }
  }
  return { v: SCAN_WIRE_VERSION, exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** Makes process.env the caller's (setenv and unsetenv, so libuv's own lookups see it too); returns the undo. */
function replaceEnv(env: Record<string, string>): () => void {
  const own = definedOnly(process.env);
  const set = (target: Record<string, string>) => {
    for (const key of Object.keys(process.env)) if (!Object.hasOwn(target, key)) delete process.env[key];
    for (const [key, value] of Object.entries(target)) if (process.env[key] !== value) process.env[key] = value;
  };
  set(env);
  return () => set(own);
}


function collector(into: string[]): NodeJS.WritableStream {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      into.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
}
