// Decoding before detection: secrets split over concatenated literals, JSON-escaped,
// URL-encoded, base64-wrapped, in YAML block scalars or in `+` diff lines are found, and each
// finding's span is the ENCODED original, so a redactor removes exactly that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_SECRET_DETECTORS, compileDetectors, DecodeBudgetError, scanText } from '../../../extension/core/detectors';
import { DECODE_TRIGGERS, decodedViews, mapSpan } from '../../../extension/core/detectors/decode';
import { DECODING_CASES, fakeGithubToken, genericSecret, nestedDecodings, rng, SAMPLES } from './samples';

const compiled = compileDetectors(BUILTIN_SECRET_DETECTORS);
const plain = compileDetectors(BUILTIN_SECRET_DETECTORS, { decode: false });

for (const c of DECODING_CASES) {
  test(`${c.name}: found through decoding, span = the encoded original`, () => {
    const { text, encoded, detector } = c.build(7);
    assert.deepEqual(scanText(text, plain).filter((m) => m.detector === detector && text.slice(m.start, m.end) === encoded), [], 'the raw text alone does not reveal it');
    const m = scanText(text, compiled).find((x) => x.detector === detector);
    assert.ok(m, `${detector} not found; got ${scanText(text, compiled).map((x) => x.detector).join(', ') || 'nothing'}`);
    assert.equal(text.slice(m.start, m.end), encoded);
  });
}

test('ordinary code with quotes, escapes, percent signs and long identifiers decodes to nothing secret', () => {
  const text = [
    'const msg = "Hello, " +\n  "world";',
    'const path = "C:\\\\Users\\\\me";',
    'printf("%d%% done\\n", pct);',
    'const json = "{\\"a\\":\\"\\u00e9t\\u00e9\\"}";',
    'const url = "https://example.com/search?q=caf%C3%A9%20au%20lait";',
    'const veryLongIdentifierNameForTesting2024 = 1;',
    'description: >\n  A folded paragraph of\n  plain English text.',
  ].join('\n');
  assert.deepEqual(scanText(text, compiled), []);
});

// The decoders look only where the keyword pass found one of their trigger literals
// (DECODE_TRIGGERS); these are the edges of those literal sets: long and mixed blank runs at a
// junction, every junction char, block headers with chomping, indentation digit, blanks and CRLF.
test('junctions with any blank run (long, mixed tabs and spaces) and each join char are decoded', () => {
  const t = fakeGithubToken(3);
  const junctions = ['" + "', '"+"', '"         + "', '" \t \t+\t"', '"\t\t\t\t\t\t\t\t\t+"', '" .  "', '".\n  "', '"\n  + "', '"\r\n    "', '"  \n"', '" \t\r\n\t"'];
  for (const junction of junctions) {
    const encoded = `${t.slice(0, 20)}${junction}${t.slice(20)}`;
    const text = `const deployToken = "${encoded}";\n`;
    const m = scanText(text, compiled).find((x) => x.detector === 'github-pat-classic');
    assert.ok(m, `not found through ${JSON.stringify(junction)}`);
    assert.equal(text.slice(m.start, m.end), encoded, JSON.stringify(junction));
  }
});

test('YAML block headers with chomping, an indentation digit, trailing blanks or CRLF are decoded', () => {
  const value = genericSecret(5);
  for (const header of ['|', '>', '|-', '>+', '|2', '>-2', '| ', '>\t', '|- ', '>\r']) {
    const nl = header.endsWith('\r') ? '\r\n' : '\n';
    const text = `payments:${nl}  signing_secret: ${header.replace('\r', '')}${nl}    ${value}${nl}  region: eu${nl}`;
    const m = scanText(text, compiled).find((x) => x.detector === 'generic-secret-assignment');
    assert.ok(m, `not found under ${JSON.stringify(header)}`);
    assert.equal(text.slice(m.start, m.end), value, JSON.stringify(header));
  }
});

// A view maps back through segments (verbatim copies, decoded chars, separators): spans in a
// copy, over a decoded char, and across two regions.
test('mapSpan: copied chars map to themselves, a decoded char to its escape, a separator to nothing', () => {
  // Two regions: the escapes are further apart than a region reaches (300 chars each way).
  const filler = 'filler line\n'.repeat(60);
  const text = `a = "x\\u0041y"\n${filler}b = "p\\/q"`;
  const hints = { quote: [], escape: [text.indexOf('\\u'), text.indexOf('\\/')], percent: [], reference: [], indicator: [], hunk: [], continuation: [], base64: [] };
  const view = decodedViews(text, hints).find((v) => v.kind === 'escapes');
  assert.ok(view);
  assert.ok(view.text.startsWith('a = "xAy"\nfiller line\n') && view.text.endsWith('filler line\nb = "p/q"'), view.text);
  assert.ok(view.text.length < text.length - 50, 'the filler between the regions is not copied');
  const at = (s: string) => view.text.indexOf(s);
  // Within a copy: the same chars of the original.
  assert.deepEqual(mapSpan(view, 0, 3), { start: 0, end: 3 });
  // x, the decoded A, y: from x to the end of the escape's following y.
  const xay = mapSpan(view, at('xAy'), at('xAy') + 3);
  assert.ok(xay);
  assert.equal(text.slice(xay.start, xay.end), 'x\\u0041y');
  // The decoded char alone: its whole escape.
  const a = mapSpan(view, at('A'), at('A') + 1);
  assert.ok(a);
  assert.equal(text.slice(a.start, a.end), '\\u0041');
  // The second region, after the separator.
  const pq = mapSpan(view, at('p/q'), at('p/q') + 3);
  assert.ok(pq);
  assert.equal(text.slice(pq.start, pq.end), 'p\\/q');
  // Across the separator between the regions: no span of the original.
  assert.equal(mapSpan(view, at('y"'), at('b =') + 1), undefined);
  assert.equal(mapSpan(view, 2, 2), undefined);
});

// Base64 runs are judged by what they decode to, not by the kinds of chars they hold: an
// encoding without a single digit (the text was chosen so) was skipped by the old char-kinds
// prefilter and so let a secret through.
test('a base64 run without a digit is decoded like any other', () => {
  const encoded = Buffer.from('  secret = M0IsqQInrkR6RtWh31c2LpUC2Mge').toString('base64');
  assert.doesNotMatch(encoded, /[0-9]/);
  const line = `const blob = "${encoded}";\n`;
  // Alone (one stream), after 6,000 chars (in the second stream) and across the middle.
  const filler = (n: number) => '// plain prose here\n'.repeat(Math.ceil(n / 20)).slice(0, n);
  for (const text of [line, `${filler(6000)}${line}`, `${filler(4000)}${line}${filler(4000 - line.length)}`, `${filler(4000 - 20)}${line}${filler(4000 + 20)}`]) {
    assert.deepEqual(scanText(text, plain), [], 'the raw text alone does not reveal it');
    const m = scanText(text, compiled).find((x) => x.detector === 'generic-secret-assignment');
    assert.ok(m, `not found through base64 in a text of ${text.length}`);
    assert.ok(encoded.includes(text.slice(m.start, m.end)), 'the span is inside the encoded run');
  }
});

// An encoded file is one long base64 run. Runs over 16,384 chars were skipped, so a secret in
// one went unseen; they are decoded in overlapping aligned chunks now, and a secret across a
// chunk boundary (12,288 decoded bytes) is whole in one of them.
test('a secret inside a long base64 run (an encoded file) is found, also across a chunk boundary', () => {
  const token = fakeGithubToken(9);
  const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(400);
  for (const at of [5000, 12288 - 20, 12288 - 5, 24000]) {
    const encoded = Buffer.from(`${filler.slice(0, at)} token: ${token} ${filler.slice(at)}`).toString('base64');
    assert.ok(encoded.length > 30000);
    const text = `const file = "${encoded}";\n`;
    assert.deepEqual(scanText(text, plain).filter((m) => m.detector === 'github-pat-classic'), []);
    const found = scanText(text, compiled).filter((m) => m.detector === 'github-pat-classic');
    assert.equal(found.length, 1, `secret at decoded offset ${at}`);
    const span = text.slice(found[0]!.start, found[0]!.end);
    assert.ok(encoded.includes(span) && span.length >= 52 && span.length <= 60, 'the span is the encoded token (its 4-char groups)');
  }
});

// A payload glued to 1-3 other base64 chars decodes to noise from the run's own start; each of
// the 4 alignments is tried, so prefixing a char or three does not hide the secret.
test('a base64 payload behind 1-3 glued base64 chars is still decoded', () => {
  const token = fakeGithubToken(21);
  const encoded = Buffer.from(`deploy with token: ${token} and go`).toString('base64');
  for (const glue of ['', 'x', 'Zq', '9/A']) {
    const text = `const blob = "${glue}${encoded}";\n`;
    assert.deepEqual(scanText(text, plain).filter((m) => m.detector === 'github-pat-classic'), []);
    const m = scanText(text, compiled).find((x) => x.detector === 'github-pat-classic');
    assert.ok(m, `not found behind ${JSON.stringify(glue)}`);
    assert.ok(encoded.includes(text.slice(m.start, m.end)), 'the span is inside the encoded payload');
  }
});

test('an escaped backslash is one backslash, never the start of an escape: JSON `\\\\u0041` is the text `\\u0041`', () => {
  const id = 'KIAQ3EGRTW7PZJ6XM4B';
  const hints = (text: string) => ({ quote: new Int32Array(0), escape: Int32Array.from([...text.matchAll(/\\(?=["/u])/g)].map((m) => m.index)), percent: new Int32Array(0), reference: new Int32Array(0), indicator: new Int32Array(0), hunk: new Int32Array(0), continuation: new Int32Array(0), base64: new Int32Array(0) });
  // `\\u0041KIA…` in JSON is the text `\u0041KIA…`, not an access key id (it was decoded as 'A').
  const once = `{"note": "\\\\u0041${id}"}`;
  assert.deepEqual(decodedViews(once, hints(once)), []);
  assert.deepEqual(scanText(once, compiled), []);
  assert.equal(scanText(`{"note": "\\u0041${id}"}`, compiled)[0]?.detector, 'aws-access-key-id');
  // Inside a region, `\\` decodes to one backslash; `\\"` is a backslash and a real quote.
  const mixed = '{"a": "x\\\\\\"y \\\\" + z \\\\/ w"}';
  assert.deepEqual(decodedViews(mixed, hints(mixed)).map((v) => v.text), ['{"a": "x\\"y \\" + z \\/ w"}']);
});

test('JSON three levels deep (a tool result inside a JSON log line): its `\\\\\\"` quotes are decoded level by level', () => {
  const value = genericSecret(11);
  const text = JSON.stringify({ log: JSON.stringify({ event: 'tool', output: JSON.stringify({ db_password: value }) }) });
  const m = scanText(text, compiled).find((x) => x.detector === 'generic-secret-assignment');
  assert.ok(m, 'not found');
  assert.equal(text.slice(m.start, m.end), value);
});

test('base64 of base64 is found whatever the middle layer looks like (it used to need a `/`, `=`, `_` or `-` to count as text: 2 of 5 were missed)', () => {
  const nested = DECODING_CASES.find((c) => c.name.startsWith('base64 of base64'))!;
  const missed: number[] = [];
  for (let seed = 0; seed < 60; seed++) {
    const { text, encoded, detector } = nested.build(seed);
    const m = scanText(text, compiled).find((x) => x.detector === detector);
    if (!m || text.slice(m.start, m.end) !== encoded) missed.push(seed);
  }
  assert.deepEqual(missed, []);
});

test('a line after a base64 or hex run is joined to it only when it is more of the block (not `region: …`, a prompt, `64 bytes from`)', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cases: Record<string, [string, string]> = {
    'a Kubernetes secret value, then the next key': [`data:\n  bootstrap: ${b64(`token=${fakeGithubToken(5)}\n`)}\n  region: YWNtZS1wbGF0Zm9ybQ==\n`, 'github-pat-classic'],
    'a full last line, then a shell prompt': [`${b64(`GITHUB_TOKEN=${fakeGithubToken(6)}\nREGION=eu-west-1\n`).match(/.{1,76}/g)!.join('\n')}\nuser@host:~$ ls\n`, 'github-pat-classic'],
    'hex, then ping output': [`TOKEN_HEX=${Buffer.from(`token ${fakeGithubToken(7)}`).toString('hex')}\n64 bytes from 10.0.0.1\n`, 'github-pat-classic'],
  };
  for (const [name, [text, detector]] of Object.entries(cases)) assert.ok(scanText(text, compiled).some((m) => m.detector === detector), name);
});

test('a wrapped block whose last line is only `bg==` keeps it: the last char of the token is redacted too', () => {
  const t = fakeGithubToken(8);
  // Sized so that the encoding ends with a 4-char line.
  let payload = `token: ${t}`;
  while (Buffer.from(payload).toString('base64').length % 76 !== 4) payload = ` ${payload}`;
  const encoded = Buffer.from(payload).toString('base64');
  const text = `${encoded.match(/.{1,76}/g)!.join('\n')}\n`;
  const m = scanText(`blob:\n${text}`, compiled).find((x) => x.detector === 'github-pat-classic');
  assert.ok(m, 'not found');
  assert.ok(`blob:\n${text}`.slice(m.start, m.end).endsWith(encoded.slice(-4)), 'the last line is part of the span');
});

// The partner view (decode.ts partnerView) copies the text around each decoded block; review of
// 0b7bf07 broke its first version three ways, each a case here.
test('text copied around a decoded block never cuts a token: a value beside either edge is reported whole', () => {
  const id = 'AKIAQ3EGUJ7ZFRW5XKLP';
  const value = 'Qm9Zx81Lp7Tn4Rv9Ks3WaB2cD4eF6gH8jK0mN2pQ4rS6tU8vW0xY2zA4bC6dE8';
  const blob = `blob: ${Buffer.from('a short note for the build').toString('base64')}`;
  const filler = (n: number) => 'lorem '.repeat(80).slice(0, n);
  const texts: string[] = [];
  for (let shift = -4; shift <= 4; shift++) {
    // The copy before the block starts 300 chars before it: there, 40 chars before the value's end.
    const head = `api_secret = "${value}"\nkey id ${id}\n`;
    const cutBefore = head.indexOf(value) + value.length - 40 + shift;
    texts.push(`${head}${filler(cutBefore + 300 - head.length - 'blob: '.length - 1)}\n${blob}\n`);
    // The copy after the block ends 300 chars after it: there, 40 chars after the value's start.
    const mid = `\nkey id ${id}\n`;
    texts.push(`${blob}${mid}${filler(300 - 40 + shift - mid.length - 'api_secret = "'.length)}api_secret = "${value}"\n`);
  }
  for (const text of texts) {
    const at = text.indexOf(value);
    const found = scanText(text, compiled).filter((m) => m.end > at && m.start < at + value.length);
    assert.deepEqual(found.map((m) => [m.start, m.end]), [[at, at + value.length]], found.map((m) => m.detector).join(', '));
  }
});

test('a run that does not decode between two halves of a pair does not cut the copy: the pair is found', () => {
  const secret = 'wJq7ZtR2pLx9Vb4Nc8Ks1Hd6Fy3Gm5Qa0We2Tr7U';
  // An identifier of 24+ base64 chars whose first bytes decode printable, but the rest not.
  const text = `a: ${Buffer.from('AKIAQ3EGUJ7ZFRW5XKLP').toString('base64')}\n// deleteDatabaseReturnValue\nb: ${secret}\n`;
  const m = scanText(text, compiled).find((x) => x.detector === 'aws-secret-near-access-key-id');
  assert.ok(m, 'the plain secret near the base64 key id');
  assert.equal(text.slice(m.start, m.end), secret);
});

test('a pair split across two encodings (the key id in base64, its secret key in hex) is found', () => {
  const secret = 'wJq7ZtR2pLx9Vb4Nc8Ks1Hd6Fy3Gm5Qa0We2Tr7U';
  const hex = Buffer.from(secret).toString('hex');
  const text = `id ${Buffer.from('AKIAQ3EGUJ7ZFRW5XKLP').toString('base64')}\nsecret ${hex}\n`;
  const m = scanText(text, compiled).find((x) => x.detector === 'aws-secret-near-access-key-id');
  assert.ok(m);
  assert.equal(text.slice(m.start, m.end), hex);
});

test('an escape region reaches its context whatever the text around it: long edgeless values, long bodies, abutting regions', () => {
  const pad = 'x'.repeat(300);
  const hook = 'https://hooks.slack.com/services/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';
  const secret = 'q8Xv/K7wzR2mT9bLp4Yc/N6hJ3sD1fG5aE0uWiOy';
  const found = (text: string, detector: string) => scanText(text, compiled).filter((m) => m.detector === detector).map((m) => text.slice(m.start, m.end));
  // No token edge within 300 chars of the escapes (a form body has none): the region is not cut
  // at the escape, so the value is whole, its name in view, and the pair seen.
  // (The detector reports the webhook's path after /services/, its secret part.)
  const path = hook.slice(hook.indexOf('/services/') + 10);
  assert.deepEqual(found(`webhook=${encodeURIComponent(hook)}&pad=${pad}`, 'slack-webhook-url'), [encodeURIComponent(path)]);
  assert.deepEqual(found(`{"u":"${hook.replace(/\//g, '\\/')}#${pad}"}`, 'slack-webhook-url'), [path.replace(/\//g, '\\/')]);
  const encoded = encodeURIComponent(secret);
  assert.deepEqual(found(`pad=${pad}&aws_secret_access_key=${encoded}&x=1`, 'aws-secret-access-key'), [encoded]);
  assert.deepEqual(found(`pad=${pad}&id=AKIAQ3EGUJ7ZFRW5XKLP&k=${encoded}`, 'aws-secret-near-access-key-id'), [encoded]);
  // A run of escapes longer than one region: the regions follow one another without a cut.
  const escapedSecret = secret.replace(/\//g, '\\/');
  for (let shift = 0; shift <= 240; shift += 12) {
    const text = `{"blob":"${('ab\\/cd' + 'x'.repeat(100)).repeat(615)}${'y'.repeat(shift)}&id=AKIAQ3EGUJ7ZFRW5XKLP&k:${escapedSecret}&z"}`;
    assert.deepEqual(found(text, 'aws-secret-near-access-key-id'), [escapedSecret], `shift ${shift}`);
  }
  // Regions far apart stay apart: an id and a value 5000 chars away, and a token the region's
  // edge would have cut, are no pair.
  const b64 = (n: number) => 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3'.repeat(Math.ceil(n / 40)).slice(0, n);
  for (const text of [
    `{"id": "AKIAQ3EGUJ7ZFRW5XKLP", "u": "a\\/b ${'x'.repeat(5000)}c\\/d", "sha": "${secret.replace(/\//g, 'Z')}"}`,
    `id=AKIAQ3EGUJ7ZFRW5XKLP&u=a%2Fb ${'x'.repeat(5000)}c%2Fd&sha=${secret.replace(/\//g, 'Z')}`,
    `{"id": "AKIAQ3EGUJ7ZFRW5XKLP", "blob": "${secret.slice(0, 39)}\\/${b64(400)}"}`,
    `id=AKIAQ3EGUJ7ZFRW5XKLP&blob=${secret.slice(0, 39)}%2F${b64(400)}`,
    `<td>AKIAQ3EGUJ7ZFRW5XKLP</td><td>${secret.slice(0, 39)}&#x2F;${b64(400)}</td>`,
    `<td>AKIAQ3EGUJ7ZFRW5XKLP</td><td>${secret.slice(0, 39)}&sol;${b64(400)}</td>`,
    `ID=AKIAQ3EGUJ7ZFRW5XKLP\nBLOB=${secret.slice(0, 40)}\\\n${b64(400)}`,
  ]) {
    assert.deepEqual(found(text, 'aws-secret-near-access-key-id'), [], `${text.slice(0, 60)}…`);
  }
});

test('an escape region ends where its last escape ends, and leaves out a token cut at the reach', () => {
  // A backslash that starts no escape keeps the line break after it in the view: the next
  // region, which starts after it, must not be glued to this one. (A blank starts the next
  // line: the backslash is no continuation inside a word.)
  const text = 'u=a\\/b ' + 'x '.repeat(146) + 'wget --password=Tr0ub4dorXq9\\\n file\\/x\n';
  for (let cut = 0; cut < 40; cut += 3) {
    const t = text.slice(cut);
    const escapes = [...t.matchAll(/\\(?=["/u])/g)].map((m) => m.index);
    const view = decodedViews(t, { quote: [], escape: escapes, percent: [], reference: [], indicator: [], hunk: [], continuation: [], base64: [] }).find((v) => v.kind === 'escapes')!;
    assert.ok(view.text.includes('Tr0ub4dorXq9\\\n file/x'), `cut ${cut}: ${JSON.stringify(view.text.slice(-40))}`);
    const values = scanText(t, compiled).map((m) => `${m.detector}=${t.slice(m.start, m.end)}`);
    assert.deepEqual(values, ['wget-password=Tr0ub4dorXq9\\'], `cut ${cut}`);
  }
  // A token longer than the reach (8192 chars) at a region's start or end: the part the reach
  // cut is not in the view, where a separator or the view's end would make it read as whole.
  const value = 'Zq8XvK7wzR' + 'q8XvK7wzR2mT9bLp4YcN6hJ3sD1fG5aE0uWiOyQz'; // one 50-char value
  const head = `data=${'x'.repeat(100)}&sig=`;
  let startCut = `${head}${value}&id=AKIAQ3EGUJ7ZFRW5XKLP&`;
  startCut += `${'y'.repeat(head.length + 10 + 300 + 8192 - startCut.length)}%2Fz&end=1`;
  const tail = '&id=AKIAQ3EGUJ7ZFRW5XKLP&sig=';
  const endCut = (escape: string) => {
    const lead = `data=${'x'.repeat(45)}${escape}`;
    return `${lead}${'y'.repeat(50 + escape.length + 300 + 8192 - 40 - tail.length - lead.length)}${tail}${value.slice(10)}${value.slice(0, 10)}&z=${'w'.repeat(100)} end`;
  };
  for (const t of [startCut, endCut('%2F'), endCut('\\/')]) {
    assert.deepEqual(scanText(t, compiled).filter((m) => m.detector === 'aws-secret-near-access-key-id'), [], `${t.length} chars`);
  }
});

test('past the reach, a region keeps the field its escape is in, and a lone backslash at the end stays inside the text', () => {
  const pairs = (t: string) => scanText(t, compiled).filter((m) => m.detector === 'aws-secret-near-access-key-id').map((m) => t.slice(m.start, m.end));
  // A form body with no token edge for 9000 chars and more before the key id: the region starts
  // after the field's `&`, not at the escape (which lost the value's head, its name and the id).
  const encoded = encodeURIComponent('wJq7ZtR2pLx9Vb4N/8Ks1Hd6Fy3+m5Qa0We2Tr7U');
  for (const before of [100, 9000, 20000]) assert.deepEqual(pairs(`data=${'y'.repeat(before)}&id=AKIAQ3EGUJ7ZFRW5XKLP&s=${encoded}&z=1 end`), [encoded], `${before}`);
  // ...and the 40-char tail of a 50-char value with an escape in it is not a value of its own.
  for (const escape of ['\\u0041', '%41']) assert.deepEqual(pairs(`data=${'y'.repeat(9000)}&sig=Zq8XvK7wzR${escape}q8XvK7wzR2mT9bLp4YcN6hJ3sD1fG5aE0uWiOyQ id=AKIAQ3EGUJ7ZFRW5XKLP end`), [], escape);
  // A lone backslash ends the text: the view and every span stay within it.
  const text = `cmd=${'\\"x\\" '.repeat(9)}wget --password=Tr0ub4dorXq9\\`;
  for (const m of scanText(text, compiled)) assert.ok(m.end <= text.length, `${m.detector} ends at ${m.end} of ${text.length}`);
  const escapes = [...text.matchAll(/\\"/g)].map((m) => m.index);
  const view = decodedViews(text, { quote: [], escape: escapes, percent: [], reference: [], indicator: [], hunk: [], continuation: [], base64: [] }).find((v) => v.kind === 'escapes')!;
  assert.ok(!view.text.includes('\0'), 'no char from past the end');
  assert.deepEqual(mapSpan(view, view.text.length - 1, view.text.length), { start: text.length - 1, end: text.length });
});

test('chains of concatenated literals along a line are each copied once, with the text before them back to the chain ahead', () => {
  // Nine chains a line: each copied the line up to itself, nine times a line, and every level of
  // decoding below copied that again (5 MB: 24, 87 then 258 million view chars).
  const line = '"abcdefgh"+"ijklmnop" '.repeat(9).slice(0, 198) + '\n';
  const text = line.repeat(200);
  const quotes = [...text.matchAll(/"\+/g)].map((m) => m.index);
  const view = decodedViews(text, { quote: quotes, escape: [], percent: [], reference: [], indicator: [], hunk: [], continuation: [], base64: [] }).find((v) => v.kind === 'concatenation')!;
  assert.ok(view.text.length < 1.5 * text.length, `${view.text.length} view chars for ${text.length}`);
  // A concatenation view is not joined again.
  assert.equal(decodedViews(view.text, { quote: [...view.text.matchAll(/"\+/g)].map((m) => m.index), escape: [], percent: [], reference: [], indicator: [], hunk: [], continuation: [], base64: [] }, 'concatenation').find((v) => v.kind === 'concatenation'), undefined);
  // The name before a chain is still read with it, after another chain on its line.
  const token = fakeGithubToken(5);
  const named = `a = "x" + "y", deployToken = "${token.slice(0, 20)}" + "${token.slice(20)}";\n`;
  assert.ok(scanText(named, compiled).some((m) => m.detector === 'github-pat-classic'));
});

test('continuations, adjacent literals and HTML references join only what the language joins', () => {
  const token = fakeGithubToken(9);
  const [head, tail] = [token.slice(0, 20), token.slice(20)];
  const found = (text: string) => scanText(text, compiled).map((m) => `${m.detector}=${text.slice(m.start, m.end)}`);
  // Several continuations in one word, and with CR LF line breaks.
  assert.deepEqual(found(`T=${token.slice(0, 9)}\\\n${token.slice(9, 25)}\\\r\n${token.slice(25)}\n`), [`github-pat-classic=${token.slice(0, 9)}\\\n${token.slice(9, 25)}\\\r\n${token.slice(25)}`]);
  // Two lines of a file read with line numbers, or of a quoted reply; the second of two
  // continued words on one line (the first one's line went on).
  for (const [lead1, lead2] of [['     1→', '     2→'], ['     1\t', '     2\t'], ['> ', '> ']]) {
    assert.deepEqual(found(`${lead1}T=${head}\\\n${lead2}${tail}\n`), [`github-pat-classic=${head}\\\n${lead2}${tail}`]);
    // The same in a JSON string (`\t`, and → as Python's json.dumps writes it).
    const json = JSON.stringify({ content: `${lead1}T=${head}\\\n${lead2}${tail}\n` }).replace(/→/g, '\\u2192');
    const lead = JSON.stringify(lead2).slice(1, -1).replace(/→/g, '\\u2192');
    assert.deepEqual(found(json), [`github-pat-classic=${head}\\\\\\n${lead}${tail}`], json);
  }
  assert.deepEqual(found(`A=abc\\\ndef; T=${head}\\\n${tail}\n`), [`github-pat-classic=${head}\\\n${tail}`]);
  // An escaped backslash before the line break, or a blank on either side, ends the word.
  for (const text of [`T=${head}\\\\\n${tail}`, `T=${head} \\\n${tail}`, `T=${head}\\\n  ${tail}`]) {
    assert.ok(!found(text).some((f) => f.startsWith('github-pat-classic')), JSON.stringify(text));
  }
  // Adjacent literals are one string only as a value (assigned, passed, listed), with a blank
  // between them (`"a""b"` doubles a quote in CSV and SQL) and the same quote: a shell's two
  // words are two. Templates are joined by `+` only (`` `a` `b` `` is a tagged template's call,
  // and lines of Markdown code spans are no concatenation).
  for (const opener of ['T = (', 'return ', 'yield ', 'x if y else ', 'f(base_url, ', 'T = {', '#define GITHUB_TOKEN ', '  # define T ']) {
    assert.deepEqual(found(`${opener}"${head}" "${tail}"\n`), [`github-pat-classic=${head}" "${tail}`], opener);
  }
  for (const text of [`T = "${head}""${tail}"`, `T = "${head}" '${tail}'`, `T = \`${head}\` \`${tail}\``, `\`${head}\`\n\`${tail}\``]) {
    assert.ok(!found(text).some((f) => f.startsWith('github-pat-classic')), text);
  }
  assert.deepEqual(found('curl -H "Authorization: Bearer Xk9fQ2mZ7pL4vR8tW1yB" "https://example.com/v1"'), ['bearer-token=Xk9fQ2mZ7pL4vR8tW1yB']);
  // Lines of a help text, each literal ending with an escaped line break, join no token (they
  // were a view each: 1,757 views in the 20 MB bench corpus, 39 without them).
  const help = `parser.epilog = ('usage: run [options]\\n'\n    'options and more')\n`;
  const quotes = [...help.matchAll(/'\n/g)].map((m) => m.index);
  assert.deepEqual(decodedViews(help, { quote: quotes, escape: [], percent: [], reference: [], indicator: [], hunk: [], continuation: [], base64: [] }), []);
  // A long list of adjacent literals is joined in regions that overlap, not skipped (it was
  // past 8K chars), and a token across the cut is whole in one of them: at its end, or in 8-char
  // literals placed about the cut; also in a list joined by `+` up to the cut (whose successor
  // is a value as the list was).
  for (const n of [100, 600, 640, 651, 700, 2000]) {
    const list = `LIST = (${'"abcd efg " '.repeat(n)}"${head}" "${tail}")\n`;
    assert.deepEqual(found(list), [`github-pat-classic=${head}" "${tail}`], `${n} literals`);
  }
  const pieces = token.match(/.{1,8}/g)!;
  for (let n = 700; n < 730; n++) {
    const list = `LIST = (${'"abcd efg " '.repeat(n)}"${pieces.join('" "')}" " end")\n`;
    assert.deepEqual(found(list), [`github-pat-classic=${pieces.join('" "')}`], `${n} literals, then the token in 8-char pieces`);
  }
  for (const n of [700, 716, 718, 760]) {
    const list = `LIST = (${'" abcd efg " +\n'.repeat(n)}"${head}" "${tail}")\n`;
    assert.deepEqual(found(list), [`github-pat-classic=${head}" "${tail}`], `${n} literals joined by +`);
  }
  // An escaped backslash ends a shell word, with other escapes near it or not; an option's
  // value and the next word of a command line are two.
  assert.ok(!found(`T=${head}\\\\\n${tail} url=a\\/b`).some((f) => f.startsWith('github-pat-classic')));
  assert.deepEqual(found('curl --header="Authorization: Bearer Xk9fQ2mZ7pL4vR8tW1yB" "https://example.com/v1"'), ['bearer-token=Xk9fQ2mZ7pL4vR8tW1yB']);
  // References: numeric (decimal, hex, leading zeros), named; not a control char, not a name
  // outside the list, not one without its `;`.
  // (Hints where a trigger literal starts, as the keyword pass reports them.)
  const starts = (text: string) => [...new Set(DECODE_TRIGGERS.reference.flatMap((literal) => [...text.matchAll(new RegExp(literal, 'gi'))].map((m) => m.index)))].sort((a, b) => a - b);
  const refs = (text: string) => decodedViews(text, { quote: [], escape: [], percent: [], reference: starts(text), indicator: [], hunk: [], continuation: [], base64: [] }).map((v) => v.text);
  assert.deepEqual(refs('a&#x2F;b&#47;c&#x0002f;d&sol;e&plus;f&quot;g&amp;h'), ['a/b/c/d/e+f"g&h']);
  assert.deepEqual(refs('a&#x2F;b &#0; &#x7F; &nbsp; &#47 &#xZZ; &Sol;'), ['a/b &#0; &#x7F; &nbsp; &#47 &#xZZ; &Sol;']);
  assert.deepEqual(refs('a &amp; b &lt; c'), []);
  // Escapes of different kinds side by side, decoded in one view: HTML-escaped JSON (`\&quot;`),
  // a continuation in an XML attribute (`\&#10;`), a JSON-escaped continuation beside a
  // reference or a URL escape (joined at the next level, once those are decoded).
  const secret = 'uUSi4ofWyHyMb1lJrX+C6DIMA8co/OdWDhGD9zA+';
  assert.deepEqual(found(`AWS_SECRET_ACCESS_KEY = \\&quot;${secret}\\&quot;`), [`aws-secret-access-key=${secret}`]);
  for (const joint of ['\\&#10;', '\\&#xA;', '\\&#13;&#10;']) assert.deepEqual(found(`T=${head}${joint}${tail}`), [`github-pat-classic=${head}${joint}${tail}`], joint);
  const glued = `${head.slice(0, -1)}&#${head.charCodeAt(head.length - 1)};\\\\\\n${tail}`;
  assert.deepEqual(found(`"T=${glued}"`), [`github-pat-classic=${glued}`]);
  const encoded = `${head}\\\\\\n%${tail.charCodeAt(0).toString(16)}${tail.slice(1)}`;
  assert.deepEqual(found(`"T=${encoded}"`), [`github-pat-classic=${encoded}`]);
  // Escaped twice (HTML in XML): the second level decodes what the first left.
  assert.deepEqual(refs('a&amp;#x2F;b'), ['a&#x2F;b']);
  // A key in an XML attribute, its line breaks as references.
  const pem = SAMPLES.find((x) => x.detector === 'private-key-rsa')!.value(rng(2));
  for (const lineBreak of ['&#10;', '&#xA;', '&#13;&#10;']) {
    const attribute = `<key value="${pem.replace(/\n/g, lineBreak)}"/>`;
    assert.deepEqual(scanText(attribute, compiled).map((m) => [m.detector, m.start, m.end]), [['private-key-rsa', 12, attribute.length - 3]], lineBreak);
  }
});

test('a text nested in several decodings throughout is blocked by the decode budget, quoting none of it; real text is far below it', () => {
  const text = nestedDecodings();
  assert.throws(() => scanText(text, compiled), (error: unknown) => error instanceof DecodeBudgetError && !error.message.includes('abcdefgh') && !error.message.includes('QEAg'));
  // Entities, URL and JSON escapes and line continuations every few chars, and base64: decoded
  // one kind per view, 1 MB read 57 MB of views in 2 s; together, a few times its length.
  const unit = 'a&#47;b%2Fc\\/d"x" "y"e\\\nf QUJDREVGR0hJSktMTU5PUFFSU1RVVldY ';
  assert.doesNotThrow(() => scanText(unit.repeat(Math.ceil((1 << 20) / unit.length)), compiled));
  // Five levels of base64 (the old worst case) and dense escapes of one kind are within it.
  let nested = 'password = "Tr0ub4dorXq9"\n'.repeat(4);
  for (let level = 0; level < 5; level++) nested = Buffer.from(nested).toString('base64');
  for (const t of [`${nested}\n`.repeat(2000), '%2F'.repeat(300000), '{\\"a\\": \\"b\\"} '.repeat(60000), '&#x2F;'.repeat(100000)]) assert.doesNotThrow(() => scanText(t, compiled));
});
