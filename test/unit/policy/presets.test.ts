// Every preset validates without a single problem and passes its own embedded tests.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadPolicy, runPolicyTests } from '../../../extension/core/policy';
import { memoryReader, PRESETS_DIR } from './memoryReader';

const presets = readdirSync(PRESETS_DIR)
  .filter((f) => f.endsWith('.jsonc'))
  .map((f) => `airlock:${f.replace(/\.jsonc$/, '')}`);

test('the three presets exist', () => {
  for (const name of ['airlock:secrets', 'airlock:meta-style', 'airlock:strict']) assert.ok(presets.includes(name), name);
});

for (const preset of presets) {
  test(`${preset} validates and its embedded tests pass`, async () => {
    const { policy, problems, ok } = await loadPolicy(preset, memoryReader({}));
    assert.deepEqual(problems, []);
    assert.ok(ok);
    const results = runPolicyTests(policy);
    assert.ok(results.length >= 4, 'each preset documents itself with tests');
    assert.deepEqual(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`), []);
  });
}

test('the example in policies/README.md is a valid policy whose tests pass', async () => {
  const readme = readFileSync(join(PRESETS_DIR, 'README.md'), 'utf8');
  const example = /```jsonc\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example);
  const { policy, problems, ok } = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': example, '/ws/.airlock/team.jsonc': '{}' }));
  assert.deepEqual(problems, []);
  assert.ok(ok);
  assert.deepEqual(runPolicyTests(policy).filter((r) => !r.passed), []);
});

test('the presets compiled into the bundles are exactly policies/*.jsonc (run `npm run build` after editing one)', async () => {
  const { BUNDLED_PRESETS } = await import('../../../extension/core/policy');
  const onDisk = Object.fromEntries(readdirSync(PRESETS_DIR).filter((f) => f.endsWith('.jsonc')).map((f) => [f.replace(/\.jsonc$/, ''), readFileSync(join(PRESETS_DIR, f), 'utf8')]));
  assert.deepEqual({ ...BUNDLED_PRESETS }, onDisk);
});
