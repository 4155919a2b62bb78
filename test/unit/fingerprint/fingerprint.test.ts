// The fingerprint engine: normalized tokens, winnowing, the index (match, update, exclusion,
// serialization). True positives: verbatim, renamed + reformatted, unlabelled copies inside
// prose. False positives: unrelated code, public code, short common idioms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  deserializeIndex,
  FingerprintFormatError,
  FingerprintIndex,
  fingerprintText,
  IDENT,
  kgramHashes,
  normalizedTokens,
  NUMBER,
  serializeIndex,
  STRING,
  winnow,
} from '../../../extension/core/fingerprint';
import { PostingsTable } from '../../../extension/core/fingerprint/hashTable';
import { generateProjects, renameAndReformat, rng, sliceLines } from '../../support/codeGenerator';
import { DEBOUNCE, PRICING } from './samples';


test('tokens: layout and comments are dropped, identifiers and literals normalized, keywords kept', () => {
  const a = normalizedTokens('const total = price * 2; // note\nreturn "x";');
  const b = normalizedTokens('/* c */ const   sum=\n  cost*7 ;\n\n  return \'other\';');
  assert.deepEqual([...a.codes.subarray(0, a.length)], [...b.codes.subarray(0, b.length)]);
  assert.equal(a.codes[1], IDENT);
  assert.equal(a.codes[5], NUMBER);
  assert.equal(a.codes[8], STRING);
  assert.notEqual(a.codes[0], IDENT, 'const is a keyword');
  // Python and shell comments; lines follow newlines inside strings and block comments.
  const py = normalizedTokens('# header\ndef f(x):\n    """doc\nstring"""\n    return x  # trailing\n');
  assert.equal(py.length, 9);
  assert.equal(py.lines[py.length - 1], 5);
  // An apostrophe in prose is punctuation, not an endless string.
  const prose = normalizedTokens("don't stop\nnext line");
  assert.equal(prose.lines[prose.length - 1], 2);
  assert.ok(prose.length >= 5);
});

test('tokens: spans point at the original text, odd input never throws', () => {
  const text = 'x1 = "a\\"b" + 0x1F;';
  const t = normalizedTokens(text);
  const pieces = Array.from({ length: t.length }, (_, i) => text.slice(t.starts[i], t.ends[i]));
  assert.deepEqual(pieces, ['x1', '=', '"a\\"b"', '+', '0x1F', ';']);
  for (const odd of ['', '"', '/*', '`unterminated', '\u{1F600}\u00e9t\u00e9 = 1', '\0\0\0', '#', "'''", '1e-9 .5 1..2']) normalizedTokens(odd);
});

test('winnowing: density about 2/(w+1), and every run of w+k-1 tokens keeps a fingerprint', () => {
  const r = rng(5);
  const hashes = Uint32Array.from({ length: 20000 }, () => Math.floor(r() * 2 ** 32));
  const w = 8;
  const picked = winnow(hashes, w);
  const density = picked.length / hashes.length;
  assert.ok(density > 0.17 && density < 0.28, `density ${density}`);
  for (let p = 0; p + w <= hashes.length; p++) {
    // Each window contains a selected position.
    const lo = p;
    const hi = p + w - 1;
    let found = false;
    for (const q of picked) if (q >= lo && q <= hi) found = true;
    if (!found) assert.fail(`window at ${p} has no fingerprint`);
    if (p > 300) break;
  }
  assert.deepEqual([...winnow(Uint32Array.of(5, 3, 9), 8)], [1], 'shorter than a window: its minimum');
  assert.equal(kgramHashes(Uint32Array.of(1, 2, 3), 3, 4).length, 0);
});

test('a verbatim snippet is found, with the source file and its line range', () => {
  const index = new FingerprintIndex();
  index.add('src/pricing.ts', PRICING);
  const snippet = sliceLines(PRICING, 3, 14); // quoteFor, lines 4-17
  const matches = index.match(`Can you make this faster?\n\n${snippet}\n\nthanks`);
  assert.equal(matches.length, 1);
  const m = matches[0]!;
  assert.equal(m.source, 'src/pricing.ts');
  assert.ok(m.startLine >= 4 && m.startLine <= 6, `start ${m.startLine}`);
  assert.ok(m.endLine >= 14 && m.endLine <= 17, `end ${m.endLine}`);
  assert.ok(m.fingerprints >= 4);
  const query = `Can you make this faster?\n\n${snippet}\n\nthanks`;
  assert.ok(query.slice(m.start, m.end).includes('subtotal'), 'the span covers the copy');
  assert.ok(m.start >= 'Can you make this faster?'.length);
});

test('a renamed and reformatted copy is found', () => {
  const index = new FingerprintIndex();
  index.add('src/pricing.ts', PRICING);
  const disguised = `function q(c, its, t) { let s=0; for (const i of its) { const u=t.unitPrice(i.sku,c.region); s+=u*i.quantity } const d = c.loyaltyYears>3 ? s*0.07 : 0
    const m=Math.max(t.minimumMargin,(s-d)*0.18); if (c.segment==='enterprise'&&s>25000) { return {total:s-d+m, rebate:s*0.02, currency:t.currency} }
    return {total:s-d+m,rebate:0,currency:t.currency} }`;
  // Types dropped too: `customer: Customer` → `c` changes the stream around the signature only.
  const matches = index.match(disguised);
  assert.equal(matches[0]?.source, 'src/pricing.ts');
  const r = rng(9);
  const generated = renameAndReformat(sliceLines(PRICING, 3, 14), r);
  assert.ok(!generated.includes('subtotal'));
  assert.equal(index.match(generated)[0]?.source, 'src/pricing.ts');
});

test('unrelated code, short idioms and prose do not match', () => {
  const index = new FingerprintIndex();
  index.add('src/pricing.ts', PRICING);
  const unrelated = [
    'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
    'for (const x of xs) {\n  if (x) {\n    return x;\n  }\n}\n',
    'How do I reverse a list in Python? I tried list.reverse() but it returns None.',
    ...generateProjects(3000, 99).map((f) => f.text),
  ];
  for (const text of unrelated) assert.deepEqual(index.match(text), [], text.slice(0, 60));
});

test('public code is excluded: fingerprints also found in public text never match', () => {
  const vendored = DEBOUNCE;
  const index = new FingerprintIndex();
  index.add('src/util/debounce.js', vendored);
  index.add('src/pricing.ts', PRICING);
  assert.equal(index.match(vendored)[0]?.source, 'src/util/debounce.js');
  const added = index.excludeText(`// node_modules/underscore/underscore.js\n${vendored.replace(/timeout/g, 'timer')}`);
  assert.ok(added > 0);
  assert.deepEqual(index.match(vendored), [], 'vendored code no longer matches');
  assert.equal(index.match(PRICING)[0]?.source, 'src/pricing.ts', 'own code still matches');
});

test('incremental update: replace and remove one file', () => {
  const index = new FingerprintIndex();
  const files = generateProjects(5000, 3);
  for (const f of files) index.add(f.path, f.text);
  const target = files[2]!;
  const snippet = sliceLines(target.text, 10, 20);
  assert.ok(index.match(snippet).some((m) => m.source === target.path));
  const before = index.fingerprintCount;
  index.add(target.path, PRICING); // the file was rewritten
  assert.ok(!index.match(snippet).some((m) => m.source === target.path), 'old content forgotten');
  assert.equal(index.match(PRICING)[0]?.source, target.path);
  assert.ok(index.remove(target.path));
  assert.ok(!index.remove(target.path));
  assert.deepEqual(index.match(PRICING), []);
  assert.ok(index.fingerprintCount < before);
  // Heavy churn compacts and keeps every other file findable.
  for (let round = 0; round < 3; round++) for (const f of files) index.add(f.path, f.text);
  for (const f of files.slice(0, 20)) assert.ok(index.match(sliceLines(f.text, 5, 15)).some((m) => m.source === f.path), f.path);
  assert.equal(index.sourceCount, files.length);
});

test('serialization round-trip: same matches, hashes and lines only (no code text)', () => {
  const index = new FingerprintIndex();
  index.add('src/pricing.ts', PRICING);
  index.add('lib/other.py', 'def f(a, b):\n    return [x for x in a if x not in b]\n');
  index.excludeText('function noop() { return undefined; }');
  const bytes = serializeIndex(index);
  const text = Buffer.from(bytes).toString('latin1');
  for (const word of ['subtotal', 'quoteFor', 'tariff', 'Pricing', 'return', 'churnModel']) assert.ok(!text.includes(word), `no "${word}" in the file`);
  assert.ok(text.includes('src/pricing.ts'), 'source ids are kept');
  const back = deserializeIndex(bytes);
  assert.deepEqual(back.sources().sort(), ['lib/other.py', 'src/pricing.ts']);
  assert.deepEqual(back.match(PRICING), index.match(PRICING));
  assert.equal(back.fingerprintCount, index.fingerprintCount);
  assert.deepEqual(serializeIndex(back), bytes);
  assert.deepEqual(back.sourceFingerprints('src/pricing.ts'), fingerprintText(PRICING));
});

test('bad fingerprint files are refused with a clear error', () => {
  const good = serializeIndex((() => {
    const i = new FingerprintIndex();
    i.add('a.ts', PRICING);
    return i;
  })());
  const cases: Uint8Array[] = [new Uint8Array(0), Buffer.from('not a fingerprint file at all, really'), good.subarray(0, good.length - 3), Buffer.concat([good, Buffer.from([1, 2, 3, 4])])];
  const wrongVersion = Uint8Array.from(good);
  wrongVersion[4] = 99;
  cases.push(wrongVersion);
  for (const bytes of cases) assert.throws(() => deserializeIndex(bytes), FingerprintFormatError);
});

test('the built-in stop set: repetitive k-grams (JSON maps, argument lists) are never fingerprints', () => {
  const lockfile = `{\n${Array.from({ length: 400 }, (_, i) => `  "node_modules/pkg-${i}": "https://registry.example/pkg-${i}.tgz",`).join('\n')}\n}\n`;
  assert.equal(fingerprintText(lockfile).count, 0);
  const index = new FingerprintIndex();
  index.add('package-lock.json', lockfile);
  assert.deepEqual(index.match('{ "a": "b", "c": "d", "e": "f", "g": "h", "i": "j", "k": "l", "m": "n", "o": "p", "q": "r" }'), []);
});

test('the table\'s bit filter: every stored hash passes it (no false negatives), few absent ones do', () => {
  const table = new PostingsTable(1024);
  const r = rng(11);
  const stored: number[] = [];
  // 200,000 keys: the table grows several times, the filter is rebuilt each time.
  for (let i = 0; i < 200_000; i++) {
    const h = (r() * 2 ** 32) >>> 0;
    stored.push(h);
    table.setHead(table.slotFor(h), i);
  }
  for (const h of stored) assert.ok(table.mayHave(h));
  let passed = 0;
  for (let i = 0; i < 100_000; i++) if (table.mayHave((r() * 2 ** 32) >>> 0)) passed++;
  // Two bits per key in one word, ≥ 11 filter bits per key: about 1-4% (one bit per key was 5-9%).
  assert.ok(passed / 100_000 < 0.05, `false-positive rate ${passed / 100_000}`);
});

test('tokens: every multi-character operator is one token, longest first', () => {
  const ops = ['>>>=', '===', '!==', '**=', '<<=', '>>=', '>>>', '...', '<=>', '&&=', '||=', '??=', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '=>', '->', '::', '<<', '>>', '**', '??', '?.', ':=', '..'];
  const codes = new Set<number>();
  for (const op of ops) {
    const t = normalizedTokens(`a ${op} b`);
    assert.equal(t.length, 3, op);
    assert.deepEqual([t.starts[1], t.ends[1]], [2, 2 + op.length], op);
    codes.add(t.codes[1]!);
  }
  assert.equal(codes.size, ops.length, 'distinct codes');
  // `>>>` then `-`, `==` then `>`: no operator is read past its longest known prefix.
  assert.equal(normalizedTokens('a >>>- b').length, 4);
  assert.equal(normalizedTokens('a ==> b').length, 4);
});

test('code hidden in comments or multi-line strings is still found: unterminated /*, wrapped in a comment, behind a backtick or triple quote, commented out line by line', async () => {
  const { generateProjects, sliceLines } = await import('../../support/codeGenerator');
  const files = generateProjects(20_000, 3);
  const index = new FingerprintIndex();
  for (const f of files) index.add(f.path, f.text);
  const snippet = sliceLines(files[5]!.text, 0, 30);
  const disguises: Record<string, string> = {
    'unterminated block comment first': `/* notes\n${snippet}`,
    'wrapped in a block comment': `/*\n${snippet}\n*/`,
    'behind an unterminated backtick': `here: \`\n${snippet}`,
    'inside triple quotes': `"""\n${snippet}\n"""`,
    'commented out with //': snippet.split('\n').map((l) => `// ${l}`).join('\n'),
    'commented out with #': snippet.split('\n').map((l) => `# ${l}`).join('\n'),
    'a comment opened inside a comment': `/* /* x\n${snippet}`,
  };
  assert.ok(index.match(snippet).length > 0);
  for (const [how, text] of Object.entries(disguises)) {
    const found = index.match(text);
    assert.ok(found.length > 0, `not found when ${how}`);
    assert.equal(found[0]!.source, files[5]!.path);
  }
});

test('query tokens: nested comment and string contents lexed in place give the stream of lexing each content on its own', async () => {
  const { exposedTokens } = await import('../../../extension/core/fingerprint/fingerprint');
  const { TokenBuffer } = await import('../../../extension/core/fingerprint/tokenize');
  // The definition exposedTokens keeps (fingerprint.ts): each comment or multi-line string content of
  // 24+ characters, line-comment openers blanked, read as code on its own, up to depth 3, appended in order.
  const reference = (text: string, depth = 0): { codes: number[]; starts: number[]; ends: number[] } => {
    const hidden: number[] = [];
    const t = normalizedTokens(text, undefined, depth < 3 ? hidden : undefined);
    const out = { codes: [...t.codes.subarray(0, t.length)], starts: [...t.starts.subarray(0, t.length)], ends: [...t.ends.subarray(0, t.length)] };
    for (let h = 0; h < hidden.length; h += 2) {
      const [from, to] = [hidden[h]!, hidden[h + 1]!];
      if (to - from < 24) continue;
      const inner = reference(text.slice(from, to).replace(/^([ \t]*)(\/\/|#)/gm, (_m, ws: string, o: string) => ws + ' '.repeat(o.length)), depth + 1);
      out.codes.push(...inner.codes);
      out.starts.push(...inner.starts.map((s) => s + from));
      out.ends.push(...inner.ends.map((e) => e + from));
    }
    return out;
  };
  const fragments = ['/*', '*/', '//', '#', '# ', '`', "'", '"', '"""', '\n', '\r\n', ' ', '\t', '  // ', '\n// ', '\n  # ', 'foo', 'bar(x)', '=> {', '}', '12\t', 'src/a.ts:12:', '0x1e+5', '>>>=', 'é', '\\', 'return x + y;', '/* /* */', '//// ', '// // x'];
  const r = rng(11);
  const texts = [DEBOUNCE, PRICING, `/* notes\n${PRICING}`, PRICING.split('\n').map((l) => `// ${l}`).join('\n')];
  for (let n = 0; n < 3000; n++) texts.push(Array.from({ length: 5 + Math.floor(r() * 80) }, () => fragments[Math.floor(r() * fragments.length)]).join(''));
  const buffer = new TokenBuffer(16);
  for (const text of texts) {
    const got = exposedTokens(text, buffer);
    const want = reference(text);
    assert.deepEqual([...got.codes.subarray(0, got.length)], want.codes);
    assert.deepEqual([...got.starts.subarray(0, got.length)], want.starts);
    assert.deepEqual([...got.ends.subarray(0, got.length)], want.ends);
  }
});
