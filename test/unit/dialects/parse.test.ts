// Each dialect's body becomes the engine's request: roles, tool calls and results, files, paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dialectFor, parseBody, UnparseableBodyError } from '../../../extension/core/dialects';

const ctx = { destination: 'https://api.example.test/v1/x' };
const summary = (dialect: Parameters<typeof parseBody>[0], body: unknown) => {
  const parsed = parseBody(dialect, JSON.stringify(body), ctx);
  // Attributed value segments only: keys and every other string are scanned too (test/unit/gateway/inspect.test.ts).
  const attributed = parsed.request.segments.filter((s) => s.role !== 'other' && !s.id.endsWith('#key'));
  return { segments: attributed.map((s) => [s.id, s.role, s.text, s.path ?? null]), paths: parsed.request.referencedPaths, stream: parsed.stream };
};

test('OpenAI chat: system, parts, tool calls and tool results linked to the file they read', () => {
  const out = summary('openai-chat', {
    stream: true,
    messages: [
      { role: 'developer', content: 'rules' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:...' } }, { type: 'file', file: { filename: 'docs/a.pdf', file_data: 'xx' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/a.ts"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'export const a = 1;' },
    ],
  });
  assert.deepEqual(out.segments, [
    ['messages[0].content', 'system', 'rules', null],
    ['messages[1].content[0].text', 'user', 'hi', null],
    ['messages[2].tool_calls[0].function.arguments', 'tool-call', '{"path":"src/a.ts"}', null],
    ['messages[3].content', 'tool-result', 'export const a = 1;', 'src/a.ts'],
  ]);
  assert.deepEqual(out.paths, ['docs/a.pdf', 'src/a.ts']);
  assert.equal(out.stream, true);
});

test('OpenAI Responses and legacy Completions', () => {
  const responses = summary('openai-responses', {
    instructions: 'sys',
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'q' }, { type: 'input_file', filename: 'spec.md', file_data: 'x' }] },
      { type: 'function_call', call_id: 'f1', name: 'open', arguments: '{"file_path":"lib/b.py"}' },
      { type: 'function_call_output', call_id: 'f1', output: 'print(1)' },
    ],
  });
  assert.deepEqual(responses.segments.map((s) => s.slice(0, 2)), [
    ['instructions', 'system'],
    ['input[0].content[0].text', 'user'],
    ['input[1].arguments', 'tool-call'],
    ['input[2].output', 'tool-result'],
  ]);
  assert.equal(responses.segments[3]?.[3], 'lib/b.py');
  assert.deepEqual(summary('openai-completions', { prompt: ['a', 'b'], suffix: 's' }).segments.map((s) => s[0]), ['prompt[0]', 'prompt[1]', 'suffix']);
});

test('Anthropic: system blocks, tool_use inputs, tool_result content, text documents', () => {
  const out = summary('anthropic-messages', {
    system: [{ type: 'text', text: 'sys' }],
    messages: [
      { role: 'user', content: [{ type: 'document', title: 'docs/d.md', source: { type: 'text', media_type: 'text/plain', data: 'DOC' } }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'tool_use', id: 't', name: 'Read', input: { file_path: 'src/r.ts', limit: 5 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'R' }] }] },
    ],
  });
  assert.deepEqual(out.segments, [
    ['system[0].text', 'system', 'sys', null],
    ['messages[0].content[0].source.data', 'file', 'DOC', 'docs/d.md'],
    ['messages[1].content[0].thinking', 'assistant', 'hmm', null],
    ['messages[2].content[0].content[0].text', 'tool-result', 'R', 'src/r.ts'],
    // Strings inside a tool call's input come from the body walk, in body order after the parser's.
    ['messages[1].content[1].input.file_path', 'tool-call', 'src/r.ts', null],
  ]);
  assert.deepEqual(out.paths, ['docs/d.md', 'src/r.ts']);
});

test('Ollama chat and generate; Ollama streams unless told not to', () => {
  const chat = summary('ollama-chat', { messages: [{ role: 'user', content: 'q', images: ['b64'] }, { role: 'assistant', content: '', tool_calls: [{ function: { name: 'f', arguments: { path: 'a/b.txt' } } }] }] });
  assert.deepEqual(chat.segments.map((s) => s[0]), ['messages[0].content', 'messages[1].content', 'messages[1].tool_calls[0].function.arguments.path']);
  assert.deepEqual(chat.paths, ['a/b.txt']);
  assert.equal(chat.stream, true);
  const generate = summary('ollama-generate', { system: 's', prompt: 'p', stream: false });
  assert.deepEqual(generate.segments.map((s) => s[1]), ['system', 'user']);
  assert.equal(generate.stream, false);
});

test('wrong shapes are unparseable, with a reason and no body text', () => {
  for (const [dialect, body] of [
    ['openai-chat', '{"messages": "hello secret"}'],
    ['anthropic-messages', '[1,2]'],
    ['ollama-chat', '{"messages": [42]}'],
    ['openai-completions', '{"prompt": {"x": "hello secret"}}'],
    ['openai-chat', 'hello secret'],
  ] as const) {
    assert.throws(() => parseBody(dialect, body, ctx), (e: Error) => e instanceof UnparseableBodyError && !e.message.includes('hello secret'));
  }
});

test('routing: endpoints to dialects; reads pass through; unknown writes are undefined', () => {
  assert.equal(dialectFor('openai', 'POST', '/chat/completions'), 'openai-chat');
  assert.equal(dialectFor('openai', 'POST', '/responses'), 'openai-responses');
  assert.equal(dialectFor('openai', 'POST', '/completions'), 'openai-completions');
  assert.equal(dialectFor('openai', 'GET', '/models'), 'passthrough');
  assert.equal(dialectFor('anthropic', 'POST', '/v1/messages'), 'anthropic-messages');
  assert.equal(dialectFor('anthropic', 'POST', '/v1/messages/count_tokens'), 'anthropic-messages');
  assert.equal(dialectFor('ollama', 'POST', '/api/chat'), 'ollama-chat');
  assert.equal(dialectFor('ollama', 'POST', '/v1/chat/completions'), 'openai-chat');
  assert.equal(dialectFor('ollama', 'POST', '/api/pull'), undefined);
  assert.equal(dialectFor('openai', 'DELETE', '/files/x'), undefined);
});
