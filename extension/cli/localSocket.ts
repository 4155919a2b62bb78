// What Airlock's local servers (the hook server, the scan server) share: where they put their
// unix sockets (a folder per user that only that user can enter, checked rather than assumed:
// another user could create it first in a shared /tmp), and how a server tells that its own
// code changed and that another server already answers. Node built-ins only: the tiny clients
// that ask these servers (dist/hook.js, cli.js's loader) import this before any of the engine.
import { lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** `<tmp>/airlock-<uid>`, created 0700, or undefined when it is not private to this user. */
export function userSocketFolder(): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = join(tmpdir(), `airlock-${uid ?? 'user'}`);
  return privateFolder(dir, true) ? dir : undefined;
}

/**
 * Where a server reachable with the user's whole environment listens: out of the shared temp
 * folder, which agents' sandboxes let them write (a process there could otherwise listen in a
 * server's place and answer for it). `$XDG_RUNTIME_DIR/airlock` when that is set and private,
 * else `<cache>/airlock/run` (`$XDG_CACHE_HOME`, else ~/.cache; ~/Library/Caches on macOS);
 * undefined when neither is private to this user.
 */
export function userRuntimeFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime && isAbsolute(runtime) && privateFolder(runtime, false)) {
    const dir = join(runtime, 'airlock');
    if (privateFolder(dir, true)) return dir;
  }
  const cache = env['XDG_CACHE_HOME'] && isAbsolute(env['XDG_CACHE_HOME']) ? env['XDG_CACHE_HOME'] : process.platform === 'darwin' ? join(homedir(), 'Library', 'Caches') : join(homedir(), '.cache');
  const dir = join(cache, 'airlock', 'run');
  return privateFolder(dir, true) ? dir : undefined;
}

/** A folder this user owns, not a symlink, that nobody else may enter (created 0700 when asked). */
export function privateFolder(dir: string, create: boolean): boolean {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** What changes when a file is rebuilt or replaced (a server retires when its own code does); 'gone' when it is not there. */
export function fileIdentity(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return 'gone';
  }
}

export function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** The socket file's inode (a server removes only the socket it made, never a newer server's). */
export function socketInode(file: string): number | undefined {
  try {
    return lstatSync(file).ino;
  } catch {
    return undefined;
  }
}

/** Whether a server answers on `socket`. */
export function socketAlive(socket: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const c = connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolvePromise(true);
    });
    c.once('error', () => resolvePromise(false));
  });
}
