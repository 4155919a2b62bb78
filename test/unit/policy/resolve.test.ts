// `extends`: presets, relative paths, URLs through the injected reader; cycles, unreachable
// references and oversized files are positioned problems, never crashes or hangs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPolicy, resolvePolicy, resolveRef } from '../../../extension/core/policy';
import { memoryReader } from './memoryReader';

test('references resolve relative to the policy that mentions them', () => {
  assert.equal(resolveRef('./base.jsonc', '/ws/.airlock/policy.jsonc'), '/ws/.airlock/base.jsonc');
  assert.equal(resolveRef('../org/p.jsonc', '/ws/.airlock/policy.jsonc'), '/ws/org/p.jsonc');
  assert.equal(resolveRef('airlock:secrets', '/ws/p.jsonc'), 'airlock:secrets');
  assert.equal(resolveRef('./more.jsonc', 'https://policies.acme.com/org/base.jsonc'), 'https://policies.acme.com/org/more.jsonc');
  assert.equal(resolveRef('./secrets.jsonc', 'airlock:strict'), 'airlock:secrets');
  assert.throws(() => resolveRef('http://insecure.example/p.jsonc'), /only https/);
});

test('extends merges presets and files in order; the file itself wins', async () => {
  const reads: string[] = [];
  const read = memoryReader(
    {
      '/ws/p.jsonc': '{ "extends": ["airlock:meta-style", "./extra.jsonc"], "protected": { "paths": ["!docs/**"] } }',
      '/ws/extra.jsonc': '{ "egress": [{ "id": "warn-claude", "when": { "assistants": ["claude-*"] }, "action": "warn" }] }',
    },
    reads,
  );
  const r = await resolvePolicy('/ws/p.jsonc', read);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.sources, ['airlock:secrets', 'airlock:meta-style', '/ws/extra.jsonc', '/ws/p.jsonc']);
  assert.deepEqual(
    r.egress.map((e) => e.value.id),
    ['secrets', 'protected-code-stays-internal', 'warn-claude'],
  );
  assert.deepEqual(r.protectedPaths.map((p) => p.value), ['**', '!docs/**']);
  assert.equal(reads.filter((x) => x === 'airlock:secrets').length, 1);
});

test('a self-referencing extends is a positioned cycle error', async () => {
  const read = memoryReader({ '/ws/p.jsonc': '{\n  "extends": ["./p.jsonc"]\n}' });
  const { problems, ok, policy } = await loadPolicy('/ws/p.jsonc', read);
  assert.equal(ok, false);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /extends cycle: \/ws\/p\.jsonc → \/ws\/p\.jsonc/);
  assert.deepEqual([problems[0]!.source, problems[0]!.line, problems[0]!.column], ['/ws/p.jsonc', 2, 15]);
  // Fail closed: nothing leaves under a broken policy.
  assert.equal(policy.evaluateEgress({ destination: 'http://127.0.0.1/', segments: [], referencedPaths: [] }).action, 'block');
});

test('a longer cycle is found and named', async () => {
  const read = memoryReader({
    '/ws/a.jsonc': '{ "extends": ["./b.jsonc"] }',
    '/ws/b.jsonc': '{ "extends": ["./c.jsonc"] }',
    '/ws/c.jsonc': '{ "extends": ["./a.jsonc"] }',
  });
  const { problems } = await loadPolicy('/ws/a.jsonc', read);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /a\.jsonc → \/ws\/b\.jsonc → \/ws\/c\.jsonc → \/ws\/a\.jsonc/);
  assert.equal(problems[0]!.source, '/ws/c.jsonc');
});

test('an unreachable URL is an error at the extends entry', async () => {
  const read = async (ref: string) => {
    if (ref === '/ws/p.jsonc') return '{\n  "extends": [\n    "https://policies.acme.invalid/org.jsonc"\n  ]\n}';
    throw new Error('getaddrinfo ENOTFOUND policies.acme.invalid');
  };
  const { problems, ok } = await loadPolicy('/ws/p.jsonc', read);
  assert.equal(ok, false);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /cannot read policy "https:\/\/policies\.acme\.invalid\/org\.jsonc": getaddrinfo ENOTFOUND/);
  assert.deepEqual([problems[0]!.line, problems[0]!.column], [3, 5]);
});

test('a missing root file and an unknown preset are clear errors', async () => {
  const missing = await loadPolicy('/ws/none.jsonc', memoryReader({}));
  assert.match(missing.problems[0]!.message, /cannot read policy "\/ws\/none\.jsonc"/);
  const preset = await loadPolicy('/ws/p.jsonc', memoryReader({ '/ws/p.jsonc': '{ "extends": ["airlock:Nope!"] }' }));
  assert.match(preset.problems[0]!.message, /unknown preset name/);
});

test('a 50 MB policy reached through extends is refused quickly', async () => {
  const huge = `{"name": "${'x'.repeat(50 * 1024 * 1024)}"}`;
  const read = memoryReader({ '/ws/p.jsonc': '{ "extends": ["./huge.jsonc"] }', '/ws/huge.jsonc': huge });
  const started = performance.now();
  const { problems } = await loadPolicy('/ws/p.jsonc', read);
  assert.ok(performance.now() - started < 500);
  assert.match(problems[0]!.message, /too large/);
  assert.equal(problems[0]!.source, '/ws/huge.jsonc');
});

test('problems in an extended file point into that file', async () => {
  const read = memoryReader({ '/ws/p.jsonc': '{ "extends": ["./base.jsonc"] }', '/ws/base.jsonc': '{\n "egress": 3\n}' });
  const { problems } = await loadPolicy('/ws/p.jsonc', read);
  assert.deepEqual(problems.map((p) => [p.source, p.line]), [['/ws/base.jsonc', 2]]);
});
