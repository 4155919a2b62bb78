// Builds Airlock: one bundle for the extension, one for the CLI (self-loading, cliBundle.mjs), and the integration tests
// that run inside the VS Code extension host. `--production` minifies; `--watch` rebuilds.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeSelfLoading } from './cliBundle.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Every .ts file below `dir`, recursively. */
function tsFilesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFilesUnder(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  // The editor supplies `vscode` at run time.
  external: ['vscode'],
  // Prefer ES module builds: jsonc-parser's UMD build requires its parts dynamically, which
  // a bundle cannot follow.
  mainFields: ['module', 'main'],
};

const CLI_MINIFY = production ? {} : { minifyWhitespace: true, minifySyntax: true };

const builds = [
  // The editor layer stays thin; the engine is a sibling bundle it requires on first need.
  { ...common, entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './engine.js'] },
  { ...common, entryPoints: ['extension/vscode/engineEntry.ts'], outfile: 'dist/engine.js' },
  // The CLI: one file, the bundle behind a loader that compiles it with V8's code cache (see
  // cliBundle.mjs).
  {
    ...common,
    entryPoints: ['extension/cli/main.ts'],
    outfile: 'dist/cli.js',
    // Whitespace and syntax only (names stay, for stack traces; the source map is kept): every
    // start-up reads and scans the file, and 1.7 MB cost ~15 ms less than 2.4 MB.
    ...CLI_MINIFY,
    // Written by the plugin, once, whole (cliBundle.mjs).
    write: false,
    plugins: [{ name: 'self-loading-cli', setup: (build) => build.onEnd((result) => (result.errors.length === 0 ? writeSelfLoading(result.outputFiles) : undefined)) }],
  },
  // `airlock scan` worker threads for large folders (extension/cli/scan/pool.ts): only what a
  // worker runs, so it starts sooner than the whole CLI (the one-file package uses cli.js).
  { ...common, ...CLI_MINIFY, entryPoints: ['extension/cli/scan/worker.ts'], outfile: 'dist/scanWorker.js' },
  // The `airlock scan` reader thread (extension/cli/scan/readAhead.ts): the walk and Node
  // built-ins only, so it starts in a few ms while the main thread compiles the policy.
  { ...common, ...CLI_MINIFY, entryPoints: ['extension/cli/scan/reader.ts'], outfile: 'dist/scanReader.js' },
  // Agents' hooks start dist/hook.js on every tool call: Node built-ins only, it asks the hook
  // server; dist/hook-engine.js is the decision itself (the server, or standalone when none runs).
  { ...common, entryPoints: ['extension/cli/hookClient.ts'], outfile: 'dist/hook.js', minify: true, sourcemap: false },
  { ...common, entryPoints: ['extension/cli/hookMain.ts'], outfile: 'dist/hook-engine.js', minify: true, sourcemap: false },
];
if (!production) {
  // Stale compiled tests (a deleted source) must not run: start from an empty folder.
  rmSync('out/test/integration', { recursive: true, force: true });
  builds.push({
    ...common,
    entryPoints: tsFilesUnder('test/integration'),
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    // Mocha loads test files itself; keep it (and the editor) outside the test bundles.
    external: ['vscode', 'mocha'],
  });
}

/**
 * Regenerates policies/airlock-policy.schema.json from the zod schema (the one definition of
 * the policy language), writing only when it changed. A unit test fails when it is stale.
 */
async function generatePolicySchema() {
  const result = await esbuild.build({ ...common, entryPoints: ['extension/core/policy/jsonSchema.ts'], write: false, sourcemap: false, minify: false });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  for (const [target, text] of [
    ['policies/airlock-policy.schema.json', module.exports.policyJsonSchemaText()],
    ['policies/airlock-policy.hints.schema.json', module.exports.policyHintsSchemaText()],
  ]) {
    if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
      writeFileSync(target, text);
      console.log(`esbuild: regenerated ${target}`);
    }
  }
}

/**
 * Regenerates extension/core/policy/bundledPresets.ts from policies/*.jsonc: the presets are
 * compiled into every bundle, so the CLI is one file and no preset is ever read from a
 * writable place at run time. A unit test fails when it is stale.
 */
function generateBundledPresets() {
  const names = readdirSync('policies').filter((f) => f.endsWith('.jsonc')).sort();
  const entries = names.map((f) => `  ${JSON.stringify(f.slice(0, -'.jsonc'.length))}: ${JSON.stringify(readFileSync(join('policies', f), 'utf8'))},`);
  const text = `// Generated by esbuild.mjs from policies/*.jsonc — do not edit; edit the preset files.\n// The bundled presets' text, by name (\`airlock:<name>\`).\nexport const BUNDLED_PRESETS: Readonly<Record<string, string>> = {\n${entries.join('\n')}\n};\n`;
  const target = 'extension/core/policy/bundledPresets.ts';
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    writeFileSync(target, text);
    console.log(`esbuild: regenerated ${target}`);
  }
}

generateBundledPresets();
await generatePolicySchema();

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching…');
} else {
  const started = performance.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`esbuild: built ${builds.length} bundles in ${Math.round(performance.now() - started)} ms${production ? ' (production)' : ''}`);
}
