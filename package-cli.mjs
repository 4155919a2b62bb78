// Builds the installable CLI package: `airlock-cli-<version>.tgz` in the repository root, holding
// one self-contained `cli.js` (the bundle, presets compiled in, no dependencies) that plain
// `node` runs. `npm i -g ./airlock-cli-<version>.tgz` puts `airlock` on PATH; `npx ./…tgz`
// runs it without installing. Called by `npm run package` after the .vsix.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSelfLoading } from './cliBundle.mjs';

const root = new URL('.', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = join(root, 'out', 'cli-package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

await esbuild.build({
  entryPoints: [join(root, 'extension', 'cli', 'main.ts')],
  outfile: join(stage, 'cli.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  minify: true,
  // One file: no source map beside it (stack traces of a CLI user are not worth a second file).
  sourcemap: false,
  logLevel: 'warning',
});
// Still one file: the bundle behind a loader that compiles it with V8's code cache (cliBundle.mjs).
await makeSelfLoading(join(stage, 'cli.js'));
chmodSync(join(stage, 'cli.js'), 0o755);

writeFileSync(
  join(stage, 'package.json'),
  `${JSON.stringify(
    {
      name: 'airlock-cli',
      version: manifest.version,
      description: 'The Airlock command line: gateway, scan, policy validate/test, and the AI-code review gate (check, review, record, hooks, trace).',
      license: manifest.license,
      bin: { airlock: 'cli.js' },
      files: ['cli.js', 'README.md', 'LICENSE'],
      engines: { node: manifest.engines.node },
      keywords: manifest.keywords,
    },
    null,
    2,
  )}\n`,
);
copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
writeFileSync(
  join(stage, 'README.md'),
  `# airlock-cli ${manifest.version}

The Airlock command line in one file (\`cli.js\`, no dependencies, Node ${manifest.engines.node}).

\`\`\`sh
npm i -g ./airlock-cli-${manifest.version}.tgz   # then: airlock help
npx ./airlock-cli-${manifest.version}.tgz help   # without installing
node cli.js help                          # the file alone works too
\`\`\`

In CI: \`airlock check --range "$BASE..HEAD"\` (exit 1 on unreviewed or forbidden AI lines) and
\`airlock scan . --format sarif > airlock.sarif\`. See the Airlock README for the full recipe.
`,
);

const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: stage, encoding: 'utf8' });
if (pack.status !== 0) {
  console.error(`npm pack failed:\n${pack.stdout}\n${pack.stderr}`);
  process.exit(1);
}
const tarball = join(root, pack.stdout.trim().split('\n').pop());
console.log(`package-cli: wrote ${tarball} (${(statSync(tarball).size / 1024).toFixed(1)} KB)`);
