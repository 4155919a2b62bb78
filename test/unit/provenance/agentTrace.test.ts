// Agent Trace v0.1.0 export then import round-trips.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportAgentTrace, importAgentTrace } from '../../../extension/core/agentTrace/convert';
import { buildContribution } from '../../../extension/core/ledger/contribution';
import { foldLedger } from '../../../extension/core/ledger/fold';

const files: Record<string, string[]> = {
  'src/a.ts': ['one', 'two', 'three', 'four'],
  'src/b.py': ['def f():', '    return 1', ''],
};
const readLines = (p: string) => files[p];

test('export -> import -> export gives the same ranges, models and hashes', () => {
  const records = [
    buildContribution({ id: 'c1', time: '2026-01-01T00:00:00.000Z', path: 'src/a.ts', fileLines: files['src/a.ts']!, startLine: 2, endLine: 3, tool: 'copilot', model: 'openai/gpt-4o', channel: 'inline-completion', confidence: 0.8, session: 's-1' }),
    buildContribution({ id: 'c2', time: '2026-01-01T00:00:01.000Z', path: 'src/b.py', fileLines: files['src/b.py']!, startLine: 1, endLine: 2, tool: 'claude-code', model: 'anthropic/claude-sonnet-4', channel: 'agent-hook', confidence: 1 }),
  ];
  const spans = [...foldLedger(records).spans.values()];
  const trace = exportAgentTrace(spans, { id: 't1', timestamp: '2026-01-02T00:00:00.000Z', toolVersion: '0.1.0', readLines });
  assert.equal(trace.version, '0.1.0');
  assert.equal(trace.files.length, 2);
  const conv = trace.files.find((f) => f.path === 'src/a.ts')!.conversations[0]!;
  assert.equal(conv.contributor?.type, 'ai');
  assert.equal(conv.contributor?.model_id, 'openai/gpt-4o');
  assert.match(conv.ranges[0]!.content_hash!, /^fnv1a64:[0-9a-f]{16}$/);

  let n = 0;
  const imported = importAgentTrace(JSON.parse(JSON.stringify(trace)), { now: '2026-01-03T00:00:00.000Z', newId: () => `i${n++}`, readLines });
  assert.deepEqual(imported.skipped, []);
  const again = exportAgentTrace([...foldLedger(imported.contributions).spans.values()], { id: 't1', timestamp: '2026-01-02T00:00:00.000Z', toolVersion: '0.1.0', readLines });
  const shape = (t: typeof trace) => t.files.map((f) => ({ path: f.path, conversations: f.conversations.map((c) => ({ contributor: c.contributor, url: c.url, ranges: c.ranges })) }));
  assert.deepEqual(shape(again), shape(trace));
  const meta = imported.contributions.map((c) => [c.tool, c.channel, c.session, c.confidence]);
  assert.deepEqual(meta, [['copilot', 'inline-completion', 's-1', 0.8], ['claude-code', 'agent-hook', undefined, 1]]);
});

test('another tool\'s trace imports; human ranges and stale hashes are skipped', () => {
  const foreign = {
    version: '0.1.0', id: 'x', timestamp: '2026-01-01T00:00:00Z', tool: { name: 'cursor' },
    files: [{ path: 'src/a.ts', conversations: [
      { url: 'https://example.invalid/c/1', contributor: { type: 'ai' as const, model_id: 'anthropic/claude-opus-4' }, ranges: [{ start_line: 1, end_line: 2 }, { start_line: 3, end_line: 3, content_hash: 'fnv1a64:0000000000000000' }] },
      { contributor: { type: 'human' as const }, ranges: [{ start_line: 4, end_line: 4 }] },
    ] }],
  };
  const r = importAgentTrace(foreign, { now: 'now', newId: () => 'id', readLines });
  assert.equal(r.contributions.length, 1);
  assert.equal(r.contributions[0]!.tool, 'cursor');
  assert.equal(r.contributions[0]!.model, 'anthropic/claude-opus-4');
  assert.deepEqual(r.skipped.map((s) => s.reason), ['content changed since the trace was written', 'human contributor']);
});
