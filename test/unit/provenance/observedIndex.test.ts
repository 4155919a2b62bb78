// The fingerprint index: code seen in responses is recognised where it lands, re-indented and
// inside a larger file; unrelated text and trivial-only overlaps are not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FingerprintIndex, observeResponse } from '../../../extension/core/provenance/observed';
import { FENCE_PATH, FENCED_CODE, landedFile, responseFixture, TOOL_CODE, TOOL_PATH } from './observedFixtures';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function indexAt(clock: { now: number }, options = {}) {
  return new FingerprintIndex({ now: () => clock.now, ...options });
}

test('a re-indented copy inside a larger file is attributed to the model and tool that wrote it', () => {
  const clock = { now: T0 };
  const index = indexAt(clock);
  const observed = observeResponse({ dialect: 'anthropic-messages', ...bodyOf('anthropic-messages', true), assistant: 'claude-code', time: new Date(T0).toISOString() });
  assert.ok(observed);
  assert.equal(index.addResponse(observed), 2);

  const file = landedFile(FENCED_CODE);
  const hit = index.attribute(file, { path: `/work/repo/${FENCE_PATH}` });
  assert.ok(hit);
  assert.deepEqual(
    { model: hit.model, tool: hit.tool, assistant: hit.assistant, dialect: hit.dialect, path: hit.path, startLine: hit.startLine, endLine: hit.endLine, matchedLines: hit.matchedLines, ratio: hit.ratio },
    { model: 'anthropic-messages-model', tool: 'assistant', assistant: 'claude-code', dialect: 'anthropic-messages', path: FENCE_PATH, startLine: 6, endLine: 12, matchedLines: 7, ratio: 1 },
  );
  assert.equal(hit.time, new Date(T0).toISOString());

  // The tool-call code written by an agent straight to disk, with tabs instead of spaces.
  const written = `# invoice parsing\nfrom decimal import Decimal\n\n${TOOL_CODE.replace(/ {4}/g, '\t')}\n`;
  const toolHit = index.attribute(written, { path: TOOL_PATH });
  assert.equal(toolHit?.tool, 'str_replace_based_edit_tool');
  assert.equal(toolHit?.path, TOOL_PATH);
  assert.equal(toolHit?.startLine, 4);
  assert.equal(toolHit?.endLine, 8);
});

function bodyOf(dialect: Parameters<typeof responseFixture>[0], stream: boolean) {
  const f = responseFixture(dialect, stream);
  return { body: f.chunks.join(''), contentType: f.contentType };
}

test('unrelated text, a single short line and trivial-only overlaps are not attributed', () => {
  const index = indexAt({ now: T0 });
  index.add({ text: FENCED_CODE, tool: 'assistant', dialect: 'openai-chat', model: 'gpt-x' });
  assert.equal(index.attribute('const x = 1;\nfunction other() {\n  return 2;\n}\n'), undefined);
  // Only the braces and blank lines are shared.
  assert.equal(index.attribute('  }\n\n}\n  }\n}'), undefined);
  // One non-trivial short line (plus trivial ones) is not enough.
  assert.equal(index.attribute('if (rate < 0 || rate > 1) {\n}\n'), undefined);
  // Two contiguous non-trivial lines are.
  const two = index.attribute('x();\n  if (rate < 0 || rate > 1) {\n    throw new RangeError(\'discount rate must be between 0 and 1\');\ny();');
  assert.deepEqual([two?.startLine, two?.endLine, two?.matchedLines], [2, 3, 2]);
  // So is one long line alone.
  const long = index.attribute('  return Math.round(subtotal * (1 - rate) * 100) / 100;');
  assert.equal(long?.matchedLines, 1);
  // Snippets made of trivial lines only are not indexed at all.
  assert.equal(index.add({ text: '}\n\n  });\nelse {\n', tool: 'assistant', dialect: 'openai-chat' }), false);
});

test('the longest run wins; among equal runs the same path, then the most recent', () => {
  const clock = { now: T0 };
  const index = indexAt(clock);
  const lines = FENCED_CODE.split('\n');
  index.add({ text: lines.slice(0, 3).join('\n'), tool: 'assistant', dialect: 'openai-chat', model: 'short' });
  clock.now += 1000;
  index.add({ text: FENCED_CODE, tool: 'Write', dialect: 'anthropic-messages', model: 'full', path: 'other/place.ts' });
  clock.now += 1000;
  index.add({ text: lines.slice(0, 3).join('\n'), tool: 'assistant', dialect: 'openai-chat', model: 'short-again' });
  assert.equal(index.attribute(FENCED_CODE)?.model, 'full');
  assert.equal(index.attribute(lines.slice(0, 3).join('\n'))?.model, 'short-again');
  clock.now += 1000;
  index.add({ text: FENCED_CODE, tool: 'Write', dialect: 'openai-chat', model: 'newest', path: 'elsewhere.ts' });
  assert.equal(index.attribute(FENCED_CODE)?.model, 'newest');
  assert.equal(index.attribute(FENCED_CODE, { path: '/abs/other/place.ts' })?.model, 'full');
});

test('attributeAll finds separate snippets in one file, in line order, without overlaps', () => {
  const index = indexAt({ now: T0 });
  index.add({ text: FENCED_CODE, tool: 'assistant', dialect: 'openai-chat', model: 'a' });
  index.add({ text: TOOL_CODE, tool: 'Edit', dialect: 'openai-chat', model: 'b' });
  const file = `${TOOL_CODE}\n\n# human notes here\nvalue = compute()\n\n${FENCED_CODE}`;
  const all = index.attributeAll(file);
  assert.deepEqual(all.map((a) => [a.model, a.startLine, a.endLine]), [['b', 1, 5], ['a', 10, 16]]);
});

test('bounded: the oldest snippets go over maxSnippets, expired ones after the TTL', () => {
  const clock = { now: T0 };
  const index = indexAt(clock, { maxSnippets: 3, ttlMs: 60_000 });
  for (let i = 0; i < 5; i++) index.add({ text: `const value${i} = compute(${i});\nexport default value${i};`, tool: 'assistant', dialect: 'openai-chat', model: `m${i}` });
  assert.equal(index.size, 3);
  assert.equal(index.attribute('const value0 = compute(0);\nexport default value0;'), undefined);
  assert.equal(index.attribute('const value4 = compute(4);\nexport default value4;')?.model, 'm4');
  clock.now += 61_000;
  assert.equal(index.attribute('const value4 = compute(4);\nexport default value4;'), undefined);
  assert.equal(index.size, 0);
});

test('the same code seen twice is kept once, with the newest metadata', () => {
  const clock = { now: T0 };
  const index = indexAt(clock);
  index.add({ text: FENCED_CODE, tool: 'assistant', dialect: 'openai-chat', model: 'first' });
  clock.now += 10;
  index.add({ text: FENCED_CODE.replace(/^/gm, '  '), tool: 'assistant', dialect: 'openai-chat', model: 'second' });
  assert.equal(index.size, 1);
  assert.equal(index.attribute(FENCED_CODE)?.model, 'second');
});

test('serialize keeps hashes and metadata only; deserialize restores matching and rejects garbage', () => {
  const clock = { now: T0 };
  const index = indexAt(clock);
  index.add({ text: FENCED_CODE, tool: 'Edit', dialect: 'openai-chat', model: 'gpt-x', path: FENCE_PATH });
  const data = index.serialize();
  const text = JSON.stringify(data);
  assert.ok(!text.includes('applyDiscount') && !text.includes('RangeError'), 'no code text in the serialized index');
  const copy = FingerprintIndex.deserialize(JSON.parse(text), { now: () => clock.now });
  assert.equal(copy.attribute(landedFile(FENCED_CODE))?.model, 'gpt-x');
  assert.equal(FingerprintIndex.deserialize(null).size, 0);
  assert.equal(FingerprintIndex.deserialize({ version: 2, snippets: data.snippets }).size, 0);
  const bad = { version: 1, snippets: [{ ...data.snippets[0], hashes: ['not-a-hash'], flags: 'n' }, { meta: {}, addedAt: 1, hashes: [], flags: '' }, 42] };
  assert.equal(FingerprintIndex.deserialize(bad, { now: () => clock.now }).size, 0);
});

test('attribute grows linearly with the file against a full index (no quadratic blow-up)', () => {
  // A complexity check, not a speed target (speed is measured by `npm run bench`): the ratio of
  // two sizes holds on a loaded machine where an absolute time limit does not.
  const index = new FingerprintIndex();
  for (let s = 0; s < 2000; s++) {
    const body = Array.from({ length: 20 }, (_, i) => `  const v${s}_${i} = helper(${i}, "${s}");\n  }`).join('\n');
    index.add({ text: `function f${s}() {\n${body}\n  return done;\n}`, tool: 'assistant', dialect: 'openai-chat' });
  }
  const fileOf = (lines: number) => Array.from({ length: lines }, (_, i) => (i % 3 === 0 ? '}' : `  const v${i % 2000}_${i % 20} = helper(${i % 20}, "${i % 2000}");`)).join('\n');
  const best = (file: string) => {
    let min = Infinity;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      index.attributeAll(file);
      min = Math.min(min, performance.now() - started);
    }
    return min;
  };
  const small = best(fileOf(1_000));
  const large = best(fileOf(10_000));
  assert.ok(large / small < 40, `10× the lines took ${(large / small).toFixed(1)}× the time (${small.toFixed(1)} ms → ${large.toFixed(1)} ms)`);
});

test('merge takes another index’s snippets, skips expired and already-known ones', () => {
  const clock = { now: T0 };
  const gatewaySide = indexAt(clock, { ttlMs: 60_000 });
  gatewaySide.add({ text: FENCED_CODE, tool: 'assistant', dialect: 'openai-chat', model: 'from-gateway' });
  clock.now += 30_000;
  gatewaySide.add({ text: TOOL_CODE, tool: 'Edit', dialect: 'openai-chat', model: 'newer' });
  const data = JSON.parse(JSON.stringify(gatewaySide.serialize())) as unknown;

  const editorSide = indexAt(clock, { ttlMs: 60_000 });
  editorSide.add({ text: TOOL_CODE, tool: 'Edit', dialect: 'openai-chat', model: 'newer' });
  assert.equal(editorSide.merge(data), 1); // the tool code was already known
  assert.equal(editorSide.attribute(landedFile(FENCED_CODE))?.model, 'from-gateway');
  assert.equal(editorSide.size, 2);

  clock.now += 40_000; // the fenced snippet is now 70 s old: expired
  const late = indexAt(clock, { ttlMs: 60_000 });
  assert.equal(late.merge(data), 1);
  assert.equal(late.attribute(FENCED_CODE), undefined);
  assert.equal(late.attribute(TOOL_CODE)?.model, 'newer');
  assert.equal(late.merge({ version: 1, snippets: 'nope' }), 0);
});
