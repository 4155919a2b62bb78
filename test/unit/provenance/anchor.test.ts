// Re-anchoring finds AI lines again after the file changed outside the editor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexFile, reanchor, trackLine } from '../../../extension/core/provenance/anchor';
import { isTrivialLine } from '../../../extension/core/provenance/hash';

const ai = ['export function total(items) {', '  let sum = 0;', '  for (const i of items) sum += i.price;', '', '  return sum;', '}'];
const tracked = ai.map((l) => trackLine(l));

test('unchanged position is the fast path', () => {
  const file = ['// header', ...ai, 'tail'];
  const placed = reanchor(tracked, 2, indexFile(file));
  assert.deepEqual(placed.map((p) => p.fileLine + 1), [2, 3, 4, 5, 6, 7]);
});

test('a moved and re-indented block is found, trivial lines included', () => {
  const file = ['a', 'b', 'c', 'namespace X {', ...ai.map((l) => `  ${l}`), '}', 'z'];
  const placed = reanchor(tracked, 2, indexFile(file));
  assert.deepEqual(placed.map((p) => p.fileLine + 1), [5, 6, 7, 8, 9, 10]);
  assert.ok(placed.every((p) => !p.mixed));
});

test('a line edited in place stays AI as mixed; a line inserted between is not AI', () => {
  const edited = [...ai];
  edited[2] = '  for (const item of items) sum += item.price * item.qty;';
  const file = ['x', ...edited.slice(0, 4), '  // a human comment', ...edited.slice(4)];
  const placed = reanchor(tracked, 1, indexFile(file));
  const byLine = new Map(placed.map((p) => [p.fileLine + 1, p]));
  assert.equal(byLine.get(4)?.mixed, true);
  assert.equal(byLine.has(6), false); // the human comment
  assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [2, 3, 4, 5, 7, 8]);
});

test('trivial lines never anchor alone', () => {
  const onlyTrivial = ['}', '', '} else {'].map((l) => trackLine(l));
  assert.ok(['}', '', '} else {', '});', '  ]'].every(isTrivialLine));
  const file = ['int a;', '}', '', '} else {', 'int b;'];
  // recorded at line 10 (gone): nothing non-trivial to vote, so nothing is claimed
  assert.deepEqual(reanchor(onlyTrivial, 10, indexFile(file)), []);
});

test('a fully rewritten block is gone', () => {
  const file = ['completely', 'different', 'content here'];
  assert.deepEqual(reanchor(tracked, 1, indexFile(file)), []);
});

test('outside the editor: a partly edited last line is mixed, a rewritten one is gone', () => {
  const edited = [...ai];
  edited[4] = '  return sum * 2;';
  let placed = reanchor(tracked, 1, indexFile(edited));
  assert.deepEqual(placed.filter((p) => p.mixed).map((p) => p.fileLine + 1), [5]);
  const rewritten = [...ai];
  rewritten[2] = 'console.log("hello world")';
  placed = reanchor(tracked, 1, indexFile(['zz', ...rewritten]));
  assert.equal(placed.some((p) => p.fileLine === 3), false);
  assert.equal(placed.length, 5);
});
