// How `airlock scan` speaks to the scan server (scan/server.ts), on a unix socket in the user's
// private socket folder (localSocket.ts). Node built-ins only: cli.js's loader asks the server
// with this before any of the engine is loaded.
//
// One request per connection, each a line of JSON. The caller writes
//   {"v":1,"cli":<the cli.js it runs>,"caller":<callerIdentity()>,"args":[…after "scan"],
//    "cwd":<its working folder>,"env":{…}}
// and the server answers with one of
//   {"v":1,"accepted":true}                     at once: it has taken the scan
//   {"v":1,"exitCode":N,"stdout":"…","stderr":"…"}   what `airlock scan` in-process would print
//   {"v":1,"retry":true}                        it does not scan this one (busy, warming up,
//                                               another cli.js or caller, rebuilt since it
//                                               started): the caller scans in its own process
// Anything else, or a connection closed without an answer, is a retry too: the server only
// makes `airlock scan` faster, never different.
import { join } from 'node:path';
import { readFileSync, readlinkSync } from 'node:fs';
import { cksum } from '../hooks/socket';
import { userRuntimeFolder } from '../localSocket';

export const SCAN_WIRE_VERSION = 1;

/** The hidden command that runs the server: `node cli.js scan-server`. */
export const SCAN_SERVER_COMMAND = 'scan-server';

/** Off (`off`), or on where it is otherwise left alone (`on`: also under CI). */
export const SCAN_SERVER_ENV = 'AIRLOCK_SCAN_SERVER';

/** Set by the scan that starts a server: what to warm the server on (JSON WarmUp). */
export const SCAN_WARM_UP_ENV = 'AIRLOCK_SCAN_WARM_UP';

/** The starting scan's arguments and folder, and how many times to run it (0-3: fewer after a long scan). */
export interface WarmUp {
  args: string[];
  cwd: string;
  rounds: number;
}

export interface ScanRequest {
  v: number;
  cli: string;
  /** callerIdentity() of the caller. */
  caller: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export type ScanReply = { v: number; accepted: true } | { v: number; retry: true } | ScanAnswer;

export interface ScanAnswer {
  v: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The socket of the server for this cli.js under this Node: one per user, CLI file and Node
 * binary, in the user's private runtime folder (localSocket.ts userRuntimeFolder). Undefined on
 * Windows, where that folder is not private, and where the path would pass what a unix socket
 * may be named (the kernel would cut it short).
 */
export function scanSocketPath(cliFile: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform === 'win32') return undefined;
  const dir = userRuntimeFolder(env);
  if (!dir) return undefined;
  // A checksum, not a digest: a server serves only callers of its own cli.js and Node (it
  // checks), so a name shared by chance costs a retry, never a wrong answer; node:crypto stays unloaded.
  const path = join(dir, `scan-${cksum(Buffer.from(`${cliFile}\n${process.execPath}\n${process.version}`, 'utf8'))}.sock`);
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES ? path : undefined;
}

/** sun_path holds 108 bytes on Linux, 104 on macOS, the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 100;

/**
 * Variables Node reads once, as it starts (CA certificates, TLS checks, options, locale):
 * swapping process.env cannot give a server the caller's, so a caller whose differ from the
 * server's is turned away (it scans itself).
 */
const STARTUP_ENV = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'NODE_ICU_DATA', 'NODE_NO_WARNINGS', 'NODE_PENDING_DEPRECATION', 'NODE_PRESERVE_SYMLINKS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'OPENSSL_CONF', 'UV_THREADPOOL_SIZE', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];

/**
 * Who the caller is, beyond its uid (the socket folder's owner): its groups and, on Linux, its
 * mount and user namespaces (a sandbox, a container), the Node it runs, and what Node read at its
 * start. The server scans only for a caller that is the same as itself: files readable to one and
 * not the other, or another view of the file system, would make its answer differ.
 */
export function callerIdentity(env: NodeJS.ProcessEnv = process.env): string {
  const ids = typeof process.getuid === 'function' ? [process.getuid(), process.geteuid?.(), process.getgid?.(), process.getegid?.(), [...(process.getgroups?.() ?? [])].sort((a, b) => a - b)] : [];
  const namespaces = ['mnt', 'user', 'pid'].map((ns) => {
    try {
      return readlinkSync(`/proc/self/ns/${ns}`);
    } catch {
      return '';
    }
  });
  return JSON.stringify([ids, namespaces, restrictions(), process.execPath, process.version, STARTUP_ENV.map((k) => env[k] ?? null)]);
}

/**
 * What else limits what a process may read, on Linux: its capabilities, no_new_privs and seccomp
 * (a sandbox sets them: Landlock itself cannot be seen, but needs no_new_privs unprivileged), and
 * its LSM label. A server started in a sandbox must not answer a caller outside it, nor the reverse.
 */
function restrictions(): string[] {
  const out: string[] = [];
  try {
    for (const line of readFileSync('/proc/self/status', 'latin1').split('\n')) if (/^(?:Cap(?:Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp(?:_filters)?):/.test(line)) out.push(line.replace(/\s+/g, ' '));
  } catch {
    // not Linux
  }
  try {
    out.push(readFileSync('/proc/self/attr/current', 'latin1').replace(/\0/g, '').trim());
  } catch {
    // no LSM label
  }
  return out;
}

/** A line's JSON object when it is one of this wire version, else undefined. */
function wireObject(line: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  return r['v'] === SCAN_WIRE_VERSION ? r : undefined;
}

/** A reply line, or undefined when it is not one. */
export function parseReply(line: string): ScanReply | undefined {
  const r = wireObject(line);
  if (!r) return undefined;
  if (r['accepted'] === true) return { v: SCAN_WIRE_VERSION, accepted: true };
  if (r['retry'] === true) return { v: SCAN_WIRE_VERSION, retry: true };
  const exitCode = r['exitCode'];
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) return undefined;
  if (typeof r['stdout'] !== 'string' || typeof r['stderr'] !== 'string') return undefined;
  return { v: SCAN_WIRE_VERSION, exitCode, stdout: r['stdout'], stderr: r['stderr'] };
}

/** A request line, or undefined when it is not one. */
export function parseRequest(line: string): ScanRequest | undefined {
  const r = wireObject(line);
  if (!r) return undefined;
  const { args, env, cli, cwd, caller } = r;
  if (typeof cli !== 'string' || typeof cwd !== 'string' || typeof caller !== 'string') return undefined;
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return undefined;
  if (typeof env !== 'object' || env === null || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string')) return undefined;
  return { v: SCAN_WIRE_VERSION, cli, caller, args: args as string[], cwd, env: env as Record<string, string> };
}

/** The variables that are set, as strings (what a request carries). */
export function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
