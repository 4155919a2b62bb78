// Turns the CLI bundle into the shipped cli.js: a small loader (extension/cli/bundleLoader.ts)
// followed by the bundle inside one block comment, which the loader compiles with V8's code
// cache. Used by esbuild.mjs (dist/cli.js) and package-cli.mjs (the packaged cli.js); the
// result is still one self-contained file that plain `node` runs.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The line that opens the comment holding the bundle (the loader looks for it). */
export const BUNDLE_MARK = 'AIRLOCK-CLI-BUNDLE';

/**
 * Makes the bundle safe inside a block comment, reversibly: `@` becomes `@@`, then `*\/`
 * becomes `*@/` (so the text holds no `*\/`, and a `*@/` in it can only come from a `*\/`).
 */
export function encodeBundle(text) {
  return text.replaceAll('@', '@@').replaceAll('*/', '*@/');
}

/**
 * The loader and the encoded bundle, as one file's text, and the line of that file where the
 * bundle's first line is (a source map of the bundle needs that many lines more).
 */
export async function selfLoadingCli(bundleText, { minify = true } = {}) {
  const bundle = bundleText.replace(/^#!.*\n/, '');
  // esbuild escapes non-ASCII in code (charset: ascii), so a minified bundle is ASCII and the
  // loader reads it as latin1 (the cheapest exact decoding); kept comments may not be.
  // eslint-disable-next-line no-control-regex
  const encoding = /^[\x00-\x7f]*$/.test(bundle) ? 'latin1' : 'utf8';
  const loader = await esbuild.build({
    entryPoints: [new URL('./extension/cli/bundleLoader.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify,
    write: false,
    logLevel: 'warning',
    define: { AIRLOCK_BUNDLE_MARK: JSON.stringify(BUNDLE_MARK), AIRLOCK_BUNDLE_ENCODING: JSON.stringify(encoding) },
  });
  const head = `#!/usr/bin/env node\n${loader.outputFiles[0].text.trimEnd()}\n/*${BUNDLE_MARK}\n`;
  return { text: `${head}${encodeBundle(bundle)}*/\n`, bundleLine: head.split('\n').length };
}

/**
 * Writes the self-loading cli.js (and its source map, shifted to match) from esbuild's output
 * files (a build with `write: false`). Each file is replaced whole by a rename: a test or a
 * hook running cli.js during a rebuild sees the old file or the new one, never half of one.
 */
export async function writeSelfLoading(outputFiles, options = {}) {
  const js = outputFiles.find((f) => f.path.endsWith('.js'));
  const { text, bundleLine } = await selfLoadingCli(js.text, options);
  const map = outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (map) {
    const parsed = JSON.parse(map.text);
    parsed.mappings = ';'.repeat(bundleLine - 1) + parsed.mappings;
    replaceFile(map.path, JSON.stringify(parsed));
  }
  replaceFile(js.path, text, 0o755);
}

/** Rewrites the esbuild-built `file` in place as the self-loading cli.js. */
export async function makeSelfLoading(file, options = {}) {
  const outputFiles = [{ path: file, text: readFileSync(file, 'utf8') }];
  if (existsSync(`${file}.map`)) outputFiles.push({ path: `${file}.map`, text: readFileSync(`${file}.map`, 'utf8') });
  await writeSelfLoading(outputFiles, options);
}

function replaceFile(path, text, mode = 0o644) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}
