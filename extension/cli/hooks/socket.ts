// Where the hook server listens: one per user and engine build, in a folder only that user
// can enter (checked, not assumed: another user could create it first in a shared /tmp).
// Shared by the tiny client (dist/hook.js) and the server, so it imports only Node built-ins.
import { createHash } from 'node:crypto';
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
  const key = createHash('sha256').update(`${identity}\0${process.env.AIRLOCK_ORG_POLICY ?? ''}`).digest('hex').slice(0, 20);
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

export interface HookRequest {
  args: string[];
  cwd: string;
  payload: string;
  /** The few variables a hook decision reads from its environment (model names). */
  env: Record<string, string>;
}

export const FORWARDED_ENV = ['ANTHROPIC_MODEL', 'COPILOT_MODEL', 'AIRLOCK_HOOK_TIMEOUT_MS'];
