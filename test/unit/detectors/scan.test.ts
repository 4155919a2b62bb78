// scanText behaviour: value offsets (UTF-16), ordering, overlap resolution, allowlists,
// placeholders, and the helpers shannonEntropy / previewSecret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BUILTIN_SECRET_DETECTORS,
  compileCustomDetector,
  compileDetectors,
  previewSecret,
  scanText,
  shannonEntropy,
  type DetectorSpec,
} from '../../../extension/core/detectors';
import { forgetTokenEnds, tokenEnd } from '../../../extension/core/detectors/tokens';
import { SAMPLES, pick, renderSample, rng } from './samples';

const builtin = compileDetectors(BUILTIN_SECRET_DETECTORS);
const value = (id: string, seed = 3) => SAMPLES.find((s) => s.detector === id)!.value(rng(seed));

test('offsets are UTF-16 offsets of the value, also after emoji and non-ASCII text', () => {
  const key = value('github-pat-classic');
  const text = `// 😀 Größe İstanbul ẞ\nconst t = "${key}";`;
  const [m] = scanText(text, builtin);
  assert.ok(m);
  assert.equal(text.slice(m.start, m.end), key);
});

test('matches are sorted by start and never overlap', () => {
  const text = SAMPLES.slice(0, 30).map((s, i) => renderSample(s, rng(i + 100)).text).join('\n');
  const matches = scanText(text, builtin);
  assert.ok(matches.length >= 30);
  for (let i = 1; i < matches.length; i++) assert.ok(matches[i]!.start >= matches[i - 1]!.end, `overlap at ${i}`);
});

test('the more specific detector wins an overlap with a generic one', () => {
  const key = value('aws-access-key-id');
  const [m, ...rest] = scanText(`api_key = "${key}"`, builtin);
  assert.deepEqual(rest, []);
  assert.equal(m?.detector, 'aws-access-key-id');
  const pat = value('github-pat-classic');
  const viaUrl = scanText(`git clone https://x-access-token:${pat}@github.com/acme/app.git`, builtin);
  assert.deepEqual(viaUrl.map((x) => x.detector), ['github-pat-classic']);
});

test('documented placeholders and templates do not fire', () => {
  for (const text of [
    'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'token = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    'api_key: <your-key>',
    'API_KEY=${API_KEY}',
    'password = "changeme"',
    'secret = "0000000000000000000000"',
    'GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  ]) {
    assert.deepEqual(scanText(text, builtin), [], text);
  }
});

test('the allowlist drops exact values and RE2 patterns for every detector', () => {
  const key = value('npm-token');
  const other = value('npm-token', 9);
  const text = `a = "${key}"\nb = "${other}"`;
  assert.equal(scanText(text, builtin).length, 2);
  const allowExact = compileDetectors(BUILTIN_SECRET_DETECTORS, { allowlist: { values: [key] } });
  assert.deepEqual(scanText(text, allowExact).map((m) => text.slice(m.start, m.end)), [other]);
  const allowRegex = compileDetectors(BUILTIN_SECRET_DETECTORS, { allowlist: { regexes: ['^npm_'] } });
  assert.deepEqual(scanText(text, allowRegex), []);
  assert.throws(() => compileDetectors([], { allowlist: { regexes: ['(a)\\1'] } }), /allowlist\.regexes\[0\]/);
});

test('detector-specific placeholders, entropy floors and validators apply', () => {
  const spec: DetectorSpec = {
    id: 'demo',
    description: 'demo detector',
    keywords: ['demo_'],
    pattern: /demo_([A-Za-z0-9]{12})/,
    secretGroup: 1,
    minEntropy: 3,
    placeholders: ['Q1w2E3r4T5y6', '~known'],
    validate: (v) => v !== 'Zz9Yy8Xx7Ww6',
  };
  const compiled = compileDetectors([spec]);
  assert.equal(scanText('demo_Ab3Cd5Ef7Gh9', compiled).length, 1);
  assert.equal(scanText('demo_Q1w2E3r4T5y6', compiled).length, 0, 'exact placeholder');
  assert.equal(scanText('demo_xKNOWNab12cd', compiled).length, 0, 'substring placeholder');
  assert.equal(scanText('demo_abababab1212', compiled).length, 0, 'entropy floor');
  assert.equal(scanText('demo_Zz9Yy8Xx7Ww6', compiled).length, 0, 'validator');
});

test('window-anchored detectors find secrets whose keyword sits mid-token', () => {
  const secret = value('azure-ad-client-secret');
  const text = `credential: ${secret}\n`;
  const [m] = scanText(text, builtin);
  assert.equal(m?.detector, 'azure-ad-client-secret');
  assert.equal(text.slice(m.start, m.end), secret);
});

test('overlapping keywords and repeated hits report one match per secret', () => {
  const url = 'postgresql://svc:Vq8rT2mZ9xL4pW7k@db.acme.internal/app';
  const matches = scanText(`${url}\n${url}`, builtin);
  assert.deepEqual(matches.map((m) => m.detector), ['database-url-password', 'database-url-password']);
});

test('empty and keyword-free text scan to nothing; long text without secrets is fine', () => {
  assert.deepEqual(scanText('', builtin), []);
  assert.deepEqual(scanText('hello world', builtin), []);
  assert.deepEqual(scanText('const tokenCount = items.length;\n'.repeat(2000), builtin), []);
});

test('custom and built-in detectors may not share an id', () => {
  assert.throws(() => compileDetectors([...BUILTIN_SECRET_DETECTORS, compileCustomDetector({ id: 'jwt', regex: 'x' })]), /duplicate/);
});

test('shannonEntropy', () => {
  assert.equal(shannonEntropy(''), 0);
  assert.equal(shannonEntropy('aaaa'), 0);
  assert.equal(shannonEntropy('abab'), 1);
  assert.equal(shannonEntropy('0123456789abcdef'), 4);
});

test('previewSecret never reveals more than 8 chars, nor most of a short value', () => {
  assert.equal(previewSecret('AKIAQ3EGRTW7PZJ6MPLE'), 'AKIA…MPLE');
  assert.equal(previewSecret(''), '…');
  assert.equal(previewSecret('abc'), 'a…c');
  assert.equal(previewSecret('ab'), '…');
  for (const sample of SAMPLES) {
    const v = sample.value(rng(5));
    const p = previewSecret(v);
    assert.ok(p.replace('…', '').length <= 8, sample.detector);
    assert.ok(!p.includes(v), sample.detector);
  }
  // Surrogate pairs are never split at the edges.
  assert.doesNotMatch(previewSecret('😀😀😀😀😀😀😀😀'), /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]…|…[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
});

// A keyword-anchored pattern that starts with (?<![…]) is not run where the char before the
// keyword is in that class (the regex would fail there): the answers must be the regex's own.
test('a leading lookbehind is honoured exactly: ASCII, non-ASCII, case flags and top-level alternation', () => {
  const spec = (id: string, pattern: RegExp, keywords = ['tok_']): DetectorSpec => ({ id, description: id, keywords, pattern });
  const plain = compileDetectors([spec('plain', /(?<![A-Za-z0-9_-])tok_[A-Za-z0-9]{12}/)]);
  assert.equal(scanText('tok_Ab3Cd5Ef7Gh9', plain).length, 1, 'at the start of the text');
  assert.equal(scanText('x=tok_Ab3Cd5Ef7Gh9', plain).length, 1, 'after a char outside the class');
  assert.equal(scanText('xtok_Ab3Cd5Ef7Gh9', plain).length, 0, 'after a char in the class');
  assert.equal(scanText('a-tok_Ab3Cd5Ef7Gh9', plain).length, 0, 'after a char in the class (-)');
  // After what stands for a blank but is written with chars of the class, the token starts.
  for (const before of ['"x\\n', '"x\\t', '"x\\r', 'a=b%0A', 'a=b%0d', 'a=b%09', '\x1b[1;32m', '"\\u001b[0m', 'printf("\\033[1m', '@@ -1 +1 @@\n-']) {
    assert.equal(scanText(`${before}tok_Ab3Cd5Ef7Gh9`, plain).length, 1, JSON.stringify(before));
  }
  for (const before of ['"xn', 'a=%0B', 'x[1m', '@@ -1 +1 @@\n a-']) {
    assert.equal(scanText(`${before}tok_Ab3Cd5Ef7Gh9`, plain).length, 0, JSON.stringify(before));
  }
  assert.equal(scanText('étok_Ab3Cd5Ef7Gh9', plain).length, 1, 'after a non-ASCII char: the regex decides');
  const folded = compileDetectors([spec('folded', /(?<![a-z])tok_[A-Za-z0-9]{12}/i)]);
  assert.equal(scanText('Xtok_Ab3Cd5Ef7Gh9', folded).length, 0, 'the class is read under the pattern flags');
  const either = compileDetectors([spec('either', /(?<![A-Za-z])tok_[A-Za-z0-9]{12}|key_[A-Za-z0-9]{12}/, ['tok_', 'key_'])]);
  assert.equal(scanText('xkey_Ab3Cd5Ef7Gh9', either).length, 1, 'the other alternative has no lookbehind');
  assert.equal(scanText('xtok_Ab3Cd5Ef7Gh9', either).length, 0);
});

// scanText reuses its lists from text to text (small texts then allocate nothing). These tests
// would catch state left over from one text in the next: order, size and a throw must not
// change what a text's scan finds.
const samplesText = (from: number, to: number, seed: number) =>
  SAMPLES.slice(from, to).map((s, i) => renderSample(s, rng(seed + i)).text).join('\n');

test('findings do not depend on what was scanned before: large, small, one-stream and two-stream texts in any order', () => {
  const texts = [
    samplesText(0, 120, 500), // large, two streams, many hits and views
    samplesText(120, 122, 600), // one stream
    `${'x'.repeat(5000)}\n${samplesText(122, 130, 700)}`, // two streams, the secrets in the second
    '"+'.repeat(40_000), // a hit at every other char: grows every list
    samplesText(130, 300, 800),
    'nothing here',
  ];
  const alone = texts.map((t) => JSON.stringify(scanText(t, builtin)));
  for (const order of [[5, 4, 3, 2, 1, 0], [3, 1, 3, 0, 3, 2, 3, 4, 3, 5]]) {
    for (const i of order) assert.equal(JSON.stringify(scanText(texts[i]!, builtin)), alone[i], `text ${i} after others`);
  }
  assert.ok(JSON.parse(alone[0]!).length >= 100);
});

test('a scan that throws midway leaves nothing behind for the next scan', () => {
  const text = samplesText(0, 60, 900);
  const expected = JSON.stringify(scanText(text, builtin));
  let calls = 0;
  const thrower: DetectorSpec = {
    id: 'thrower',
    description: 'a validator that fails on its third value',
    keywords: ['throw_'],
    pattern: /throw_([a-z0-9]{10})/,
    secretGroup: 1,
    validate: () => {
      if (++calls === 3) throw new Error('validator failed');
      return true;
    },
  };
  const throwing = compileDetectors([...BUILTIN_SECRET_DETECTORS, thrower]);
  assert.throws(() => scanText(`${text}\n${'throw_a1b2c3d4e5 '.repeat(5)}`, throwing), /validator failed/);
  assert.equal(JSON.stringify(scanText(text, builtin)), expected);
});

test('a detector whose validate scans another text does not disturb the scan it runs in', () => {
  const text = samplesText(0, 80, 1000);
  const inner = samplesText(200, 230, 1100);
  const plain = compileDetectors([...BUILTIN_SECRET_DETECTORS, { id: 'nested', description: 'validates by scanning', keywords: ['nested_'], pattern: /nested_([a-z0-9]{10})/, secretGroup: 1, validate: () => true }]);
  let innerFound = 0;
  const scanning = compileDetectors([...BUILTIN_SECRET_DETECTORS, { id: 'nested', description: 'validates by scanning', keywords: ['nested_'], pattern: /nested_([a-z0-9]{10})/, secretGroup: 1, validate: () => ((innerFound = scanText(inner, builtin).length), true) }]);
  const input = `${text}\nnested_a1b2c3d4e5\n${text}`;
  assert.equal(JSON.stringify(scanText(input, scanning)), JSON.stringify(scanText(input, plain)));
  assert.equal(innerFound, scanText(inner, builtin).length);
  assert.ok(innerFound > 20);
});

test('a window detector whose window closes and reopens finds each secret', () => {
  const secrets = [value('azure-ad-client-secret', 1), value('azure-ad-client-secret', 2), value('azure-ad-client-secret', 3)];
  const text = secrets.map((s) => `credential: ${s}\n${'filler line of plain prose\n'.repeat(20)}`).join('');
  const found = scanText(text, builtin).filter((m) => m.detector === 'azure-ad-client-secret').map((m) => text.slice(m.start, m.end));
  assert.deepEqual(found, secrets);
});

test('a large scan does not leave its lists alive (the gateway and the editor live on after it)', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gc = (require('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
  // Array buffers are freed by the sweeper after a collection: let it finish before reading
  // (four rounds: on a loaded 2-core CI machine, two once left 13 MB of garbage unswept, which
  // locally reads +1.8 MB).
  const memory = async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { arrayBuffers, heapUsed } = process.memoryUsage();
    return arrayBuffers + heapUsed;
  };
  // A keyword hit every other char (8 M emits, 4 M hints), and one concatenation chain of 1 M literals.
  const hostile = ['"+'.repeat(4 << 20), '"a" +\n"b" +\n'.repeat(1 << 19)];
  for (const text of hostile) scanText(text.slice(0, 20_000), builtin); // small ones first: code compiled on the way is not what this looks for
  const before = await memory();
  for (const text of hostile) {
    scanText(text, builtin);
    const grown = (await memory()) - before;
    assert.ok(grown < 10 * 1024 * 1024, `${(grown / 1048576).toFixed(1)} MB still alive after a scan of ${text.slice(0, 8)}…`);
  }
});

// Inputs a hostile request body could be made of, each once super-linear or reading thousands
// of chars at every hit (times at their size before the fix in brackets). Bounds are generous:
// the point is the order of growth, not the speed of this machine.
test('hostile inputs stay linear: block headers without an end line, jdbc: runs, 400,000 findings, one huge base64 run', () => {
  const repeat = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length));
  const assignments = (chars: number) => {
    // key="<10 or 11 random chars>7": each a finding, the longer ones (second half) sorted first.
    const r = rng(77);
    const lines: string[] = [];
    for (let length = 0; length < chars; ) {
      const line = `key="${pick(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', length < chars / 2 ? 9 : 10)}7"\n`;
      lines.push(line);
      length += line.length;
    }
    return lines.join('');
  };
  const cases: [string, string, number][] = [
    ['PEM header, no END line [4 MB: 2.4-5.7 s]', repeat('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n', 4 << 20), 1500],
    ['PuTTY header, no Private-MAC [4 MB: ~3 s]', repeat('PuTTY-User-Key-File-2: ssh-rsa\n', 4 << 20), 1500],
    ['SSH2 header, no END line [4 MB: ~3 s]', repeat('---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n', 4 << 20), 1500],
    ['service-account private_key, no END line', repeat('"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE', 4 << 20), 1500],
    ['jdbc: repeated [1 MB: 3.9 s]', repeat('jdbc:', 1 << 20), 1500],
    ['jdbc: runs with a password separator near [1 MB]', repeat('jdbc:jdbc:jdbc:jdbc:;password=x ', 1 << 20), 1500],
    ['433,000 generic findings, longest last [8 MB: 19 s]', assignments(8 << 20), 6000],
    ['PEM headers before one long line of dashes and an END line [16 KB: 2.3 s]', `${repeat('-----BEGIN RSA PRIVATE KEY-----\n', 1000)}${'-'.repeat(15000)}\n-----END RSA PRIVATE KEY-----\n`.repeat(16), 1500],
    ['one 8 MB base64 run of prose (decoded in chunks)', `blob = "${Buffer.from(repeat('The quick brown fox jumps over the lazy dog. ', 6 << 20)).toString('base64')}"`, 6000],
  ];
  for (const [name, text, bound] of cases) {
    const started = performance.now();
    const found = scanText(text, builtin);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < bound, `${name}: ${elapsed.toFixed(0)} ms for ${(text.length / 1048576).toFixed(0)} MB (${found.length} findings)`);
  }
});

// Overlaps are resolved with a bitset of taken chars over the candidates' extent: the same text
// repeated until it has hundreds of candidates resolves block by block exactly as one block does.
test('overlap resolution is the same for a few candidates and for hundreds', () => {
  const block = [
    `api_key = "${value('aws-access-key-id', 5)}"`,
    `git clone https://x-access-token:${value('github-pat-classic', 6)}@github.com/acme/app.git`,
    `DATABASE_URL = "postgresql://svc:Vq8rT2mZ9xL4pW7k@db.acme.internal/app"`,
    samplesText(0, 20, 1200),
  ].join('\n');
  const one = scanText(block, builtin);
  assert.ok(one.length >= 20);
  const times = 40;
  const many = scanText(Array.from({ length: times }, () => block).join('\n'), builtin);
  const expected = Array.from({ length: times }, (_, k) => one.map((m) => ({ ...m, start: m.start + k * (block.length + 1), end: m.end + k * (block.length + 1) }))).flat();
  assert.deepEqual(many, expected);
});

// A window detector searches the chars around its keyword; where the window's edge fell inside a
// longer token, the cut-off part matched on its own (the slice's end passed for a token's end):
// 40 of a 46-char value were reported as an AWS secret key and the other 6 went out.
test('a window never cuts a token: the value is reported whole wherever the window ends', () => {
  const value = 'LN4poRqZ9i6mt5FzkIKmJSthjwnPTOkUGsDapxnb7dLAb7';
  for (let lead = 200; lead <= 300; lead++) {
    const filler = 'lorem ipsum dolor sit amet '.repeat(20).slice(0, lead);
    const text = `AKIAQ3EGUJ7ZFRW5XKLP ${filler}\napi_secret = "${value}"\n`;
    const at = text.indexOf(value);
    const found = scanText(text, builtin).filter((m) => m.end > at && m.start < at + value.length);
    assert.deepEqual(found.map((m) => [m.start, m.end]), [[at, at + value.length]], `lead ${lead}: ${found.map((m) => m.detector).join(', ')}`);
  }
});

// Review of df6a68e: widening the window to the tokens' ends made a value longer than the
// pattern's bound (a JFrog access token in an .npmrc, 761 chars) fail the pattern: missed, where
// the parent had redacted its first 300 chars. A value cut by the window is reported whole.
test('a value longer than its window reaches is reported whole, not missed and not cut', () => {
  const b64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const r = rng(21);
  const part = (n: number) => pick(r, b64url, n);
  const jwt = `eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYifQ.${part(340)}.${part(342)}`;
  const text = `registry=https://example.jfrog.io/api/npm/npm/\n//example.jfrog.io/api/npm/npm/:_authToken=${jwt}\nalways-auth=true\n`;
  const at = text.indexOf(jwt);
  const found = scanText(text, builtin).filter((m) => m.end > at && m.start < at + jwt.length);
  assert.deepEqual(found.map((m) => [m.start, m.end]), [[at, at + jwt.length]], found.map((m) => m.detector).join(', '));
});

test('an unlabelled AWS secret key is found beside its key id however the two are joined', () => {
  const secret = 'q8Xv/K7wzR2mT9bLp4Yc/N6hJ3sD1fG5aE0uWiOy';
  const joins = [
    `use key AKIAQ3EGUJ7ZFRW5XKLP with secret ${secret}`,
    `AKIAQ3EGUJ7ZFRW5XKLP b=${secret}`,
    `https://files.acme.internal/get?id=AKIAQ3EGUJ7ZFRW5XKLP&k=${secret}&x=1`,
    `a: AKIAQ3EGUJ7ZFRW5XKLP\nb: '${secret}'`,
    `["AKIAQ3EGUJ7ZFRW5XKLP", "${secret}"]`,
    `--id AKIAQ3EGUJ7ZFRW5XKLP --key=${secret}`,
    // Followed by what no view decodes, or by a sentence.
    `id=AKIAQ3EGUJ7ZFRW5XKLP&k=${secret}%0Anext=1`,
    `printf("AKIAQ3EGUJ7ZFRW5XKLP ${secret}%s", x)`,
    `my key is AKIAQ3EGUJ7ZFRW5XKLP and the secret ${secret}.Thanks`,
    // After a line break or tab that stays escaped: a JSON transcript, a form body.
    `{"role":"user","content":"my key AKIAQ3EGUJ7ZFRW5XKLP\\n${secret}\\nthanks"}`,
    `{"content":"AKIAQ3EGUJ7ZFRW5XKLP\\t${secret}"}`,
    `text=AKIAQ3EGUJ7ZFRW5XKLP%0A${secret}%0A`,
    `text=AKIAQ3EGUJ7ZFRW5XKLP%0D%0A${secret}%0D%0A`,
  ];
  for (const text of joins) {
    const found = scanText(text, builtin).filter((m) => m.detector === 'aws-secret-near-access-key-id');
    assert.deepEqual(found.map((m) => text.slice(m.start, m.end)), [secret], text.replace(secret, '<secret>'));
  }
  // Still one value, not a part of a longer one: 40 chars after more base64 or after padding,
  // before padding, a URL escape or the rest of a dotted token (a JWT's header).
  const jwtHeader = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImExYjJjMyJ9';
  for (const text of [
    `AKIAQ3EGUJ7ZFRW5XKLP x=ab${secret}`,
    `AKIAQ3EGUJ7ZFRW5XKLP x=${secret}==`,
    `AKIAQ3EGUJ7ZFRW5XKLP cookie: sess=dGVzdA==${secret}`,
    `?AWSAccessKeyId=AKIAQ3EGUJ7ZFRW5XKLP&Policy=${secret.replace(/\//g, 'Q')}%2B${'Ab1'.repeat(30)}&Signature=x`,
    `AWS_ACCESS_KEY_ID=AKIAQ3EGUJ7ZFRW5XKLP\nID_TOKEN=${jwtHeader}.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl`,
    `{"id": "AKIAQ3EGUJ7ZFRW5XKLP", "blob": "${secret.replace(/\//g, 'Q')}\\u002F${'Ab1'.repeat(130)}"}`,
    // A JWE's ciphertext segment.
    `AKIAQ3EGUJ7ZFRW5XKLP eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..Zq8XvK7wzRq8XvK7.${secret.replace(/\//g, 'Q')}.tag0tag1tag2tag3`,
  ]) {
    assert.deepEqual(scanText(text, builtin).filter((m) => m.detector === 'aws-secret-near-access-key-id'), [], text.replace(secret, '<secret>'));
  }
});

test('tokenEnd answers within its own reach whatever was asked before', () => {
  const edgeless = 'a'.repeat(100_000);
  forgetTokenEnds();
  const alone = tokenEnd(edgeless, 100);
  forgetTokenEnds();
  tokenEnd(edgeless, 0);
  tokenEnd(edgeless, 8000);
  assert.equal(tokenEnd(edgeless, 100), alone);
  assert.equal(tokenEnd(`${'a'.repeat(20_000)} b`, 19_000), 20_000);
  forgetTokenEnds();
});

test('a token written after an escaped blank is found by every keyword detector: JSON transcripts, forms, terminal colours, removed diff lines', () => {
  // Every token detector's leading lookbehind saw the escape's last letter (`n` of `\n`, `A` of
  // `%0A`, `m` of a colour code) and refused the token.
  const wrappers: Record<string, (v: string) => string> = {
    'JSON transcript line': (v) => JSON.stringify({ type: 'tool_result', content: `$ gh auth token\n${v}\n` }),
    'JSON tab': (v) => JSON.stringify({ out: `a\t${v}` }),
    'form body line': (v) => `comment=see%0A${v}%0A`,
    'terminal colour': (v) => `\x1b[1;32m${v}\x1b[0m`,
    'terminal colour in JSON': (v) => JSON.stringify({ out: `\x1b[32m${v}\x1b[0m` }),
    'removed diff line': (v) => `@@ -1 +1 @@\n-${v}\n+REDACTED\n`,
    'removed diff line in JSON': (v) => JSON.stringify({ diff: `@@ -1 +1 @@\n-${v}\n` }),
    'removed first line of a diff': (v) => `-${v}\n+REDACTED\n`,
    'a 256-colour code': (v) => `echo -e "\\x1b[1;38;5;208m${v}\\x1b[0m"`,
  };
  // Keyword-anchored and window detectors alike (a Telegram token's keyword is inside it).
  const ids = ['github-pat-classic', 'aws-access-key-id', 'slack-bot-token', 'openai-api-key', 'stripe-secret-key', 'gitlab-pat', 'npm-token', 'telegram-bot-token', 'azure-ai-identifiable-key'];
  for (const id of ids) {
    const v = value(id);
    for (const [name, wrap] of Object.entries(wrappers)) {
      const text = wrap(v);
      const found = scanText(text, builtin).filter((m) => m.detector === id).map((m) => text.slice(m.start, m.end));
      assert.deepEqual(found, [v], `${id}, ${name}`);
    }
  }
});

test('a private key is found however its lines are decorated: line numbers, diff and patch marks, comments, quotes, literals, one line, URL encoding', () => {
  const pem = value('private-key-rsa');
  const lines = pem.split('\n');
  const forms: Record<string, string> = {
    'cat -n': lines.map((l, i) => `${String(i + 1).padStart(6)}\t${l}`).join('\n'),
    'an agent read with →': lines.map((l, i) => `${String(i + 1).padStart(6)}→${l}`).join('\n'),
    'a diff removing it, hunk counts wrong': `@@ -1,3 +0,0 @@\n${lines.map((l) => `-${l}`).join('\n')}`,
    'a patch adding it': `*** Begin Patch\n*** Add File: k.pem\n${lines.map((l) => `+${l}`).join('\n')}\n*** End Patch`,
    'commented out': lines.map((l) => `# ${l}`).join('\n'),
    'quoted in an e-mail reply or Markdown': lines.map((l) => `> ${l}`).join('\n'),
    'quoted twice, JSON-escaped': JSON.stringify({ body: lines.map((l) => `>> ${l}`).join('\n') }),
    'a Java literal': `${lines.map((l) => `"${l}\\n" +`).join('\n')} ""`,
    'one line': pem.replace(/\n/g, ' '),
    'a form body': `key=${encodeURIComponent(pem)}`,
  };
  for (const [name, text] of Object.entries(forms)) {
    const found = scanText(text, builtin).filter((m) => m.detector === 'private-key-rsa');
    assert.equal(found.length, 1, name);
    // The redaction covers every line of key material.
    const left = text.slice(0, found[0]!.start) + text.slice(found[0]!.end);
    assert.ok(!lines.slice(1, -1).some((l) => left.includes(l.slice(8, 40)) || left.includes(encodeURIComponent(l).slice(8, 40))), `${name}: key material left`);
  }
  // Quoted and cut short (a reply quoting the first lines of a key).
  const head = lines.slice(0, 6).map((l) => `> ${l}`).join('\n');
  assert.deepEqual(scanText(head, builtin).map((m) => [m.detector, m.start, m.end]), [['private-key-truncated', 2, head.length]]);
  // Cut short under comment marks.
  for (const mark of ['// ', ' * ', '# ']) {
    const commented = lines.slice(0, 6).map((l) => `${mark}${l}`).join('\n');
    assert.deepEqual(scanText(commented, builtin).map((m) => m.detector), ['private-key-truncated'], mark);
  }
  // A redirection is no quote mark: `--password=>/dev/null` is no password.
  assert.deepEqual(scanText('mysqldump --password=>/dev/null\nwget --password=>>log.txt', builtin), []);
  // A `<…>` placeholder between quoted armour lines is still one.
  assert.deepEqual(scanText(`> ${lines[0]}\n> <paste your key here, as it is, all of its lines>\n> ${lines.at(-1)}`, builtin), []);
  // Prose or documentation between the armour lines is still no key: long lines, short lines,
  // a body cut short.
  const body = lines.slice(1, 3).join('\n');
  for (const text of [
    '-----BEGIN RSA PRIVATE KEY-----\nReplace this block with\nthe private key you got\nfrom the admin console,\nkeeping all the lines\nexactly as they were.\nThen restart the proxy.\n-----END RSA PRIVATE KEY-----',
    ...['...', '(truncated)', '<snip>', '[redacted]', '# ... 20 more lines ...'].map((cut) => `-----BEGIN RSA PRIVATE KEY-----\n${body}\n${cut}\n-----END RSA PRIVATE KEY-----`),
    '-----BEGIN RSA PRIVATE KEY-----\nPaste the contents of your private key file here, between these two lines,\nand keep the file out of version control at all times please.\n-----END RSA PRIVATE KEY-----',
    `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEA'}...\n(truncated for the docs; see the wiki)\n-----END RSA PRIVATE KEY-----`,
  ]) {
    assert.deepEqual(scanText(text, builtin).filter((m) => m.detector.startsWith('private-key')), [], text.slice(32, 60));
  }
});
