// Decoded secrets end to end: `airlock scan` reports each encoded secret at the position of its
// encoded form, and the gateway redacts it so the fake upstream receives the placeholder and
// never the encoded original (only the public behaviour: what arrives upstream). The gateway
// also decodes base64 runs itself; that second copy must not turn the redaction into a block.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { before, test } from 'node:test';
import OpenAI from 'openai';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { runAirlock, tempTree } from '../cli/scanSupport';
import { withGateway } from '../gateway/support/harness';
import { loadGatewayTestPolicy } from '../gateway/support/policy';
import { DECODING_CASES, fakeGithubToken, nestedDecodings } from './samples';

let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

test('airlock scan finds every decoded case at the position of its encoded form', async () => {
  const files: Record<string, string> = {};
  const expected: string[] = [];
  DECODING_CASES.forEach((c, i) => {
    const { text, encoded, detector } = c.build(100 + i);
    const name = `case-${i}.txt`;
    files[name] = text;
    expected.push(`${name}:${lineColumn(text, text.indexOf(encoded))}: redact secrets ${detector}`);
  });
  const root = tempTree(files);
  try {
    const result = await runAirlock(['scan', '.'], root);
    assert.equal(result.code, 0, result.stderr);
    for (const line of expected) assert.ok(result.stdout.split('\n').some((l) => l.startsWith(line)), `missing "${line}" in:\n${result.stdout}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/**
 * Sends one chat request of `contents` (one user message each) through a gateway with the test
 * policy, with the real OpenAI client: 'forwarded' or the client's error, and the message
 * contents of every request the fake upstream received.
 */
async function throughGateway(contents: readonly string[]): Promise<{ outcome: unknown; upstream: string[][] }> {
  let result: { outcome: unknown; upstream: string[][] } | undefined;
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const openai = new OpenAI({ baseURL: gateway.urls.openai, apiKey: 'sk-test-client-key', maxRetries: 0, timeout: 5000 });
    const outcome = await openai.chat.completions.create({ model: 'gpt-x', messages: contents.map((content) => ({ role: 'user' as const, content })) }).then(() => 'forwarded', (e: unknown) => e);
    const sent = upstream.requests.map((r) => (JSON.parse(r.body.toString('utf8')) as { messages: { content: string }[] }).messages.map((m) => m.content));
    result = { outcome, upstream: sent };
  });
  return result!;
}

for (const c of DECODING_CASES) {
  test(`gateway: ${c.name} — the upstream gets a placeholder instead of the encoded original`, async () => {
    const { text, encoded, detector } = c.build(200);
    const { outcome, upstream } = await throughGateway([`why does this fail?\n${text}`]);
    assert.equal(outcome, 'forwarded', `redacted and forwarded, not refused: ${String(outcome)}`);
    const content = upstream[0]![0]!;
    assert.ok(!content.includes(encoded), 'the encoded secret reached the upstream');
    assert.match(content, new RegExp(`\\[REDACTED:${detector}#1\\]`));
    assert.ok(content.startsWith('why does this fail?\n'));
  });
}

test('gateway: a data: URL copied into a decoded view (URL-encoded name) is redacted once, by the request reader, not refused', async () => {
  // The URL view copies the line; decoding its payload there too found the token a second time,
  // at its encoded span, overlapping the reader's own redaction: the request failed closed.
  const token = fakeGithubToken(3);
  const payload = Buffer.from(`notes\nGITHUB_TOKEN=${token}\n`).toString('base64');
  const content = `data:text/plain;name=build%20notes.txt;base64,${payload}`;
  const { outcome, upstream } = await throughGateway([content]);
  assert.equal(outcome, 'forwarded', String(outcome));
  const sent = upstream[0]![0]!;
  assert.ok(!sent.includes(payload));
  assert.ok(!Buffer.from(sent.slice(sent.indexOf('base64,') + 7), 'base64').toString().includes(token), 'the token reached the upstream');
});

// A message that is nothing but a base64 payload is read twice: as sent (the secrets pack
// decodes it) and decoded by the request reader. Both found the secret and the overlap was
// refused; UTF-16LE, which the reader takes for binary, went out unseen when the pack skipped
// whole-text payloads.
for (const [name, bytes] of [
  ['plain text', (t: string) => Buffer.from(`[deploy]\ntoken = ${t}\n`)],
  ['text with a UTF-8 byte order mark', (t: string) => Buffer.from(`\ufeff[deploy]\ntoken = ${t}\n`)],
  ['UTF-16LE text over 4 KB (scanned alone)', (t: string) => Buffer.from(`${'#'.repeat(3000)}\n$env:GH_TOKEN = '${t}'`, 'utf16le')],
] as const) {
  test(`gateway: a message that is only base64 of ${name} is redacted, not refused, and the token never reaches the upstream`, async () => {
    const token = fakeGithubToken(9);
    const content = bytes(token).toString('base64');
    const { outcome, upstream } = await throughGateway([content]);
    assert.equal(outcome, 'forwarded', String(outcome));
    const sent = upstream[0]![0]!;
    assert.ok(!sent.includes(content));
    const decoded = Buffer.from(sent.replace(/\[REDACTED:[^\]]*\]/g, ''), 'base64');
    assert.ok(!decoded.toString('utf8').includes(token) && !decoded.toString('utf16le').includes(token), 'the token reached the upstream');
  });
}

// One edit stands for both copies only when it removes every char the other removes (review of
// 19a705a: with mere overlap, a secret found in one copy only went out beside one found in both).
test('gateway: a secret found only in the payload as sent (near a key id in another message, or a key block the decoded copy does not match) is never forwarded', async () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const awsSecret = 'wJq7ZtR2pLx9Vb4Nc8Ks1Hd6Fy3Gm5Qa0We2Tr7U';
  const token = fakeGithubToken(9);
  const keyBody = Array.from({ length: 12 }, (_, i) => b64(`line ${i} `.repeat(5)).slice(0, 64)).join('\n');
  const requests: { content: string[]; leaked: (decoded: string) => boolean }[] = [0, 1, 2].map((pad) => ({
    content: [b64('key AKIAQ3EGUJ7ZFRW5XKLP ok\n'), b64(`${'x'.repeat(pad)}Authorization: Bearer Zk83hQ2mVx7TpL4wRn9c ${awsSecret} ${'lorem ipsum dolor sit amet, '.repeat(4)}\n`)],
    leaked: (decoded: string) => decoded.includes(awsSecret),
  }));
  requests.push({ content: [b64(`-----BEGIN PRIVATE KEY-----\nComment: deploy ${token}\n${keyBody}\n`)], leaked: (decoded) => decoded.includes(keyBody.slice(0, 64)) });
  for (const { content, leaked } of requests) {
    const { upstream } = await throughGateway(content);
    for (const message of upstream.flat()) assert.ok(!leaked(Buffer.from(message.replace(/\[REDACTED:[^\]]*\]/g, ''), 'base64').toString()), 'a secret reached the upstream');
  }
});

// A pair on the two sides of an encoding boundary and of a message boundary: the key id in plain
// text in one message, its secret key base64-encoded in the next (a reviewer's leak: the decoded
// secret sat in the view, far from the id in the text).
test('gateway: an AWS secret key base64-encoded in the message after its plain key id is redacted', async () => {
  const awsSecret = 'wJq7ZtR2pLx9Vb4Nc8Ks1Hd6Fy3Gm5Qa0We2Tr7U';
  const encoded = Buffer.from(awsSecret).toString('base64');
  const { outcome, upstream } = await throughGateway(['my key id is AKIAQ3EGUJ7ZFRW5XKLP', `and the secret, base64: ${encoded}`]);
  assert.equal(outcome, 'forwarded', String(outcome));
  const [, second] = upstream[0]!;
  assert.ok(!second!.includes(encoded), 'the encoded secret reached the upstream');
  assert.match(second!, /\[REDACTED:aws-secret-near-access-key-id#1\]/);
});

// Review of 0b7bf07: with the text copied between decoded blocks, a key id and a secret each
// base64-encoded 700 chars apart no longer paired in the message, but still did in the request
// reader's decoded copies (scanned side by side): a redaction no field holds, so the request
// was refused. The decoded view keeps its blocks side by side again (the copies are a view of
// their own).
test('gateway: a key id and a secret key each base64-encoded, messages apart, are redacted, not refused', async () => {
  const awsSecret = 'wJq7ZtR2pLx9Vb4Nc8Ks1Hd6Fy3Gm5Qa0We2Tr7U';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const filler = 'lorem ipsum dolor sit amet '.repeat(26).slice(0, 700);
  const { outcome, upstream } = await throughGateway([`first: ${b64('the key id is AKIAQ3EGUJ7ZFRW5XKLP ok')}`, filler, `later: ${b64(awsSecret)}`]);
  assert.equal(outcome, 'forwarded', String(outcome));
  assert.ok(!upstream[0]![2]!.includes(b64(awsSecret)), 'the encoded secret reached the upstream');
});

test('gateway: a message nested in several decodings throughout is refused (the decode budget), with a message that quotes none of it', async () => {
  const { outcome, upstream } = await throughGateway([nestedDecodings()]);
  assert.ok(outcome instanceof OpenAI.APIError, String(outcome));
  assert.match(outcome.message, /decodings nested in each other/);
  assert.ok(!outcome.message.includes('abcdefgh'));
  assert.deepEqual(upstream, []);
});

test('gateway: escaped JSON holding HTML with encoded links, wrapped in JSON again (a WordPress API response in a transcript), is forwarded, not refused', async () => {
  const post = { html: '<p>Rolling out the canary release pushes the image. See <a href="https://example.com/docs/?q=how%20to&#038;ref=blog">the guide</a>.</p>\n' };
  const { outcome, upstream } = await throughGateway([JSON.stringify({ text: JSON.stringify(Array(4000).fill(post)) })]);
  assert.equal(outcome, 'forwarded', String(outcome));
  assert.equal(upstream.length, 1);
});
