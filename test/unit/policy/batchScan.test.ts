// Short segments are scanned joined in batches; the answer per segment must be what scanning it
// alone gives: no match across two segments, anchored custom detectors kept apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanTexts } from '../../../extension/core/egress/batchScan';
import type { DetectorMatch } from '../../../extension/core/egress/layer';
import { loadLayeredPolicy } from '../../../extension/core/policy';
import { readPolicyRef } from '../gateway/support/policy';

/** A toy scanner: every run of 6+ capital letters is a match. */
const caps = (text: string): DetectorMatch[] => [...text.matchAll(/[A-Z]{6,}/g)].map((m) => ({ detector: 'caps', start: m.index, end: m.index + m[0].length }));

test('batched matches are mapped back to their texts; matches across texts are decided per text', () => {
  const texts = ['abc', 'xx ABCDEFG yy', '', 'ABC', 'DEF', 'abc', 'tail HIJKLMN'];
  const batched = scanTexts(texts, caps);
  const alone = texts.map(caps);
  assert.deepEqual(batched, alone);
  // 'ABC' + '\n' + 'DEF' never forms one match; each alone has none.
  assert.deepEqual(batched[3], []);
  assert.deepEqual(batched[4], []);
});

test('a custom detector anchored with ^/$ sees every segment on its own', async () => {
  const policy = JSON.stringify({ detectors: { builtin: false, custom: [{ id: 'whole-token', regex: '^tok_[a-z0-9]{12}$' }] }, egress: [{ id: 't', when: { detectors: ['whole-token'] }, action: 'block' }] });
  const loaded = await loadLayeredPolicy({ workspace: '/p.jsonc' }, (ref) => (ref === '/p.jsonc' ? Promise.resolve(policy) : readPolicyRef(ref)));
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  const segments = ['first', 'tok_abcdef123456', 'last'].map((text, i) => ({ id: `s${i}`, role: 'other' as const, text }));
  const verdict = loaded.policy.evaluateEgress({ destination: 'https://api.openai.com/v1/chat/completions', segments, referencedPaths: [] });
  assert.equal(verdict.action, 'block');
  assert.equal(verdict.findings[0]?.segment, 's1');
});
