// The range tracker: edits shift, split and shrink AI ranges exactly; rewrites clear lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProvenanceTracker } from '../../../extension/core/provenance/tracker';

const doc = ['line 1', 'line 2', 'ai a', 'ai b', 'ai c', 'line 6'].join('\n');

function offsetOf(text: string, line: number, col = 0): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < line - 1; i++) off += lines[i]!.length + 1;
  return off + col;
}

test('a line inserted above an AI range shifts it down', () => {
  const t = new ProvenanceTracker(doc, [{ id: 'c1', startLine: 3, endLine: 5 }]);
  t.applyChange({ offset: 0, deletedLength: 0, insertedText: 'new\n' });
  assert.deepEqual(t.ranges(), [{ id: 'c1', startLine: 4, endLine: 6, mixedLines: [] }]);
  t.applyChange({ offset: 0, deletedLength: 4 + 7, insertedText: '' }); // delete "new\n" + "line 1\n"
  assert.deepEqual(t.ranges(), [{ id: 'c1', startLine: 2, endLine: 4, mixedLines: [] }]);
});

test('a human line inserted inside an AI range splits it', () => {
  const t = new ProvenanceTracker(doc, [{ id: 'c1', startLine: 3, endLine: 5 }]);
  // Enter at the end of "ai a", then type.
  const at = offsetOf(doc, 3, 4);
  t.applyChange({ offset: at, deletedLength: 0, insertedText: '\n' });
  t.applyChange({ offset: at + 1, deletedLength: 0, insertedText: 'human' });
  assert.deepEqual(t.ranges(), [
    { id: 'c1', startLine: 3, endLine: 3, mixedLines: [] },
    { id: 'c1', startLine: 5, endLine: 6, mixedLines: [] },
  ]);
  assert.equal(t.stateOf(4), 'human');
});

test('a partial edit makes a line mixed; a full rewrite clears it', () => {
  const t = new ProvenanceTracker(doc, [{ id: 'c1', startLine: 3, endLine: 5 }]);
  t.applyChange({ offset: offsetOf(doc, 4, 3), deletedLength: 1, insertedText: 'B!' }); // "ai B!"
  assert.equal(t.stateOf(4), 'mixed');
  const text1 = doc.replace('ai b', 'ai B!');
  t.applyChange({ offset: offsetOf(text1, 5), deletedLength: 4, insertedText: 'rewritten by me' });
  assert.equal(t.stateOf(5), 'human');
  assert.deepEqual(t.ranges(), [{ id: 'c1', startLine: 3, endLine: 4, mixedLines: [4] }]);
});

test('deleting whole AI lines shrinks the range; deleting a line below keeps neighbours pure', () => {
  const t = new ProvenanceTracker(doc, [{ id: 'c1', startLine: 3, endLine: 5 }]);
  t.applyChange({ offset: offsetOf(doc, 4), deletedLength: 5, insertedText: '' }); // remove "ai b\n"
  assert.deepEqual(t.ranges(), [{ id: 'c1', startLine: 3, endLine: 4, mixedLines: [] }]);
  assert.equal(t.lineCount, 5);
});

test('AI insertions are tracked as AI; joining an AI line with a human one is mixed', () => {
  const t = new ProvenanceTracker('a\nb\n', []);
  t.applyChange({ offset: 2, deletedLength: 0, insertedText: 'x = 1\ny = 2\n' }, 'c9');
  assert.deepEqual(t.ranges(), [{ id: 'c9', startLine: 2, endLine: 3, mixedLines: [] }]);
  // join "y = 2" with "b" by deleting the newline between them
  t.applyChange({ offset: 2 + 6 + 5, deletedLength: 1, insertedText: '' });
  assert.deepEqual(t.ranges(), [{ id: 'c9', startLine: 2, endLine: 3, mixedLines: [3] }]);
});

test('random edits agree with a character-level model', () => {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 40; round++) {
    let text = Array.from({ length: 30 }, (_, i) => `line ${i} ${'x'.repeat(rnd(8))}`).join('\n');
    const ai: boolean[] = Array.from(text, () => false);
    const start = offsetOf(text, 5);
    const end = offsetOf(text, 15);
    for (let i = start; i < end; i++) ai[i] = true;
    const t = new ProvenanceTracker(text, [{ id: 'r', startLine: 5, endLine: 14 }]);
    for (let step = 0; step < 30; step++) {
      const offset = rnd(text.length + 1);
      const del = Math.min(rnd(6), text.length - offset);
      const pieces = ['', 'q', 'zz', '\n', 'a\nb', '  '];
      const ins = pieces[rnd(pieces.length)]!;
      const byAi = rnd(4) === 0;
      t.applyChange({ offset, deletedLength: del, insertedText: ins }, byAi ? 'r' : undefined);
      text = text.slice(0, offset) + ins + text.slice(offset + del);
      ai.splice(offset, del, ...Array.from(ins, () => byAi));
    }
    assert.equal(t.length, text.length);
    const lines = text.split('\n');
    assert.equal(t.lineCount, lines.length);
    let off = 0;
    for (let i = 0; i < lines.length; i++) {
      const flags = ai.slice(off, off + lines[i]!.length);
      off += lines[i]!.length + 1;
      if (lines[i]!.length === 0) continue;
      const anyAi = flags.some(Boolean);
      const allAi = flags.every(Boolean);
      const state = t.stateOf(i + 1);
      assert.equal(state !== 'human', anyAi, `round ${round} line ${i + 1} '${lines[i]}' ${state}`);
      if (!allAi) assert.notEqual(state, 'ai', `round ${round} line ${i + 1} has human characters`);
    }
  }
});
