// Builds Airlock: one bundle for the extension, one for the CLI, and the integration tests
// that run inside the VS Code extension host. `--production` minifies; `--watch` rebuilds.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

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

const builds = [
  // The editor layer stays thin; the engine is a sibling bundle it requires on first need.
  { ...common, entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './engine.js'] },
  { ...common, entryPoints: ['extension/vscode/engineEntry.ts'], outfile: 'dist/engine.js' },
  {
    ...common,
    entryPoints: ['extension/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // `airlock scan` worker threads for large folders (extension/cli/scan/pool.ts).
  { ...common, entryPoints: ['extension/cli/scan/worker.ts'], outfile: 'dist/scanWorker.js' },
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
  const text = module.exports.policyJsonSchemaText();
  const target = 'policies/airlock-policy.schema.json';
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    writeFileSync(target, text);
    console.log(`esbuild: regenerated ${target}`);
  }
}

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
