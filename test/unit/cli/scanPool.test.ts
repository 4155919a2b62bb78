// `airlock scan` on a large folder uses worker threads (--jobs N): the report is the same,
// byte for byte and in the same order, as scanning on the main thread alone. Workers are
// started as the bytes read pass the threshold (during the walk), never more than --jobs - 1,
// and whatever a worker fails on is scanned on the main thread.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { SAMPLES, rng } from '../detectors/samples';
import { loadLayeredPolicy } from '../../../extension/core/policy';
import { createNodePolicyReader } from '../../../extension/cli/policySource';
import { evaluateOne } from '../../../extension/cli/scan/evaluate';
import { POOL_MIN_BYTES, poolOptions, poolStats, ScanPool } from '../../../extension/cli/scan/pool';
import { runAirlock, tempTree } from './scanSupport';

test('a folder over the pool threshold gives the same report with --jobs 2 as with --jobs 1', async () => {
  const files: Record<string, string> = {};
  const filler = 'export function handler(request, response) { return response.send(request.body); }\n'.repeat(900);
  for (let i = 0; i < 80; i++) {
    const sample = SAMPLES[(i * 7) % SAMPLES.length]!;
    const value = sample.value(rng(i));
    const line = sample.block ? sample.block.replace('$VALUE', value) : `const ${sample.name ?? 'SECRET'} = "${value}";`;
    files[`src/mod${String(i).padStart(2, '0')}.ts`] = `${filler}${line}\n${filler}`;
  }
  const root = tempTree(files);
  try {
    const single = await runAirlock(['scan', '--jobs', '1', '--format', 'json', '.'], root);
    const mixed = await runAirlock(['scan', '--jobs', '2', '--format', 'json', '.'], root);
    assert.equal(mixed.stdout, single.stdout, 'main thread and a worker together');
    poolOptions.mainThreadScans = false;
    const pooled = await runAirlock(['scan', '--jobs', '2', '--format', 'json', '.'], root).finally(() => (poolOptions.mainThreadScans = true));
    assert.equal(poolStats.workers, 1, 'one worker thread beside the main thread');
    assert.equal(poolStats.answeredByWorkers, 80, 'the worker scanned every file');
    assert.equal(single.code, 0, single.stderr);
    assert.equal(pooled.stderr, single.stderr);
    assert.equal(pooled.stdout, single.stdout);
    const report = JSON.parse(pooled.stdout) as { filesScanned: number; findings: unknown[] };
    assert.equal(report.filesScanned, 80);
    assert.ok(report.findings.length >= 80, `only ${report.findings.length} findings`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the pool starts workers as the bytes read grow, up to its thread limit; a failed worker\'s inputs are scanned on the main thread', async () => {
  const loaded = await loadLayeredPolicy({ workspace: 'airlock:secrets' }, createNodePolicyReader());
  assert.ok(loaded.ok);
  const destination = 'https://api.openai.com/v1/chat/completions';
  const sample = SAMPLES[0]!;
  const inputs = Array.from({ length: 12 }, (_, i) => ({ text: `${'let x = 1;\n'.repeat(30_000)}const ${sample.name ?? 'SECRET'} = "${sample.value(rng(i))}";\n`, display: `f${i}.ts`, request: `f${i}.ts` }));
  const expected = inputs.map((input) => evaluateOne(loaded.policy, input.text, input.display, input.request, destination));

  // No policy texts: every worker fails to compile the policy, so the main thread answers all.
  const failing = new ScanPool({ policyRef: 'airlock:secrets', policyTexts: {}, destination, workspaceRoots: ['/'] }, 2);
  const workers = Math.min(2, availableParallelism()) - 1;
  try {
    failing.grow(POOL_MIN_BYTES - 1);
    assert.equal(failing.workerCount, 0, 'nothing below the threshold');
    failing.grow(POOL_MIN_BYTES);
    assert.equal(failing.workerCount, workers, 'threads - 1 workers (the main thread scans too)');
    failing.grow(100 * POOL_MIN_BYTES);
    assert.equal(failing.workerCount, workers, 'never more than the thread limit');
    failing.configure({});
    poolOptions.mainThreadScans = false;
    const results = await failing.evaluate(loaded.policy, inputs).finally(() => (poolOptions.mainThreadScans = true));
    assert.equal(poolStats.answeredByWorkers, 0);
    assert.deepEqual(results, expected);
  } finally {
    await failing.close();
  }
});

test('the main thread never waits on a worker: a batch a worker holds without answering is scanned on the main thread', async () => {
  const loaded = await loadLayeredPolicy({ workspace: 'airlock:secrets' }, createNodePolicyReader());
  assert.ok(loaded.ok);
  const destination = 'https://api.openai.com/v1/chat/completions';
  const sample = SAMPLES[1]!;
  const inputs = Array.from({ length: 40 }, (_, i) => ({ text: `${'let y = 2;\n'.repeat(20_000)}const ${sample.name ?? 'SECRET'} = "${sample.value(rng(100 + i))}";\n`, display: `g${i}.ts`, request: `g${i}.ts` }));
  const expected = inputs.map((input) => evaluateOne(loaded.policy, input.text, input.display, input.request, destination));
  // Ready at once, then takes batches and never answers (a stalled or starved thread).
  poolOptions.workerEval = "const { parentPort } = require('node:worker_threads'); parentPort.once('message', () => parentPort.postMessage({ ready: true })); parentPort.on('message', () => {});";
  const pool = new ScanPool({ policyRef: 'airlock:secrets', policyTexts: {}, destination, workspaceRoots: ['/'] }, 2);
  try {
    pool.grow(100 * POOL_MIN_BYTES);
    if (pool.workerCount === 0) return; // one core: no pool to test
    pool.configure({});
    // Let the worker say it is ready, so it is handed a batch before the main thread starts.
    await new Promise((r) => setTimeout(r, 200));
    const results = await pool.evaluate(loaded.policy, inputs);
    assert.deepEqual(results, expected);
    assert.equal(poolStats.answeredByWorkers, 0);
  } finally {
    poolOptions.workerEval = undefined;
    await pool.close();
  }
});
