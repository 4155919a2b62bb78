// The workspace index on a real folder (a git repository in a temp dir): own protected files
// are indexed, git-ignored files and node_modules are not, public code is left out, the cache
// holds no code and is reused, files are re-indexed when they change (update and watcher).
// And the fingerprint file path end to end: `airlock fingerprint build` → a policy's
// `protected.fingerprints` → the gateway (fake upstream) and `airlock scan`.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { WorkspaceIndex } from '../../../extension/cli/fingerprint/workspaceIndex';
import { createNodePolicyReader } from '../../../extension/cli/policySource';
import { deserializeIndex } from '../../../extension/core/fingerprint';
import { loadPolicy } from '../../../extension/core/policy';
import { startGateway } from '../../../extension/gateway';
import { startFakeUpstream } from '../../support/fakeUpstream';
import { generateProjects, renameAndReformat, rng, sliceLines } from '../../support/codeGenerator';
import { runAirlock } from '../cli/scanSupport';
import { DEBOUNCE, PRICING } from './samples';


function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'airlock-fp-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: root });
  return root;
}

const generated = generateProjects(1500, 21);
const OTHER = generated[0]!.text;

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('workspace index: own protected files only, public code left out, a cache without code', async () => {
  const root = repo({
    'src/pricing.ts': PRICING,
    'src/util/debounce.js': DEBOUNCE,
    'docs/guide.ts': OTHER,
    'build/generated.ts': OTHER.replace(/const/g, 'let'),
    '.gitignore': 'build/\n',
    'node_modules/underscore/underscore.js': `// Underscore.js\n${DEBOUNCE}`,
    'package-lock.json': '{"lockfileVersion": 3}',
  });
  const cacheDir = join(root, '..', `${root.split('/').pop()}-cache`);
  try {
    const isProtected = (p: string) => p.startsWith('src/') || p.startsWith('build/');
    const wi = WorkspaceIndex.start({ root, isProtected, cacheDir, watch: false });
    const stats = await wi.ready;
    assert.deepEqual(wi.index.sources().sort(), ['src/pricing.ts', 'src/util/debounce.js']);
    assert.equal(stats.indexedFiles, 2);
    assert.equal(stats.publicFiles, 1);
    assert.ok(stats.excluded > 0, 'the vendored debounce is in node_modules');
    assert.deepEqual(wi.index.match(DEBOUNCE), [], 'public code never matches');
    assert.equal(wi.index.match(sliceLines(PRICING, 3, 14))[0]?.source, 'src/pricing.ts');
    await wi.close();

    const cached = readdirSync(cacheDir).sort();
    assert.deepEqual(cached, ['index.alfp', 'index.json']);
    const everything = cached.map((f) => readFileSync(join(cacheDir, f), 'latin1')).join('');
    for (const word of ['subtotal', 'tariff', 'clearTimeout', 'immediate']) assert.ok(!everything.includes(word), word);
    assert.equal(deserializeIndex(readFileSync(join(cacheDir, 'index.alfp'))).sourceCount, 2);

    // A hook process reads the cache without walking.
    const cachedOnly = await WorkspaceIndex.loadCached(root, cacheDir);
    assert.equal(cachedOnly?.match(sliceLines(PRICING, 3, 14))[0]?.source, 'src/pricing.ts');
    assert.equal(await WorkspaceIndex.loadCached(join(root, 'elsewhere'), cacheDir), undefined, 'another root: not this cache');

    // Started again: everything comes from the cache.
    const again = WorkspaceIndex.start({ root, isProtected, cacheDir, watch: false });
    const s2 = await again.ready;
    assert.equal(s2.indexedFiles, 0);
    assert.equal(s2.publicFiles, 0, 'node_modules unchanged: not read again');
    assert.equal(again.index.match(sliceLines(PRICING, 3, 14))[0]?.source, 'src/pricing.ts');
    await again.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('workspace index: incremental update of one file, and the watcher keeps it current', async () => {
  const root = repo({ 'src/a.ts': PRICING, '.gitignore': 'tmp/\n' });
  try {
    const wi = WorkspaceIndex.start({ root, isProtected: () => true, cacheDir: null });
    await wi.ready;
    const snippet = sliceLines(PRICING, 3, 14);
    assert.equal(wi.index.match(snippet)[0]?.source, 'src/a.ts');

    // update(): rewrite, then delete.
    writeFileSync(join(root, 'src/a.ts'), OTHER);
    await wi.update('src/a.ts');
    assert.deepEqual(wi.index.match(snippet), []);
    assert.equal(wi.index.match(sliceLines(OTHER, 5, 20))[0]?.source, 'src/a.ts');
    unlinkSync(join(root, 'src/a.ts'));
    await wi.update(join(root, 'src/a.ts'));
    assert.equal(wi.index.has('src/a.ts'), false);

    // The watcher: a new file is indexed, an ignored one is not.
    mkdirSync(join(root, 'tmp'));
    writeFileSync(join(root, 'tmp/scratch.ts'), OTHER);
    writeFileSync(join(root, 'src/b.ts'), PRICING);
    await until(() => wi.index.has('src/b.ts'));
    assert.equal(wi.index.match(renameAndReformat(snippet, rng(2)))[0]?.source, 'src/b.ts');
    assert.equal(wi.index.has('tmp/scratch.ts'), false);
    await wi.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('airlock fingerprint build → protected.fingerprints: blocked in the gateway and in airlock scan', async () => {
  // The company's core repository, which this engineer never cloned.
  const core = repo({ 'acme-core/src/pricing.ts': PRICING, 'acme-core/node_modules/x/index.js': DEBOUNCE, 'acme-core/src/debounce.js': DEBOUNCE });
  const publicCorpus = mkdtempSync(join(tmpdir(), 'airlock-public-'));
  writeFileSync(join(publicCorpus, 'lodash.debounce.js'), DEBOUNCE);
  const workspace = repo({
    '.airlock/policy.jsonc': `{
      "protected": { "fingerprints": ["./fp/acme-core.alfp"] },
      "egress": [{ "id": "acme-core-stays-internal", "when": { "protected": true }, "action": "block", "message": "Acme core code stays internal." }]
    }`,
    'notes/copied.ts': `// I found this somewhere\n${renameAndReformat(sliceLines(PRICING, 3, 14), rng(8))}\n`,
    'notes/vendored.js': DEBOUNCE,
    'notes/fine.ts': OTHER,
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'airlock-state-'));
  const previousState = process.env['AIRLOCK_STATE_DIR'];
  process.env['AIRLOCK_STATE_DIR'] = stateDir;
  const upstream = await startFakeUpstream();
  try {
    mkdirSync(join(workspace, '.airlock/fp'));
    const out = join(workspace, '.airlock/fp/acme-core.alfp');
    const built = await runAirlock(['fingerprint', 'build', 'acme-core', '--out', out, '--exclude-public', publicCorpus], core);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /2 files, \d+ fingerprints, \d+ left out as public/);
    const file = readFileSync(out);
    assert.ok(!file.toString('latin1').includes('subtotal'), 'no code in the fingerprint file');
    assert.deepEqual(deserializeIndex(file).sources().sort(), ['acme-core/src/debounce.js', 'acme-core/src/pricing.ts'], 'node_modules skipped');

    // airlock scan: the renamed copy is blocked and named; vendored (public) code and other code pass.
    const scan = await runAirlock(['scan', '--format', 'json', 'notes'], workspace);
    assert.equal(scan.code, 1, scan.stderr);
    const report = JSON.parse(scan.stdout) as { findings: { path: string; rule: string; kind: string; message?: string }[] };
    assert.deepEqual([...new Set(report.findings.map((f) => f.path))], ['notes/copied.ts']);
    assert.ok(report.findings.every((f) => f.kind === 'protected-content' && f.rule === 'acme-core-stays-internal'));
    assert.ok(!scan.stdout.includes('subtotal'));

    // The gateway, with the policy loaded as `airlock gateway` loads it.
    const loaded = await loadPolicy(join(workspace, '.airlock/policy.jsonc'), createNodePolicyReader());
    assert.ok(loaded.ok, JSON.stringify(loaded.problems));
    const gateway = await startGateway({ policy: () => loaded.policy, upstreams: { anthropic: upstream.url } });
    try {
      const client = new Anthropic({ baseURL: gateway.urls.anthropic, apiKey: 'sk-ant-test', maxRetries: 0 });
      const copy = readFileSync(join(workspace, 'notes/copied.ts'), 'utf8');
      const error = await client.messages
        .create({
          model: 'claude-x',
          max_tokens: 10,
          messages: [
            { role: 'user', content: 'run it' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'cat notes/copied.ts' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: copy }] },
          ],
        })
        .then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof Anthropic.APIError, String(error));
      assert.match(error.message, /acme-core-stays-internal/);
      assert.match(error.message, /code from acme-core\/src\/pricing\.ts lines \d+-\d+/);
      assert.equal(upstream.requests.length, 0, 'nothing reached the upstream');
      await client.messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: `is this debounce right?\n${DEBOUNCE}` }] });
      assert.equal(upstream.requests.length, 1, 'public code passes');
    } finally {
      await gateway.close();
    }
  } finally {
    if (previousState === undefined) delete process.env['AIRLOCK_STATE_DIR'];
    else process.env['AIRLOCK_STATE_DIR'] = previousState;
    await upstream.close();
    for (const dir of [core, publicCorpus, workspace, stateDir]) rmSync(dir, { recursive: true, force: true });
  }
});

test('the workspace index reaches the engine through the gateway: an unlabelled copy is blocked, a directory listing passes', async () => {
  // airlock:meta-style, with the loopback fake upstream standing in for a public API.
  const workspace = repo({
    'src/pricing.ts': PRICING,
    'README.md': 'Acme quotes\n',
    '.airlock/policy.jsonc': '{ "extends": ["airlock:meta-style"], "destinations": { "internal": ["llm.acme.internal"] } }',
  });
  const upstream = await startFakeUpstream();
  try {
    const loaded = await loadPolicy(join(workspace, '.airlock/policy.jsonc'), createNodePolicyReader());
    assert.ok(loaded.ok, JSON.stringify(loaded.problems));
    const wi = WorkspaceIndex.start({ root: workspace, isProtected: (p) => loaded.policy.isProtectedPath(p) !== undefined, cacheDir: null, watch: false });
    await wi.ready;
    const gateway = await startGateway({ policy: () => loaded.policy, protectedIndex: () => wi.index, workspaceRoots: [workspace], upstreams: { openai: `${upstream.url}/v1` } });
    try {
      const post = (input: unknown) =>
        fetch(`${gateway.urls.openai}/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' }, body: JSON.stringify({ model: 'gpt-x', input }) });
      const hi = await post([
        { role: 'user', content: [{ type: 'input_text', text: `<environment_context>\n  <cwd>${workspace}</cwd>\n  <files>src/pricing.ts README.md</files>\n</environment_context>` }] },
        { role: 'user', content: [{ type: 'input_text', text: 'Say hi' }] },
      ]);
      assert.equal(hi.status, 200, await hi.clone().text());
      const cat = await post([
        { role: 'user', content: [{ type: 'input_text', text: 'show me the pricing' }] },
        { type: 'function_call', call_id: 'c1', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', 'cat src/pricing.ts'] }) },
        { type: 'function_call_output', call_id: 'c1', output: `Exit code: 0\nOutput:\n${PRICING}` },
      ]);
      assert.notEqual(cat.status, 200);
      assert.match(await cat.text(), /code from src\/pricing\.ts lines \d+-\d+/);
      assert.equal(upstream.requests.length, 1);
    } finally {
      await gateway.close();
      await wi.close();
    }
  } finally {
    await upstream.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('airlock gateway --workspace (built CLI): the workspace is fingerprinted in the background and an unlabelled renamed copy is refused, naming the file', { timeout: 90_000 }, async () => {
  const root = join(__dirname, '..', '..', '..');
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const workspace = repo({
    'src/pricing.ts': PRICING,
    '.airlock/policy.jsonc': '{ "protected": { "paths": ["src/"] }, "egress": [{ "id": "src-stays-home", "when": { "protected": true }, "action": "block", "message": "Source code stays home." }] }',
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'airlock-state-'));
  const upstream = await startFakeUpstream();
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'gateway', '--workspace', workspace, '--upstream', `openai=${upstream.url}/v1`], {
    cwd: tmpdir(),
    env: { ...process.env, AIRLOCK_STATE_DIR: stateDir, AIRLOCK_ORG_POLICY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const urls = JSON.parse(first) as { openai: string };
    await until(() => /fingerprinted 1 protected files/.test(stderr), 20_000);
    const openai = new OpenAI({ baseURL: urls.openai, apiKey: 'sk-test', maxRetries: 0 });
    const copy = renameAndReformat(sliceLines(PRICING, 3, 14), rng(12));
    const error = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `tidy this up:\n${copy}` }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, 400);
    assert.match(error.message, /src-stays-home/);
    assert.match(error.message, /code from src\/pricing\.ts lines \d+-\d+/);
    await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'what does src/pricing.ts do, roughly?' }] });
    assert.equal(upstream.requests.length, 1, 'a mention passes; the copy did not leave');
    assert.ok(!stderr.includes('subtotal'), 'no code on stderr');
    assert.ok(readdirSync(join(stateDir, 'fingerprints')).length === 1, 'cached in the state folder');
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    await upstream.close();
    for (const dir of [workspace, stateDir]) rmSync(dir, { recursive: true, force: true });
  }
});

test('airlock fingerprint: usage errors are clear and exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-fpcli-'));
  try {
    for (const [args, message] of [
      [['fingerprint', 'build', 'src'], /--out FILE is required/],
      [['fingerprint', 'build', '--out', 'x.alfp'], /give at least one file or folder/],
      [['fingerprint', 'build', 'missing', '--out', 'x.alfp'], /no such file or directory: missing/],
      [['fingerprint', 'build', '.', '--out', 'x.alfp', '--exclude-public', 'nope'], /--exclude-public nope is not a folder/],
      [['fingerprint', 'frobnicate'], /unknown subcommand 'frobnicate'/],
      [['fingerprint', 'build', '.', '--out', 'x.alfp', '--bogus'], /unknown option '--bogus'/],
    ] as const) {
      const r = await runAirlock([...args], dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
    const help = await runAirlock(['fingerprint', 'build', '--help'], dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /hashes and line numbers only, no code/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
