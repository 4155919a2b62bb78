// The `credential` segment role in the engine: what counts as a credential (shape samples, true
// and false), and what the engine does with one — the client's own key passes the secret
// detectors, another service's key going to a known provider does not, and protected code,
// markers and the company's custom detectors are found in it as anywhere else. Findings in a
// credential carry no preview.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { foreignCredential, headerRole, KNOWN_PROVIDERS, knownProvider, queryParamRole } from '../../../extension/core/egress/credentials';
import { BUILTIN_DETECTOR_IDS } from '../../../extension/core/detectors';
import { DEFAULT_INSPECTED_HOSTS, HOST_ENTRY } from '../../../extension/core/dialects';
import type { EgressRequest, EgressSegment } from '../../../extension/core/egress/types';
import { parseBody } from '../../../extension/core/dialects';
import { FingerprintIndex } from '../../../extension/core/fingerprint';
import { loadPolicy, type AirlockPolicy } from '../../../extension/core/policy';
import { rng, SAMPLES } from '../detectors/samples';
import { PRICING } from '../fingerprint/samples';
import { memoryReader } from './memoryReader';

const sample = (detector: string, seed = 1) => SAMPLES.find((s) => s.detector === detector)!.value(rng(seed));
const OPENAI_KEY = sample('openai-project-key');
const GITHUB_TOKEN = sample('github-pat-classic');
const AWS_KEY_ID = sample('aws-access-key-id');
const GOOGLE_KEY = sample('google-api-key');

test('header shapes: one token, a scheme and a token, a cookie list are credentials; prose, lists and oversize values are not', () => {
  const credential: [string, string, string?][] = [
    ['authorization', `Bearer ${OPENAI_KEY}`, 'api.openai.com'],
    ['authorization', `Bearer ${'eyJhbGciOiJSUzI1NiJ9.' + 'x'.repeat(2400) + '.sig'}`, 'chatgpt.com'], // a large OAuth JWT
    ['authorization', `Bearer ${'eyJ0eXAiOiJKV1QifQ.' + 'y'.repeat(6000) + '.sig'}`, 'eu.openai.azure.com'], // an Entra ID token with group claims
    ['authorization', `token ${GITHUB_TOKEN}`, 'api.github.com'],
    ['authorization', 'Bearer tid=0f1e;exp=1764590000;sku=copilot_for_business;proxy-ep=proxy.business.githubcopilot.com;8kp=1:ab12', 'api.business.githubcopilot.com'],
    ['authorization', `AWS4-HMAC-SHA256 Credential=${AWS_KEY_ID}/20261201/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=0a1b2c`, 'bedrock-runtime.us-east-1.amazonaws.com'],
    ['authorization', 'Basic dXNlcjpwYXNzd29yZA==', 'llm.acme.internal'], // a company gateway may take Basic
    ['x-api-key', 'sk-ant-api03-abc_DEF-123'],
    ['x-goog-api-key', GOOGLE_KEY],
    ['api-key', '0123456789abcdef0123456789abcdef'],
    ['cookie', '__cf_bm=a1.b2-c3; _cfuvid=Zz9_8.7-6'],
  ];
  for (const [name, value, host] of credential) assert.equal(headerRole(name, value, host), 'credential', `${name}: ${value.slice(0, 24)}`);
  const other: [string, string, string?][] = [
    ['x-api-key', 'please review this function before we ship it'], // prose
    ['x-api-key', `key-${'a'.repeat(1100)}`], // over 1 KB
    ['x-api-key', 'one, two'], // a repeated header, joined by Node
    ['authorization', `Bearer ${'a'.repeat(8200)}`], // over 8 KB
    ['authorization', 'Bearer two words'],
    ['authorization', 'Basic dXNlcjpwYXNzd29yZA==', 'api.openai.com'], // OpenAI takes Bearer only: a password for something else
    ['authorization', 'Digest username="u", realm="r"', 'api.anthropic.com'],
    ['cookie', 'note=COMPANY CONFIDENTIAL'],
    // Pairs with several `=` that end in a mismatch: exponential backtracking if names could hold `=`.
    ['cookie', `${'a=b=c=d; '.repeat(400)}x y`],
    ['authorization', `Bearer ${'a=b=c, '.repeat(500)}x y`],
    ['x-note', 'abc'], // not a credential header at all
    ['user-agent', 'client/1'],
  ];
  for (const [name, value, host] of other) assert.equal(headerRole(name, value, host), 'other', `${name}: ${value.slice(0, 24)}`);
  assert.equal(queryParamRole('key', GOOGLE_KEY), 'credential');
  assert.equal(queryParamRole('access_token', 'ya29.a0Af-xyz'), 'credential');
  assert.equal(queryParamRole('key', 'two words'), 'other');
  assert.equal(queryParamRole('key', 'x'.repeat(1025)), 'other');
  assert.equal(queryParamRole('note', GOOGLE_KEY), 'other');
});

test('foreign credentials: another service’s key at a known provider; never a shape-only detector, never at an unknown destination', () => {
  assert.equal(foreignCredential('github-pat-classic', 'api.openai.com'), true);
  assert.equal(foreignCredential('aws-access-key-id', 'api.anthropic.com'), true);
  assert.equal(foreignCredential('openai-project-key', 'api.openai.com'), false);
  assert.equal(foreignCredential('github-oauth-token', 'api.individual.githubcopilot.com'), false);
  assert.equal(foreignCredential('aws-access-key-id', 'bedrock-runtime.eu-west-1.amazonaws.com'), false);
  assert.equal(foreignCredential('bearer-token', 'api.openai.com'), false);
  assert.equal(foreignCredential('authorization-header-credential', 'api.openai.com'), false);
  assert.equal(foreignCredential('github-pat-classic', 'llm.acme.internal'), false);
  assert.equal(foreignCredential('github-pat-classic', '127.0.0.1'), false);
  assert.equal(foreignCredential('github-pat-classic', undefined), false);
});

const POLICY = `{
  "extends": ["airlock:secrets"],
  "protected": { "paths": ["src/"], "markers": ["ACMEPROJECTX"] },
  "detectors": { "custom": [{ "id": "acme-token", "regex": "acme_[a-z0-9]{32}", "keywords": ["acme_"] }] },
  "egress": [
    { "id": "no-protected-code", "when": { "protected": true }, "action": "block" },
    { "id": "acme-tokens", "when": { "detectors": ["acme-token"] }, "action": "block" }
  ]
}`;

async function policy(): Promise<AirlockPolicy> {
  const loaded = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': POLICY }));
  assert.deepEqual(loaded.problems, []);
  return loaded.policy;
}

const request = (destination: string, segments: Omit<EgressSegment, 'id'>[]): EgressRequest => ({
  destination,
  segments: [{ id: 'messages[0].content', role: 'user', text: 'hi' }, ...segments.map((s, i) => ({ id: `@header[${i}]`, ...s }))],
  referencedPaths: [],
});

test('the engine: the client’s own key passes; another service’s key to a known provider is a secret; no preview of either', async () => {
  const p = await policy();
  const own = p.evaluateEgress(request('https://api.openai.com/v1/chat/completions', [{ role: 'credential', text: `authorization: Bearer ${OPENAI_KEY}` }]));
  assert.equal(own.action, 'allow', JSON.stringify(own.findings));
  // The same key as `other` text is a secret like any other.
  assert.equal(p.evaluateEgress(request('https://api.openai.com/v1/chat/completions', [{ role: 'other', text: `x-note: ${OPENAI_KEY}` }])).action, 'redact');
  // An unknown destination (a company gateway, a local fake) takes keys Airlock cannot know.
  assert.equal(p.evaluateEgress(request('https://llm.acme.internal/v1/chat/completions', [{ role: 'credential', text: `authorization: Bearer ${GITHUB_TOKEN}` }])).action, 'allow');
  for (const [destination, text, detector] of [
    ['https://api.openai.com/v1/chat/completions', `authorization: Bearer ${GITHUB_TOKEN}`, 'github-pat-classic'],
    ['https://api.anthropic.com/v1/messages', `x-api-key: ${AWS_KEY_ID}`, 'aws-access-key-id'],
    ['https://generativelanguage.googleapis.com/v1beta/models/m:generateContent', `key=${GITHUB_TOKEN}`, 'github-pat-classic'],
  ] as const) {
    const v = p.evaluateEgress(request(destination, [{ role: 'credential', text }]));
    assert.notEqual(v.action, 'allow', `${detector} to ${destination}`);
    const f = v.findings.find((x) => x.detector === detector);
    assert.ok(f, `${detector} to ${destination}: ${JSON.stringify(v.findings)}`);
    assert.equal(f.segment, '@header[0]');
    assert.equal(f.preview, undefined, 'no preview of a credential');
    const printed = JSON.stringify(v) + inspect(v);
    const value = text.slice(text.lastIndexOf(' ') + 1).replace(/^key=/, '');
    assert.ok(!printed.includes(value.slice(0, 8)) && !printed.includes(value.slice(-4)), 'no part of the credential in the verdict');
  }
});

test('the engine: markers, protected code and custom detectors are found in a credential, at any destination', async () => {
  const p = await policy();
  const marker = p.evaluateEgress(request('http://127.0.0.1:9/v1/chat/completions', [{ role: 'credential', text: 'cookie: session=abc; note=ACMEPROJECTX' }]));
  assert.equal(marker.action, 'block');
  assert.equal(marker.findings[0]?.kind, 'protected-content');
  assert.equal(marker.findings[0]?.preview, undefined, 'no preview from a credential');
  const custom = p.evaluateEgress(request('http://127.0.0.1:9/v1/chat/completions', [{ role: 'credential', text: `x-api-key: acme_${'k3'.repeat(16)}` }]));
  assert.equal(custom.action, 'block');
  assert.equal(custom.findings[0]?.kind, 'custom-detector');
  // Protected code in a credential-shaped value (its decoded base64 is a credential too): found by fingerprint.
  const index = new FingerprintIndex();
  index.add('src/pricing.ts', PRICING);
  const snippet = PRICING.split('\n').slice(3, 16).join('\n');
  const parsed = parseBody('openai-chat', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }), {
    destination: 'https://api.openai.com/v1/chat/completions',
    channels: [['@header[0]', `authorization: Bearer ${Buffer.from(snippet).toString('base64')}`, 'credential']],
  });
  const child = parsed.request.segments.find((s) => s.id.startsWith('@header[0]#base64@'));
  assert.equal(child?.role, 'credential', 'a credential decoded is still a credential');
  const v = p.evaluateEgress(parsed.request, { protectedIndex: index });
  assert.equal(v.action, 'block');
  assert.deepEqual([v.findings[0]?.source, v.findings[0]?.segment?.startsWith('@header[0]#base64@')], ['src/pricing.ts', true]);
  const decoded = p.evaluateEgress(request('https://api.openai.com/v1/chat/completions', [{ role: 'credential', text: PRICING.split('\n').slice(3, 16).join(' ') }]), { protectedIndex: index });
  assert.equal(decoded.action, 'block');
  assert.equal(decoded.findings[0]?.source, 'src/pricing.ts');
});

test('a `segmentRoles` rule can name `credential`', async () => {
  const text = `{ "egress": [{ "id": "cred-audit", "when": { "detectors": ["*"], "segmentRoles": ["credential"] }, "action": "audit" }] }`;
  const loaded = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': text }));
  assert.deepEqual(loaded.problems, []);
  const v = loaded.policy.evaluateEgress(request('https://api.openai.com/v1/chat/completions', [{ role: 'credential', text: `authorization: Bearer ${GITHUB_TOKEN}` }]));
  assert.equal(v.action, 'audit');
});

test('the known-provider table names only real detectors and hosts, and each provider’s own key passes while a neighbour’s is caught', async () => {
  for (const p of KNOWN_PROVIDERS) for (const d of p.detectors) assert.ok(BUILTIN_DETECTOR_IDS.includes(d), `unknown detector ${d}`);
  for (const p of KNOWN_PROVIDERS) for (const h of p.hosts) assert.match(h, HOST_ENTRY);
  // Every host the proxy inspects by default is a provider whose keys Airlock knows (add it to KNOWN_PROVIDERS with the host).
  for (const h of DEFAULT_INSPECTED_HOSTS) assert.ok(knownProvider(h.replace(/^\*\./, 'x.')), `${h} has no entry in KNOWN_PROVIDERS`);
  const engine = await policy();
  const host = (p: (typeof KNOWN_PROVIDERS)[number]) => p.hosts[0]!.replace(/^\*\./, 'eu.');
  // Key shapes that stand alone (no keyword context needed), one per provider that has one.
  const own: [string, string][] = [
    ['api.openai.com', 'openai-project-key'],
    ['api.anthropic.com', 'anthropic-api-key'],
    ['generativelanguage.googleapis.com', 'google-api-key'],
    ['api.githubcopilot.com', 'github-oauth-token'],
    ['api.groq.com', 'groq-api-key'],
    ['api.x.ai', 'xai-api-key'],
    ['openrouter.ai', 'openrouter-api-key'],
    ['router.huggingface.co', 'huggingface-token'],
  ];
  for (const [h, detector] of own) {
    const value = sample(detector, 3);
    const at = (destination: string) => engine.evaluateEgress(request(`https://${destination}/v1/x`, [{ role: 'credential', text: `authorization: Bearer ${value}` }]));
    assert.equal(at(h).action, 'allow', `${detector} to its own ${h}: ${JSON.stringify(at(h).findings)}`);
    // The same key to every other provider is someone else's key.
    for (const p of KNOWN_PROVIDERS) {
      if (p.detectors.includes(detector)) continue;
      const v = at(host(p));
      assert.ok(v.findings.some((f) => f.detector === detector), `${detector} to ${host(p)} was not caught`);
    }
  }
  // Claude Code's OAuth token and a Copilot session token are no detector's key: they pass at their provider.
  assert.equal(engine.evaluateEgress(request('https://api.anthropic.com/v1/messages', [{ role: 'credential', text: `authorization: Bearer sk-ant-oat01-${'Qw3rTy7uIoP2aSdF'.repeat(6)}AA` }])).action, 'allow');
  assert.equal(engine.evaluateEgress(request('https://api.individual.githubcopilot.com/chat/completions', [{ role: 'credential', text: 'authorization: Bearer tid=4f1c9e;exp=1764590000;sku=copilot_for_individuals;proxy-ep=proxy.individual.githubcopilot.com;8kp=1:9b1f0c2e7a' }])).action, 'allow');
});

test('`credentials` names the keys a company destination takes: its own pass, any other key there is a secret; elsewhere nothing changes', async () => {
  const text = JSON.stringify({
    extends: ['airlock:secrets'],
    destinations: { internal: ['llm.acme.internal'], local: ['127.0.0.1'] },
    detectors: { custom: [{ id: 'acme-gateway-token', regex: 'acmegw_[a-z0-9]{32}', keywords: ['acmegw_'] }] },
    credentials: { internal: ['acme-gateway-token', 'github-*'], local: [] },
  });
  const loaded = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': text }));
  assert.deepEqual(loaded.problems, []);
  const p = loaded.policy;
  const gatewayToken = `acmegw_${'k3'.repeat(16)}`;
  const at = (destination: string, header: string) => p.evaluateEgress(request(destination, [{ role: 'credential', text: header }]));
  assert.equal(at('https://llm.acme.internal/v1/chat/completions', `authorization: Bearer ${gatewayToken}`).action, 'allow', 'its own custom-detector key');
  assert.equal(at('https://llm.acme.internal/v1/chat/completions', `authorization: Bearer ${GITHUB_TOKEN}`).action, 'allow', 'listed by glob');
  const foreign = at('https://llm.acme.internal/v1/chat/completions', `x-api-key: ${OPENAI_KEY}`);
  assert.equal(foreign.action, 'redact');
  assert.deepEqual(foreign.findings.map((f) => [f.detector, f.preview]), [['openai-project-key', undefined]]);
  // `[]`: a local model takes no key a detector names; the shape-only detectors still never count.
  assert.equal(at('http://127.0.0.1:11434/api/chat', `authorization: Bearer ${GITHUB_TOKEN}`).action, 'redact');
  assert.equal(at('http://127.0.0.1:11434/api/chat', 'authorization: Bearer ollama-local-0123456789abcdef').action, 'allow');
  // Elsewhere the built-in table holds, and the company's custom detector counts in a credential.
  assert.equal(at('https://api.openai.com/v1/chat/completions', `authorization: Bearer ${OPENAI_KEY}`).action, 'allow');
  assert.equal(at('https://api.openai.com/v1/chat/completions', `authorization: Bearer ${gatewayToken}`).action, 'redact');
});

test('`credentials` naming an undefined destination group is a policy error, an unknown detector a warning', async () => {
  const loaded = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': '{ "credentials": { "nowhere": ["x"] } }' }));
  assert.equal(loaded.ok, false);
  assert.match(loaded.problems.map((x) => x.message).join('\n'), /credentials: unknown destination group "nowhere"/);
  const typo = await loadPolicy('/ws/.airlock/policy.jsonc', memoryReader({ '/ws/.airlock/policy.jsonc': '{ "destinations": { "internal": ["llm.acme.internal"] }, "credentials": { "internal": ["acme-tokn", "github-*"] } }' }));
  assert.ok(typo.ok, 'an unknown detector id is a warning');
  assert.deepEqual(typo.problems.map((x) => [x.severity, x.message]), [['warning', 'credentials.internal: unknown detector "acme-tokn"']]);
});
