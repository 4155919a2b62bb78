// File content quoted in prompts is found by the labels assistants put around it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksLikePath, pathsInArguments, scanFileBlocks } from '../../../extension/core/dialects';

function files(text: string): { path: string; content: string }[] {
  return scanFileBlocks(text)
    .pieces.filter((p) => p.path)
    .map((p) => ({ path: p.path!, content: text.slice(p.start, p.end) }));
}

test('pieces partition the text exactly', () => {
  const text = 'a\n```ts src/a.ts\nconst a = 1;\n```\nb\n<file path="x/y.py">\nprint(1)\n</file>\nc';
  const { pieces } = scanFileBlocks(text);
  assert.equal(pieces.map((p) => text.slice(p.start, p.end)).join(''), text);
  for (let i = 1; i < pieces.length; i++) assert.equal(pieces[i]!.start, pieces[i - 1]!.end);
});

test('fence info strings: Continue, colon and range styles', () => {
  assert.deepEqual(files('```ts src/a.ts\nA\n```'), [{ path: 'src/a.ts', content: 'A\n' }]);
  assert.deepEqual(files('```typescript:lib/b.ts\nB\n```'), [{ path: 'lib/b.ts', content: 'B\n' }]);
  assert.deepEqual(files('```src/c.go (1-20)\nC\n```'), [{ path: 'src/c.go', content: 'C\n' }]);
  assert.deepEqual(files('```python title="tools/d.py"\nD\n```'), [{ path: 'tools/d.py', content: 'D\n' }]);
  assert.deepEqual(files('```ts\nno path here\n```'), []);
});

test('labels on the line before a fence: Aider bare paths, File:, headings', () => {
  assert.deepEqual(files('src/aider.py\n```\nX\n```'), [{ path: 'src/aider.py', content: 'X\n' }]);
  assert.deepEqual(files('File: src/x.ts\n```ts\nY\n```'), [{ path: 'src/x.ts', content: 'Y\n' }]);
  assert.deepEqual(files('### `pkg/z.rs`\n~~~rust\nZ\n~~~'), [{ path: 'pkg/z.rs', content: 'Z\n' }]);
  assert.deepEqual(files('Here is my question:\n```\nplain\n```'), []);
});

test('XML-style tags: Cline, generic <file>, Anthropic documents', () => {
  assert.deepEqual(files('<file_content path="src/cline.ts">\nK\n</file_content>'), [{ path: 'src/cline.ts', content: '\nK\n' }]);
  assert.deepEqual(files("<file path='a/b.c'>Q</file>"), [{ path: 'a/b.c', content: 'Q' }]);
  assert.deepEqual(files('<document><source>docs/spec.md</source>\n<document_content>S</document_content></document>'), [{ path: 'docs/spec.md', content: 'S' }]);
});

test('mentions and labels without content are referenced paths', () => {
  const { mentioned, pieces } = scanFileBlocks('look at @src/util/math.ts and\nFile: lib/x.py');
  assert.deepEqual(mentioned.sort(), ['lib/x.py', 'src/util/math.ts']);
  assert.equal(pieces.length, 1);
  assert.deepEqual(scanFileBlocks('<read_file>\n<path>src/cline/tool.ts</path>\n</read_file>').mentioned, ['src/cline/tool.ts']);
});

test('an unclosed fence runs to the end of the text', () => {
  assert.deepEqual(files('```ts src/open.ts\nline1\nline2'), [{ path: 'src/open.ts', content: 'line1\nline2' }]);
});

test('path recognition and tool argument paths', () => {
  assert.ok(looksLikePath('src/x.ts'));
  assert.ok(looksLikePath('main.go'));
  assert.ok(!looksLikePath('ts'));
  assert.ok(!looksLikePath('https://example.com/a.js'));
  assert.ok(!looksLikePath('1.2'));
  assert.deepEqual(pathsInArguments({ file_path: '/repo/src/a.ts', nested: { paths: ['b/c.py', 3] }, command: 'ls' }), ['/repo/src/a.ts', 'b/c.py']);
});
