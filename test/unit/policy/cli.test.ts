// `airlock policy validate` and `airlock policy test` over fixture files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runCli } from '../../../extension/cli/run';
import { defaultPresetsDir } from '../../../extension/cli/policySource';
import { PRESETS_DIR } from './memoryReader';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'policies');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await runCli(args, { stdout, stderr, stdin: new PassThrough(), cwd: FIXTURES });
  return { code, out, err };
}

test('validate: valid files exit 0', async () => {
  const r = await cli('policy', 'validate', 'valid.jsonc', 'airlock:meta-style');
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out, '');
});

test('validate: syntax and schema errors exit 2 with file:line:col lines', async () => {
  const r = await cli('policy', 'validate', 'bad-syntax.jsonc', 'bad-schema.jsonc', 'self-extends.jsonc');
  assert.equal(r.code, 2);
  const lines = r.out.trim().split('\n');
  assert.ok(lines.includes('bad-syntax.jsonc:3:17: syntax error: comma expected'), r.out);
  assert.ok(lines.some((l) => l.startsWith('bad-schema.jsonc:3:28: egress[0].when: unknown key "protectd"')), r.out);
  assert.ok(lines.some((l) => /^bad-schema\.jsonc:3:58: egress\[0\]\.action: Invalid option/.test(l)), r.out);
  assert.ok(lines.some((l) => /^self-extends\.jsonc:2:15: extends cycle/.test(l)), r.out);
  for (const line of lines) assert.match(line, /^[^:]+:\d+:\d+: /);
});

test('validate: a missing file is a clear error, not a crash', async () => {
  const r = await cli('policy', 'validate', 'nope.jsonc');
  assert.equal(r.code, 2);
  assert.match(r.out, /^nope\.jsonc:1:1: cannot read policy ".*nope\.jsonc": no such file$/m);
});

test('test: passing files print the count and exit 0', async () => {
  const r = await cli('policy', 'test', 'valid.jsonc', 'catastrophic-regex.jsonc', 'airlock:strict');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^10 passed, 0 failed\n$/); // airlock:strict has 8 cases (attachments, references)
});

test('test: failing cases are printed with their position, exit 1, values never echoed', async () => {
  const r = await cli('policy', 'test', 'failing-test.jsonc');
  assert.equal(r.code, 1);
  assert.match(r.out, /FAIL failing-test\.jsonc:6:5: wrongly expects allow\n {2}expected action allow, got redact \(rule secrets\)\n {2}expected detector stripe-secret-key to match; matched: aws-access-key-id\n/);
  assert.match(r.out, /1 passed, 1 failed\n$/);
  assert.ok(!r.out.includes('AKIAZ7K2QW5RT6YX3VB4'));
});

test('unknown subcommands exit 2', async () => {
  assert.equal((await cli('policy', 'frobnicate')).code, 2);
});

test('the presets folder is found from sources and from dist/', () => {
  assert.equal(defaultPresetsDir(join(__dirname, '..', '..', '..', 'extension', 'cli')), PRESETS_DIR);
  assert.equal(defaultPresetsDir(join(__dirname, '..', '..', '..', 'dist')), PRESETS_DIR);
  assert.equal(defaultPresetsDir(), PRESETS_DIR);
});
