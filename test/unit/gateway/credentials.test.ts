// Credential headers and query parameters are read like every other byte, over real HTTP with
// the official SDKs. The client's own key passes untouched; protected code or a marker in any
// header (credential headers and cookies included) blocks; a credential header holding
// something that is no credential (10 KB of prose and a protected function in `x-api-key`) is
// read in full; through the proxy, another service's key sent to a known provider is a secret.
// A policy's `credentials` extends that to its own destinations. No credential, nor any part of
// one, reaches the audit trail, the decision line or the answer.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import OpenAI from 'openai';
import { FingerprintIndex } from '../../../extension/core/fingerprint';
import { loadLayeredPolicy, type AirlockPolicy } from '../../../extension/core/policy';
import { rng, SAMPLES } from '../detectors/samples';
import { PRICING } from '../fingerprint/samples';
import { rawRequest, withGateway, type Harness } from './support/harness';
import { readPolicyRef } from './support/policy';
import { withProxy, type ProxyHarness } from './support/proxyHarness';

const sample = (detector: string, seed = 7) => SAMPLES.find((s) => s.detector === detector)!.value(rng(seed));
const OPENAI_KEY = sample('openai-project-key');
const ANTHROPIC_KEY = sample('anthropic-api-key');
const GOOGLE_KEY = sample('google-api-key');
const GITHUB_TOKEN = sample('github-pat-classic');
const AWS_KEY_ID = sample('aws-access-key-id');
const CODENAME = 'ACMEPROJECTX';
/** Thirteen lines of the protected pricing engine, on one line (a header value has no newlines). */
const PROTECTED_LINE = PRICING.split('\n').slice(3, 16).join(' ');
const json = { 'content-type': 'application/json' };
const chat = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

// Secrets redacted (airlock:secrets), protected code and the code-name marker blocked everywhere.
const POLICY = JSON.stringify({
  extends: ['airlock:secrets'],
  protected: { paths: ['src/**'], markers: ['COMPANY CONFIDENTIAL', CODENAME] },
  egress: [{ id: 'no-protected-code-anywhere', when: { protected: true }, action: 'block', message: 'Protected code may not leave this machine in tests.' }],
});
let policy: AirlockPolicy;
let index: FingerprintIndex;
before(async () => {
  const loaded = await loadLayeredPolicy({ workspace: '/test/credentials.jsonc' }, (ref) => (ref === '/test/credentials.jsonc' ? Promise.resolve(POLICY) : readPolicyRef(ref)));
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  policy = loaded.policy;
  index = new FingerprintIndex();
  index.add('src/pricing.ts', PRICING);
});

const withIndex = { protectedIndex: () => index };

/** No credential, nor its first 8 or last 6 characters, in the audit records, decision events or answer. */
function assertNotLeaked(h: Pick<Harness, 'audit' | 'decisions'>, answer: string, ...values: string[]): void {
  const trail = JSON.stringify(h.audit) + JSON.stringify(h.decisions) + answer;
  for (const v of values) assert.ok(!trail.includes(v.slice(0, 8)) && !trail.includes(v.slice(-6)), `part of a credential leaked: ${v.slice(0, 3)}…`);
}

async function refused<T>(p: Promise<T>): Promise<Error & { status?: number }> {
  return p.then(
    () => assert.fail('the request went through'),
    (e: unknown) => e as Error & { status?: number },
  );
}

test('the client’s own key passes untouched (OpenAI and Anthropic SDKs, Gemini `?key=`): forwarded as sent, no finding', async () => {
  await withGateway(() => policy, async (h) => {
    const openai = new OpenAI({ baseURL: h.gateway.urls.openai, apiKey: OPENAI_KEY, maxRetries: 0, timeout: 5000 });
    await openai.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'How do I reverse a list?' }] });
    assert.equal(h.upstream.requests[0]!.headers['authorization'], `Bearer ${OPENAI_KEY}`);
    const anthropic = new Anthropic({ baseURL: h.gateway.urls.anthropic, apiKey: ANTHROPIC_KEY, maxRetries: 0, timeout: 5000 });
    await anthropic.messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'How do I reverse a list?' }] });
    // This SDK sends the key as a bearer token; Claude Code and older SDKs send `x-api-key`.
    assert.equal(h.upstream.requests[1]!.headers['authorization'], `Bearer ${ANTHROPIC_KEY}`);
    const xApiKey = await rawRequest(h.gateway.port, '/anthropic/v1/messages', { headers: { ...json, 'x-api-key': ANTHROPIC_KEY }, body: JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(xApiKey.status, 200, xApiKey.body);
    assert.equal(h.upstream.requests[2]!.headers['x-api-key'], ANTHROPIC_KEY);
    const gemini = await rawRequest(h.gateway.port, `/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${GOOGLE_KEY}`, { headers: json, body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }) });
    assert.equal(gemini.status, 200, gemini.body);
    assert.equal(h.upstream.requests[3]!.url, `/v1beta/models/gemini-2.5-flash:generateContent?key=${GOOGLE_KEY}`);
    assert.deepEqual(
      h.audit.map((r) => [r.action, r.rules.length]),
      [
        ['allow', 0],
        ['allow', 0],
        ['allow', 0],
        ['allow', 0],
      ],
    );
    assertNotLeaked(h, '', OPENAI_KEY, ANTHROPIC_KEY, GOOGLE_KEY);
  });
});

test('protected code in a custom header of the OpenAI SDK (`defaultHeaders`) is found by fingerprint and blocked', async () => {
  await withGateway(
    () => policy,
    async (h) => {
      const openai = new OpenAI({ baseURL: h.gateway.urls.openai, apiKey: OPENAI_KEY, maxRetries: 0, timeout: 5000, defaultHeaders: { 'x-team-context': PROTECTED_LINE } });
      const error = await refused(openai.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }));
      assert.equal(error.status, 400);
      assert.match(error.message, /no-protected-code-anywhere/);
      assert.match(error.message, /src\/pricing\.ts/);
      assert.equal(h.upstream.requests.length, 0);
      assertNotLeaked(h, error.message, OPENAI_KEY);
    },
    withIndex,
  );
});

test('protected code or a marker in a credential header or cookie blocks; the same header with a key passes', async () => {
  await withGateway(
    () => policy,
    async (h) => {
      const code64 = Buffer.from(PRICING.split('\n').slice(3, 16).join('\n')).toString('base64');
      const cases: [string, Record<string, string>][] = [
        ['cookie with the marker', { cookie: `session=a1b2c3; note=${CODENAME}` }],
        ['cookie with the spaced marker', { cookie: 'note=COMPANY CONFIDENTIAL' }],
        ['x-api-key that is the marker', { 'x-api-key': `${CODENAME}-key` }],
        ['authorization: the marker as a token', { authorization: `Bearer ${CODENAME}` }],
        ['authorization: protected code as a base64 token', { authorization: `Bearer ${code64}` }],
        ['x-goog-api-key: protected code on one line', { 'x-goog-api-key': PROTECTED_LINE }],
      ];
      for (const [label, headers] of cases) {
        const answer = await rawRequest(h.gateway.port, '/openai/v1/chat/completions', { headers: { ...json, ...headers }, body: chat });
        assert.equal(answer.status, 400, `${label}: ${answer.body}`);
        assert.match(answer.body, /no-protected-code-anywhere/, label);
        assert.ok(!answer.body.includes(CODENAME) && !answer.body.includes(code64.slice(0, 12)), `${label}: echoed`);
      }
      assert.equal(h.upstream.requests.length, 0, 'nothing forwarded');
      const trail = JSON.stringify(h.audit) + JSON.stringify(h.decisions);
      assert.ok(!trail.includes(CODENAME) && !trail.includes('quoteFor'), 'the marker and the code are not in the trail');
      const ok = await rawRequest(h.gateway.port, '/openai/v1/chat/completions', { headers: { ...json, cookie: 'session=a1b2c3', 'x-api-key': OPENAI_KEY }, body: chat });
      assert.equal(ok.status, 200, ok.body);
    },
    withIndex,
  );
});

test('`x-api-key` holding 10 KB of prose and a protected function is no credential: read in full and blocked (Anthropic SDK)', async () => {
  await withGateway(
    () => policy,
    async (h) => {
      const prose = 'Please keep this context handy while answering questions about the billing service. '.repeat(120);
      const xApiKey = `${prose.slice(0, 5000)} ${PROTECTED_LINE} ${prose.slice(0, 5000)}`;
      assert.ok(xApiKey.length > 10_000);
      const anthropic = new Anthropic({ baseURL: h.gateway.urls.anthropic, apiKey: ANTHROPIC_KEY, maxRetries: 0, timeout: 5000, defaultHeaders: { 'x-api-key': xApiKey } });
      const error = await refused(anthropic.messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
      assert.equal(error.status, 400);
      assert.match(error.message, /src\/pricing\.ts/);
      assert.equal(h.upstream.requests.length, 0);
      // A secret in prose sent as a key is a secret in `other` text: it blocks (a header cannot be redacted).
      const withSecret = await rawRequest(h.gateway.port, '/anthropic/v1/messages', { headers: { ...json, 'x-api-key': `my other key is ${AWS_KEY_ID} ok` }, body: JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] }) });
      assert.equal(withSecret.status, 400, withSecret.body);
      assert.match(withSecret.body, /cannot be redacted there/);
      assertNotLeaked(h, withSecret.body + error.message, AWS_KEY_ID);
      assert.equal(h.upstream.requests.length, 0);
    },
    withIndex,
  );
});

async function viaProxy(h: ProxyHarness, url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const answer = await h.fetch()(url, { method: 'POST', headers: { ...json, ...headers }, body });
  return { status: answer.status, body: await answer.text() };
}

test('through the proxy: the provider’s own key passes; another service’s key or a Basic password sent to a known provider is blocked', async () => {
  await withProxy(() => policy, async (h) => {
    const openai = (apiKey: string, defaultHeaders?: Record<string, string>) => new OpenAI({ apiKey, maxRetries: 0, timeout: 5000, fetch: h.fetch(), ...(defaultHeaders ? { defaultHeaders } : {}) });
    await openai(OPENAI_KEY).chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(h.ai.requests[0]!.headers['authorization'], `Bearer ${OPENAI_KEY}`);
    const gemini = await viaProxy(h, `https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=${GOOGLE_KEY}`, {}, JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }));
    assert.equal(gemini.status, 200, gemini.body);
    const forwarded = h.ai.requests.length;

    const github = await refused(openai(GITHUB_TOKEN).chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(github.status, 400);
    assert.match(github.message, /github-pat-classic/);
    const basic = await refused(openai(OPENAI_KEY, { authorization: `Basic ${Buffer.from('deploy:hunter2-prod-db').toString('base64')}` }).chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(basic.status, 400);
    assert.match(basic.message, /authorization-header-credential/);
    assert.match(basic.message, /cannot be redacted there/);
    const aws = await viaProxy(h, 'https://api.anthropic.com/v1/messages', { 'x-api-key': AWS_KEY_ID }, JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(aws.status, 400, aws.body);
    assert.match(aws.body, /aws-access-key-id/);
    const keyed = await viaProxy(h, `https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=${GITHUB_TOKEN}`, {}, JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }));
    assert.equal(keyed.status, 400, keyed.body);
    assert.equal(h.ai.requests.length, forwarded, 'none of them forwarded');
    assertNotLeaked(h, github.message + basic.message + aws.body + keyed.body, OPENAI_KEY, GOOGLE_KEY, GITHUB_TOKEN, AWS_KEY_ID);
  });
});

test('a policy’s `credentials` makes a local upstream judged too: the OpenAI SDK with a GitHub token as its key is blocked there, a plain local key passes', async () => {
  const text = JSON.stringify({ extends: ['airlock:secrets'], destinations: { local: ['127.0.0.1'] }, credentials: { local: [] } });
  const loaded = await loadLayeredPolicy({ workspace: '/test/local.jsonc' }, (ref) => (ref === '/test/local.jsonc' ? Promise.resolve(text) : readPolicyRef(ref)));
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  await withGateway(() => loaded.policy, async (h) => {
    const client = (apiKey: string) => new OpenAI({ baseURL: h.gateway.urls.openai, apiKey, maxRetries: 0, timeout: 5000 });
    await client('ollama-local-key').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(h.upstream.requests.length, 1);
    const error = await refused(client(GITHUB_TOKEN).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(error.status, 400);
    assert.match(error.message, /github-pat-classic/);
    assert.equal(h.upstream.requests.length, 1);
    assertNotLeaked(h, error.message, GITHUB_TOKEN);
  });
});
