// The first lines of the shipped cli.js (see cliBundle.mjs). The CLI bundle follows these lines
// inside one block comment, so Node parses only the loader; the loader compiles the bundle
// itself with V8's code cache, kept in the user's cache folder under the bundle's hash and the
// Node version. Every start-up after the first skips parsing and compiling 2.4 MB (about a
// quarter of `airlock scan`'s start-up). Node 22 has module.enableCompileCache(); the CLI
// supports Node 20, which has only vm.Script's cachedData.
//
// One cache file per command (`scan`, `check`, `gateway`…): V8 caches the functions a run
// compiled, and each command runs different ones. Written after the first run of a command
// and whenever V8 rejects it (another Node, other flags); a CI machine that starts fresh every
// time never gains from it, a developer's machine and its git hooks do.
//
// Nothing here decides anything: no cache, a stale or rejected one, or one that cannot be
// written only means compiling from source, as Node itself would. AIRLOCK_CODE_CACHE=off turns
// it off. Worker threads (the one-file package's `airlock scan` threads run this file) compile
// from source: they cannot write a cache reliably (they are terminated).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { BUNDLE_HASH, codeCacheFolder, writeCacheFile } from './automatonStore';
import { tuneJitForShortRun } from './jitBudget';
import { askScanServer, scanServerWanted, startScanServer } from './scan/serverClient';

// Set by cliBundle.mjs when it joins loader and bundle.
declare const AIRLOCK_BUNDLE_MARK: string;
declare const AIRLOCK_BUNDLE_ENCODING: 'latin1' | 'utf8';

/** Cache files kept per folder (commands times installed versions of the CLI). */
const KEEP_CACHE_FILES = 16;

/**
 * The bundle's text (the block comment after the mark, decoded: cliBundle.mjs `encodeBundle`),
 * the file line it starts on, and the sha256 of exactly that text: V8 itself checks only a
 * cache's length against the source, so the cache file is named by the hash of what is compiled
 * (an edited or rebuilt cli.js never meets the cache of another).
 */
function bundleSource(fileText: string): { source: string; line: number; sha: string } {
  // The last one: this loader's own code holds the mark too.
  const open = fileText.lastIndexOf(`\n/*${AIRLOCK_BUNDLE_MARK}\n`);
  const close = fileText.lastIndexOf('*/');
  if (open === -1 || close < open) throw new Error('airlock: this cli.js is damaged (its bundle is missing); reinstall it');
  const start = open + AIRLOCK_BUNDLE_MARK.length + 4;
  let line = 1;
  for (let i = fileText.indexOf('\n'); i !== -1 && i < start; i = fileText.indexOf('\n', i + 1)) line++;
  const encoded = fileText.slice(start, close);
  // Required here, not at the top: a scan the scan server answers never loads node:crypto (~5 ms).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return { source: decodeBundle(encoded), line, sha: createHash('sha256').update(encoded, AIRLOCK_BUNDLE_ENCODING).digest('hex') };
}

/** Reverses cliBundle.mjs `encodeBundle`: `*@/` back to `*\/`, then `@@` back to `@`. */
function decodeBundle(encoded: string): string {
  return encoded.replaceAll('*@/', '*/').replaceAll('@@', '@');
}

function readCache(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}


function load(): void {
  let bundle: { source: string; line: number; sha: string };
  try {
    bundle = bundleSource(readFileSync(__filename, AIRLOCK_BUNDLE_ENCODING));
  } catch (error) {
    // As main.ts reports an internal error.
    process.stderr.write(`airlock: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
    return;
  }
  const { source, line, sha } = bundle;
  const folder = (() => {
    try {
      return codeCacheFolder(process.env);
    } catch {
      return undefined;
    }
  })();
  const command = process.argv[2] ?? '';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');
  const file = folder && isMainThread ? join(folder, `cli-${sha.slice(0, 24)}-${process.version}-${process.arch}-${/^[a-z][a-z-]{0,31}$/.test(command) ? command : '_'}.bin`) : undefined;
  // `airlock scan` is over in half a second: optimised code sooner beats faster code later. Set
  // here, before the bundle is compiled: V8 rejects a code cache made under other flags, and this
  // command's cache is written at its exit, with the flag set. (main.ts is only ever run by this
  // loader: dist/cli.js is always self-loading.)
  if (command === 'scan') tuneJitForShortRun();
  const cached = readCache(file);
  // Node's own CommonJS wrapper, so the bundle sees exactly what it would as a module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: __filename,
    lineOffset: line - 1,
    ...(cached ? { cachedData: cached } : {}),
  });
  if (folder && file && (!cached || script.cachedDataRejected)) {
    // After the command ran, so the functions it compiled are in the cache too.
    process.once('exit', () => {
      try {
        writeCacheFile(folder, file, script.createCachedData(), 'cli-', KEEP_CACHE_FILES);
      } catch {
        // Never let the cache change how the command ends.
      }
    });
  }
  // The bundle's hash, for the caches it keeps itself (automatonStore.ts).
  (globalThis as Record<symbol, unknown>)[BUNDLE_HASH] = sha;
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, __filename, __dirname);
}

// `airlock scan` first asks a warm scan server (scan/server.ts), before anything is compiled;
// when none answers it scans here, and then starts one for the next scans.
// (A worker thread running this file has no `scan` in its argv; node:worker_threads is left
// unloaded on this path, ~3 ms.)
const scanArgs = process.argv[2] === 'scan' ? process.argv.slice(3) : undefined;
if (scanArgs && scanServerWanted(scanArgs, process.env, process.cwd())) {
  void askScanServer(__filename, scanArgs, process.cwd(), process.env).then((outcome) => {
    // AIRLOCK_SCAN_SERVER_LOG=1: one line on stderr saying who scanned (for tests, and for a user who wonders).
    if (process.env['AIRLOCK_SCAN_SERVER_LOG'] === '1') process.stderr.write(`airlock scan: ${typeof outcome === 'object' ? 'answered by the scan server' : outcome === 'none' ? 'no scan server; scanned here' : 'the scan server declined; scanned here'}\n`);
    if (typeof outcome === 'object') {
      if (outcome.stderr) process.stderr.write(outcome.stderr);
      if (outcome.stdout) process.stdout.write(outcome.stdout);
      process.exitCode = outcome.exitCode;
      return;
    }
    if (outcome === 'none') {
      // A scan that came to a verdict (exit 0 or 1): not after a usage error or an invalid policy.
      const started = performance.now();
      process.once('exit', (code) => {
        if (code === 0 || code === 1) startScanServer(__filename, scanArgs, process.cwd(), performance.now() - started);
      });
    }
    load();
  });
} else {
  load();
}
