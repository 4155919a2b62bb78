// The gateway's response tap: the official clients get model answers with code (whole and
// streamed) through the gateway; `onResponseCode` receives that code once the response ended,
// without delaying the client's stream; the fingerprint index then attributes a landed copy.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { FingerprintIndex, type ObservedResponse } from '../../../extension/core/provenance/observed';
import { startGateway, type GatewayHandle } from '../../../extension/gateway';
import { FENCE_PATH, FENCED_CODE, landedFile, responseFixture, TOOL_CODE, TOOL_PATH, type FixtureDialect } from '../provenance/observedFixtures';
import { loadGatewayTestPolicy } from './support/policy';

let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

interface Script {
  /** Hold streams after their first chunk until release(). */
  hold: boolean;
  gzip: boolean;
  status: number;
  /** Destroy the socket after the first chunk. */
  reset: boolean;
  /** Extra bytes appended to whole (JSON) bodies, as whitespace. */
  padding: number;
}

/** A loopback model API answering every dialect with the code fixtures. */
async function startScriptedUpstream() {
  const script: Script = { hold: false, gzip: false, status: 200, reset: false, padding: 0 };
  let release: () => void = () => undefined;
  let held = new Promise<void>((r) => (release = r));
  let streamsDone = 0;
  const dialectOf = (path: string): FixtureDialect =>
    path.endsWith('/chat/completions') ? 'openai-chat' : path.endsWith('/responses') ? 'openai-responses' : path.endsWith('/messages') ? 'anthropic-messages' : path === '/api/chat' ? 'ollama-chat' : 'ollama-generate';

  async function respond(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    const json = JSON.parse(body || '{}') as { stream?: boolean; model?: string };
    const stream = path.startsWith('/api/') ? json.stream !== false : json.stream === true;
    const fixture = responseFixture(dialectOf(path), stream, json.model);
    if (script.status !== 200) {
      const text = JSON.stringify({ error: { message: `upstream says no\n\`\`\`ts\n${FENCED_CODE}\n\`\`\`` } });
      res.writeHead(script.status, { 'content-type': 'application/json' });
      res.end(text);
      return;
    }
    if (!stream) {
      const text = fixture.chunks[0]! + ' '.repeat(script.padding);
      const bytes = script.gzip ? gzipSync(text) : Buffer.from(text);
      res.writeHead(200, { 'content-type': fixture.contentType, 'content-length': bytes.length, ...(script.gzip ? { 'content-encoding': 'gzip' } : {}) });
      res.end(bytes);
      return;
    }
    res.writeHead(200, { 'content-type': fixture.contentType, 'cache-control': 'no-cache' });
    for (const [i, chunk] of fixture.chunks.entries()) {
      if (res.destroyed) return;
      res.write(chunk);
      if (i === 0 && script.reset) {
        await new Promise((r) => setTimeout(r, 20));
        res.socket?.destroy();
        return;
      }
      if (i === 0 && script.hold) await held;
    }
    res.end();
    streamsDone++;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void respond(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => res.destroy()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script,
    streamsDone: () => streamsDone,
    release: () => {
      release();
      held = new Promise<void>((r) => (release = r));
    },
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

type Upstream = Awaited<ReturnType<typeof startScriptedUpstream>>;

interface TapHarness {
  gateway: GatewayHandle;
  upstream: Upstream;
  observed: ObservedResponse[];
  /** Resolves with the next observed response (rejects after `ms`). */
  next(ms?: number): Promise<ObservedResponse>;
}

async function withTap(run: (h: TapHarness) => Promise<void>, onResponseCode?: (o: ObservedResponse) => void): Promise<void> {
  const upstream = await startScriptedUpstream();
  const observed: ObservedResponse[] = [];
  const waiters: ((o: ObservedResponse) => void)[] = [];
  let seen = 0;
  const gateway = await startGateway({
    policy: () => policy,
    upstreams: { openai: `${upstream.url}/v1`, anthropic: upstream.url, ollama: upstream.url },
    onResponseCode: (o) => {
      observed.push(o);
      waiters.shift()?.(o);
      onResponseCode?.(o);
    },
  });
  const next = (ms = 2000) => {
    if (observed.length > seen) return Promise.resolve(observed[seen++]!);
    return new Promise<ObservedResponse>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no observed response')), ms);
      waiters.push((o) => {
        clearTimeout(timer);
        seen++;
        resolve(o);
      });
    });
  };
  try {
    await run({ gateway, upstream, observed, next });
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

const openai = (baseURL: string) => new OpenAI({ baseURL, apiKey: 'sk-test', maxRetries: 0, timeout: 5000 });
const anthropic = (baseURL: string) => new Anthropic({ baseURL, apiKey: 'sk-ant-test', maxRetries: 0, timeout: 5000 });
const ask = [{ role: 'user' as const, content: 'write the discount function' }];

/** The fenced code and the tool-call code both arrived, with the model and the client assistant. */
function assertCode(o: ObservedResponse, dialect: string, model: string, toolNames: RegExp) {
  assert.equal(o.dialect, dialect);
  assert.equal(o.model, model);
  const fence = o.code.find((c) => c.kind === 'fence');
  assert.equal(fence?.text, FENCED_CODE);
  assert.equal(fence?.path, FENCE_PATH);
  const tool = o.code.find((c) => c.kind === 'tool-call');
  assert.equal(tool?.text, TOOL_CODE);
  assert.equal(tool?.path, TOOL_PATH);
  assert.match(tool?.tool ?? '', toolNames);
}

/** A landed copy of each is attributed; unrelated text is not. */
function assertAttributes(o: ObservedResponse, model: string) {
  const index = new FingerprintIndex();
  index.addResponse(o);
  const fenceHit = index.attribute(landedFile(FENCED_CODE, '\t'), { path: FENCE_PATH });
  assert.deepEqual([fenceHit?.model, fenceHit?.tool, fenceHit?.startLine, fenceHit?.endLine], [model, 'assistant', 6, 12]);
  const toolHit = index.attribute(`import os\n\nclass Parser:\n${TOOL_CODE.replace(/^/gm, '    ')}\n`, { path: `/repo/${TOOL_PATH}` });
  assert.equal(toolHit?.model, model);
  assert.notEqual(toolHit?.tool, 'assistant');
  assert.equal(index.attribute('def unrelated():\n    return compute_total(items)\n'), undefined);
  assert.equal(index.attribute('}\n  }\n}\n'), undefined);
}

test('openai chat: JSON and streamed answers give their fenced and tool-call code', async () => {
  await withTap(async ({ gateway, next }) => {
    const client = openai(gateway.urls.openai);
    const whole = await client.chat.completions.create({ model: 'gpt-json', messages: ask });
    assert.equal(whole.choices[0]?.message.tool_calls?.length, 1);
    const first = await next();
    assertCode(first, 'openai-chat', 'gpt-json', /^Edit$/);
    assertAttributes(first, 'gpt-json');

    const stream = await client.chat.completions.create({ model: 'gpt-stream', messages: ask, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.match(text, /applyDiscount/);
    assertCode(await next(), 'openai-chat', 'gpt-stream', /^Edit$/);
  });
});

test('openai responses: JSON and streamed answers (deltas only) give their code, apply_patch included', async () => {
  await withTap(async ({ gateway, next }) => {
    const client = openai(gateway.urls.openai);
    const whole = await client.responses.create({ model: 'resp-json', input: 'write it' });
    assert.match(whole.output_text, /applyDiscount/);
    assertCode(await next(), 'openai-responses', 'resp-json', /^apply_patch$/);
    const stream = await client.responses.create({ model: 'resp-stream', input: 'write it', stream: true });
    let events = 0;
    for await (const _event of stream) events++;
    assert.ok(events > 5);
    const observed = await next();
    assertCode(observed, 'openai-responses', 'resp-stream', /^apply_patch$/);
    assertAttributes(observed, 'resp-stream');
  });
});

test('anthropic messages: JSON and streamed answers (text and input_json deltas) give their code', async () => {
  await withTap(async ({ gateway, next }) => {
    const client = anthropic(gateway.urls.anthropic);
    const whole = await client.messages.create({ model: 'claude-json', max_tokens: 100, messages: ask });
    assert.equal(whole.content[1]?.type, 'tool_use');
    assertCode(await next(), 'anthropic-messages', 'claude-json', /^str_replace_based_edit_tool$/);
    const stream = client.messages.stream({ model: 'claude-stream', max_tokens: 100, messages: ask });
    const final = await stream.finalMessage();
    assert.equal(final.content.length, 2);
    const observed = await next();
    assertCode(observed, 'anthropic-messages', 'claude-stream', /^str_replace_based_edit_tool$/);
    assertAttributes(observed, 'claude-stream');
  });
});

test('ollama chat and generate: JSON and NDJSON streams give their code', async () => {
  await withTap(async ({ gateway, next }) => {
    const client = new Ollama({ host: gateway.urls.ollama });
    const whole = await client.chat({ model: 'qwen-json', messages: ask });
    assert.equal(whole.message.tool_calls?.length, 1);
    assertCode(await next(), 'ollama-chat', 'qwen-json', /^write_file$/);
    const stream = await client.chat({ model: 'qwen-stream', messages: ask, stream: true });
    for await (const _part of stream) void _part;
    const observed = await next();
    assertCode(observed, 'ollama-chat', 'qwen-stream', /^write_file$/);
    assertAttributes(observed, 'qwen-stream');
    const generated = await client.generate({ model: 'gen', prompt: 'write it', stream: true });
    for await (const _part of generated) void _part;
    const fromGenerate = await next();
    assert.equal(fromGenerate.dialect, 'ollama-generate');
    assert.deepEqual(fromGenerate.code.map((c) => c.text), [FENCED_CODE]);
  });
});

test('the client stream still arrives incrementally; the code is reported only after the end', async () => {
  await withTap(async ({ gateway, upstream, observed, next }) => {
    upstream.script.hold = true;
    const stream = await openai(gateway.urls.openai).chat.completions.create({ model: 'gpt-held', messages: ask, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    // The upstream is holding the rest: the first chunk came through the tap unbuffered.
    assert.equal(first.value?.choices[0]?.delta.role, 'assistant');
    assert.equal(upstream.streamsDone(), 0);
    assert.equal(observed.length, 0);
    upstream.release();
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) void n;
    assertCode(await next(), 'openai-chat', 'gpt-held', /^Edit$/);
  });
});

test('a gzip-encoded answer is decoded for the tap; the client still gets it intact; the assistant is named', async () => {
  await withTap(async ({ gateway, upstream, next }) => {
    upstream.script.gzip = true;
    const client = new OpenAI({ baseURL: gateway.urls.openai, apiKey: 'sk-test', maxRetries: 0, defaultHeaders: { 'x-airlock-assistant': 'codex' } });
    const answer = await client.chat.completions.create({ model: 'gpt-gzip', messages: ask });
    assert.match(answer.choices[0]?.message.content ?? '', /applyDiscount/);
    const observed = await next();
    assertCode(observed, 'openai-chat', 'gpt-gzip', /^Edit$/);
    assert.equal(observed.assistant, 'codex');
    assert.equal(observed.destination, `${upstream.url}/v1/chat/completions`);
  });
});

test('errors, oversized answers and broken streams are not reported; the client is unaffected', async () => {
  await withTap(async ({ gateway, upstream, observed }) => {
    const client = openai(gateway.urls.openai);
    upstream.script.status = 429;
    await assert.rejects(client.chat.completions.create({ model: 'gpt', messages: ask }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 429);
    upstream.script.status = 200;
    upstream.script.padding = 5 * 1024 * 1024;
    const big = await client.chat.completions.create({ model: 'gpt-big', messages: ask });
    assert.match(big.choices[0]?.message.content ?? '', /applyDiscount/);
    upstream.script.padding = 0;
    upstream.script.reset = true;
    await assert.rejects(async () => {
      const stream = await client.chat.completions.create({ model: 'gpt', messages: ask, stream: true });
      for await (const _chunk of stream) void _chunk;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(observed.length, 0);
  });
});

test('a throwing onResponseCode never disturbs responses', async () => {
  await withTap(
    async ({ gateway, next }) => {
      const client = openai(gateway.urls.openai);
      for (let i = 0; i < 2; i++) {
        const answer = await client.chat.completions.create({ model: `gpt-${i}`, messages: ask });
        assert.match(answer.choices[0]?.message.content ?? '', /applyDiscount/);
        assert.equal((await next()).model, `gpt-${i}`);
      }
    },
    () => {
      throw new Error('listener bug');
    },
  );
});
