// The node-side reader: presets, files (with a size cap checked before reading) and the
// default workspace policy.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNodePolicyReader, defaultWorkspacePolicyRef } from '../../../extension/cli/policySource';
import { loadLayeredPolicy } from '../../../extension/core/policy';
import { PRESETS_DIR } from './memoryReader';

test('reads presets, files, and refuses a 50 MB file before reading it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-policy-'));
  try {
    const read = createNodePolicyReader({ presetsDir: PRESETS_DIR });
    assert.match(await read('airlock:secrets'), /"id": "secrets"/);
    await assert.rejects(read('airlock:nope'), /no preset named "nope"/);
    const big = join(dir, 'big.jsonc');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1024 * 1024); // sparse: costs no disk
    const started = performance.now();
    await assert.rejects(read(big), /policy is too large \(50\.0 MB; the limit is 1\.0 MB\)/);
    assert.ok(performance.now() - started < 200);

    mkdirSync(join(dir, '.airlock'));
    assert.equal(defaultWorkspacePolicyRef(dir), 'airlock:secrets');
    writeFileSync(join(dir, '.airlock', 'base.jsonc'), '{ "protected": { "paths": ["src/"] } }');
    writeFileSync(
      join(dir, '.airlock', 'policy.jsonc'),
      '{ "extends": ["airlock:meta-style", "./base.jsonc"] }',
    );
    const ref = defaultWorkspacePolicyRef(dir);
    assert.equal(ref, join(dir, '.airlock', 'policy.jsonc'));
    const { ok, problems, policy } = await loadLayeredPolicy({ workspace: ref }, read);
    assert.deepEqual(problems, []);
    assert.ok(ok);
    assert.equal(policy.sources[0], ref);
    assert.deepEqual(policy.files, ['airlock:secrets', 'airlock:meta-style', join(dir, '.airlock', 'base.jsonc'), ref]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
