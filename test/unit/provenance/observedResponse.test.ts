// Extraction of the code a model wrote from responses of every dialect, whole and streamed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeInText, codeInToolCall, observeResponse, parseFenceInfo, readAssistantOutput } from '../../../extension/core/provenance/observed';
import { ANSWER_TEXT, FENCE_PATH, FENCED_CODE, responseFixture, TOOL_CODE, TOOL_PATH, type FixtureDialect } from './observedFixtures';

const DIALECTS: FixtureDialect[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'ollama-chat', 'ollama-generate'];

for (const dialect of DIALECTS) {
  for (const stream of [false, true]) {
    test(`${dialect} ${stream ? 'stream' : 'JSON'}: model, fenced code and tool-call code are extracted`, () => {
      const fixture = responseFixture(dialect, stream, 'model-x');
      const body = fixture.chunks.join('');
      const output = readAssistantOutput(dialect, body, fixture.contentType);
      assert.equal(output?.model, 'model-x');
      assert.equal(output?.texts.join(''), ANSWER_TEXT);
      const observed = observeResponse({ dialect, body, contentType: fixture.contentType, assistant: 'codex', time: '2026-01-01T00:00:00.000Z' });
      assert.ok(observed);
      assert.equal(observed.model, 'model-x');
      assert.equal(observed.assistant, 'codex');
      const fence = observed.code.find((c) => c.kind === 'fence');
      assert.deepEqual(fence, { kind: 'fence', tool: 'assistant', text: FENCED_CODE, path: FENCE_PATH, language: 'ts' });
      if (dialect === 'ollama-generate') return assert.equal(observed.code.length, 1);
      const tool = observed.code.find((c) => c.kind === 'tool-call');
      assert.equal(tool?.text, TOOL_CODE);
      assert.equal(tool?.path, TOOL_PATH);
      assert.match(tool?.tool ?? '', /^(Edit|apply_patch|str_replace_based_edit_tool|write_file)$/);
    });
  }
}

test('framing is sniffed when the content type is missing or generic', () => {
  const sse = responseFixture('anthropic-messages', true).chunks.join('');
  assert.equal(readAssistantOutput('anthropic-messages', sse)?.texts.join(''), ANSWER_TEXT);
  const ndjson = responseFixture('ollama-chat', true).chunks.join('');
  assert.equal(readAssistantOutput('ollama-chat', ndjson, 'application/json')?.texts.join(''), ANSWER_TEXT);
});

test('responses without code, and dialects without output, give nothing', () => {
  const plain = JSON.stringify({ model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Use `list.reverse()`.' } }] });
  assert.equal(observeResponse({ dialect: 'openai-chat', body: plain }), undefined);
  assert.equal(observeResponse({ dialect: 'openai-embeddings', body: '{"data":[]}' }), undefined);
  assert.equal(observeResponse({ dialect: 'openai-chat', body: 'not json at all' }), undefined);
});

test('fence labels: language, path, lang:path, and a path on the line before', () => {
  assert.deepEqual(parseFenceInfo('ts src/a.ts'), { language: 'ts', path: 'src/a.ts' });
  assert.deepEqual(parseFenceInfo('python:app/main.py'), { language: 'python', path: 'app/main.py' });
  assert.deepEqual(parseFenceInfo('main.go'), { path: 'main.go' });
  assert.deepEqual(parseFenceInfo('rust'), { language: 'rust' });
  const aider = 'Change it:\n\napp/models.py\n```python\nclass Invoice(Model):\n    total = DecimalField()\n```\n';
  assert.deepEqual(codeInText(aider), [{ kind: 'fence', tool: 'assistant', text: 'class Invoice(Model):\n    total = DecimalField()', path: 'app/models.py', language: 'python' }]);
});

test('a truncated answer with an unclosed fence still yields its code; ~~~ fences and longer fences work', () => {
  assert.equal(codeInText('```js\nconst total = items.length;\nconsole.log(total);')[0]?.text, 'const total = items.length;\nconsole.log(total);');
  assert.equal(codeInText('~~~\nfoo();\nbar();\n~~~')[0]?.text, 'foo();\nbar();');
  const nested = '````md\n# Title\n```js\nrun();\n```\n````';
  assert.equal(codeInText(nested).length, 1);
  assert.equal(codeInText(nested)[0]?.text, '# Title\n```js\nrun();\n```');
});

test('SEARCH/REPLACE blocks and diffs keep only what lands in the file', () => {
  const aider = 'src/x.ts\n```ts\n<<<<<<< SEARCH\nconst a = 1;\n=======\nconst a = computeA(config);\nconst b = computeB(a);\n>>>>>>> REPLACE\n```';
  assert.deepEqual(codeInText(aider).map((c) => [c.text, c.path]), [['const a = computeA(config);\nconst b = computeB(a);', 'src/x.ts']]);
  const diff = '```diff\n--- a/src/y.ts\n+++ b/src/y.ts\n@@ -1,3 +1,4 @@\n context();\n-old();\n+fresh(1);\n+fresher(2);\n context2();\n+tail();\n```';
  assert.deepEqual(codeInText(diff).map((c) => [c.text, c.path]), [['fresh(1);\nfresher(2);', 'src/y.ts'], ['tail();', 'src/y.ts']]);
});

test('Cline-style tool uses in the text: write_to_file content and replace_in_file diffs, not read twice', () => {
  const text = 'I will create it.\n<write_to_file>\n<path>src/util/clamp.ts</path>\n<content>\nexport const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));\n</content>\n</write_to_file>\n<replace_in_file>\n<path>src/a.ts</path>\n<diff>\n------- SEARCH\nold();\n=======\nbrandNew();\n+++++++ REPLACE\n</diff>\n</replace_in_file>';
  const code = codeInText(text);
  assert.deepEqual(code.map((c) => [c.kind, c.tool, c.path, c.text]), [
    ['text-tool', 'write_to_file', 'src/util/clamp.ts', 'export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));'],
    ['text-tool', 'replace_in_file', 'src/a.ts', 'brandNew();'],
  ]);
});

test('tool-call arguments: MultiEdit edits, text editor new_str, apply_patch updates and shell apply_patch', () => {
  const multi = codeInToolCall({ name: 'MultiEdit', arguments: JSON.stringify({ file_path: '/repo/src/a.ts', edits: [{ old_string: 'x', new_string: 'first();' }, { old_string: 'y', new_string: 'second();' }] }) });
  assert.deepEqual(multi.map((c) => [c.text, c.path]), [['first();', '/repo/src/a.ts'], ['second();', '/repo/src/a.ts']]);
  const insert = codeInToolCall({ name: 'str_replace_editor', arguments: JSON.stringify({ command: 'str_replace', path: 'lib/b.py', old_str: 'a', new_str: 'b = 2' }) });
  assert.deepEqual(insert.map((c) => [c.text, c.path]), [['b = 2', 'lib/b.py']]);
  const patch = '*** Begin Patch\n*** Update File: src/c.ts\n@@ class C\n keep();\n-gone();\n+added1();\n+added2();\n keep2();\n*** End Patch';
  const custom = codeInToolCall({ name: 'apply_patch', arguments: patch });
  assert.deepEqual(custom.map((c) => [c.text, c.path]), [['added1();\nadded2();', 'src/c.ts']]);
  const shell = codeInToolCall({ name: 'shell', arguments: JSON.stringify({ command: ['apply_patch', patch] }) });
  assert.deepEqual(shell.map((c) => [c.text, c.path]), [['added1();\nadded2();', 'src/c.ts']]);
  const op = codeInToolCall({ name: 'apply_patch', arguments: JSON.stringify({ type: 'create_file', path: 'src/d.ts', diff: '+line one();\n+line two();' }) });
  assert.deepEqual(op.map((c) => [c.text, c.path]), [['line one();\nline two();', 'src/d.ts']]);
  assert.deepEqual(codeInToolCall({ name: 'Read', arguments: JSON.stringify({ file_path: 'src/a.ts' }) }), []);
  assert.deepEqual(codeInToolCall({ name: 'Edit', arguments: '{"file_path": "src/a.ts", "new_str' }), []);
});

test('Responses stream with a completed event that carries the output: not doubled', () => {
  const fixture = responseFixture('openai-responses', false, 'm');
  const response = JSON.parse(fixture.chunks[0]!) as object;
  const body = `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'partial' })}\n\nevent: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', response })}\n\n`;
  const output = readAssistantOutput('openai-responses', body, 'text/event-stream');
  assert.equal(output?.texts.join(''), ANSWER_TEXT);
  assert.equal(output?.toolCalls.length, 1);
});

test('truncated and mangled bodies never throw', () => {
  for (const dialect of DIALECTS) {
    for (const stream of [false, true]) {
      const body = responseFixture(dialect, stream).chunks.join('');
      for (let cut = 0; cut < body.length; cut += 53) {
        observeResponse({ dialect, body: body.slice(0, cut) });
        observeResponse({ dialect, body: body.slice(cut) });
      }
      observeResponse({ dialect, body: body.replace(/"/g, "'") });
      observeResponse({ dialect, body: body.replace(/\{/g, '[') });
    }
  }
  for (const weird of ['null', '[]', '42', '"x"', '{"choices":null,"content":5,"output":{},"message":[]}', 'data: {"choices":[null,{"delta":{"tool_calls":[null,{"function":7}]}}]}\n\n']) {
    for (const dialect of DIALECTS) assert.equal(observeResponse({ dialect, body: weird }), undefined);
  }
});
