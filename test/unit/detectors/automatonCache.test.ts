// The keyword automaton cache (core/detectors/automatonCache.ts): a loaded automaton is the
// built one, field for field, and finds the same keywords; any damaged, truncated, stale or
// foreign bytes are refused, so the caller builds; and a store that fails in any way only
// means building, never a different scan plan.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import {
  automatonKey,
  keywordAutomatonFor,
  loadKeywordAutomaton,
  serializeKeywordAutomaton,
  useAutomatonStore,
  type AutomatonStore,
} from '../../../extension/core/detectors/automatonCache';
import { buildKeywordAutomaton, findKeywords, keywordOccurrences, type KeywordAutomaton } from '../../../extension/core/detectors/keywordAutomaton';
import { BASE64_RUN } from '../../../extension/core/detectors/decode';
import { BUILTIN_SECRET_DETECTORS, compileDetectors, scanText } from '../../../extension/core/detectors';
import { SAMPLES, rng } from './samples';

/** The keywords the built-in pack compiles (its detectors' and the decoders' triggers). */
function packKeywords(): readonly string[] {
  useAutomatonStore(undefined);
  return ((compileDetectors(BUILTIN_SECRET_DETECTORS).plan as { automaton: KeywordAutomaton }).automaton).keywords;
}

const KEYWORDS = packKeywords();
/** The digest the CLI's store gives (SHA-256). */
const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

function hitsOf(text: string, automaton: KeywordAutomaton) {
  const hits = findKeywords(text, automaton);
  return { keywords: keywordOccurrences(hits, automaton), runs: [...hits.runEnds.subarray(0, hits.runCount)] };
}

/** Text with every sample secret, mixed case, and base64 runs. */
function sampleText(): string {
  const r = rng(5);
  return SAMPLES.map((s) => `${s.name ?? 'x'} = "${s.value(r)}"; // TOKEN Password aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\n`).join('');
}

test('a loaded automaton is the built one, field for field, and finds the same keywords and runs', () => {
  const built = buildKeywordAutomaton(KEYWORDS, BASE64_RUN);
  const bytes = serializeKeywordAutomaton(built, BASE64_RUN, sha256);
  assert.ok(bytes, 'the pack automaton can be stored');
  const loaded = loadKeywordAutomaton(bytes, KEYWORDS, BASE64_RUN, sha256);
  assert.ok(loaded, 'and loaded back');
  assert.deepEqual(Object.keys(loaded), Object.keys(built), 'same fields, same order (same object shape for the walk)');
  assert.deepEqual(loaded, built);
  assert.equal(loaded.run, BASE64_RUN, 'the run spec (it holds a function) is the caller’s own');
  const text = sampleText();
  assert.deepEqual(hitsOf(text, loaded), hitsOf(text, built));
  assert.deepEqual(hitsOf(text.toUpperCase(), loaded), hitsOf(text.toUpperCase(), built));

  // Without a run spec too.
  const plain = buildKeywordAutomaton(['abc', 'bcd', 'sk_', '\n@@ -'], undefined);
  assert.deepEqual(loadKeywordAutomaton(serializeKeywordAutomaton(plain, undefined, sha256), ['abc', 'bcd', 'sk_', '\n@@ -'], undefined, sha256), plain);
});

test('damaged, truncated, stale or foreign bytes are refused', () => {
  const built = buildKeywordAutomaton(KEYWORDS, BASE64_RUN);
  const bytes = serializeKeywordAutomaton(built, BASE64_RUN, sha256)!;
  assert.equal(loadKeywordAutomaton(undefined, KEYWORDS, BASE64_RUN, sha256), undefined);
  assert.equal(loadKeywordAutomaton(new Uint8Array(0), KEYWORDS, BASE64_RUN, sha256), undefined);
  assert.equal(loadKeywordAutomaton(new TextEncoder().encode('not an automaton at all, not at all'), KEYWORDS, BASE64_RUN, sha256), undefined);
  for (const length of [8, 24, 100, bytes.length >> 1, bytes.length - 1]) {
    assert.equal(loadKeywordAutomaton(bytes.subarray(0, length), KEYWORDS, BASE64_RUN, sha256), undefined, `truncated to ${length}`);
  }
  // One flipped bit anywhere: magic, format, header length, digest, header, table, tail.
  const r = rng(9);
  const positions = [0, 4, 8, 12, 16, 47, 48, 60, bytes.length - 1, ...Array.from({ length: 40 }, () => Math.floor(r() * bytes.length))];
  for (const at of positions) {
    const damaged = Uint8Array.from(bytes);
    damaged[at]! ^= 1 << Math.floor(r() * 8);
    assert.equal(loadKeywordAutomaton(damaged, KEYWORDS, BASE64_RUN, sha256), undefined, `bit flipped at byte ${at}`);
  }
  // Intact, but built from other keywords or another run spec: stale.
  assert.equal(loadKeywordAutomaton(bytes, KEYWORDS.slice(1), BASE64_RUN, sha256), undefined);
  assert.equal(loadKeywordAutomaton(bytes, [...KEYWORDS, 'newkeyword_'], BASE64_RUN, sha256), undefined);
  assert.equal(loadKeywordAutomaton(bytes, KEYWORDS.map((k, i) => (i === 7 ? `${k}x` : k)), BASE64_RUN, sha256), undefined);
  assert.equal(loadKeywordAutomaton(bytes, KEYWORDS, undefined, sha256), undefined);
  assert.equal(loadKeywordAutomaton(bytes, KEYWORDS, { ...BASE64_RUN, length: BASE64_RUN.length + 1 }, sha256), undefined);
  // The bytes were never changed by loading (a Node Buffer's slice shares memory).
  assert.deepEqual(loadKeywordAutomaton(Buffer.from(bytes), KEYWORDS, BASE64_RUN, sha256), built);
  assert.deepEqual(loadKeywordAutomaton(Buffer.from(bytes), KEYWORDS, BASE64_RUN, sha256), built);
});

test('an automaton with an intact digest that misses a keyword is refused (findKeywords asks it)', () => {
  // Forged: another automaton's table under these keywords, with a valid digest.
  const keywords = ['alpha_', 'beta_', 'gamma_'];
  const other = buildKeywordAutomaton(['alpha_', 'beta_', 'delta_'], undefined);
  const forged = serializeKeywordAutomaton({ ...other, keywords }, undefined, sha256)!;
  assert.equal(loadKeywordAutomaton(forged, keywords, undefined, sha256), undefined);
});

test('the key changes with the build id, every keyword and the run spec', () => {
  const a = { buildId: 'build-a', digest: sha256 };
  const base = automatonKey(a, KEYWORDS, BASE64_RUN);
  assert.match(base, /^[0-9a-f]{24}$/);
  assert.equal(automatonKey(a, [...KEYWORDS], BASE64_RUN), base);
  for (const other of [
    automatonKey({ buildId: 'build-b', digest: sha256 }, KEYWORDS, BASE64_RUN),
    automatonKey(a, KEYWORDS.slice(1), BASE64_RUN),
    automatonKey(a, [...KEYWORDS.slice(0, -1), `${KEYWORDS.at(-1)}x`], BASE64_RUN),
    automatonKey(a, KEYWORDS, undefined),
    automatonKey(a, KEYWORDS, { ...BASE64_RUN, chars: BASE64_RUN.chars.slice(1) }),
  ]) {
    assert.notEqual(other, base);
  }
});

/** A store in memory that counts what it is asked. */
function memoryStore(overrides: Partial<AutomatonStore> = {}) {
  const files = new Map<string, Uint8Array>();
  const calls = { load: 0, save: 0 };
  const store: AutomatonStore = {
    buildId: 'test-build',
    digest: sha256,
    load: (key) => {
      calls.load++;
      return files.get(key);
    },
    save: (key, bytes) => {
      calls.save++;
      files.set(key, bytes);
    },
    ...overrides,
  };
  return { store, files, calls };
}

test('compileDetectors through a store: saved once, then loaded; the same findings every way', () => {
  const text = sampleText();
  try {
    useAutomatonStore(undefined);
    const expected = scanText(text, compileDetectors(BUILTIN_SECRET_DETECTORS));
    assert.ok(expected.length > 10);

    const memory = memoryStore();
    useAutomatonStore(memory.store);
    const first = compileDetectors(BUILTIN_SECRET_DETECTORS);
    assert.deepEqual(memory.calls, { load: 1, save: 1 });
    assert.equal((compileDetectors(BUILTIN_SECRET_DETECTORS) as unknown as { plan: { automaton: unknown } }).plan.automaton, (first as unknown as { plan: { automaton: unknown } }).plan.automaton, 'a process keeps the automata it built');
    assert.deepEqual(memory.calls, { load: 1, save: 1 });
    // As a new process: the store again (which forgets the automata kept in memory).
    useAutomatonStore(memory.store);
    const second = compileDetectors(BUILTIN_SECRET_DETECTORS);
    assert.deepEqual(memory.calls, { load: 2, save: 1 }, 'the second compile loaded what the first saved');
    assert.deepEqual(scanText(text, first), expected);
    assert.deepEqual(scanText(text, second), expected);

    // Damaged in the store: refused, rebuilt, saved again.
    const [key, bytes] = [...memory.files][0]!;
    const damaged = Uint8Array.from(bytes);
    damaged[damaged.length - 100]! ^= 0x10;
    memory.files.set(key, damaged);
    useAutomatonStore(memory.store);
    assert.deepEqual(scanText(text, compileDetectors(BUILTIN_SECRET_DETECTORS)), expected);
    assert.equal(memory.calls.save, 2);
    assert.deepEqual(memory.files.get(key), bytes);

    // A store that throws on load or save changes nothing but the time taken.
    useAutomatonStore(memoryStore({ load: () => { throw new Error('EIO'); } }).store);
    assert.deepEqual(scanText(text, compileDetectors(BUILTIN_SECRET_DETECTORS)), expected);
    useAutomatonStore(memoryStore({ save: () => { throw new Error('ENOSPC'); } }).store);
    assert.deepEqual(scanText(text, compileDetectors(BUILTIN_SECRET_DETECTORS)), expected);

    // Another build id never loads this build's bytes.
    const foreign = memoryStore({ buildId: 'another-build' });
    for (const [k, v] of memory.files) foreign.files.set(k, v);
    useAutomatonStore(foreign.store);
    compileDetectors(BUILTIN_SECRET_DETECTORS);
    assert.equal(foreign.calls.save, 1, 'built and saved under its own key');
  } finally {
    useAutomatonStore(undefined);
  }
});

test('keywordAutomatonFor without a store builds', () => {
  useAutomatonStore(undefined);
  assert.deepEqual(keywordAutomatonFor(['abc'], undefined), buildKeywordAutomaton(['abc'], undefined));
});
