// The shipped CLI: builds the bundles with esbuild.mjs, then runs `node dist/cli.js scan …`
// as a user (or CI) would, over a temp folder and stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertValidSarif } from './scanSarifShape';
import { BLOCK_SECRETS_POLICY, tempTree } from './scanSupport';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');
const GITHUB_TOKEN = ['ghp_', 'R8fK2mQ9xLw4TzV7nB3cY6hJ1pD5sA3YxdV5'].join('');

test('node dist/cli.js scan works from the built bundle', (t) => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
  if (build.status !== 0 && !existsSync(CLI)) {
    t.skip(`dist/cli.js is missing and the build failed: ${build.stderr.trim().split('\n')[0]}`);
    return;
  }
  assert.equal(build.status, 0, `esbuild.mjs failed: ${build.stderr}`);
  const root = tempTree({ 'policy.jsonc': BLOCK_SECRETS_POLICY, 'src/app.ts': `const token = "${GITHUB_TOKEN}";\n`, '.gitignore': 'skip/\n', 'skip/x.ts': `"${GITHUB_TOKEN}"` });
  try {
    const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, 'scan', ...args], { cwd: root, encoding: 'utf8', input, timeout: 20_000 });

    const text = run([]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^src\/app\.ts:1:16: redact secrets github-pat-classic /m);
    assert.match(text.stdout, /1 finding in 1 of 3 files scanned/);

    const sarif = run(['--policy', 'policy.jsonc', '--format', 'sarif', 'src']);
    assert.equal(sarif.status, 1, sarif.stderr);
    assertValidSarif(JSON.parse(sarif.stdout));

    const piped = run(['--format', 'json', '-'], `x = "${GITHUB_TOKEN}"`);
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(JSON.parse(piped.stdout).findings[0].detector, 'github-pat-classic');

    for (const out of [text, sarif, piped]) assert.ok(!(out.stdout + out.stderr).includes(GITHUB_TOKEN));
    assert.equal(run(['--format', 'yaml']).status, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the built bundle scans a large folder with its worker (dist/scanWorker.js): same report as --jobs 1', (t) => {
  if (!existsSync(CLI) || !existsSync(join(REPO, 'dist', 'scanWorker.js'))) {
    t.skip('dist/cli.js or dist/scanWorker.js is missing (run node esbuild.mjs)');
    return;
  }
  const filler = 'export function handler(request, response) { return response.send(request.body); }\n'.repeat(1200);
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`src/m${i}.ts`] = `${filler}${i % 7 === 0 ? `const t = "${GITHUB_TOKEN}";\n` : ''}${filler}`;
  const root = tempTree(files);
  try {
    const run = (jobs: string) => spawnSync(process.execPath, [CLI, 'scan', '--jobs', jobs, '--format', 'json', '.'], { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    const single = run('1');
    const pooled = run('2');
    assert.equal(single.status, 0, single.stderr);
    assert.equal(pooled.status, 0, pooled.stderr);
    assert.equal(pooled.stdout, single.stdout);
    assert.equal((JSON.parse(pooled.stdout) as { findings: unknown[] }).findings.length, 9);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
