// Redacted segments are written back into the original body; every other byte stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBody, rebuildBody } from '../../../extension/core/dialects';

const ctx = { destination: 'http://127.0.0.1/v1/chat/completions' };

test('only the changed field is rewritten; formatting, numbers and unknown fields stay', () => {
  const original = '{\n  "model": "m",  "temperature": 1.50,\n  "messages": [ {"role":"user", "content": "key \\u0041KIA1 here"}, {"role":"user","content":"keep \\u00e9"} ],\n  "x-extra": {"n": 1e3}\n}';
  const parsed = parseBody('openai-chat', original, ctx);
  const redacted = parsed.request.segments.map((s) => (s.id === 'messages[0].content' ? { ...s, text: s.text.replace('AKIA1', '[REDACTED:k#1]') } : s));
  const rebuilt = rebuildBody(original, parsed, redacted)!;
  assert.equal(rebuilt, original.replace('"key \\u0041KIA1 here"', '"key [REDACTED:k#1] here"'));
});

test('a field split into file pieces is rejoined around the redacted piece', () => {
  const content = 'see\n```ts src/a.ts\nconst k = "SECRET";\n```\nthanks';
  const original = JSON.stringify({ messages: [{ role: 'user', content }] });
  const parsed = parseBody('openai-chat', original, ctx);
  assert.equal(parsed.request.segments.filter((s) => s.role !== 'other').length, 3);
  const redacted = parsed.request.segments.map((s) => ({ ...s, text: s.text.replace('SECRET', '[R#1]') }));
  const json = JSON.parse(rebuildBody(original, parsed, redacted)!) as { messages: { content: string }[] };
  assert.equal(json.messages[0]?.content, content.replace('SECRET', '[R#1]'));
});

test('nothing changed → undefined; tool argument objects are rewritten leaf by leaf', () => {
  const original = JSON.stringify({ messages: [{ role: 'assistant', content: '', tool_calls: [{ function: { name: 'f', arguments: { env: 'TOKEN=abc', n: 2 } } }] }] });
  const parsed = parseBody('ollama-chat', original, ctx);
  assert.equal(rebuildBody(original, parsed, parsed.request.segments), undefined);
  const redacted = parsed.request.segments.map((s) => ({ ...s, text: s.text.replace('abc', '[R]') }));
  const json = JSON.parse(rebuildBody(original, parsed, redacted)!) as { messages: { tool_calls: { function: { arguments: unknown } }[] }[] };
  assert.deepEqual(json.messages[0]?.tool_calls[0]?.function.arguments, { env: 'TOKEN=[R]', n: 2 });
});
