// The shipped cli.js is a loader followed by the bundle in one block comment (cliBundle.mjs,
// extension/cli/bundleLoader.ts): the bundle runs exactly as it would as a plain file (same
// module variables, any `*\/` and `@` in it intact, error lines that point into the file), and
// V8's code cache is written per command into the user's cache folder, reused, replaced when
// V8 rejects it, named by the hash of what is compiled, and never written when turned off.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const REPO = join(__dirname, '..', '..', '..');
const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-clibundle-'));
  made.push(dir);
  return dir;
}

const cliBundle = () => import(join(REPO, 'cliBundle.mjs')) as Promise<{ selfLoadingCli: (text: string, options?: { minify?: boolean }) => Promise<{ text: string; bundleLine: number }>; encodeBundle: (text: string) => string }>;

// Everything a block comment or the encoding could break, and the module variables.
const TRICKY = [
  '"use strict";',
  'const texts = ["*/", "@", "*@/", "@@/", "**/", "@*/", "/*", "*@@/", `a*/b@c`];',
  'const re = /x*\\/y/;',
  '/** a kept comment */',
  'process.stdout.write(JSON.stringify({ texts, re: re.source, file: __filename, dir: __dirname, req: typeof require, same: module.exports === exports, strict: (function () { return this === undefined; })(), args: process.argv.slice(2) }));',
  'if (process.argv[2] === "throw") throw new Error("from line 6");',
].join('\n');

function node(file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  // `scan` here is the test bundle's command, run in this process: no scan server (scanServer.test.ts).
  return spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', env: { ...process.env, AIRLOCK_SCAN_SERVER: 'off', ...env } });
}

test('the self-loading file runs its bundle exactly as the plain bundle runs', async () => {
  const { selfLoadingCli, encodeBundle } = await cliBundle();
  assert.ok(!encodeBundle(TRICKY).includes('*/'), 'no comment end inside the comment');
  const dir = tempDir();
  const plain = join(dir, 'plain.js');
  const loading = join(dir, 'loading.js');
  writeFileSync(plain, TRICKY);
  const built = await selfLoadingCli(TRICKY);
  writeFileSync(loading, built.text);
  const env = { XDG_CACHE_HOME: join(dir, 'cache') };
  const a = JSON.parse(node(plain, ['x', 'y'], env).stdout) as Record<string, unknown>;
  const b = JSON.parse(node(loading, ['x', 'y'], env).stdout) as Record<string, unknown>;
  assert.deepEqual({ ...b, file: a.file }, a);
  assert.equal(b.file, loading);
  assert.equal(b.strict, true);

  // An error's line is the line of the file it was thrown from.
  const thrown = node(loading, ['throw'], env);
  assert.notEqual(thrown.status, 0);
  const line = built.text.split('\n').findIndex((l) => l.includes('from line 6')) + 1;
  assert.equal(line, built.bundleLine + 5);
  assert.match(thrown.stderr, new RegExp(`loading\\.js:${line}\\b`));
});

test('the code cache is written per command, reused, replaced when rejected, keyed by the bundle itself, and off with AIRLOCK_CODE_CACHE=off', async () => {
  const { selfLoadingCli } = await cliBundle();
  const dir = tempDir();
  const loading = join(dir, 'loading.js');
  writeFileSync(loading, (await selfLoadingCli(TRICKY)).text);
  const cache = join(dir, 'cache');
  const folder = join(cache, 'airlock', 'code-cache');
  const env = { XDG_CACHE_HOME: cache };

  const expected = node(loading, ['scan'], env).stdout;
  const files = readdirSync(folder);
  assert.equal(files.length, 1);
  assert.match(files[0]!, new RegExp(`^cli-[0-9a-f]{24}-${process.version.replace(/\./g, '\\.')}-${process.arch}-scan\\.bin$`));
  const file = join(folder, files[0]!);
  const first = statSync(file);
  assert.equal(first.mode & 0o777, 0o600);

  // Accepted: the same output, and the file is not written again.
  assert.equal(node(loading, ['scan'], env).stdout, expected);
  assert.equal(statSync(file).mtimeMs, first.mtimeMs);
  assert.equal(statSync(file).ino, first.ino);

  // Another command has its own file.
  node(loading, ['check'], env);
  assert.deepEqual(readdirSync(folder).map((f) => f.replace(/^.*-/, '')).sort(), ['check.bin', 'scan.bin']);

  // Garbage and a truncated cache are rejected by V8: same output, and the file is replaced.
  for (const damage of [Buffer.from('not a code cache at all'), readFileSync(file).subarray(0, 64)]) {
    writeFileSync(file, damage);
    assert.equal(node(loading, ['scan'], env).stdout, expected);
    assert.ok(statSync(file).size > damage.length, 'rewritten');
  }

  // A cli.js edited in place (same length, which is all V8 checks) never meets the old cache.
  node(loading, ['throw'], env);
  writeFileSync(loading, readFileSync(loading, 'utf8').replace('from line 6', 'from line 7'));
  assert.match(node(loading, ['throw'], env).stderr, /from line 7/);

  const off = join(dir, 'off');
  assert.equal(node(loading, ['scan'], { XDG_CACHE_HOME: off, AIRLOCK_CODE_CACHE: 'off' }).stdout, expected);
  assert.equal(existsSync(off), false);

  // An unwritable cache folder changes nothing either.
  const blocked = join(dir, 'blocked');
  writeFileSync(blocked, 'a file where the folder would be');
  const run = node(loading, ['scan'], { XDG_CACHE_HOME: blocked });
  assert.equal(run.status, 0);
  assert.equal(run.stdout, expected);
});

test('dist/cli.js is self-loading and runs alone', (t) => {
  const cli = join(REPO, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    t.skip('dist/cli.js is missing (run node esbuild.mjs)');
    return;
  }
  const text = readFileSync(cli, 'utf8');
  assert.ok(text.startsWith('#!/usr/bin/env node\n'));
  assert.ok(text.includes('\n/*AIRLOCK-CLI-BUNDLE\n'));
  const dir = tempDir();
  const env = { XDG_CACHE_HOME: dir };
  const first = node(cli, ['version'], env);
  const second = node(cli, ['version'], env);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.ok(readdirSync(join(dir, 'airlock', 'code-cache')).some((f) => f.endsWith('-version.bin')));
});

// `airlock scan` sets a V8 flag (cli/jitBudget.ts). V8 rejects a code cache made under other
// flags, and the cache is written at exit: set after the bundle was compiled, the flag made every
// scan reject the cache and write it again (start-up 165 ms instead of 110).
test('the shipped CLI reuses the code cache its first scan wrote (the flag scan sets does not void it)', (t) => {
  const cli = join(REPO, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    t.skip('dist/cli.js is missing (run node esbuild.mjs)');
    return;
  }
  const dir = tempDir();
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const env = { XDG_CACHE_HOME: join(dir, 'cache') };
  const first = node(cli, ['scan', empty], env);
  assert.equal(first.status, 0, first.stderr);
  const folder = join(dir, 'cache', 'airlock', 'code-cache');
  const file = join(folder, readdirSync(folder).find((f) => f.endsWith('-scan.bin'))!);
  const written = statSync(file);
  assert.equal(node(cli, ['scan', empty], env).status, 0);
  assert.equal(statSync(file).mtimeMs, written.mtimeMs, 'the second scan wrote the cache again: V8 rejected it');
  assert.equal(statSync(file).ino, written.ino);
});
