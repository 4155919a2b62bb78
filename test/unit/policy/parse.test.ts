// Bad policy text gives clear, positioned problems: syntax, unknown keys, wrong types, size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicyText } from '../../../extension/core/policy';

test('a valid policy parses with no problems', () => {
  const r = parsePolicyText('// comment\n{ "egress": [ { "id": "a", "when": {}, "action": "audit", }, ], }', 'p.jsonc');
  assert.deepEqual(r.problems, []);
  assert.equal(r.document?.egress?.[0]?.action, 'audit');
});

test('syntax errors are positioned (1-based line and column)', () => {
  const r = parsePolicyText('{\n  "egress": [\n    { "id": "a" "when": {} }\n  ]\n}', 'p.jsonc');
  assert.ok(r.problems.length > 0);
  const p = r.problems[0]!;
  assert.equal(p.line, 3);
  assert.equal(p.column, 17);
  assert.match(p.message, /syntax error: comma expected/);
  assert.equal(p.source, 'p.jsonc');
});

test('unknown keys point at the key', () => {
  const text = '{\n  "egress": [\n    { "id": "a", "when": { "protectd": true }, "action": "block" }\n  ]\n}';
  const r = parsePolicyText(text, 'p.jsonc');
  assert.equal(r.problems.length, 1);
  const p = r.problems[0]!;
  assert.equal(p.line, 3);
  assert.equal(p.column, text.split('\n')[2]!.indexOf('"protectd"') + 1);
  assert.equal(p.message, 'egress[0].when: unknown key "protectd" (did you mean "protected"?)');
});

test('unknown top-level keys get a suggestion only when one is close', () => {
  const r = parsePolicyText('{ "extend": [], "zzz": 1 }', 'p');
  assert.deepEqual(r.problems.map((p) => p.message), ['(policy): unknown key "extend" (did you mean "extends"?)', '(policy): unknown key "zzz"']);
});

test('wrong types and bad enum values point at the value', () => {
  const text = '{\n  "egress": [{ "id": "a", "when": {}, "action": "nuke" }],\n  "protected": { "paths": "src/**" }\n}';
  const r = parsePolicyText(text, 'p.jsonc');
  const byLine = new Map(r.problems.map((p) => [p.line, p]));
  assert.match(byLine.get(2)!.message, /egress\[0\]\.action: Invalid option/);
  assert.equal(byLine.get(2)!.column, text.split('\n')[1]!.indexOf('"nuke"') + 1);
  assert.match(byLine.get(3)!.message, /protected\.paths: .*expected array/);
});

test('a missing required field is reported at its object', () => {
  const r = parsePolicyText('{ "egress": [ { "id": "a", "when": {} } ] }', 'p.jsonc');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /egress\[0\]\.action/);
  assert.equal(r.problems[0]!.column, 15);
});

test('a non-object policy and an empty file are errors', () => {
  assert.match(parsePolicyText('[]', 'p').problems[0]!.message, /must be a JSON object/);
  assert.match(parsePolicyText('', 'p').problems[0]!.message, /must be a JSON object/);
});

test('a 50 MB policy is refused quickly with a clear error', () => {
  const huge = `{"name": "${'x'.repeat(50 * 1024 * 1024)}"}`;
  const started = performance.now();
  const r = parsePolicyText(huge, 'big.jsonc');
  assert.ok(performance.now() - started < 200);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /policy is too large \(50\.0 MB; the limit is 1 MB\)/);
  assert.equal(r.problems[0]!.line, 1);
});

test('a __proto__ key is just an unknown key', () => {
  const r = parsePolicyText('{ "__proto__": { "egress": [] } }', 'p');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /unknown key "__proto__"/);
});

test('deeply nested input is refused before the recursive parsers see it', () => {
  const depth = 200_000;
  const r = parsePolicyText(`{"name": ${'['.repeat(depth)}${']'.repeat(depth)}}`, 'deep.jsonc');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /nested more than 64 levels/);
  assert.deepEqual([r.problems[0]!.line, r.problems[0]!.column], [1, 73]);
});
