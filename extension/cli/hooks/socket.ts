// Where the hook server listens and how it is spoken to. One server per user, engine file and
// org policy setting, on a unix socket in a folder only that user can enter (checked, not
// assumed: another user could create it first in a shared /tmp). The protocol is plain HTTP
// on that socket so the launcher (.airlock/bin/airlock-hook, POSIX sh) can ask with
// `curl --unix-socket` and no Node start-up; dist/hook.js speaks the same. Shared by the tiny
// client (dist/hook.js) and the server, so it imports only Node built-ins.
//
// The socket name must be computable in sh without Node: `cksum` (POSIX) of
// "<engine file>\n<AIRLOCK_ORG_POLICY>". The launcher also hands the name it computed to
// dist/hook.js (AIRLOCK_HOOK_SOCKET), so a server started by the Node fallback listens where
// the launcher looks, even when the two spell the engine's path differently (symlinks).
import { dirname, join } from 'node:path';
import { privateFolder, userSocketFolder } from '../localSocket';

/** The variable the launcher sets to the socket it computed; used only when its folder is private. */
export const SOCKET_ENV = 'AIRLOCK_HOOK_SOCKET';

export function hookSocketPath(engineFile: string): string | undefined {
  if (process.platform === 'win32') return `\\\\.\\pipe\\airlock-hook-${socketKey(engineFile)}`;
  const given = process.env[SOCKET_ENV];
  if (given) return privateFolder(dirname(given), true) ? given : undefined;
  const dir = userSocketFolder();
  return dir ? join(dir, `hook-${socketKey(engineFile)}.sock`) : undefined;
}

/** "<crc>-<length>" of POSIX cksum over the engine's path and the org policy setting (a different one decides differently). */
export function socketKey(engineFile: string): string {
  return cksum(Buffer.from(`${engineFile}\n${process.env.AIRLOCK_ORG_POLICY ?? ''}`, 'utf8'));
}

let crcTable: Uint32Array | undefined;

/** POSIX `cksum` (CRC-32/CKSUM over the bytes, then their length), printed as the launcher builds the name: "<crc>-<length>". */
export function cksum(data: Uint8Array): string {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i << 24;
      for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0;
  const step = (byte: number) => {
    crc = ((crc << 8) ^ crcTable![((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  };
  for (const byte of data) step(byte);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return `${(~crc >>> 0).toString(10)}-${data.length}`;
}

/**
 * The few variables a hook decision reads from its caller's environment (model names, time
 * limit, and COPILOT_HOME, where Copilot CLI's session files name the model).
 */
export const FORWARDED_ENV = ['ANTHROPIC_MODEL', 'COPILOT_MODEL', 'COPILOT_HOME', 'AIRLOCK_HOOK_TIMEOUT_MS'];

// The wire format (version 1). Request: PUT or POST /v1/hook?agent=<agent>&event=<event>, the
// payload as the body, byte for byte; headers Airlock-Cwd (the caller's physical working
// folder), Airlock-Engine (the engine file the caller meant), Airlock-Org-Policy, and
// Airlock-Env-<NAME> for each FORWARDED_ENV variable that is set. Header values are the raw
// bytes sh has (UTF-8), which Node hands over as latin1.
//
// Answer, always status 200 when the server read the request, in lines sh splits with
// parameter expansion and prints with `printf '%b'` (no tools, no Node):
//   airlock-hook/1 <exit code>\n<stderr>\n<stdout>\nend\n
// where stderr and stdout are escaped: every byte outside printable ASCII, and the backslash,
// written \0ooo (octal), so each stays one line and `printf '%b'` gives the bytes back exactly.
// The reason (stderr) is short and comes first: sh's `${x#*<newline>}` is quadratic in what
// precedes the newline, so the possibly large stdout (Gemini's rewritten request) comes last.
// Or, when the server did not decide (its engine changed, it is not the server the caller
// meant), `airlock-hook/1 retry\n<payload escaped the same way>\nend\n`: the caller decides
// elsewhere with the payload it sent (the launcher has no copy of stdin).
export const PROTOCOL = 'airlock-hook/1';
export const HEADER_CWD = 'airlock-cwd';
export const HEADER_ENGINE = 'airlock-engine';
export const HEADER_ORG_POLICY = 'airlock-org-policy';
export const HEADER_ENV_PREFIX = 'airlock-env-';

export interface HookAnswerWire {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/** Bytes as one line `printf '%b'` turns back into the same bytes. */
export function escapeForPrintfB(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b <= 0x7e && b !== 0x5c ? String.fromCharCode(b) : `\\0${b.toString(8).padStart(3, '0')}`;
  return out;
}

/** The inverse of escapeForPrintfB, for dist/hook.js. */
export function unescapePrintfB(line: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && line[i + 1] === '0' && /^[0-7]{3}$/.test(line.slice(i + 2, i + 5))) {
      bytes.push(parseInt(line.slice(i + 2, i + 5), 8));
      i += 4;
    } else bytes.push(line.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

export function encodeAnswer(a: HookAnswerWire): string {
  return `${PROTOCOL} ${a.exitCode}\n${escapeForPrintfB(a.stderr ?? '')}\n${escapeForPrintfB(a.stdout ?? '')}\nend\n`;
}

export function encodeRetry(payload: string): string {
  return `${PROTOCOL} retry\n${escapeForPrintfB(payload)}\nend\n`;
}

/** An answer, 'retry', or undefined for anything else (another protocol, a cut-off body): the caller refuses then. */
export function decodeAnswer(body: string): HookAnswerWire | 'retry' | undefined {
  const lines = body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 3 && lines[0] === `${PROTOCOL} retry` && lines[2] === 'end') return 'retry';
  const m = /^airlock-hook\/1 (\d{1,3})$/.exec(lines[0] ?? '');
  if (!m || lines.length !== 4 || lines[3] !== 'end') return undefined;
  const stderr = unescapePrintfB(lines[1]!);
  const stdout = unescapePrintfB(lines[2]!);
  return { exitCode: Number(m[1]), ...(stdout ? { stdout } : {}), ...(stderr ? { stderr } : {}) };
}
