// Ledger records: tolerant parsing, folding, and the review decision.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateFile, locateSpans } from '../../../extension/core/ledger/check';
import { buildContribution, buildReview } from '../../../extension/core/ledger/contribution';
import { foldLedger } from '../../../extension/core/ledger/fold';
import { parseLedger, serializeRecord, type LedgerRecord } from '../../../extension/core/ledger/records';
import { indexFile } from '../../../extension/core/provenance/anchor';
import type { ReviewRequirement } from '../../../extension/core/policy/contract';

const file = ['import x;', 'const a = compute(1);', 'const b = compute(2);', 'export { a, b };'];
const alice = { name: 'Alice', email: 'alice@example.com' };
const bob = { name: 'Bob', email: 'bob@example.com' };

function contribution(id: string, time = '2026-01-01T00:00:00.000Z') {
  return buildContribution({ id, time, path: 'src/a.ts', fileLines: file, startLine: 2, endLine: 3, tool: 'copilot', model: 'gpt-4o', channel: 'cli', confidence: 1, baseline: 'old\n', recordedBy: alice });
}

const approval: { reviewFor(path: string): ReviewRequirement } = {
  reviewFor: (path) =>
    path.startsWith('test/')
      ? { forbidden: { rule: 'no-ai-tests', message: 'no' }, requireApproval: { rule: 'all', message: 'm', distinctReviewer: false } }
      : { requireApproval: { rule: 'all', message: 'm', distinctReviewer: false } },
};

test('a torn last line and a torn line followed by a record are skipped and reported', () => {
  const a = serializeRecord(contribution('a'));
  const b = serializeRecord(contribution('b'));
  const torn = a.slice(0, 40);
  const text = `${a}${torn}${b}${b.slice(0, 25)}`;
  const parsed = parseLedger(text);
  assert.deepEqual(parsed.records.map((r) => r.id), ['a', 'b']);
  assert.equal(parsed.problems.length, 2);
  assert.match(parsed.problems[1]!.reason, /torn last record/);
  // Problems never quote the record (it may hold code).
  assert.ok(parsed.problems.every((p) => !p.reason.includes('compute')));
});

test('unreviewed AI lines are reported; approval of the exact content clears them', () => {
  const records: LedgerRecord[] = [contribution('c1')];
  let state = foldLedger(records);
  let located = locateSpans([...state.spans.values()], indexFile(file));
  assert.deepEqual(evaluateFile('src/a.ts', located, state, approval), [
    { path: 'src/a.ts', startLine: 2, endLine: 3, kind: 'unreviewed', rule: 'all', tool: 'copilot', model: 'gpt-4o', record: 'c1' },
  ]);
  records.push(buildReview('approve', bob, 'r1', '2026-01-02T00:00:00.000Z', 'src/a.ts', located, file));
  state = foldLedger(records);
  assert.deepEqual(evaluateFile('src/a.ts', located, state, approval), []);

  // A human changes line 3 after the approval: that line needs review again.
  const changed = [...file];
  changed[2] = 'const b = compute(2) + 1;';
  located = locateSpans([...state.spans.values()], indexFile(changed));
  assert.deepEqual(evaluateFile('src/a.ts', located, state, approval).map((v) => [v.startLine, v.endLine, v.kind]), [[3, 3, 'unreviewed']]);
});

test('forbidden paths fail even when approved', () => {
  const c = { ...contribution('c2'), path: 'test/a.test.ts' };
  const state0 = foldLedger([c]);
  const located = locateSpans([...state0.spans.values()], indexFile(file));
  const state = foldLedger([c, buildReview('approve', bob, 'r', '2026-01-03T00:00:00.000Z', 'test/a.test.ts', located, file)]);
  assert.deepEqual(evaluateFile('test/a.test.ts', located, state, approval).map((v) => v.kind), ['forbidden']);
});

test('a distinct reviewer is required when the rule says so', () => {
  const strict = { reviewFor: () => ({ requireApproval: { rule: 'four-eyes', message: 'm', distinctReviewer: true } }) };
  const c = contribution('c3');
  const located = locateSpans([...foldLedger([c]).spans.values()], indexFile(file));
  const self = foldLedger([c, buildReview('approve', alice, 'r', '2026-01-04T00:00:00.000Z', 'src/a.ts', located, file)]);
  assert.equal(evaluateFile('src/a.ts', located, self, strict).length, 1);
  const other = foldLedger([c, buildReview('approve', bob, 'r', '2026-01-04T00:00:00.000Z', 'src/a.ts', located, file)]);
  assert.equal(evaluateFile('src/a.ts', located, other, strict).length, 0);
});

test('records fold in time order whatever the file order (union merges interleave)', () => {
  const c = contribution('c4', '2026-01-01T00:00:00.000Z');
  const located = locateSpans([...foldLedger([c]).spans.values()], indexFile(file));
  const review = buildReview('reject', bob, 'r', '2026-01-05T00:00:00.000Z', 'src/a.ts', located, file);
  const state = foldLedger([review, c]);
  assert.equal(state.spans.size, 0);
  assert.ok(state.rejected.has('c4'));
});

test('editor updates (split, shrink) replace spans and keep their contribution', async () => {
  const { buildUpdate } = await import('../../../extension/core/ledger/contribution');
  const { ProvenanceTracker } = await import('../../../extension/core/provenance/tracker');
  const c = contribution('c5');
  const tracker = new ProvenanceTracker(file.join('\n'), [{ id: 'c5', startLine: 2, endLine: 3 }]);
  tracker.applyChange({ offset: file[0]!.length + 1 + file[1]!.length, deletedLength: 0, insertedText: '\n// human' });
  const now = [file[0]!, file[1]!, '// human', file[2]!, file[3]!];
  let n = 0;
  const update = buildUpdate('c5', ['c5'], tracker.ranges(), 'src/a.ts', now, () => `u${n++}`, '2026-01-06T00:00:00.000Z');
  const state = foldLedger([c, update]);
  assert.deepEqual([...state.spans.values()].map((s) => [s.root, s.startLine, s.endLine, s.tool]), [['c5', 2, 2, 'copilot'], ['c5', 4, 4, 'copilot']]);
  const located = locateSpans([...state.spans.values()], indexFile(now));
  assert.deepEqual(evaluateFile('src/a.ts', located, state, approval).map((v) => [v.startLine, v.endLine]), [[2, 2], [4, 4]]);
});
