// Encoded payloads: which strings are decoded and scanned as text, which are binary attachments,
// and which are left alone; and the strict body walk (keys, depth, duplicates) on its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MalformedBodyError, parseBody } from '../../../extension/core/dialects';
import { walkJson } from '../../../extension/core/dialects/jsonWalk';
import { decodePayload, encodePayload } from '../../../extension/core/dialects/payload';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 0)]);

test('payloads: text is decoded (declared or sniffed), binary is an attachment, plain strings stay plain', () => {
  // True positives: text behind base64 or a data: URL.
  assert.deepEqual(decodePayload(`data:text/plain;base64,${b64('hello é')}`, false), { kind: 'text', text: 'hello é', encoding: { kind: 'base64', prefix: 'data:text/plain;base64,' } });
  assert.deepEqual(decodePayload('data:,hello%20world', false), { kind: 'text', text: 'hello world', encoding: { kind: 'percent', prefix: 'data:,' } });
  assert.equal(decodePayload(b64('notes for the PDF field'), true, 'application/pdf')?.kind, 'text', 'sniffed: declared PDF, actually text');
  assert.equal(decodePayload(b64(`${'long text '.repeat(10)}`), false)?.kind, 'text', 'long base64 anywhere');
  assert.equal(decodePayload(b64('x'.repeat(10_000)), true)?.kind, 'text', 'beyond the sniffed prefix');
  // Binary: an attachment only where attachments live.
  assert.deepEqual(decodePayload(b64(PNG), true, 'image/png'), { kind: 'binary', bytes: PNG.length, mediaType: 'image/png' });
  assert.equal(decodePayload(`data:image/png;base64,${b64(PNG)}`, false)?.kind, 'binary');
  assert.equal(decodePayload(b64(PNG), false), undefined, 'a long binary base64 outside attachment fields is just data (a signature, encrypted state)');
  // False positives avoided: words, ids, hashes and URLs are not payloads.
  for (const plain of ['hello', 'gpt-4o-mini', 'call_abc123', 'https://example.test/a.png', 'deadbeef'.repeat(4), 'The quick brown fox jumps over the lazy dog, twice over again and again.']) {
    assert.equal(decodePayload(plain, false), undefined, plain);
  }
  assert.equal(decodePayload('not base64 at all!', true), undefined);
});

test('payloads: re-encoding redacted text keeps the encoding and the prefix', () => {
  assert.equal(Buffer.from(encodePayload('a [REDACTED:x#1] é', { kind: 'base64', prefix: '' }), 'base64').toString('utf8'), 'a [REDACTED:x#1] é');
  assert.equal(encodePayload('a b', { kind: 'percent', prefix: 'data:,' }), 'data:,a%20b');
});

test('the walk yields every string with its offsets, keys included, at any depth', () => {
  const text = '{"a": ["x", {"k\\u0031": "y"}], "deep": ' + '['.repeat(300) + '"z"' + ']'.repeat(300) + '}';
  const seen: [string, boolean, string][] = [];
  walkJson(text, JSON.parse(text), { string: (t) => void seen.push([t.value, t.isKey, text.slice(t.start, t.end)]) });
  assert.deepEqual(seen.map((s) => s[0]), ['a', 'x', 'k1', 'y', 'deep', 'z']);
  assert.deepEqual(seen.find((s) => s[0] === 'k1')?.slice(1), [true, '"k\\u0031"']);
});

test('strict reading: duplicate keys in small and large objects, at any depth, and absurd nesting', () => {
  const ctx = { destination: 'https://api.example.test/v1/chat/completions' };
  const many = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`).join(',');
  for (const body of [
    '{"messages": [], "messages": []}',
    `{"messages": [], "metadata": {${many}, "k7": 1}}`,
    '{"messages": [{"role": "user", "content": "a", "content": "b"}]}',
    '{"messages": [], "x": {"a\\u0062": 1, "ab": 2}}',
    `{"messages": [], "x": ${'['.repeat(1200)}${']'.repeat(1200)}}`,
  ]) {
    assert.throws(() => parseBody('openai-chat', body, ctx), MalformedBodyError, body.slice(0, 40));
  }
  assert.throws(() => parseBody('passthrough', '{"q": 1}', ctx), MalformedBodyError, 'a body on GET');
  assert.doesNotThrow(() => parseBody('openai-chat', `{"messages": [], "metadata": {${many}}}`, ctx));
});

test('a string that only looks like base64 is still scanned as sent', () => {
  // A fine-grained GitHub token is valid base64url; its "decoded" bytes must not replace it.
  const token = `github_pat_${'A1b2C3d4E5f6G7h8I9j0K1'}_${'L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z6a7B8c9D0e1F2g3H4i5J6k7L8m9N0o1P2q3R'}`;
  const parsed = parseBody('openai-chat', JSON.stringify({ messages: [], metadata: { t: token } }), { destination: 'https://x.test/v1/chat/completions' });
  assert.ok(parsed.request.segments.some((s) => s.text === token));
});


test('segment ids never carry a key that could be content (digits inside, spaces, symbols)', () => {
  const body = JSON.stringify({ messages: [], metadata: { AKIAZ7K2QW5RT6YX3VB4: 'a', 'COMPANY CONFIDENTIAL': 'b', level3: 'c', 'x-team': 'd' } });
  const ids = parseBody('openai-chat', body, { destination: 'https://x.test/v1/chat/completions' }).request.segments.map((s) => s.id);
  assert.ok(ids.every((id) => !id.includes('AKIA') && !id.includes('CONFIDENTIAL')), ids.join(' '));
  assert.ok(ids.includes('metadata.level3') && ids.includes('metadata.x-team'), ids.join(' '));
  assert.ok(ids.includes('metadata{0}#key') && ids.includes('metadata{1}'), ids.join(' '));
});

test('base64 inside longer text (a Kubernetes Secret, a pasted blob) is decoded when it is text; code and words are not', async () => {
  const { embeddedTexts } = await import('../../../extension/core/dialects/embedded');
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEYQ9';
  const yaml = `apiVersion: v1\nkind: Secret\ndata:\n  aws_secret_access_key: ${b64(secret)}\n  user: ${b64('deploy')}\n`;
  const found = embeddedTexts(yaml);
  assert.deepEqual(found.map((e) => e.text), [secret]);
  assert.equal(yaml.slice(found[0]!.start, found[0]!.end), b64(secret));
  // False positives avoided: long identifiers, hex hashes that decode to binary, prose.
  for (const plain of [
    'const getEffectiveTypeRootsForProgramWithOptions = createTypeReferenceDirectiveResolutionCache();',
    'sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'The quick brown fox jumps over the lazy dog and keeps on running far away.',
  ]) {
    assert.deepEqual(embeddedTexts(plain), [], plain);
  }
});

test('a secret inside embedded base64 is redacted in its encoded form; the decoded copy adds no second rewrite', async () => {
  const { decide } = await import('../../../extension/gateway');
  const { loadPolicyRef } = await import('../gateway/support/policy');
  const policy = await loadPolicyRef('airlock:secrets');
  const encoded = b64('aws_access_key_id = AKIAZ7K2QW5RT6YX3VB4');
  const content = `kubectl get secret aws -o yaml\ndata:\n  key: ${encoded}\n`;
  const body = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] }));
  const d = decide({ policy, dialect: 'openai-chat', body, destination: 'https://api.openai.com/v1/chat/completions' });
  assert.equal(d.kind, 'forward');
  assert.ok(d.verdict?.findings.some((f) => f.detector === 'aws-access-key-id' && f.segment?.includes('#base64@')), 'the decoded copy was read');
  const sent = (JSON.parse(d.kind === 'forward' ? d.body!.toString('utf8') : '{}') as { messages: { content: string }[] }).messages[0]!.content;
  assert.ok(!sent.includes(encoded.slice(24)) && !sent.includes('AKIAZ7K2QW5RT6YX3VB4'), sent);
  assert.match(sent, /^kubectl get secret aws -o yaml\ndata:\n {2}key: \S*\[REDACTED:aws-access-key-id#1\]/);
});

test('a redaction only the decoded copy of a base64 run has cannot be written back: rebuildBody throws (the gateway blocks)', async () => {
  const { parseBody, rebuildBody } = await import('../../../extension/core/dialects');
  const encoded = b64('note: the build token is QX7vT9mK2pL8wR4nZ6yB and nothing else');
  const original = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `blob ${encoded}` }] });
  const parsed = parseBody('openai-chat', original, { destination: 'https://api.openai.com/v1/chat/completions' });
  const embedded = parsed.request.segments.find((s) => s.id.includes('#base64@'))!;
  const start = embedded.text.indexOf('QX7v');
  const redacted = parsed.request.segments.map((s) => (s === embedded ? { ...s, text: s.text.replace('QX7vT9mK2pL8wR4nZ6yB', '[REDACTED:x#1]') } : s));
  const own = { rule: 'r', kind: 'secret' as const, action: 'redact' as const, segment: embedded.id, start, end: start + 20 };
  assert.throws(() => rebuildBody(original, parsed, redacted, [own]), /outside the body/);
  // Covered when the parent's redaction spans the quanta that encode it.
  const parentStart = `blob `.length;
  const parent = { rule: 'r', kind: 'secret' as const, action: 'redact' as const, segment: 'messages[0].content', start: parentStart, end: parentStart + encoded.length };
  assert.equal(rebuildBody(original, parsed, redacted, [own, parent]), undefined, 'nothing of its own to write: the parent segment was not changed in this synthetic case');
  // A parent redaction that stops one quantum short does not cover it.
  const short = { ...parent, end: parentStart + Math.ceil((start + 20) / 3) * 4 - 1 };
  assert.throws(() => rebuildBody(original, parsed, redacted, [own, short]), /outside the body/);
});
