// Dialects by real host and path (proxy mode), the Gemini parser, and the inspected-host list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dialectFor, dialectForHost, DEFAULT_INSPECTED_HOSTS, hostMatches, isInspectedHost, parseBody, rebuildBody } from '../../../extension/core/dialects';

test('proxied requests get their dialect from host and path', () => {
  const cases: [string, string, string, string, string | undefined][] = [
    ['api.openai.com', 'POST', '/v1/chat/completions', 'openai', 'openai-chat'],
    ['api.openai.com', 'POST', '/v1/responses', 'openai', 'openai-responses'],
    ['api.openai.com', 'GET', '/v1/models', 'openai', 'passthrough'],
    // Codex CLI signed in with ChatGPT: the Responses shape under /backend-api/codex.
    ['chatgpt.com', 'POST', '/backend-api/codex/responses', 'openai', 'openai-responses'],
    ['chatgpt.com', 'POST', '/backend-api/codex/responses/compact', 'openai', 'openai-responses'],
    ['chatgpt.com', 'POST', '/backend-api/wham/tasks', 'openai', undefined],
    ['api.anthropic.com', 'POST', '/v1/messages', 'anthropic', 'anthropic-messages'],
    ['api.anthropic.com', 'POST', '/v1/messages/count_tokens', 'anthropic', 'anthropic-messages'],
    // GitHub Copilot: chat, inline completions per engine, responses, Claude models' messages.
    ['api.githubcopilot.com', 'POST', '/chat/completions', 'openai', 'openai-chat'],
    ['api.individual.githubcopilot.com', 'POST', '/responses', 'openai', 'openai-responses'],
    ['proxy.individual.githubcopilot.com', 'POST', '/v1/engines/gpt-41-copilot/completions', 'openai', 'openai-completions'],
    ['copilot-proxy.githubusercontent.com', 'POST', '/v1/engines/copilot-codex/completions', 'openai', 'openai-completions'],
    ['api.business.githubcopilot.com', 'POST', '/v1/messages', 'anthropic', 'anthropic-messages'],
    ['api.githubcopilot.com', 'POST', '/agents/telemetry', 'openai', undefined],
    // Copilot CLI's JSON side endpoints (hosted models): every string read by content.
    ['api.individual.githubcopilot.com', 'POST', '/auto', 'openai', 'metadata'],
    ['api.individual.githubcopilot.com', 'POST', '/models/session', 'openai', 'metadata'],
    ['api.individual.githubcopilot.com', 'POST', '/mcp/readonly', 'openai', 'metadata'],
    ['api.githubcopilot.com', 'POST', '/mcp', 'openai', 'metadata'],
    ['api.githubcopilot.com', 'POST', '/mcp/x', 'openai', undefined],
    // Ending the MCP session: bodiless DELETE (a body on it is refused by the passthrough parser).
    ['api.individual.githubcopilot.com', 'DELETE', '/mcp/readonly', 'openai', 'passthrough'],
    ['api.individual.githubcopilot.com', 'DELETE', '/responses', 'openai', undefined],
    ['api.openai.com', 'DELETE', '/mcp', 'openai', undefined],
    ['api.githubcopilot.com', 'POST', '/v1/auto', 'openai', undefined],
    ['api.openai.com', 'POST', '/auto', 'openai', undefined],
    // Gemini API, Vertex AI and Gemini CLI's Code Assist backend.
    ['generativelanguage.googleapis.com', 'POST', '/v1beta/models/gemini-2.5-pro:streamGenerateContent', 'gemini', 'gemini-generate'],
    ['generativelanguage.googleapis.com', 'POST', '/v1beta/models/gemini-2.5-pro:generateContent', 'gemini', 'gemini-generate'],
    ['generativelanguage.googleapis.com', 'POST', '/v1beta/models/gemini-2.5-pro:countTokens', 'gemini', 'gemini-generate'],
    ['generativelanguage.googleapis.com', 'POST', '/v1beta/models/text-embedding-004:batchEmbedContents', 'gemini', 'gemini-embed'],
    ['generativelanguage.googleapis.com', 'GET', '/v1beta/models', 'gemini', 'passthrough'],
    ['generativelanguage.googleapis.com', 'POST', '/upload/v1beta/files', 'gemini', undefined],
    ['cloudcode-pa.googleapis.com', 'POST', '/v1internal:streamGenerateContent', 'gemini', 'gemini-generate'],
    ['us-central1-aiplatform.googleapis.com', 'POST', '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent', 'gemini', 'gemini-generate'],
    // OpenAI-compatible hosts and Azure OpenAI.
    ['myres.openai.azure.com', 'POST', '/openai/deployments/gpt-4o/chat/completions', 'openai', 'openai-chat'],
    ['api.groq.com', 'POST', '/openai/v1/chat/completions', 'openai', 'openai-chat'],
    ['openrouter.ai', 'POST', '/api/v1/chat/completions', 'openai', 'openai-chat'],
    ['api.mistral.ai', 'POST', '/v1/fim/completions', 'openai', 'openai-completions'],
    ['api.x.ai', 'POST', '/v1/messages', 'anthropic', 'anthropic-messages'],
    ['api.cohere.com', 'POST', '/v2/chat', 'openai', 'openai-chat'],
    ['api.openai.com', 'PUT', '/v1/anything', 'openai', undefined],
  ];
  for (const [host, method, path, family, dialect] of cases) {
    assert.deepEqual(dialectForHost(host, method, path), { family, dialect }, `${method} ${host}${path}`);
  }
  assert.equal(dialectFor('gemini', 'POST', '/v1beta/models/m:generateContent'), 'gemini-generate');
});

test('inspected hosts: the default list, exact names and `*.` subdomains only', () => {
  for (const h of ['api.openai.com', 'chatgpt.com', 'api.anthropic.com', 'generativelanguage.googleapis.com', 'api.githubcopilot.com', 'copilot-proxy.githubusercontent.com', 'api.mistral.ai', 'api.groq.com', 'api.x.ai', 'api.deepseek.com', 'openrouter.ai', 'api.cohere.com']) {
    assert.ok(isInspectedHost(h, DEFAULT_INSPECTED_HOSTS), h);
  }
  assert.ok(isInspectedHost('API.OpenAI.com.', DEFAULT_INSPECTED_HOSTS));
  assert.ok(isInspectedHost('x.openai.azure.com', DEFAULT_INSPECTED_HOSTS));
  // Copilot's token exchange and git traffic are not AI requests: tunnelled untouched.
  assert.ok(!isInspectedHost('api.github.com', DEFAULT_INSPECTED_HOSTS));
  assert.ok(!isInspectedHost('github.com', DEFAULT_INSPECTED_HOSTS));
  assert.ok(!isInspectedHost('openai.azure.com', DEFAULT_INSPECTED_HOSTS));
  assert.ok(!hostMatches('*.githubcopilot.com', 'githubcopilot.com'));
  assert.ok(!hostMatches('*.githubcopilot.com', 'evilgithubcopilot.com'));
  assert.ok(!hostMatches('api.openai.com', 'api.openai.com.evil.test'));
});

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';

test('Gemini generateContent: system instruction, text parts, function calls and their responses become segments', () => {
  const body = {
    systemInstruction: { parts: [{ text: 'You are a coding agent.' }] },
    contents: [
      { role: 'user', parts: [{ text: 'read the config' }] },
      { role: 'model', parts: [{ functionCall: { name: 'read_file', args: { file_path: 'src/config.ts' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'read_file', response: { output: `export const key = '${SECRET}';` } } }] },
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
    ],
    generationConfig: { temperature: 0.2 },
  };
  const parsed = parseBody('gemini-generate', JSON.stringify(body), { destination: 'https://generativelanguage.googleapis.com/v1beta/models/m:generateContent' });
  const byId = Object.fromEntries(parsed.request.segments.map((s) => [s.id, s]));
  assert.equal(byId['systemInstruction.parts[0].text']?.role, 'system');
  assert.equal(byId['contents[0].parts[0].text']?.role, 'user');
  assert.equal(byId['contents[1].parts[0].functionCall.args.file_path']?.role, 'tool-call');
  const result = byId['contents[2].parts[0].functionResponse.response.output'];
  assert.equal(result?.role, 'tool-result');
  assert.equal(result?.path, 'src/config.ts');
  assert.ok(parsed.request.referencedPaths.includes('src/config.ts'));
  assert.ok(!parsed.request.segments.some((s) => s.text === 'AAAA'), 'inline data is opaque');

  // Redaction writes back into the same field, every other byte as sent.
  const text = JSON.stringify(body, null, 1);
  const again = parseBody('gemini-generate', text, { destination: 'x' });
  const redacted = again.request.segments.map((s) => (s.text.includes(SECRET) ? { ...s, text: s.text.replace(SECRET, '[REDACTED:aws-access-key-id#1]') } : s));
  const rebuilt = rebuildBody(text, again, redacted)!;
  assert.ok(!rebuilt.includes(SECRET));
  assert.equal(rebuilt, text.replace(SECRET, '[REDACTED:aws-access-key-id#1]'));
});

test('Gemini Code Assist (`request` wrapper), countTokens (`generateContentRequest`) and embeddings', () => {
  const assist = parseBody('gemini-generate', JSON.stringify({ model: 'gemini-2.5-pro', project: 'p', request: { contents: [{ role: 'user', parts: [{ text: 'hello' }] }], systemInstruction: { role: 'user', parts: [{ text: 'sys' }] } } }), { destination: 'x' });
  // Attributed segments (every other string of the body is scanned too, as role `other`).
  const attributed = (p: { request: { segments: { role: string; id: string; text: string }[] } }) => p.request.segments.filter((s) => s.role !== 'other');
  assert.deepEqual(attributed(assist).map((s) => [(s as { id: string }).id, s.role]), [['request.systemInstruction.parts[0].text', 'system'], ['request.contents[0].parts[0].text', 'user']]);
  const count = parseBody('gemini-generate', JSON.stringify({ generateContentRequest: { model: 'models/m', contents: [{ parts: [{ text: 'count me' }] }] } }), { destination: 'x' });
  assert.ok(attributed(count).some((s) => (s as { text: string }).text === 'count me'));
  const embed = parseBody('gemini-embed', JSON.stringify({ requests: [{ model: 'models/e', content: { parts: [{ text: 'a' }] } }, { content: { parts: [{ text: 'b' }] } }] }), { destination: 'x' });
  assert.deepEqual(attributed(embed).map((s) => (s as { text: string }).text), ['a', 'b']);
  assert.throws(() => parseBody('gemini-generate', '{"contents": {"parts": 3}}', { destination: 'x' }), /unparseable/);
});

test('Copilot CLI\'s side endpoints: every string of the body is scanned, a secret in /auto\'s prompt is redacted in place', () => {
  const key = 'AKIAZ7K2QW5RT6YX3VB4';
  const text = JSON.stringify({ prompt: `is ${key} valid?`, has_image: false, multi_turn: { routing_intent: 'anchor', turns_since_anchor: 0 } });
  const parsed = parseBody('metadata', text, { destination: 'https://api.individual.githubcopilot.com/auto' });
  assert.ok(parsed.request.segments.some((s) => s.role === 'other' && s.text === `is ${key} valid?`), 'the prompt is a segment');
  const redacted = parsed.request.segments.map((s) => (s.text.includes(key) ? { ...s, text: s.text.replace(key, '[REDACTED:aws-access-key-id#1]') } : s));
  assert.equal(rebuildBody(text, parsed, redacted), text.replace(key, '[REDACTED:aws-access-key-id#1]'));
  const rpc = parseBody('metadata', JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_code', arguments: { query: 'acmeVolumeFactor' } } }), { destination: 'x' });
  assert.ok(rpc.request.segments.some((s) => s.text === 'acmeVolumeFactor'), 'MCP tool arguments are read');
  assert.throws(() => parseBody('metadata', '[{"jsonrpc":"2.0"}]', { destination: 'x' }), /unparseable/, 'a JSON-RPC batch (not an object) stays unparseable');
  assert.throws(() => parseBody('passthrough', '{"jsonrpc":"2.0"}', { destination: 'x' }), /takes none/, 'a DELETE ending the MCP session may not carry a body');
});

test('Copilot inline completions: prompt and suffix are the user text', () => {
  const body = { prompt: '// Path: src/app.ts\nconst x = ', suffix: '\nexport default x;', max_tokens: 500, temperature: 0, n: 1, stream: true, extra: { language: 'typescript', next_indent: 0 } };
  const parsed = parseBody('openai-completions', JSON.stringify(body), { destination: 'https://proxy.individual.githubcopilot.com/v1/engines/gpt-41-copilot/completions' });
  assert.deepEqual(parsed.request.segments.filter((s) => s.role !== 'other').map((s) => s.id), ['prompt', 'suffix']);
  assert.equal(parsed.stream, true);
});

test('AI hosts named by tenant, region or resource are recognised (and nothing wider)', async () => {
  const { aiHostFamily } = await import('../../../extension/core/dialects/hosts');
  const yes: [string, string][] = [
    ['copilot-api.acme.ghe.com', 'GitHub Copilot on GHE.com'],
    ['COPILOT-API.octocorp.ghe.com.', 'GitHub Copilot on GHE.com'],
    ['bedrock-runtime.us-east-1.amazonaws.com', 'Amazon Bedrock'],
    ['bedrock-runtime-fips.us-gov-west-1.amazonaws.com', 'Amazon Bedrock'],
    ['us-central1-aiplatform.googleapis.com', 'Google Vertex AI'],
    ['europe-west4-aiplatform.googleapis.com', 'Google Vertex AI'],
    ['acme-openai.cognitiveservices.azure.com', 'Azure AI services'],
  ];
  for (const [host, what] of yes) assert.equal(aiHostFamily(host), what, host);
  for (const host of ['acme.ghe.com', 'api.acme.ghe.com', 'copilot-api.ghe.com', 'copilot-api.a.b.ghe.com', 'bedrock.us-east-1.amazonaws.com', 's3.amazonaws.com', 'bedrock-runtime.amazonaws.com', 'aiplatform.googleapis.com', 'storage.googleapis.com', 'cognitiveservices.azure.com', 'a.b.cognitiveservices.azure.com', 'example.com']) {
    assert.equal(aiHostFamily(host), undefined, host);
  }
});

test('proxy policy: an AI host of those families is tunnelled only when a layer names it in proxy.tunnel', async () => {
  const { loadPolicy } = await import('../../../extension/core/policy');
  const { readPolicyRef } = await import('../gateway/support/policy');
  const load = async (text: string) => {
    const loaded = await loadPolicy('/ws/.airlock/policy.jsonc', async (ref) => (ref === '/ws/.airlock/policy.jsonc' ? text : readPolicyRef(ref)));
    assert.ok(loaded.ok, JSON.stringify(loaded.problems));
    return loaded.policy.proxy!;
  };
  const plain = await load('{ "extends": ["airlock:secrets"], "proxy": { "otherHosts": "tunnel" } }');
  assert.equal(plain.tunnelAllowed('example.com'), true);
  assert.equal(plain.tunnelAllowed('copilot-api.acme.ghe.com'), false);
  assert.equal(plain.tunnelAllowed('us-central1-aiplatform.googleapis.com'), false);
  const named = await load('{ "extends": ["airlock:secrets"], "proxy": { "tunnel": ["bedrock-runtime.us-east-1.amazonaws.com"] } }');
  assert.equal(named.tunnelAllowed('bedrock-runtime.us-east-1.amazonaws.com'), true);
  assert.equal(named.tunnelAllowed('bedrock-runtime.eu-west-1.amazonaws.com'), false);
  const inspected = await load('{ "extends": ["airlock:secrets"], "proxy": { "inspect": ["copilot-api.acme.ghe.com"] } }');
  assert.ok(inspected.inspect.includes('copilot-api.acme.ghe.com'));
});
