// The official `openai` client through the gateway: allowed, redacted, blocked, streamed.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import OpenAI from 'openai';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { withGateway } from './support/harness';
import { loadGatewayTestPolicy } from './support/policy';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

const client = (baseURL: string) => new OpenAI({ baseURL, apiKey: 'sk-test-client-key', maxRetries: 0, timeout: 5000 });

test('an allowed chat request arrives byte-identical, with the client auth header', async () => {
  await withGateway(() => policy, async ({ gateway, upstream, audit }) => {
    let sent: string | undefined;
    const openai = new OpenAI({
      baseURL: gateway.urls.openai,
      apiKey: 'sk-test-client-key',
      maxRetries: 0,
      fetch: async (url, init) => {
        sent = typeof init?.body === 'string' ? init.body : undefined;
        return fetch(url, init);
      },
    });
    const answer = await openai.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'How do I reverse a list in Python?' }] });
    assert.equal(answer.choices[0]?.message.content, 'ok');
    const received = upstream.requests[0]!;
    assert.equal(received.url, '/v1/chat/completions');
    assert.equal(received.body.toString('utf8'), sent);
    assert.equal(received.headers['authorization'], 'Bearer sk-test-client-key');
    assert.equal(audit[0]?.action, 'allow');
    assert.equal(audit[0]?.dialect, 'openai-chat');
    assert.ok(!JSON.stringify(audit).includes('reverse a list'));
  });
});

test('a secret is redacted: the upstream gets the placeholder, never the value', async () => {
  await withGateway(() => policy, async ({ gateway, upstream, decisions, audit }) => {
    await client(gateway.urls.openai).chat.completions.create({
      model: 'gpt-x',
      temperature: 0.25,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: `boto fails with aws_access_key_id = ${SECRET} — why?` },
      ],
    });
    const received = upstream.requests[0]!;
    const text = received.body.toString('utf8');
    assert.ok(!text.includes(SECRET));
    assert.match(text, /\[REDACTED:aws-access-key-id#1\]/);
    assert.equal(Number(received.headers['content-length']), received.body.length);
    const json = JSON.parse(text) as { temperature: number; messages: { content: string }[] };
    assert.equal(json.temperature, 0.25);
    assert.equal(json.messages[0]?.content, 'be brief');
    assert.equal(decisions[0]?.record.action, 'redact');
    assert.deepEqual(audit[0]?.detectors, ['aws-access-key-id']);
    assert.equal(audit[0]?.matchHashes.length, 1);
    assert.ok(!JSON.stringify(audit).includes(SECRET));
  });
});

test('protected code is blocked: nothing arrives and the SDK error carries the rule and message', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const error = await client(gateway.urls.openai)
      .chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'refactor:\n```ts src/billing/invoice.ts\nexport const total = 1;\n```' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'airlock_blocked');
    assert.match(error.message, /no-protected-code-anywhere/);
    assert.match(error.message, /Protected code may not leave/);
    assert.equal(upstream.requests.length, 0);
  });
});

test('Responses API and model listing go through; streaming chat arrives chunk by chunk', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const openai = client(gateway.urls.openai);
    const models = await openai.models.list();
    assert.equal(models.data[0]?.id, 'fake');
    const response = await openai.responses.create({ model: 'gpt-x', instructions: 'be brief', input: 'hello there' });
    assert.equal(response.output_text, 'ok');
    assert.equal(upstream.requests[1]?.url, '/v1/responses');

    upstream.behaviour.hold = true;
    const stream = await openai.chat.completions.create({ model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'stream please' }] });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    // The upstream is still holding the rest: the first chunk came through unbuffered.
    assert.equal(first.value?.choices[0]?.delta.content, 'w0 ');
    upstream.release();
    const rest: string[] = [];
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) rest.push(n.value.choices[0]?.delta.content ?? '');
    assert.equal(rest.join(''), 'w1 w2 ');
  });
});

test('aborting a stream in the SDK cancels the upstream request', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    upstream.behaviour.hold = true;
    const controller = new AbortController();
    const stream = await client(gateway.urls.openai).chat.completions.create({ model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'long answer please' }] }, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const aborted = upstream.nextClientAbort();
    controller.abort();
    await aborted; // the fake upstream saw its response closed before it was complete
  });
});
