// Keeps compiled keyword automata (core/detectors/automatonCache.ts) beside the CLI's V8 code
// cache, so `airlock scan` and the hooks do not rebuild the pack's 1.4 MB table at every start.
// Only the self-loading cli.js uses it: its loader publishes the hash of the bundle it runs,
// which keys the cache to this very code (from sources, in tests, or in the scan worker bundle
// there is no such hash and no cache). AIRLOCK_CODE_CACHE=off turns it off with the code cache.
//
// Nothing here decides anything: a missing, unreadable, stale or damaged file only means the
// automaton is built, as without a cache (the core checks every loaded byte against its SHA-256
// and the automaton against its keywords), and a file that cannot be written is not written.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AutomatonStore } from '../core/detectors/automatonCache';

/** Set by bundleLoader.ts: the sha256 of the bundle being run. */
export const BUNDLE_HASH = Symbol.for('airlock.cli.bundleSha256');

/** Automaton files kept (several policies, several installed versions). */
const KEEP_FILES = 8;

/** The folder of the code cache (bundleLoader.ts: the same rules), or undefined when off. */
export function codeCacheFolder(env: NodeJS.ProcessEnv): string | undefined {
  if (env['AIRLOCK_CODE_CACHE'] === 'off') return undefined;
  const base =
    env['XDG_CACHE_HOME'] ||
    (process.platform === 'win32' ? env['LOCALAPPDATA'] : process.platform === 'darwin' ? join(homedir(), 'Library', 'Caches') : join(homedir(), '.cache'));
  return base ? join(base, 'airlock', 'code-cache') : undefined;
}

/** The store for this process, when it runs from the self-loading bundle and the cache is on. */
export function cliAutomatonStore(env: NodeJS.ProcessEnv = process.env): AutomatonStore | undefined {
  const bundleHash = (globalThis as Record<symbol, unknown>)[BUNDLE_HASH];
  if (typeof bundleHash !== 'string' || !/^[0-9a-f]{64}$/.test(bundleHash)) return undefined;
  let folder: string | undefined;
  try {
    folder = codeCacheFolder(env);
  } catch {
    return undefined;
  }
  if (!folder) return undefined;
  const dir = folder;
  const fileOf = (key: string) => join(dir, `automaton-${key.replace(/[^0-9a-f]/g, '')}.bin`);
  return {
    buildId: bundleHash,
    // Required here, not at the top: cli.js's loader imports this file, and a scan the scan
    // server answers loads no node:crypto (a scan run here has it loaded: the loader hashes the bundle).
    digest: (bytes) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createHash } = require('node:crypto') as typeof import('node:crypto');
      return createHash('sha256').update(bytes).digest();
    },
    load(key) {
      try {
        return readFileSync(fileOf(key));
      } catch {
        return undefined;
      }
    },
    save(key, bytes) {
      // After the command, so a first run's output is not delayed by the write.
      process.once('exit', () => writeCacheFile(dir, fileOf(key), bytes, 'automaton-', KEEP_FILES));
    },
  };
}

/**
 * Writes a cache file whole or not at all (a rename) and keeps only the newest `keep` of the
 * folder's `<prefix>*.bin` files. Failing quietly: a read-only or full disk only means the next
 * start builds or compiles again. (Also the code cache's writer: bundleLoader.ts.)
 */
export function writeCacheFile(folder: string, file: string, bytes: Uint8Array, prefix: string, keep: number): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes, { mode: 0o600 });
    renameSync(temporary, file);
    const others = readdirSync(folder)
      .filter((name) => name.startsWith(prefix) && name.endsWith('.bin'))
      .map((name) => ({ path: join(folder, name), at: statSync(join(folder, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const old of others.slice(keep)) unlinkSync(old.path);
  } catch {
    // Never let a cache change how the command ends.
  }
}
