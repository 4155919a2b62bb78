// Custom detectors written by policy authors run on re2js: linear time, and syntax that could
// not be linear is rejected with a reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RE2JS } from 're2js';
import { BUILTIN_SECRET_DETECTORS, DetectorBudgetError, DetectorCompileError, compileCustomDetector, compileDetectors, scanText } from '../../../extension/core/detectors';
import { customSearchIn } from '../../../extension/core/detectors/customSearch';

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

// Finding ALL matches is a search per match, and each may read far past its match: that was
// quadratic even on RE2 (customSearch.ts). These hold the two bounds that replaced it.
test('dense matches that each read far ahead fail closed in bounded time: `key(?:.*Z)?` over 256 KB of "key key …"', { timeout: 30_000 }, () => {
  // Before the bound: 64 KB took 13 s and 256 KB over 3 minutes (every `key` read the rest of the line for a `Z`).
  const compiled = compileDetectors([compileCustomDetector({ id: 'greedy-tail', regex: 'key(?:.*Z)?', keywords: ['key'] })]);
  const text = 'key '.repeat(64 * 1024);
  assert.throws(
    () => scanText(text, compiled),
    (error: unknown) => error instanceof DetectorBudgetError && error.detectorId === 'greedy-tail' && !error.message.includes('key key'),
  );
  // The same regex on ordinary text is untouched.
  assert.equal(scanText('x = 1\nkey = "abc" Z\nkey\n'.repeat(200), compiled).length, 400);
});

test('chunked search finds exactly what one search over the whole window finds (matches across chunk edges, \\b and ^ at them, long matches)', () => {
  const rng = seeded(7);
  const regexes = ['tok_[a-z0-9]{6,40}', '\\bkw[0-9]+\\b', '(?m)^id=([0-9a-f]{8,})', 'BEGIN[\\s\\S]{10,1000}?END', 'v(?:[a-z]+)?=([A-Z]+)', '(tok_[a-z0-9]{4})(?:[^\\n]*$)?', '(?m)kw[^\\n]*$', '[^\\x{1D4B3}]?abc', 'kw\\B'];
  const pieces = ['tok_', 'kw', 'id=', 'BEGIN', 'END', 'v', '=', 'abc', 'deadbeef', '12', 'XYZ', ' ', '\n', '_', 'Q', 'a1b2c3d4e5', '\u{1D4B3}', '\u{1F600}x'];
  for (const regex of regexes) {
    const detector = compileCustomDetector({ id: 'c', regex });
    const search = customSearchIn(detector);
    for (let round = 0; round < 12; round++) {
      let text = '';
      const length = 3000 + Math.floor(rng() * 14000);
      while (text.length < length) text += pieces[Math.floor(rng() * pieces.length)];
      const found: { start: number; end: number }[] = [];
      search(text, 0, text.length, found);
      assert.deepEqual(found, wholeTextMatches(detector.re2, text), `${regex}, round ${round}`);
    }
  }
});

test('a 1,800-char match that starts just before a chunk edge is found whole', () => {
  const detector = compileCustomDetector({ id: 'block', regex: 'BEGIN([\\s\\S]{64,}?)END', secretGroup: 1 });
  const body = 'Mx9'.repeat(600);
  const text = `${'.'.repeat(2040)}BEGIN${body}END${'.'.repeat(6000)}`;
  const found: { start: number; end: number }[] = [];
  customSearchIn(detector)(text, 0, text.length, found);
  assert.deepEqual(found, [{ start: 2045, end: 2045 + body.length }]);
});

test('a large bounded regex whose every search reads far ahead fails closed too (its cost grows with its program, not only with the chars read)', { timeout: 30_000 }, () => {
  // 8 KB of this took 3.7 s without failing under a count of chars read.
  const compiled = compileDetectors([compileCustomDetector({ id: 'big-bounded', regex: '(key)(?:[^\\n]{0,1000}[a-z ]{0,1000}Z)?', keywords: ['key'] })]);
  const text = `key${' '.repeat(62)}`.repeat(1024);
  assert.throws(() => scanText(text, compiled), (error: unknown) => error instanceof DetectorBudgetError && error.detectorId === 'big-bounded');
});

test('ordinary dense matches are not blocked: a 150 KB CSV of e-mail addresses under an e-mail rule', () => {
  const compiled = compileDetectors([compileCustomDetector({ id: 'email', regex: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}', keywords: ['@'] })]);
  const rows = Array.from({ length: 8000 }, (_, i) => `${i},u${i}@acme.io,pro`);
  assert.equal(scanText(rows.join('\n'), compiled).length, rows.length);
});

test('a match that only `$` at a slice edge made possible is not taken: the chunk is searched again wider', () => {
  // Every whole-text match is 12 chars; `(?:[^\n]*$)?` matched to a slice's end and swallowed the rest of it.
  const detector = compileCustomDetector({ id: 'tail', regex: '(?i)(tok_[a-z0-9]{8})(?:[^\\n]*$)?', keywords: ['tok_'], secretGroup: 1 });
  const tokens = Array.from({ length: 400 }, (_, i) => `tok_${(100000000 + i * 7919).toString(36).padStart(8, '0').slice(-8)}`);
  const text = `${tokens.map((t) => `x ${t} `).join('')}\nbye\n`;
  assert.equal(scanText(text, compileDetectors([detector])).length, 400);
});

test('a chunk edge between the halves of a surrogate pair moves off it', () => {
  const detector = compileCustomDetector({ id: 'astral', regex: '[^\\x{1D4B3}]?([a-z]{4})' });
  const text = `${'y'.repeat(2046)} \u{1D4B3}abcdefg${' '.repeat(5000)}`;
  const found: { start: number; end: number }[] = [];
  customSearchIn(detector)(text, 0, text.length, found);
  assert.deepEqual(found, wholeTextMatches(detector.re2, text));
});

/** Every match of `re2` in `text` by one find-all over the whole text (the reference for the chunked search). */
function wholeTextMatches(re2: RE2JS, text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const matcher = re2.matcher(text);
  while (matcher.find()) if (matcher.end() > matcher.start()) out.push({ start: matcher.start(), end: matcher.end() });
  return out;
}

function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x >>> 8) / (1 << 24);
  };
}
