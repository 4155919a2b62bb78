// Builds Airlock: one bundle for the extension, one for the CLI, and the integration tests
// that run inside the VS Code extension host. `--production` minifies; `--watch` rebuilds.
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
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
};

const builds = [
  { ...common, entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.js' },
  {
    ...common,
    entryPoints: ['extension/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (!production) {
  builds.push({
    ...common,
    entryPoints: tsFilesUnder('test/integration'),
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    // Mocha loads test files itself; keep it (and the editor) outside the test bundles.
    external: ['vscode', 'mocha'],
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching…');
} else {
  const started = performance.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`esbuild: built ${builds.length} bundles in ${Math.round(performance.now() - started)} ms${production ? ' (production)' : ''}`);
}
