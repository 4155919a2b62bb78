// The official `ollama` client through the gateway (native API), and its OpenAI-compatible /v1.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { withGateway } from './support/harness';
import { loadGatewayTestPolicy } from './support/policy';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

test('chat, generate and model listing through the native API', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const ollama = new Ollama({ host: gateway.urls.ollama });
    const tags = await ollama.list();
    assert.equal(tags.models[0]?.name, 'fake:latest');
    const chat = await ollama.chat({ model: 'llama', messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(chat.message.content, 'ok');
    const generated = await ollama.generate({ model: 'llama', prompt: `key ${SECRET}`, system: 'be brief' });
    assert.equal(generated.response, 'ok');
    const body = upstream.requests[2]!.body.toString('utf8');
    assert.ok(!body.includes(SECRET));
    assert.match(body, /\[REDACTED:aws-access-key-id#1\]/);
  });
});

test('a blocked request surfaces the policy message in the ollama error', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const ollama = new Ollama({ host: gateway.urls.ollama });
    await assert.rejects(
      ollama.chat({ model: 'llama', messages: [{ role: 'user', content: '<file_content path="src/x.ts">\nexport const x = 1;\n</file_content>' }] }),
      (e: Error & { status_code?: number }) => e.status_code === 400 && /no-protected-code-anywhere/.test(e.message),
    );
    assert.equal(upstream.requests.length, 0);
  });
});

test('NDJSON streams arrive incrementally and abort propagates upstream', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const ollama = new Ollama({ host: gateway.urls.ollama });
    upstream.behaviour.hold = true;
    const stream = await ollama.chat({ model: 'llama', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.message.content, 'w0 ');
    const aborted = upstream.nextClientAbort();
    stream.abort();
    await aborted; // the fake upstream saw its response closed before it was complete
  });
});

test('an upstream reset mid-stream is an error, not a clean end', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    upstream.behaviour.resetAfterFirst = true;
    const ollama = new Ollama({ host: gateway.urls.ollama });
    const stream = await ollama.generate({ model: 'llama', prompt: 'hi', stream: true });
    await assert.rejects(async () => {
      for await (const _part of stream) {
        // consume
      }
    });
  });
});

test("Ollama's OpenAI-compatible /v1 API is inspected like OpenAI", async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const openai = new OpenAI({ baseURL: `${gateway.urls.ollama}/v1`, apiKey: 'ollama', maxRetries: 0 });
    await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: `aws_access_key_id=${SECRET}` }] });
    assert.equal(upstream.requests[0]?.url, '/v1/chat/completions');
    assert.ok(!upstream.requests[0]!.body.toString('utf8').includes(SECRET));
  });
});
