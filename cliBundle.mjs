// Turns the CLI bundle into the shipped cli.js: a small loader (extension/cli/bundleLoader.ts)
// followed by the bundle inside one block comment, which the loader compiles with V8's code
// cache. Used by esbuild.mjs (dist/cli.js) and package-cli.mjs (the packaged cli.js); the
// result is still one self-contained file that plain `node` runs.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

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
  const sha = createHash('sha256').update(bundle).digest('hex');
  const loader = await esbuild.build({
    entryPoints: [new URL('./extension/cli/bundleLoader.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify,
    write: false,
    logLevel: 'warning',
    define: { AIRLOCK_BUNDLE_SHA: JSON.stringify(sha), AIRLOCK_BUNDLE_MARK: JSON.stringify(BUNDLE_MARK), AIRLOCK_BUNDLE_ENCODING: JSON.stringify(encoding) },
  });
  const head = `#!/usr/bin/env node\n${loader.outputFiles[0].text.trimEnd()}\n/*${BUNDLE_MARK}\n`;
  return { text: `${head}${encodeBundle(bundle)}*/\n`, bundleLine: head.split('\n').length };
}

/** Rewrites the esbuild-built `file` (and its source map, when there is one) as the self-loading cli.js. */
export async function makeSelfLoading(file, options = {}) {
  const { text, bundleLine } = await selfLoadingCli(readFileSync(file, 'utf8'), options);
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  if (existsSync(`${file}.map`)) {
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
    map.mappings = ';'.repeat(bundleLine - 1) + map.mappings;
    writeFileSync(`${file}.map`, JSON.stringify(map));
  }
}
