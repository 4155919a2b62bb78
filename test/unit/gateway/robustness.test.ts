// Requests the gateway must refuse cleanly: too large, garbage, wrongly typed, gzip bombs,
// browser origins, foreign Host names; and fail-closed behaviour when the policy is missing or throws.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import type { AirlockPolicy } from '../../../extension/core/policy';
import type { CompiledPolicy } from '../../../extension/core/policy/contract';
import { rawRequest, withGateway } from './support/harness';
import { loadGatewayTestPolicy, loadPolicyRef } from './support/policy';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

const chat = (content: string) => JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] });
const json = { 'content-type': 'application/json' };

test('an oversized body is answered 413 in the dialect shape and never forwarded', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const openai = new OpenAI({ baseURL: gateway.urls.openai, apiKey: 'k', maxRetries: 0 });
    const error = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, 413);
    assert.equal(upstream.requests.length, 0);
  }, { maxBodyBytes: 64 * 1024 });
});

test('garbage and wrongly-typed bodies are blocked (onUnparseable defaults to block)', async () => {
  await withGateway(() => policy, async ({ gateway, upstream, audit }) => {
    const garbage = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: json, body: '{"messages": [ this is not json' });
    assert.equal(garbage.status, 400);
    const body = JSON.parse(garbage.body) as { error: { message: string; type: string } };
    assert.match(body.error.message, /could not read this request/);
    assert.ok(!body.error.message.includes('this is not json'));
    const wrongType = await rawRequest(gateway.port, '/anthropic/v1/messages', { headers: json, body: JSON.stringify({ model: 'm', messages: 'hello' }) });
    assert.equal(wrongType.status, 400);
    assert.equal((JSON.parse(wrongType.body) as { type: string }).type, 'error');
    const unknownEndpoint = await rawRequest(gateway.port, '/ollama/api/create', { headers: json, body: '{}' });
    assert.equal(unknownEndpoint.status, 400);
    assert.ok(typeof (JSON.parse(unknownEndpoint.body) as { error: string }).error === 'string');
    assert.equal(upstream.requests.length, 0);
    assert.ok(audit.every((r) => r.action === 'block' && r.reason === 'unparseable'));
  });
});

test('a secret in an unparseable body still blocks; onUnparseable "allow" forwards clean garbage', async () => {
  const lenient = await loadPolicyRef('/test/gateway-policy.jsonc');
  const allowing: CompiledPolicy = Object.assign(Object.create(lenient) as AirlockPolicy, { onUnparseable: 'allow', unparseableVerdict: undefined });
  await withGateway(() => allowing, async ({ gateway, upstream }) => {
    const clean = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: json, body: 'not json at all' });
    assert.equal(clean.status, 200);
    assert.equal(upstream.requests[0]?.body.toString('utf8'), 'not json at all');
    const withSecret = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: json, body: `not json ${SECRET}` });
    assert.equal(withSecret.status, 400);
    assert.ok(!withSecret.body.includes(SECRET));
    assert.equal(upstream.requests.length, 1);
  });
});

test('gzip bodies are decoded for inspection; a gzip bomb gets 413', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const zipped = gzipSync(chat(`key ${SECRET}`));
    const redacted = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { ...json, 'content-encoding': 'gzip' }, body: zipped });
    assert.equal(redacted.status, 200);
    const received = upstream.requests[0]!;
    assert.equal(received.headers['content-encoding'], undefined);
    assert.ok(!received.body.toString('utf8').includes(SECRET));

    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 100 * 1024);
    const answer = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { ...json, 'content-encoding': 'gzip' }, body: bomb });
    assert.equal(answer.status, 413);
    const broken = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { ...json, 'content-encoding': 'gzip' }, body: 'not gzip' });
    assert.equal(broken.status, 400);
    for (const [encoding, encode] of [['br', brotliCompressSync], ['deflate', deflateSync]] as const) {
      const answer = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { ...json, 'content-encoding': encoding }, body: encode(chat(`key ${SECRET}`)) });
      assert.equal(answer.status, 200);
      assert.ok(!upstream.requests.at(-1)!.body.toString('utf8').includes(SECRET));
    }
    // A clean compressed body is allowed and forwarded exactly as sent, still compressed.
    const clean = gzipSync(chat('hello'));
    await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { ...json, 'content-encoding': 'gzip' }, body: clean });
    assert.deepEqual(upstream.requests.at(-1)!.body, clean);
    assert.equal(upstream.requests.at(-1)!.headers['content-encoding'], 'gzip');
  }, { maxBodyBytes: 1024 * 1024 });
});

test('a browser Origin or a foreign Host is refused with 403', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const origin = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { ...json, origin: 'https://evil.example' }, body: chat('hi') });
    assert.equal(origin.status, 403);
    const rebinding = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: { ...json, host: `evil.example:${gateway.port}` }, body: chat('hi') });
    assert.equal(rebinding.status, 403);
    const models = await rawRequest(gateway.port, '/openai/v1/models', { method: 'GET', headers: { host: `attacker.test:${gateway.port}` } });
    assert.equal(models.status, 403);
    const localhost = await rawRequest(gateway.port, '/openai/v1/models', { method: 'GET', headers: { host: `localhost:${gateway.port}` } });
    assert.equal(localhost.status, 200);
    const unknown = await rawRequest(gateway.port, '/elsewhere/v1/models', { method: 'GET' });
    assert.equal(unknown.status, 404);
    assert.equal(upstream.requests.length, 1);
  });
});

test('no policy, a throwing provider or a throwing engine: nothing is forwarded', async () => {
  const throwingEngine: CompiledPolicy = {
    layers: ['broken'],
    evaluateEgress: () => {
      throw new Error(`engine bug while reading ${SECRET}`);
    },
    reviewFor: () => ({}),
    isProtectedPath: () => undefined,
  };
  let current: () => CompiledPolicy | undefined = () => undefined;
  await withGateway(() => current(), async ({ gateway, upstream, audit }) => {
    const openai = new OpenAI({ baseURL: gateway.urls.openai, apiKey: 'k', maxRetries: 2 });
    const noPolicy = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(noPolicy instanceof OpenAI.APIError);
    assert.equal(noPolicy.status, 503);
    current = () => {
      throw new Error('provider failed');
    };
    const providerThrows = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: json, body: chat('hi') });
    assert.equal(providerThrows.status, 503);
    current = () => throwingEngine;
    const engineThrows = await rawRequest(gateway.port, '/anthropic/v1/messages', { headers: json, body: chat(`secret ${SECRET}`) });
    assert.equal(engineThrows.status, 500);
    assert.ok(!engineThrows.body.includes(SECRET));
    assert.equal(engineThrows.headers['x-should-retry'], 'false');
    // The policy may be swapped at run time: the next request uses the new one.
    current = () => policy;
    const ok = await rawRequest(gateway.port, '/openai/v1/chat/completions', { headers: json, body: chat('hi') });
    assert.equal(ok.status, 200);
    assert.equal(upstream.requests.length, 1);
    assert.ok(!JSON.stringify(audit).includes(SECRET));
  });
});
