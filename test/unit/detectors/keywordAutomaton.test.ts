// The keyword pass finds exactly what a naive case-insensitive search finds: every occurrence
// of every keyword (overlapping ones too), in text order, across hit-buffer growth, with exact
// UTF-16 offsets around non-ASCII text; short texts (one stream) and long ones (two interleaved
// streams split at the middle) alike, odd lengths too. The run report (base64 runs for the
// decoders) gives each maximal run of the set once, where it reaches its length, wherever the
// middle falls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE64_RUN } from '../../../extension/core/detectors/decode';
import { buildKeywordAutomaton, findKeywords, keywordOccurrences, reusableHits, walkOf } from '../../../extension/core/detectors/keywordAutomaton';
import { useWasmWalk } from '../../../extension/core/detectors/wasmWalk';
import { pick, rng } from './samples';

/**
 * Each test runs on both walks: the WebAssembly one (where it runs, which is here: the test
 * says so) and the JavaScript one it stands in for.
 */
function bothWalks(name: string, body: () => void): void {
  test(`${name} (WebAssembly walk)`, () => {
    assert.equal(walkOf(buildKeywordAutomaton(['key'])), 'WebAssembly');
    body();
  });
  test(`${name} (JavaScript walk)`, () => {
    useWasmWalk(false);
    try {
      assert.equal(walkOf(buildKeywordAutomaton(['key'])), 'JavaScript');
      body();
    } finally {
      useWasmWalk(true);
    }
  });
}

function naive(text: string, keywords: readonly string[]): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  for (let end = 1; end <= text.length; end++) {
    keywords.forEach((k, id) => {
      if (end >= k.length && lower.slice(end - k.length, end) === k) out.push(`${id}@${end}`);
    });
  }
  return out;
}

bothWalks('every occurrence, in order, matches a naive search (thousands of hits: the buffers grow)', () => {
  const keywords = ['key', 'secret', 'sk', 'sk-ant-', 'ghp_', 'a', 'aa', '://', 'token'];
  const automaton = buildKeywordAutomaton(keywords);
  const r = rng(4);
  const text = pick(r, 'aAkKeEyYsStToOnN-_:/ghp é😀x', 60000);
  const hits = findKeywords(text, automaton);
  const got: string[] = [];
  const occurrences = keywordOccurrences(hits, automaton);
  for (const o of occurrences) got.push(`${o.keyword}@${o.end}`);
  const want = naive(text, keywords);
  assert.ok(want.length > 1000, String(want.length));
  // Same set; within one end offset the order of ids may differ.
  assert.deepEqual([...got].sort(), [...want].sort());
  for (let h = 1; h < occurrences.length; h++) assert.ok(occurrences[h]!.end >= occurrences[h - 1]!.end, 'text order');
});

function naiveRuns(text: string, chars: string, length: number): number[] {
  const out: number[] = [];
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = chars.includes(text[i]!) ? run + 1 : 0;
    if (run === length) out.push(i + 1);
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';

bothWalks('one stream, two and four, even and odd lengths, keywords across the middle: same as naive', () => {
  const keywords = ['key', 'sk-ant-', 'ghp_', '://', 'token', 'x'];
  for (const run of [undefined, { chars: B64, length: 24 }]) {
    const automaton = buildKeywordAutomaton(keywords, run);
    const r = rng(11);
    for (const length of [0, 1, 5, 255, 256, 4095, 4096, 4097, 9999, 10000, 16383, 16384, 16387, 70001]) {
      const text = pick(r, 'keyKEYsSk-ant-ghp_:/tokenx .é', length);
      const hits = findKeywords(text, automaton);
      const got: string[] = [];
      const occurrences = keywordOccurrences(hits, automaton);
  for (const o of occurrences) got.push(`${o.keyword}@${o.end}`);
      assert.deepEqual([...got].sort(), naive(text, keywords).sort(), `length ${length}`);
      for (let h = 1; h < occurrences.length; h++) assert.ok(occurrences[h]!.end >= occurrences[h - 1]!.end, 'text order');
    }
  }
});

bothWalks('runs: each maximal run of the set reported once where it reaches its length, the middle anywhere', () => {
  const automaton = buildKeywordAutomaton(['key', '"+'], { chars: B64, length: 24 });
  const r = rng(12);
  const texts: string[] = [];
  for (const length of [10, 23, 24, 25, 4096, 8191, 50000]) texts.push(pick(r, `${B64}${B64} .é"`, length));
  // A long run placed so that the middle (where the second stream starts) falls at each offset in it.
  for (let shift = -30; shift <= 30; shift++) {
    const filler = 'ab '.repeat(3000);
    const runText = pick(r, B64, 40);
    const at = Math.floor((filler.length + runText.length) / 2) + shift;
    texts.push(filler.slice(0, at) + ' ' + runText + ' ' + filler.slice(at));
  }
  for (const text of texts) {
    const hits = findKeywords(text, automaton);
    assert.deepEqual(Array.from(hits.runEnds.subarray(0, hits.runCount)), naiveRuns(text, B64, 24), `length ${text.length}`);
  }
});

bothWalks('runs: every offset modulo the group, every tail length, across blocks and at both ends', () => {
  const automaton = buildKeywordAutomaton(['key', '"+'], { chars: B64, length: 24 });
  const r = rng(13);
  const texts: string[] = [];
  // Runs of 22..26 chars at each offset modulo 8, in texts whose halves end at each offset too.
  for (let length = 4096; length < 4096 + 24; length++) {
    for (const runLength of [22, 23, 24, 25, 26]) {
      const at = (length * 7 + runLength) % (length - runLength);
      const chars: string[] = Array.from({ length }, (_, i) => (i % 3 === 2 ? ' ' : 'k'));
      for (let i = 0; i < runLength; i++) chars[at + i] = B64[(i * 5 + length) % B64.length]!;
      texts.push(chars.join(''));
    }
  }
  // Runs that start at the text's start, end at its end, straddle the middle or a block boundary
  // (32768 chars) of either stream, in short (one stream) and long (two) texts.
  for (const length of [100, 4095, 70000, 70001, 131073]) {
    const half = length >> 1;
    for (const at of [0, length - 30, half - 12, half - 24, half, 32768 - 12, half + 32768 - 12, 32768 - 3, half + 32768 - 3]) {
      if (at < 0 || at + 30 > length) continue;
      const chars = pick(r, 'ab .', length).split('');
      for (let i = 0; i < 30; i++) chars[at + i] = B64[(i * 7 + at) % B64.length]!;
      texts.push(chars.join(''));
    }
  }
  // Long runs (many whole groups), back to back with one char between.
  texts.push(Array.from({ length: 400 }, () => pick(r, B64, 40 + Math.floor(r() * 200))).join(' '));
  texts.push(pick(r, B64, 100000));
  for (const text of texts) {
    const hits = findKeywords(text, automaton);
    assert.deepEqual(Array.from(hits.runEnds.subarray(0, hits.runCount)), naiveRuns(text, B64, 24), `length ${text.length}`);
  }
});

test('runs shorter than 23 chars are refused (the group test needs two whole groups in a run)', () => {
  assert.throws(() => buildKeywordAutomaton(['key'], { chars: B64, length: 22 }), /at least 23/);
});

test('run chars must be a case-folded set', () => {
  assert.throws(() => buildKeywordAutomaton(['key'], { chars: 'ABC', length: 24 }), /case folding/);
});

bothWalks('no keywords in the text: no hits; an empty text: no hits', () => {
  const automaton = buildKeywordAutomaton(['secret']);
  assert.equal(findKeywords('nothing to see here', automaton).emitCount, 0);
  assert.equal(findKeywords('', automaton).emitCount, 0);
  assert.equal(findKeywords('SeCrEt', automaton).emitCount, 1);
});

// With a startsWell test (the base64 decoder's: the first 12 decoded bytes printable) only the
// runs that pass it are reported; a KeywordHits reused from text to text gives the same answers.
bothWalks('runs with startsWell: each maximal run that starts well, once, reused hits or not', () => {
  const automaton = buildKeywordAutomaton(['key', '"+'], BASE64_RUN);
  const printable = Buffer.from('The quick brown fox jumps over the lazy dog, secret = x; '.repeat(200)).toString('base64');
  const reference = (text: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i < text.length; ) {
      if (!B64.includes(text[i]!)) {
        i++;
        continue;
      }
      let j = i;
      while (j < text.length && B64.includes(text[j]!)) j++;
      if (j - i >= 24 && BASE64_RUN.startsWell(text, i)) out.push(i + 24);
      i = j;
    }
    return out;
  };
  const r = rng(14);
  const piece = () => {
    const x = r();
    if (x < 0.4) return printable.slice(Math.floor(r() * 500) * 4).slice(0, 10 + Math.floor(r() * 60)); // decodes to text
    if (x < 0.55) return pick(r, B64, 10 + Math.floor(r() * 40)); // random: rarely starts well
    if (x < 0.7) return `${printable.slice(0, 16)}${'x'.repeat(Math.floor(r() * 40))}`;
    return pick(r, ' é"+key', 1 + Math.floor(r() * 3));
  };
  const into = reusableHits();
  let reported = 0;
  for (const length of [24, 100, 4095, 4096, 4097, 8191, 70001, 131083]) {
    for (let t = 0; t < 6; t++) {
      let text = '';
      while (text.length < length) text += piece();
      text = text.slice(0, length);
      const want = reference(text);
      reported += want.length;
      for (const hits of [findKeywords(text, automaton), findKeywords(text, automaton, into)]) {
        assert.deepEqual(Array.from(hits.runEnds.subarray(0, hits.runCount)), want, `length ${length}`);
      }
    }
  }
  assert.ok(reported > 500, String(reported));
});

// Long texts are walked as two streams (JavaScript) or four (WebAssembly), each from its part's
// start: keywords and runs that straddle any part's start, and the parts' tails, are found as
// a naive search finds them.
bothWalks('keywords and runs across the start of every part, two parts and four: same as naive', () => {
  const keywords = ['key', 'sk-ant-', 'ghp_', '://', 'token', 'x'];
  const automaton = buildKeywordAutomaton(keywords, { chars: B64, length: 24 });
  const r = rng(15);
  for (const length of [16391, 131072 + 3]) {
    for (const count of [2, 4]) {
      const part = Math.floor(length / count);
      for (let k = 1; k < count; k++) {
        for (const shift of [-24, -17, -16, -15, -9, -8, -1, 0, 1, 8]) {
          const chars = pick(r, 'ab .é', length).split('');
          const at = k * part + shift;
          const run = pick(r, B64, 30);
          for (let i = 0; i < 30; i++) chars[at + i] = run[i]!;
          const keyword = 'sk-ant-';
          for (let i = 0; i < keyword.length; i++) chars[at - 3 + i] = i < 3 ? chars[at - 3 + i]! : keyword[i]!;
          for (let i = 0; i < 5; i++) chars[k * part - 2 + i] = 'token'[i]!;
          const text = chars.join('');
          const hits = findKeywords(text, automaton);
          const got = keywordOccurrences(hits, automaton).map((o) => `${o.keyword}@${o.end}`);
          assert.deepEqual([...got].sort(), naive(text, keywords).sort(), `length ${length}, part ${k} of ${count}, shift ${shift}`);
          assert.deepEqual(Array.from(hits.runEnds.subarray(0, hits.runCount)), naiveRuns(text, B64, 24), `runs: length ${length}, part ${k} of ${count}, shift ${shift}`);
        }
      }
    }
  }
});

// Where WebAssembly or Buffer#ucs2Write (how code units get into its memory) is missing, the
// automaton's walk is the JavaScript one, and it finds what a naive search finds.
test('no WebAssembly, or a Buffer without ucs2Write: the JavaScript walk, same hits as naive', () => {
  const host = globalThis as { WebAssembly?: unknown };
  const proto = Buffer.prototype as { ucs2Write?: unknown };
  const hide: Record<string, () => () => void> = {
    WebAssembly: () => {
      const saved = host.WebAssembly;
      delete host.WebAssembly;
      return () => void (host.WebAssembly = saved);
    },
    ucs2Write: () => {
      const saved = proto.ucs2Write;
      delete proto.ucs2Write;
      return () => void (proto.ucs2Write = saved);
    },
  };
  const keywords = ['key', 'token', 'sk-ant-'];
  const text = pick(rng(16), 'keyKEYtokensk-ant- .é', 20000);
  for (const [what, remove] of Object.entries(hide)) {
    const restore = remove();
    try {
      const automaton = buildKeywordAutomaton(keywords, { chars: B64, length: 24 });
      assert.equal(walkOf(automaton), 'JavaScript', what);
      const got = keywordOccurrences(findKeywords(text, automaton), automaton).map((o) => `${o.keyword}@${o.end}`);
      assert.deepEqual([...got].sort(), naive(text, keywords).sort(), what);
    } finally {
      restore();
    }
  }
  assert.equal(walkOf(buildKeywordAutomaton(keywords)), 'WebAssembly');
});
