// The new dialects end to end with official SDKs: Gemini (@google/genai) by base URL
// (GOOGLE_GEMINI_BASE_URL=…/gemini) and through the proxy; GitHub Copilot's API (chat and inline
// completions) and Codex's ChatGPT backend (Responses shape) through the proxy.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { withGateway } from './support/harness';
import { loadGatewayTestPolicy } from './support/policy';
import { withProxy } from './support/proxyHarness';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
const PROTECTED = 'refactor:\n```ts src/billing/invoice.ts\nexport const total = 1;\n```';
let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

test('Gemini by base URL (@google/genai): streamGenerateContent?alt=sse arrives as sent, streamed back event by event', async () => {
  await withGateway(() => policy, async ({ gateway, upstream, audit }) => {
    const ai = new GoogleGenAI({ apiKey: 'gm-test-key', httpOptions: { baseUrl: gateway.urls.gemini } });
    upstream.behaviour.hold = true;
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'How do I reverse a list in Python?' });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.value?.text, 'w0 ');
    upstream.release();
    const rest: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value.text ?? '');
    assert.equal(rest.join(''), 'w1 w2 ');
    const received = upstream.requests[0]!;
    // The SDK picks the API version (v1beta by default, v1 with a custom base URL); the path is kept as sent.
    assert.match(received.url, /^\/v1(beta)?\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/);
    assert.equal(received.headers['x-goog-api-key'], 'gm-test-key');
    assert.equal(audit[0]?.dialect, 'gemini-generate');
    assert.equal(audit[0]?.action, 'allow');
  });
});

test('Gemini by base URL: a secret is redacted; protected code is blocked with Airlock\'s message in the Gemini error shape', async () => {
  await withGateway(() => policy, async ({ gateway, upstream }) => {
    const ai = new GoogleGenAI({ apiKey: 'gm-test-key', httpOptions: { baseUrl: gateway.urls.gemini } });
    const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: `why does boto say aws_access_key_id = ${SECRET} is invalid?`, config: { systemInstruction: 'be brief' } });
    assert.equal(answer.text, 'ok');
    const sent = upstream.requests[0]!.body.toString('utf8');
    assert.ok(!sent.includes(SECRET));
    assert.match(sent, /\[REDACTED:aws-access-key-id#1\]/);
    assert.match(sent, /be brief/);

    const error = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: PROTECTED }).then(() => undefined, (e: unknown) => e as Error & { status?: number });
    assert.ok(error, 'blocked');
    assert.equal(error.status, 400);
    assert.match(error.message, /Airlock \[rule no-protected-code-anywhere\]: Protected code may not leave/);
    assert.match(error.message, /INVALID_ARGUMENT/);
    assert.equal(upstream.requests.length, 1);
  });
});

test('Gemini through the proxy: generativelanguage.googleapis.com is inspected (countTokens too)', async () => {
  await withProxy(() => policy, async ({ fetch: proxied, ai: fake, audit }) => {
    // @google/genai uses the global fetch: route it through the proxy for this client only.
    const saved = globalThis.fetch;
    globalThis.fetch = proxied();
    try {
      const ai = new GoogleGenAI({ apiKey: 'gm-test-key' });
      const count = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count these' });
      assert.equal(count.totalTokens, 3);
      await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: `key ${SECRET}` });
    } finally {
      globalThis.fetch = saved;
    }
    assert.equal(fake.requests[0]?.headers['host'], 'generativelanguage.googleapis.com');
    assert.ok(!fake.requests[1]!.body.toString('utf8').includes(SECRET));
    assert.deepEqual(audit.filter((r) => r.dialect !== 'connect').map((r) => [r.dialect, r.action]), [['gemini-generate', 'allow'], ['gemini-generate', 'redact']]);
  });
});

test('GitHub Copilot through the proxy: chat is redacted, an inline completion with protected code is blocked, the token exchange is tunnelled', async () => {
  await withProxy(() => policy, async ({ openai, fetch: proxied, ai, other, audit }) => {
    const copilot = openai('https://api.githubcopilot.com');
    await copilot.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: `aws_access_key_id = ${SECRET}` }] });
    assert.equal(ai.requests[0]?.url, '/chat/completions');
    assert.equal(ai.requests[0]?.headers['host'], 'api.githubcopilot.com');
    assert.ok(!ai.requests[0]!.body.toString('utf8').includes(SECRET));

    const inline = openai('https://copilot-proxy.githubusercontent.com/v1/engines/copilot-codex');
    const error = await inline.completions.create({ model: 'copilot-codex', prompt: '// Path: src/billing/invoice.ts\n// COMPANY CONFIDENTIAL\nexport const total = ', suffix: '\n', max_tokens: 50 }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.match(error.message, /^4\d\d Airlock \[rule /);
    assert.equal(ai.requests.length, 1);

    // Copilot's sign-in token exchange goes to api.github.com: not an AI host, tunnelled untouched.
    const token = await proxied()('https://api.github.com/copilot_internal/v2/token', { headers: { authorization: 'token gho_x' } }).then(
      () => 'trusted-airlock-ca',
      (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
    );
    // The client trusts only the Airlock CA here, and the tunnel shows api.github.com's own certificate.
    assert.match(token, /self[- ]signed|unable to (get|verify)|certificate/i);
    assert.deepEqual(
      audit.filter((r) => r.dialect === 'connect').map((r) => [r.destination, r.proxy]),
      [['api.githubcopilot.com:443', 'inspect'], ['copilot-proxy.githubusercontent.com:443', 'inspect'], ['api.github.com:443', 'tunnel']],
    );
    assert.equal(other.requests.length, 0);
    assert.equal(audit.find((r) => r.dialect === 'openai-completions')?.action, 'block');
  });
});

test('Codex\'s ChatGPT backend through the proxy: /backend-api/codex/responses is the Responses dialect', async () => {
  await withProxy(() => policy, async ({ openai, ai, audit }) => {
    const codex = openai('https://chatgpt.com/backend-api/codex');
    const answer = await codex.responses.create({ model: 'gpt-5-codex', instructions: 'You are Codex.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'list the files' }] }], store: false });
    assert.equal(answer.output_text, 'ok');
    const sent = ai.requests[0]!.body.toString('utf8');
    assert.equal(ai.requests[0]?.url, '/backend-api/codex/responses');
    assert.equal(ai.requests[0]?.headers['host'], 'chatgpt.com');
    assert.match(sent, /list the files/);

    const error = await codex.responses.create({ model: 'gpt-5-codex', input: [{ type: 'function_call_output', call_id: 'c1', output: PROTECTED }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError);
    assert.match(error.message, /Airlock \[rule protected-code-stays-internal\]/);
    assert.equal(ai.requests.length, 1);
    assert.deepEqual(audit.filter((r) => r.dialect === 'openai-responses').map((r) => r.action), ['allow', 'block']);
  });
});

test('assistants are named from the headers the real clients send (captured in test/fixtures/agents), also in proxy mode', async () => {
  const { assistantFromHeaders } = await import('../../../extension/gateway/assistant');
  assert.equal(assistantFromHeaders({ 'user-agent': 'GeminiCLI-tui/0.61.0/gemini-2.5-flash (linux; x64; terminal)' }), 'gemini-cli');
  assert.equal(assistantFromHeaders({ 'user-agent': 'codex_exec/0.171.0 (Debian 12.0.0; x86_64) dumb (codex_exec; 0.171.0)' }), 'codex');
  assert.equal(assistantFromHeaders({ 'user-agent': 'opencode/1.18.33 ai-sdk/provider-utils/4.0.40 runtime/bun/1.3.14' }), 'opencode');
  assert.equal(assistantFromHeaders({ 'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)' }), 'claude-code');
  assert.equal(assistantFromHeaders({ 'user-agent': 'GitHubCopilotChat/0.30.0', 'copilot-integration-id': 'vscode-chat' }), 'copilot');
  assert.equal(assistantFromHeaders({ 'user-agent': 'node', 'editor-plugin-version': 'copilot/1.300.0' }), 'copilot');
  assert.equal(assistantFromHeaders({ 'user-agent': 'OpenAI/JS 5.20.1' }), undefined);
});

test('Anthropic through the proxy (@anthropic-ai/sdk): api.anthropic.com is inspected, blocks in the Anthropic error shape', async () => {
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  await withProxy(() => policy, async ({ fetch: proxied, ai, audit }) => {
    const claude = new Anthropic({ apiKey: 'sk-ant-test', maxRetries: 0, fetch: proxied() });
    const answer = await claude.messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: `aws_access_key_id = ${SECRET}` }] });
    assert.equal(answer.content[0]?.type, 'text');
    assert.equal(ai.requests[0]?.headers['host'], 'api.anthropic.com');
    const received = ai.requests[0]!.headers;
    assert.equal(received['authorization'] ?? received['x-api-key'], received['authorization'] ? 'Bearer sk-ant-test' : 'sk-ant-test');
    assert.ok(!ai.requests[0]!.body.toString('utf8').includes(SECRET));
    const error = await claude.messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: PROTECTED }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Anthropic.APIError, String(error));
    assert.equal(error.status, 400);
    assert.match(error.message, /Airlock \[rule protected-code-stays-internal\]/);
    assert.equal(ai.requests.length, 1);
    assert.deepEqual(audit.filter((r) => r.dialect === 'anthropic-messages').map((r) => r.action), ['redact', 'block']);
  });
});
