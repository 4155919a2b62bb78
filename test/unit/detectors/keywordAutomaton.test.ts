// The keyword pass finds exactly what a naive case-insensitive search finds: every occurrence
// of every keyword (overlapping ones too), in text order, across hit-buffer growth, with exact
// UTF-16 offsets around non-ASCII text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildKeywordAutomaton, findKeywords } from '../../../extension/core/detectors/keywordAutomaton';
import { pick, rng } from './samples';

function naive(text: string, keywords: readonly string[]): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  for (let end = 1; end <= text.length; end++) {
    keywords.forEach((k, id) => {
      if (end >= k.length && lower.slice(end - k.length, end) === k) out.push(`${id}@${end}`);
    });
  }
  return out;
}

test('every occurrence, in order, matches a naive search (thousands of hits: the buffers grow)', () => {
  const keywords = ['key', 'secret', 'sk', 'sk-ant-', 'ghp_', 'a', 'aa', '://', 'token'];
  const automaton = buildKeywordAutomaton(keywords);
  const r = rng(4);
  const text = pick(r, 'aAkKeEyYsStToOnN-_:/ghp é😀x', 60000);
  const hits = findKeywords(text, automaton);
  const got: string[] = [];
  for (let h = 0; h < hits.count; h++) got.push(`${hits.keyword[h]}@${hits.end[h]}`);
  const want = naive(text, keywords);
  assert.ok(want.length > 1000, String(want.length));
  // Same set; within one end offset the order of ids may differ.
  assert.deepEqual([...got].sort(), [...want].sort());
  for (let h = 1; h < hits.count; h++) assert.ok(hits.end[h]! >= hits.end[h - 1]!, 'text order');
});

test('no keywords in the text: no hits; an empty text: no hits', () => {
  const automaton = buildKeywordAutomaton(['secret']);
  assert.equal(findKeywords('nothing to see here', automaton).count, 0);
  assert.equal(findKeywords('', automaton).count, 0);
  assert.equal(findKeywords('SeCrEt', automaton).count, 1);
});
