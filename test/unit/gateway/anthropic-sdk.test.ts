// The official `@anthropic-ai/sdk` client through the gateway.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { withGateway } from './support/harness';
import { loadGatewayTestPolicy } from './support/policy';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

const client = (baseURL: string) => new Anthropic({ baseURL, apiKey: 'sk-ant-test-client', maxRetries: 0, timeout: 5000 });

test('an allowed message arrives byte-identical with its auth header untouched', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const answer = await client(gateway.urls.anthropic).messages.create({ model: 'claude-x', max_tokens: 10, system: 'be brief', messages: [{ role: 'user', content: 'How do I reverse a list?' }] });
    assert.deepEqual(answer.content[0], { type: 'text', text: 'ok' });
    const received = upstream.requests[0]!;
    assert.equal(received.url, '/v1/messages');
    assert.equal(received.headers['authorization'] ?? received.headers['x-api-key'], received.headers['authorization'] ? 'Bearer sk-ant-test-client' : 'sk-ant-test-client');
    assert.deepEqual(JSON.parse(received.body.toString('utf8')), { model: 'claude-x', max_tokens: 10, system: 'be brief', messages: [{ role: 'user', content: 'How do I reverse a list?' }] });
  });
});

test('a secret inside a tool_result block is redacted in place', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    await client(gateway.urls.anthropic).messages.create({
      model: 'claude-x',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'read the env' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'cat .env' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: `AWS_ACCESS_KEY_ID=${SECRET}\n` }] },
      ],
    });
    const text = upstream.requests[0]!.body.toString('utf8');
    assert.ok(!text.includes(SECRET));
    const json = JSON.parse(text) as { messages: { content: { content?: string; input?: unknown }[] }[] };
    assert.equal(json.messages[2]?.content[0]?.content, 'AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key-id#1]\n');
    assert.deepEqual(json.messages[1]?.content[0]?.input, { command: 'cat .env' });
  });
});

test('a file read by a tool is blocked and the SDK error names the rule', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const error = await client(gateway.urls.anthropic)
      .messages.create({
        model: 'claude-x',
        max_tokens: 10,
        messages: [
          { role: 'user', content: 'fix it' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'src/core/engine.ts' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '     1→export const engine = 1;\n' }] },
        ],
      })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Anthropic.APIError, String(error));
    // 400 invalid_request_error: Claude Code shows "API Error: 400 <message>", not "Failed to authenticate".
    assert.equal(error.status, 400);
    assert.equal((error.error as { error?: { type?: string } }).error?.type, 'invalid_request_error');
    assert.equal(error.headers?.get('x-should-retry'), 'false');
    assert.match(error.message, /no-protected-code-anywhere/);
    assert.equal(upstream.requests.length, 0);
  });
});

test('streams arrive incrementally; an upstream reset mid-stream is an error in the SDK', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const anthropic = client(gateway.urls.anthropic);
    upstream.behaviour.hold = true;
    const stream = await anthropic.messages.create({ model: 'claude-x', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.type, 'message_start');
    upstream.release();
    const types: string[] = [];
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) types.push(n.value.type);
    assert.equal(types.at(-1), 'message_stop');

    upstream.behaviour.hold = false;
    upstream.behaviour.resetAfterFirst = true;
    const broken = await anthropic.messages.create({ model: 'claude-x', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    await assert.rejects(async () => {
      for await (const _event of broken) {
        // consume until the broken connection surfaces
      }
    });
  });
});
