// The caller's side of the scan server (server.ts): cli.js's loader asks it before it loads
// the engine, and starts one after a scan it ran itself. Node built-ins only. Every way this
// can go wrong (no server, a busy or rebuilt one, one that dies mid-scan, a garbled answer)
// ends in the caller scanning in its own process, as without a server.
import { lstatSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { callerIdentity, definedOnly, parseReply, SCAN_SERVER_COMMAND, SCAN_SERVER_ENV, SCAN_WARM_UP_ENV, SCAN_WIRE_VERSION, scanSocketPath, type ScanAnswer, type ScanRequest, type WarmUp } from './serverWire';

/** How long a server may take to take a scan (it answers `accepted` at once when it is idle). */
const ACCEPT_TIMEOUT_MS = 2_000;

/**
 * Whether this `airlock scan` asks a server (and starts one): not with AIRLOCK_SCAN_SERVER=off,
 * not under CI unless AIRLOCK_SCAN_SERVER=on (a CI job scans once, and a server left running
 * would only take CPU from the next steps), not on Windows, not with NODE_OPTIONS or node options (a debugger or
 * a preloaded module would live on in a server), and not when an argument names something only
 * this process has: stdin (`-`), `/dev/stdin`, `/dev/fd/N` (a shell's `<(…)`), `/proc/self/…`,
 * or anything else under /dev or /proc (also through a link): the server would read its own.
 */
export function scanServerWanted(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): boolean {
  const setting = env[SCAN_SERVER_ENV];
  // (Node options on the command line, like NODE_OPTIONS, would not carry over either.)
  if (setting === 'off' || process.platform === 'win32' || env['NODE_OPTIONS'] || process.execArgv.length > 0) return false;
  if (env['CI'] && env['CI'] !== 'false' && setting !== 'on') return false;
  const orgPolicy = env['AIRLOCK_ORG_POLICY'];
  if (orgPolicy && namesThisProcess(orgPolicy, cwd)) return false;
  return !args.some((arg) => arg === '-' || [arg, arg.slice(arg.indexOf('=') + 1)].some((path) => namesThisProcess(path, cwd)));
}

/** Whether `path` (against `cwd`) is, or leads through links to, something under /dev or /proc: what each process has its own of. */
export function namesThisProcess(path: string, cwd: string): boolean {
  if (path === '') return false;
  const inside = (p: string) => p === '/dev' || p === '/proc' || p.startsWith('/dev/') || p.startsWith('/proc/');
  // Resolved by hand, link by link: realpath would see through /proc/self/fd/0 to the file it
  // stands for in this process, and miss that the server would read its own.
  let pending = resolve(cwd, path).split('/').filter(Boolean);
  let current = '/';
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    if (inside(next)) return true;
    let target: string | undefined;
    try {
      if (lstatSync(next).isSymbolicLink()) target = readlinkSync(next);
    } catch {
      return false; // nothing there: the scan says so, wherever it runs
    }
    if (target === undefined) {
      current = next;
    } else {
      if (++hops > 40) return true; // a loop: let this process report it
      pending = [...target.split('/').filter(Boolean), ...pending];
      if (target.startsWith('/')) current = '/';
    }
  }
  return false;
}

/** What the server said, or `none` (nobody listens: start one), or `declined` (scan here; leave the server be). */
export type ServerOutcome = ScanAnswer | 'none' | 'declined';

export function askScanServer(cliFile: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ServerOutcome> {
  return new Promise((done) => {
    const socket = scanSocketPath(cliFile);
    if (!socket) return done('declined');
    const request: ScanRequest = { v: SCAN_WIRE_VERSION, cli: cliFile, caller: callerIdentity(env), args: [...args], cwd, env: definedOnly(env) };
    const conn = connect(socket);
    const chunks: string[] = [];
    let accepted = false;
    let settled = false;
    const finish = (outcome: ServerOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.destroy();
      done(outcome);
    };
    const timer = setTimeout(() => finish('declined'), ACCEPT_TIMEOUT_MS);
    conn.setEncoding('utf8');
    conn.once('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (chunk: string) => {
      // A line ends in this chunk or a later one: only the new chunk is searched (answers can be megabytes).
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n')) {
        chunks.push(chunk.slice(0, nl));
        chunk = chunk.slice(nl + 1);
        const reply = parseReply(chunks.join(''));
        chunks.length = 0;
        if (!reply || 'retry' in reply) return finish('declined');
        if (!('accepted' in reply)) return finish(reply);
        accepted = true;
        clearTimeout(timer);
      }
      chunks.push(chunk);
    });
    conn.once('error', (error: NodeJS.ErrnoException) => finish(!accepted && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') ? 'none' : 'declined'));
    conn.once('close', () => finish('declined'));
  });
}

/**
 * Starts a server for the next scans, detached from this process and its terminal (it retires
 * itself: server.ts), to be warmed on the scan this process ran (`args` in `cwd`, which took
 * `tookMs`): three times after a short scan, once after one of a few seconds, not after a long
 * one. Called as this process exits, so it takes no CPU from this scan.
 */
export function startScanServer(cliFile: string, args: readonly string[], cwd: string, tookMs: number): void {
  const warmUp: WarmUp = { args: [...args], cwd, rounds: tookMs < 1_500 ? 3 : tookMs < 5_000 ? 1 : 0 };
  try {
    const env = { ...process.env, [SCAN_WARM_UP_ENV]: JSON.stringify(warmUp) };
    // Loaded only here: a scan the server answers never needs node:child_process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    const child = spawn(process.execPath, [cliFile, SCAN_SERVER_COMMAND], { detached: true, stdio: 'ignore', cwd: tmpdir(), env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Only the next scan is slower.
  }
}
