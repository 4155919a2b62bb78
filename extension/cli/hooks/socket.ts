// Where the hook server listens: one per user and engine build, in a folder only that user
// can enter (checked, not assumed: another user could create it first in a shared /tmp).
// Shared by the tiny client (dist/hook.js) and the server, so it imports only Node built-ins.
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hookSocketPath(engineFile: string): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  let identity: string;
  try {
    const st = statSync(engineFile);
    identity = `${engineFile}:${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
  // A different org policy setting is a different server: it decides with a different policy.
  const key = fnv1a(`${identity}\0${process.env.AIRLOCK_ORG_POLICY ?? ''}`);
  if (process.platform === 'win32') return `\\\\.\\pipe\\airlock-hook-${key}`;
  const dir = join(tmpdir(), `airlock-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  return join(dir, `hook-${key}.sock`);
}

/** Two FNV-1a 32-bit hashes: a name, not a secret (node:crypto would cost the client a few ms to load). */
function fnv1a(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

export interface HookRequest {
  args: string[];
  cwd: string;
  payload: string;
  /** The few variables a hook decision reads from its environment (model names). */
  env: Record<string, string>;
}

export const FORWARDED_ENV = ['ANTHROPIC_MODEL', 'COPILOT_MODEL', 'AIRLOCK_HOOK_TIMEOUT_MS'];
