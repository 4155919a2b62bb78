// Every byte of a request is inspected: a secret and the confidential marker planted in any
// field of each dialect's request (the fields the issue lists, then every string — values and
// keys — of a body using each dialect's published request schema), base64 payloads, the URL
// and custom headers never reach the fake upstream. Strict reading refuses what could be read
// two ways: duplicate keys, bodies on GET, bytes after a compressed stream, absurd nesting.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { loadLayeredPolicy, type AirlockPolicy } from '../../../extension/core/policy';
import { rawRequest, withGateway, type Harness } from './support/harness';
import { loadPolicyRef, readPolicyRef } from './support/policy';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
const MARKER = 'COMPANY CONFIDENTIAL';
/** A one-word marker (a project code name), for channels that cannot carry spaces. */
const CODENAME = 'ACMEPROJECTX';
const json = { 'content-type': 'application/json' };
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

// Secrets redacted (airlock:secrets), the marker blocks everywhere. Paths are narrow on purpose:
// these requests name no files, and what a mere path mention does is not this test's subject.
const POLICY = JSON.stringify({
  extends: ['airlock:secrets'],
  protected: { paths: ['src/**'], markers: [MARKER, CODENAME] },
  egress: [{ id: 'no-protected-code-anywhere', when: { protected: true }, action: 'block', message: 'Protected code may not leave this machine in tests.' }],
});
let policy: AirlockPolicy;
before(async () => {
  const loaded = await loadLayeredPolicy({ workspace: '/test/inspect.jsonc' }, (ref) => (ref === '/test/inspect.jsonc' ? Promise.resolve(POLICY) : readPolicyRef(ref)));
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  policy = loaded.policy;
});

type Body = Record<string, unknown>;
interface FieldCase {
  name: string;
  path: string;
  body: (x: string) => Body;
}

const OPENAI = '/openai/v1/chat/completions';
const RESPONSES = '/openai/v1/responses';
const ANTHROPIC = '/anthropic/v1/messages';
const OLLAMA = '/ollama/api/chat';
const hi = [{ role: 'user', content: 'hi' }];

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { [`level${i}`]: value };
  return value;
}

/** The fields named in the issue, each carrying the planted text `x`. */
const ISSUE_FIELDS: FieldCase[] = [
  { name: 'OpenAI tools[].function.description', path: OPENAI, body: (x) => ({ model: 'm', messages: hi, tools: [{ type: 'function', function: { name: 'f', description: `does ${x}`, parameters: { type: 'object' } } }] }) },
  { name: 'OpenAI prediction.content', path: OPENAI, body: (x) => ({ model: 'm', messages: hi, prediction: { type: 'content', content: `predicted ${x}` } }) },
  {
    name: 'OpenAI response_format schema',
    path: OPENAI,
    body: (x) => ({ model: 'm', messages: hi, response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object', properties: { a: { type: 'string', description: `field ${x}` } } } } } }),
  },
  { name: 'OpenAI metadata value', path: OPENAI, body: (x) => ({ model: 'm', messages: hi, store: true, metadata: { note: `n ${x}` } }) },
  { name: 'OpenAI metadata key', path: OPENAI, body: (x) => ({ model: 'm', messages: hi, store: true, metadata: { [`k ${x}`]: 'v' } }) },
  { name: 'OpenAI messages[].name', path: OPENAI, body: (x) => ({ model: 'm', messages: [{ role: 'user', name: `n ${x}`, content: 'hi' }] }) },
  { name: 'Anthropic tools[].description', path: ANTHROPIC, body: (x) => ({ model: 'm', max_tokens: 1, messages: hi, tools: [{ name: 't', description: `tool ${x}`, input_schema: { type: 'object' } }] }) },
  {
    name: 'Anthropic search_result block',
    path: ANTHROPIC,
    body: (x) => ({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'search_result', source: 'https://example.test/a', title: 'A', content: [{ type: 'text', text: `found ${x}` }] }, { type: 'text', text: 'summarise' }] }] }),
  },
  {
    name: 'Anthropic search_result inside tool_result',
    path: ANTHROPIC,
    body: (x) => ({
      model: 'm',
      max_tokens: 1,
      messages: [
        { role: 'user', content: 'search' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'search', input: { q: 'a' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'search_result', source: 's', title: `t ${x}`, content: [{ type: 'text', text: `r ${x}` }] }] }] },
      ],
    }),
  },
  { name: 'Anthropic document title', path: ANTHROPIC, body: (x) => ({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'document', title: `Doc ${x}`, source: { type: 'text', media_type: 'text/plain', data: 'plain' } }] }] }) },
  { name: 'Anthropic mcp_servers[].authorization_token', path: ANTHROPIC, body: (x) => ({ model: 'm', max_tokens: 1, messages: hi, mcp_servers: [{ type: 'url', url: 'https://mcp.example.test', name: 'm', authorization_token: `tok ${x}` }] }) },
  {
    name: 'Anthropic tool_use.input nested 40 levels',
    path: ANTHROPIC,
    body: (x) => ({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'deep', input: nested(40, `leaf ${x}`) }] }] }),
  },
  { name: 'Ollama options', path: OLLAMA, body: (x) => ({ model: 'm', messages: hi, options: { stop: [`stop ${x}`], temperature: 0 } }) },
  { name: 'Ollama format schema', path: OLLAMA, body: (x) => ({ model: 'm', messages: hi, format: { type: 'object', properties: { a: { type: 'string', description: x } } } }) },
  { name: 'Ollama tools', path: OLLAMA, body: (x) => ({ model: 'm', messages: hi, tools: [{ type: 'function', function: { name: 'f', description: `d ${x}`, parameters: { type: 'object' } } }] }) },
  { name: 'Responses reasoning.summary', path: RESPONSES, body: (x) => ({ model: 'm', input: 'hi', reasoning: { effort: 'low', summary: `s ${x}` } }) },
  { name: 'Responses prompt.variables', path: RESPONSES, body: (x) => ({ model: 'm', prompt: { id: 'pmpt_1', variables: { customer: `c ${x}` } } }) },
  { name: 'Responses local_shell_call_output', path: RESPONSES, body: (x) => ({ model: 'm', input: [{ type: 'local_shell_call_output', id: 'o1', call_id: 'c1', output: `$ cat\n${x}` }] }) },
  { name: 'Responses mcp_call.output', path: RESPONSES, body: (x) => ({ model: 'm', input: [{ type: 'mcp_call', id: 'm1', server_label: 's', name: 'n', arguments: '{}', output: `out ${x}` }] }) },
  { name: 'Responses plain file_data', path: RESPONSES, body: (x) => ({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', filename: 'notes.txt', file_data: `text ${x}` }] }] }) },
  // Base64 payloads: the planted text is only visible once decoded.
  {
    name: 'Anthropic base64 document (text/plain)',
    path: ANTHROPIC,
    body: (x) => ({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'text/plain', data: b64(`notes\n${x}\n`) } }] }] }),
  },
  {
    name: 'Anthropic base64 document declared PDF, sniffed as text',
    path: ANTHROPIC,
    body: (x) => ({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: b64(`notes ${x}`) } }] }] }),
  },
  { name: 'Anthropic base64 image that is text', path: ANTHROPIC, body: (x) => ({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: b64(x) } }] }] }) },
  { name: 'OpenAI file.file_data data: URL', path: OPENAI, body: (x) => ({ model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.txt', file_data: `data:text/plain;base64,${b64(`a ${x}`)}` } }] }] }) },
  { name: 'OpenAI image_url data: URL', path: OPENAI, body: (x) => ({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:text/plain;base64,${b64(x)}` } }] }] }) },
  { name: 'Responses input_file base64 data: URL', path: RESPONSES, body: (x) => ({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', filename: 'n.md', file_data: `data:text/markdown;base64,${b64(`# n\n${x}`)}` }] }] }) },
  { name: 'Responses input_file raw base64', path: RESPONSES, body: (x) => ({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', filename: 'n.md', file_data: b64(`# n\n${x}`) }] }] }) },
  { name: 'Responses input_image data: URL (percent-encoded)', path: RESPONSES, body: (x) => ({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: `data:text/plain,${encodeURIComponent(x)}` }] }] }) },
  { name: 'Ollama images[] base64 text', path: OLLAMA, body: (x) => ({ model: 'm', messages: [{ role: 'user', content: 'see', images: [b64(`img ${x}`)] }] }) },
  { name: 'a message that is one base64 text', path: OPENAI, body: (x) => ({ model: 'm', messages: [{ role: 'user', content: b64(`decode this: ${x} ${'and more words '.repeat(4)}`) }] }) },
  { name: 'long base64 in an unknown field', path: OPENAI, body: (x) => ({ model: 'm', messages: hi, metadata: { blob: b64(`${x} ${'padding '.repeat(12)}`) } }) },
];

/** A body per dialect using the fields of its published request schema; every string in it is a planting site. */
const SCHEMA_BODIES: { name: string; path: string; body: Body }[] = [
  {
    name: 'OpenAI chat',
    path: OPENAI,
    body: {
      model: 'gpt-x',
      messages: [
        { role: 'developer', content: 'be brief', name: 'dev' },
        { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image_url', image_url: { url: 'https://example.test/cat.png', detail: 'low' } }] },
        { role: 'assistant', content: 'calling', refusal: 'none', audio: { id: 'audio_1' }, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'result' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'looks up', strict: true, parameters: { type: 'object', properties: { q: { type: 'string', description: 'query', enum: ['a', 'b'] } } } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: { type: 'json_schema', json_schema: { name: 'answer', description: 'an answer', schema: { type: 'object' } } },
      prediction: { type: 'content', content: 'predicted' },
      metadata: { team: 'core' },
      stop: ['END'],
      user: 'user-1',
      safety_identifier: 'sid',
      prompt_cache_key: 'pck',
      service_tier: 'auto',
      reasoning_effort: 'low',
      modalities: ['text'],
      audio: { voice: 'alloy', format: 'mp3' },
      web_search_options: { search_context_size: 'low', user_location: { type: 'approximate', approximate: { city: 'Zurich', country: 'CH' } } },
      logit_bias: { '50256': -100 },
      stream_options: { include_usage: true },
    },
  },
  {
    name: 'OpenAI Responses',
    path: RESPONSES,
    body: {
      model: 'gpt-x',
      instructions: 'be brief',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'hello' }, { type: 'input_image', image_url: 'https://example.test/a.png', detail: 'auto' }] },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"q":"x"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'result' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thought' }] },
        { type: 'local_shell_call', id: 'ls1', call_id: 'ls1', status: 'completed', action: { type: 'exec', command: ['ls', '-la'], env: { A: 'b' } } },
        { type: 'local_shell_call_output', id: 'lo1', call_id: 'ls1', output: 'listing' },
        { type: 'mcp_call', id: 'm1', server_label: 'srv', name: 'tool', arguments: '{}', output: 'mcp out' },
        { type: 'custom_tool_call', call_id: 'ct1', name: 'patch', input: 'patch text' },
        { type: 'custom_tool_call_output', call_id: 'ct1', output: 'applied' },
        { type: 'item_reference', id: 'msg_1' },
      ],
      tools: [
        { type: 'function', name: 'lookup', description: 'looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
        { type: 'mcp', server_label: 'srv', server_url: 'https://mcp.example.test', headers: { 'X-Team': 'core' }, require_approval: 'never' },
        { type: 'custom', name: 'patch', description: 'applies a patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } },
      ],
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' } }, verbosity: 'low' },
      reasoning: { effort: 'low', summary: 'auto' },
      prompt: { id: 'pmpt_1', version: '2', variables: { customer: 'acme' } },
      metadata: { team: 'core' },
      previous_response_id: 'resp_1',
      include: ['reasoning.encrypted_content'],
      user: 'user-1',
      truncation: 'auto',
    },
  },
  {
    name: 'Anthropic Messages',
    path: ANTHROPIC,
    body: {
      model: 'claude-x',
      max_tokens: 100,
      system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hello', citations: [{ type: 'char_location', cited_text: 'cited', document_index: 0, start_char_index: 0, end_char_index: 1, document_title: 'T' }] }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'tool_use', id: 'tu1', name: 'lookup', input: { q: 'x', opts: { deep: ['a'] } } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu1', content: [{ type: 'text', text: 'result' }], is_error: false }] },
        { role: 'assistant', content: [{ type: 'server_tool_use', id: 'st1', name: 'web_search', input: { query: 'q' } }, { type: 'web_search_tool_result', tool_use_id: 'st1', content: [{ type: 'web_search_result', url: 'https://example.test', title: 'W', encrypted_content: 'enc', page_age: 'x' }] }] },
        { role: 'user', content: [{ type: 'document', title: 'D', context: 'ctx', source: { type: 'content', content: [{ type: 'text', text: 'doc text' }] } }, { type: 'search_result', source: 's', title: 'S', content: [{ type: 'text', text: 'sr' }] }] },
      ],
      tools: [{ name: 'lookup', description: 'looks up', input_schema: { type: 'object', properties: { q: { type: 'string', description: 'query' } } } }, { type: 'web_search_20250305', name: 'web_search', allowed_domains: ['example.test'] }],
      tool_choice: { type: 'tool', name: 'lookup' },
      mcp_servers: [{ type: 'url', url: 'https://mcp.example.test', name: 'srv', authorization_token: 'token', tool_configuration: { allowed_tools: ['t'] } }],
      metadata: { user_id: 'u1' },
      stop_sequences: ['END'],
      service_tier: 'auto',
      container: 'container_1',
      thinking: { type: 'enabled', budget_tokens: 1024 },
    },
  },
  {
    name: 'Ollama chat',
    path: OLLAMA,
    body: {
      model: 'llama',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello', images: [] },
        { role: 'assistant', content: '', thinking: 'hmm', tool_calls: [{ function: { name: 'lookup', arguments: { q: 'x', nested: { k: 'v' } } } }] },
        { role: 'tool', content: 'result', tool_name: 'lookup' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'looks up', parameters: { type: 'object', properties: { q: { type: 'string', description: 'query' } } } } }],
      format: { type: 'object', properties: { a: { type: 'string' } } },
      options: { stop: ['END'], temperature: 0 },
      keep_alive: '5m',
      think: 'low',
      stream: false,
    },
  },
  { name: 'Ollama generate', path: '/ollama/api/generate', body: { model: 'llama', prompt: 'p', suffix: 's', system: 'sys', template: 'tpl', raw: false, format: 'json', images: [], options: { stop: ['x'] }, keep_alive: '1m', stream: false } },
  { name: 'OpenAI embeddings', path: '/openai/v1/embeddings', body: { model: 'e', input: ['a', 'b'], user: 'u', encoding_format: 'float' } },
  { name: 'OpenAI legacy completions', path: '/openai/v1/completions', body: { model: 'c', prompt: 'p', suffix: 's', stop: ['x'], user: 'u' } },
];

/** Every place a string sits in `value`: [path, isKey]. */
function sites(value: unknown, path: (string | number)[] = [], out: [(string | number)[], boolean][] = []): [(string | number)[], boolean][] {
  if (typeof value === 'string') out.push([path, false]);
  else if (Array.isArray(value)) value.forEach((v, i) => sites(v, [...path, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([[...path, k], true]);
      sites(v, [...path, k], out);
    }
  }
  return out;
}

/** A copy of `body` with `x` appended to the string (or key) at `path`. */
function plant(body: Body, [path, isKey]: [(string | number)[], boolean], x: string): Body {
  const copy = structuredClone(body);
  let parent: Record<string | number, unknown> = copy;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (!isKey) {
    parent[last] = `${parent[last] as string} ${x}`;
    return copy;
  }
  // Rename the key in place (keeping member order).
  const entries = Object.entries(parent).map(([k, v]) => (k === last ? [`${k} ${x}`, v] : [k, v]));
  for (const k of Object.keys(parent)) delete parent[k];
  for (const [k, v] of entries) parent[k as string] = v;
  return copy;
}

/** Every string in a received body, plus the decoded text of base64 and data: URL strings. */
function readable(received: Buffer): string[] {
  const raw = received.toString('utf8');
  const out = [raw];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return out;
  }
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      out.push(v);
      const data = /^data:[^,]*?(;base64)?,(.*)$/s.exec(v);
      if (data) out.push(data[1] ? Buffer.from(data[2]!, 'base64').toString('utf8') : decodeURIComponent(data[2]!));
      else if (/^[A-Za-z0-9+/]+={0,2}$/.test(v)) out.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, c] of Object.entries(v)) {
        visit(k);
        visit(c);
      }
    }
  };
  visit(parsed);
  return out;
}

/** Sends `body` and checks that neither needle reached the upstream; returns the status. */
async function sendAndCheck(h: Harness, path: string, body: string, needle: string, label: string): Promise<number> {
  const seen = h.upstream.requests.length;
  const answer = await rawRequest(h.gateway.port, path, { headers: json, body });
  for (const r of h.upstream.requests.slice(seen)) {
    for (const text of readable(r.body)) assert.ok(!text.toUpperCase().includes(needle.toUpperCase()), `${label}: "${needle.slice(0, 4)}…" reached the upstream`);
  }
  assert.ok(!answer.body.includes(needle), `${label}: the answer echoes the planted text`);
  return answer.status;
}

test('a secret and the marker in every field the issue lists never reach the upstream', async () => {
  await withGateway(() => policy, async (h) => {
    for (const c of ISSUE_FIELDS) {
      const secretStatus = await sendAndCheck(h, c.path, JSON.stringify(c.body(`key ${SECRET}`)), SECRET, `${c.name} (secret)`);
      assert.ok(secretStatus === 200 || secretStatus === 400, `${c.name}: status ${secretStatus}`);
      const markerStatus = await sendAndCheck(h, c.path, JSON.stringify(c.body(`// ${MARKER}`)), MARKER, `${c.name} (marker)`);
      assert.equal(markerStatus, 400, `${c.name}: a marker must block`);
      // The same body without anything planted goes through: the case itself is a valid request.
      const cleanStatus = await sendAndCheck(h, c.path, JSON.stringify(c.body('plain words')), SECRET, `${c.name} (clean)`);
      assert.equal(cleanStatus, 200, `${c.name}: the clean request was refused`);
    }
  });
});

test('a secret and the marker in any string or key of each dialect’s published request schema never reach the upstream', async () => {
  await withGateway(() => policy, async (h) => {
    for (const schema of SCHEMA_BODIES) {
      assert.equal(await sendAndCheck(h, schema.path, JSON.stringify(schema.body), SECRET, schema.name), 200, `${schema.name}: the clean body was refused`);
      for (const site of sites(schema.body)) {
        const label = `${schema.name} ${site[0].join('.')}${site[1] ? ' (key)' : ''}`;
        await sendAndCheck(h, schema.path, JSON.stringify(plant(schema.body, site, `key ${SECRET}`)), SECRET, label);
        const status = await sendAndCheck(h, schema.path, JSON.stringify(plant(schema.body, site, MARKER)), MARKER, label);
        assert.equal(status, 400, `${label}: a marker must block`);
      }
    }
  });
});

test('a redacted key or base64 payload is rewritten in place and the body stays valid JSON', async () => {
  await withGateway(() => policy, async (h) => {
    const body = { model: 'm', messages: hi, metadata: { [`k ${SECRET}`]: `v ${SECRET}` }, extra: { doc: `data:text/plain;base64,${b64(`see ${SECRET} here`)}` } };
    const answer = await rawRequest(h.gateway.port, OPENAI, { headers: json, body: JSON.stringify(body) });
    assert.equal(answer.status, 200);
    const sent = JSON.parse(h.upstream.requests[0]!.body.toString('utf8')) as { metadata: Record<string, string>; extra: { doc: string } };
    assert.deepEqual(sent.metadata, { 'k [REDACTED:aws-access-key-id#1]': 'v [REDACTED:aws-access-key-id#1]' });
    const [prefix, payload] = sent.extra.doc.split(',');
    assert.equal(prefix, 'data:text/plain;base64');
    assert.equal(Buffer.from(payload!, 'base64').toString('utf8'), 'see [REDACTED:aws-access-key-id#1] here');
  });
});

test('the URL path and query and custom headers are scanned; the client’s own key in auth headers and `?key=` is no finding', async () => {
  await withGateway(() => policy, async (h) => {
    const body = JSON.stringify({ model: 'm', messages: hi });
    const marker = encodeURIComponent(MARKER);
    for (const [label, path, headers] of [
      ['query (secret)', `${OPENAI}?note=${SECRET}`, json],
      ['query (marker)', `${OPENAI}?note=${marker}`, json],
      ['path (marker)', `/openai/v1/${marker}/chat/completions`, json],
      ['path (secret)', `/anthropic/v1/${SECRET}/messages`, json],
      ['custom header (secret)', OPENAI, { ...json, 'x-note': `k ${SECRET}` }],
      ['custom header (marker)', ANTHROPIC, { ...json, 'x-request-note': MARKER }],
      // Header names arrive lower-cased and without spaces: a one-word marker.
      ['header name (marker)', OPENAI, { ...json, [`x-${CODENAME.toLowerCase()}-id`]: '1' }],
      ['user-agent (marker)', OPENAI, { ...json, 'user-agent': `client/1 ${MARKER}` }],
      ['GET query (marker)', `/openai/v1/models?q=${marker}`, {}],
    ] as const) {
      const seen = h.upstream.requests.length;
      const answer = await rawRequest(h.gateway.port, path, { method: label.startsWith('GET') ? 'GET' : 'POST', headers, ...(label.startsWith('GET') ? {} : { body }) });
      assert.equal(answer.status, 400, `${label}: ${answer.body}`);
      assert.equal(h.upstream.requests.length, seen, `${label}: forwarded`);
      assert.ok(!answer.body.includes(SECRET) && !answer.body.includes(MARKER), `${label}: echoed`);
    }
    // Gemini's `?key=` is the client's own credential, like an auth header: not a finding (other params are;
    // what credentials are still searched for is in credentials.test.ts).
    const googleKey = `AIza${'SyD3mPq8Rt2Vx6Bz9Kc4Nf7Hj1Lw5Gs0Yae'}`;
    const keyed = await rawRequest(h.gateway.port, `${OPENAI}?key=${googleKey}`, { headers: json, body });
    assert.equal(keyed.status, 200, keyed.body);
    const elsewhere = await rawRequest(h.gateway.port, `${OPENAI}?note=${googleKey}`, { headers: json, body });
    assert.equal(elsewhere.status, 400, elsewhere.body);
    // Auth headers carry the client's own key to its provider (here an unknown, loopback one): not a finding.
    const auth = await rawRequest(h.gateway.port, ANTHROPIC, { headers: { ...json, 'x-api-key': 'sk-ant-api03-Zq8vX2mL5nR7tY1wK4pB9cF3hJ6dG0sA2eU8iO5yT7rE1wQ4zX9cV3bN6mK2lJ8hG5fD0sA-Bc7dE9fAA', authorization: `Bearer ${SECRET}` }, body: JSON.stringify({ model: 'm', max_tokens: 1, messages: hi }) });
    assert.equal(auth.status, 200, auth.body);
    // Neither the path nor the query ever lands in the audit trail or the decision line.
    const trail = JSON.stringify(h.audit) + JSON.stringify(h.decisions);
    assert.ok(!trail.includes(SECRET) && !trail.includes(marker) && !trail.includes('note='));
    assert.ok(h.audit.every((r) => r.destination === '' || /^https?:\/\/[^/]+$/.test(r.destination)), 'audit destinations are origins');
  });
});

test('strict reading: duplicate keys, bodies on GET/HEAD, bytes after a compressed stream and absurd nesting are refused with 400', async () => {
  await withGateway(() => policy, async (h) => {
    const cases: [string, string, { method?: string; headers?: Record<string, string>; body?: Buffer | string }][] = [
      ['duplicate messages', OPENAI, { headers: json, body: `{"model":"m","messages":[{"role":"user","content":"hi"}],"messages":[{"role":"user","content":"key ${SECRET}"}]}` }],
      ['duplicate nested key', ANTHROPIC, { headers: json, body: `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi","content":"key ${SECRET}"}]}` }],
      ['duplicate key via escapes', OPENAI, { headers: json, body: `{"model":"m","messages":[],"metadata":{"a":"x","\\u0061":"y"}}` }],
      ['GET with a body', '/openai/v1/models', { method: 'GET', headers: { ...json, 'content-length': String(`{"q":"${SECRET}"}`.length) }, body: `{"q":"${SECRET}"}` }],
      ['HEAD with a body', '/ollama/api/tags', { method: 'HEAD', headers: { ...json, 'content-length': '12' }, body: 'hello world!' }],
      ['deflate + trailing plaintext', OPENAI, { headers: { ...json, 'content-encoding': 'deflate' }, body: Buffer.concat([deflateSync(JSON.stringify({ model: 'm', messages: hi })), Buffer.from(` key ${SECRET}`)]) }],
      ['br + trailing plaintext', OPENAI, { headers: { ...json, 'content-encoding': 'br' }, body: Buffer.concat([brotliCompressSync(JSON.stringify({ model: 'm', messages: hi })), Buffer.from(` ${MARKER}`)]) }],
      ['gzip + trailing plaintext', OPENAI, { headers: { ...json, 'content-encoding': 'gzip' }, body: Buffer.concat([gzipSync(JSON.stringify({ model: 'm', messages: hi })), Buffer.from(` ${MARKER}`)]) }],
      ['nesting beyond the bound', OPENAI, { headers: json, body: `{"model":"m","messages":[],"x":${'['.repeat(1500)}${']'.repeat(1500)}}` }],
    ];
    for (const [label, path, init] of cases) {
      const answer = await rawRequest(h.gateway.port, path, init);
      assert.equal(answer.status, 400, `${label}: ${answer.status} ${answer.body}`);
      assert.ok(!answer.body.includes(SECRET), label);
      if (init.method !== 'HEAD') assert.match(answer.body, /duplicate key|must not carry a body|after the end of its|not valid gzip|nested deeper/, label);
    }
    assert.equal(h.upstream.requests.length, 0);
    // Two gzip members in a row are one valid gzip body, not trailing bytes.
    const members = Buffer.concat([gzipSync('{"model":"m",'), gzipSync('"messages":[{"role":"user","content":"hi"}]}')]);
    assert.equal((await rawRequest(h.gateway.port, OPENAI, { headers: { ...json, 'content-encoding': 'gzip' }, body: members })).status, 200);
  });
});

test('binary attachments follow the policy: allowed to an internal endpoint under meta-style, blocked under strict', async () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(200, 7)]).toString('base64');
  const body = JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'text', text: 'what is this?' }] }] });
  const metaStyle = await loadPolicyRef('airlock:meta-style');
  await withGateway(() => metaStyle, async (h) => {
    assert.equal((await rawRequest(h.gateway.port, ANTHROPIC, { headers: json, body })).status, 200);
  });
  const strict = await loadPolicyRef('airlock:strict');
  await withGateway(() => strict, async (h) => {
    const answer = await rawRequest(h.gateway.port, ANTHROPIC, { headers: json, body });
    assert.equal(answer.status, 400);
    assert.match(answer.body, /airlock:attachments/);
    assert.equal(h.upstream.requests.length, 0);
  });
});

test('the block message keeps the rule id, the policy message and the hint, naming each file once', async () => {
  const { errorResponse } = await import('../../../extension/gateway/errors');
  const { decide } = await import('../../../extension/gateway');
  // The same protected file quoted and referenced three ways: one mention in the hint.
  const content = '<file path="src/a.ts">\nexport const a = 1;\n</file>\n```ts src/a.ts\nexport const a = 1;\n```\n@src/a.ts';
  const d = decide({ policy, dialect: 'openai-chat', body: Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] })), destination: 'https://api.openai.com/v1/chat/completions' });
  assert.equal(d.kind, 'refuse');
  if (d.kind !== 'refuse') return;
  const reply = errorResponse('openai', d.error);
  const message = (JSON.parse(reply.body) as { error: { message: string; type: string } }).error;
  assert.equal(reply.status, 400);
  assert.equal(message.type, 'invalid_request_error');
  assert.match(message.message, /\[rule no-protected-code-anywhere\]/);
  assert.match(message.message, /Protected code may not leave this machine in tests\./);
  assert.match(message.message, /Hint: this code is protected/);
  assert.equal(message.message.split('src/a.ts').length - 1, 1, message.message);
  assert.equal(reply.headers['x-should-retry'], 'false');
});
