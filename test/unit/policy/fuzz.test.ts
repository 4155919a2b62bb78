// Never crash, never hang: randomly damaged presets always load to problems or a policy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadPolicy } from '../../../extension/core/policy';
import { memoryReader, PRESETS_DIR } from './memoryReader';

/** Small deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['{', '}', '[', ']', ',', ':', '"', '\\', '/*', '//', '\n', 'true', '-1e999', '"x"', '"!', '"**"', '"(a+)+$"', '\u0000', '"__proto__"'];

test('damaged policies never throw and always answer', async () => {
  const original = readFileSync(join(PRESETS_DIR, 'strict.jsonc'), 'utf8');
  const random = prng(42);
  for (let i = 0; i < 150; i++) {
    let text = original;
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * text.length);
      const cut = Math.floor(random() * 8);
      const piece = PIECES[Math.floor(random() * PIECES.length)]!;
      text = text.slice(0, at) + (random() < 0.5 ? piece : '') + text.slice(at + cut);
    }
    const loaded = await loadPolicy('/ws/p.jsonc', memoryReader({ '/ws/p.jsonc': text }));
    assert.equal(typeof loaded.ok, 'boolean');
    for (const p of loaded.problems) {
      assert.ok(p.line >= 1 && p.column >= 1, `case ${i}: bad position`);
      assert.ok(p.message.length > 0);
    }
    if (!loaded.ok) assert.equal(loaded.policy.evaluateEgress({ destination: 'https://api.openai.com/', segments: [], referencedPaths: [] }).action, 'block');
  }
});
