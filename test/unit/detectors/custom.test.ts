// Custom detectors written by policy authors run on re2js: linear time, and syntax that could
// not be linear is rejected with a reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_SECRET_DETECTORS, DetectorCompileError, compileCustomDetector, compileDetectors, scanText } from '../../../extension/core/detectors';

test('a custom detector with keywords and a secret group finds the value', () => {
  const acme = compileCustomDetector({ id: 'acme-internal-token', regex: 'acme_tok_([A-Za-z0-9]{24})', keywords: ['acme_tok_'], secretGroup: 1, minEntropy: 3 });
  const compiled = compileDetectors([acme]);
  const text = 'headers["X-Acme"] = "acme_tok_Q3v9ZkL2mN8pR4sT6uW1xY5a";';
  const [match, ...rest] = scanText(text, compiled);
  assert.deepEqual(rest, []);
  assert.equal(match?.detector, 'acme-internal-token');
  assert.equal(text.slice(match.start, match.end), 'Q3v9ZkL2mN8pR4sT6uW1xY5a');
});

test('named secret groups, no keywords (scan everything), and the entropy floor', () => {
  const d = compileCustomDetector({ id: 'ticket-secret', regex: 'TKT-(?P<secret>[0-9A-F]{16})', secretGroup: 'secret', minEntropy: 2.5 });
  const compiled = compileDetectors([d]);
  assert.deepEqual(scanText('a TKT-9F3A61C0B7E2D854 b', compiled), [{ detector: 'ticket-secret', start: 6, end: 22 }]);
  assert.deepEqual(scanText('a TKT-1111111111111111 b', compiled), []);
});

test('custom detectors plug into the same scan as the built-in pack', () => {
  const d = compileCustomDetector({ id: 'acme-license', regex: 'ACME-LIC-[0-9]{4}-[0-9]{4}-[0-9]{4}', keywords: ['acme-lic-'] });
  const compiled = compileDetectors([...BUILTIN_SECRET_DETECTORS, d]);
  const text = 'LICENSE = "ACME-LIC-4821-9930-1177"\nkey = "AKIAQ3EGRTW7PZJ6XM4B"';
  assert.deepEqual(scanText(text, compiled).map((m) => m.detector), ['acme-license', 'aws-access-key-id']);
});

test('ignoreCase makes the author regex case-insensitive; keywords always are', () => {
  const d = compileCustomDetector({ id: 'proj-key', regex: 'projkey-[a-z0-9]{12}', keywords: ['PROJKEY-'], ignoreCase: true });
  const compiled = compileDetectors([d]);
  assert.equal(scanText('x = PROJKEY-ABCD1234EFGH', compiled).length, 1);
});

test('catastrophic patterns such as (a+)+$ stay linear: 100 KB of "aaaa…!" in well under a second', () => {
  const d = compileCustomDetector({ id: 'redos', regex: '(a+)+$' });
  const compiled = compileDetectors([d]);
  const text = `${'a'.repeat(100_000)}!`;
  const started = performance.now();
  const matches = scanText(text, compiled);
  const elapsed = performance.now() - started;
  assert.deepEqual(matches, []);
  assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
});

test('the same holds with keywords (windowed search)', () => {
  const d = compileCustomDetector({ id: 'redos-kw', regex: '(x+x+)+y', keywords: ['x'] });
  const compiled = compileDetectors([d]);
  const started = performance.now();
  assert.deepEqual(scanText('x'.repeat(100_000), compiled), []);
  assert.ok(performance.now() - started < 2000);
});

for (const [regex, reason] of [
  ['(a)\\1', /backreference/],
  ['(?<name>a)\\k<name>', /backreference/],
  ['foo(?=bar)', /lookahead\/lookbehind/],
  ['foo(?!bar)', /lookahead\/lookbehind/],
  ['(?<=foo)bar', /lookahead\/lookbehind/],
  ['(?<!foo)bar', /lookahead\/lookbehind/],
  ['(?>a+)b', /atomic/],
  ['a++', /possessive/],
  ['[unclosed', /invalid regex: .*missing closing \]/],
  ['a{2000}', /invalid regex/],
  ['a*', /empty string/],
  ['', /non-empty/],
] as const) {
  test(`rejects ${JSON.stringify(regex)} with a clear reason`, () => {
    assert.throws(
      () => compileCustomDetector({ id: 'bad', regex }),
      (error: unknown) => error instanceof DetectorCompileError && error.detectorId === 'bad' && reason.test(error.message) && error.message.startsWith('detector "bad": '),
    );
  });
}

test('escaped look-alikes are not mistaken for unsupported syntax', () => {
  assert.doesNotThrow(() => compileCustomDetector({ id: 'ok', regex: '\\(\\?=x[(?=]' }));
});

test('invalid ids, groups, keywords and entropy are rejected', () => {
  assert.throws(() => compileCustomDetector({ id: 'Bad Id', regex: 'x' }), DetectorCompileError);
  assert.throws(() => compileCustomDetector({ id: 'g', regex: 'x(y)', secretGroup: 2 }), /secretGroup 2 does not exist/);
  assert.throws(() => compileCustomDetector({ id: 'g', regex: 'x(y)', secretGroup: 'nope' }), /not a named group/);
  assert.throws(() => compileCustomDetector({ id: 'k', regex: 'x', keywords: [''] }), /empty/);
  assert.throws(() => compileCustomDetector({ id: 'e', regex: 'x', minEntropy: 9 }), /minEntropy/);
  assert.throws(() => compileDetectors([compileCustomDetector({ id: 'same', regex: 'x' }), compileCustomDetector({ id: 'same', regex: 'y' })]), /duplicate/);
});

test('error messages never echo the scanned text', () => {
  // Compile errors are about the pattern only; scanning itself never throws for any input.
  const compiled = compileDetectors([compileCustomDetector({ id: 'c', regex: 'z+' })]);
  assert.doesNotThrow(() => scanText('\uD800 lone surrogate and 😀 emoji zzz', compiled));
});
