// `airlock scan` on a large folder uses worker threads (one per core): the report is the same,
// byte for byte and in the same order, as scanning on the main thread alone.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { SAMPLES, rng } from '../detectors/samples';
import { poolOptions, poolStats } from '../../../extension/cli/scan/pool';
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
