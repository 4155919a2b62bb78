// Gateway overhead with the airlock:meta-style policy: the same requests sent to the fake
// upstream directly and through the gateway, in the same run. Added latency = gateway − direct.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createNodePolicyReader } from '../../extension/cli/policySource';
import { loadLayeredPolicy } from '../../extension/core/policy';
import type { CompiledPolicy } from '../../extension/core/policy/contract';
import type { AirlockPolicy } from '../../extension/core/policy/layered';
import { parseBody, rebuildBody } from '../../extension/core/dialects';
import { RequestContext } from '../../extension/core/egress/context';
import type { EgressOptions } from '../../extension/core/egress/types';
import { decide, startGateway } from '../../extension/gateway';
import { FingerprintIndex } from '../../extension/core/fingerprint';
import { generateProjects } from '../support/codeGenerator';
import { startFakeUpstream } from '../support/fakeUpstream';
import { collectGarbage, linePrompt, stats, time, timeResponse, type Bench } from './bench';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Sends one POST; resolves with [time to first body byte, total time] in ms. */
function post(url: string, body: string): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, timeResponse(started, resolve, reject));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * About `bytes` bytes of real source code (TypeScript's own compiler, as shipped in
 * node_modules), from a fixed offset: the text a prompt quoting a large file carries.
 */
function sourceCode(bytes: number): string {
  const lib = join(__dirname, '..', '..', 'node_modules', 'typescript', 'lib');
  let text = '';
  for (const file of ['typescript.js', '_tsc.js']) {
    text += readFileSync(join(lib, file), 'utf8').slice(200_000);
    if (text.length >= bytes) break;
  }
  return text.slice(0, bytes);
}

/** A chat request whose user message quotes `bytes` bytes of source code. */
export function codePrompt(bytes: number, stream: boolean): string {
  return JSON.stringify({ model: 'm', stream, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: `Explain this code:\n${sourceCode(bytes)}` }] });
}

/** `n` distinct random-looking AWS access key ids (AKIA + 16 base32 characters), the same every run. */
function awsKeys(n: number): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let seed = 0x9e3779b9;
  const next = () => {
    // mulberry32: a fixed sequence, so every run measures the same body.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => `AKIA${Array.from({ length: 16 }, () => alphabet[Math.floor(next() * 32)]).join('')}`);
}

/** `n` chat messages carrying 1.5·n secrets between them (every other message has two). */
export function secretsBody(n = 10_000): string {
  const keys = awsKeys(Math.ceil(n * 1.5));
  let k = 0;
  const messages = Array.from({ length: n }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: i % 2 === 0 ? `deploy with aws_access_key_id=${keys[k++]} and ${keys[k++]}, then check the logs` : `use ${keys[k++]} for the staging bucket`,
  }));
  return JSON.stringify({ model: 'm', messages });
}

/** A client's credential headers (invented values shaped like an OpenAI project key and Cloudflare's cookie). */
const CLIENT_CREDENTIALS = {
  authorization: `Bearer sk-proj-${'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z'.repeat(5)}`,
  cookie: '__cf_bm=a1B2c3D4e5F6g7H8i9J0.k1L2m3N4o5P6-1764590000-1.0.1.1-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
};

/**
 * The policy the decision figures use. Fingerprints helper: this is the hook for the protected
 * code index (≥ 1,000,000 lines) — return the policy evaluating with it, and the same figures
 * are then measured with the index in place.
 */
async function benchPolicy(): Promise<CompiledPolicy> {
  const loaded = await loadLayeredPolicy({ workspace: 'airlock:meta-style' }, createNodePolicyReader());
  if (!loaded.ok) throw new Error('airlock:meta-style did not load');
  return loaded.policy;
}

/** p50 of the decide stage alone (parse + engine + rebuild), beside JSON.parse + one indexOf pass over the same body. */
async function decisionFigures(b: Bench, policy: CompiledPolicy, label: string, body: string, runs: number, egressOptions?: EgressOptions, extraHeaders: Record<string, string> = {}): Promise<number> {
  const buffer = Buffer.from(body, 'utf8');
  const input = { policy, dialect: 'openai-chat' as const, body: buffer, destination: 'https://api.openai.com/v1/chat/completions', method: 'POST', url: '/chat/completions', headers: { 'content-type': 'application/json', 'user-agent': 'bench/1', ...extraHeaders }, egressOptions };
  const first = decide(input);
  const decided = stats(await time(() => decide(input), runs, 3)).p50;
  const baseline = stats(
    await time(() => {
      const text = buffer.toString('utf8');
      JSON.parse(text);
      return text.indexOf('\u0000');
    }, runs, 3),
  ).p50;
  b.figure(`decision, ${label}, p50 (baseline JSON.parse + indexOf)`, `${decided.toFixed(3)} ms (${baseline.toFixed(3)} ms, ×${(decided / baseline).toFixed(1)}) → ${first.kind} ${first.action}`);
  return decided;
}

async function compare(direct: string, via: string, body: string, runs: number, pick: 0 | 1): Promise<{ p50: number; p99: number; directP50: number }> {
  for (let i = 0; i < 30; i++) {
    await post(direct, body);
    await post(via, body);
  }
  const d: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < runs; i++) {
    d.push((await post(direct, body))[pick]);
    g.push((await post(via, body))[pick]);
  }
  const sd = stats(d);
  const sg = stats(g);
  return { p50: sg.p50 - sd.p50, p99: sg.p99 - sd.p99, directP50: sd.p50 };
}

export default async function gatewayBench(b: Bench): Promise<void> {
  const loaded = await loadLayeredPolicy({ workspace: 'airlock:meta-style' }, createNodePolicyReader());
  if (!loaded.ok) throw new Error('airlock:meta-style did not load');
  const upstream = await startFakeUpstream();
  const decisionMs: number[] = [];
  const gateway = await startGateway({ policy: () => loaded.policy, upstreams: { openai: `${upstream.url}/v1` }, maxBodyBytes: 64 * 1024 * 1024, onDecision: (e) => void decisionMs.push(e.record.decisionMs) });
  const direct = `${upstream.url}/v1/chat/completions`;
  const via = `${gateway.urls.openai}/chat/completions`;
  try {
    // Realistic source code under airlock:meta-style: the decide stage alone first (no sockets
    // open yet: an idle keep-alive socket would be closed under the next request), then end to end.
    const policy = await benchPolicy();
    const sizes = [['1 KB', 1024], ['64 KB', 64 * 1024], ['1 MB', 1024 * 1024]] as const;
    for (const [label, size] of sizes) await decisionFigures(b, policy, `${label} of source code`, codePrompt(size, false), size > 100_000 ? 30 : 200);
    // What a real client adds: its key and a provider cookie, scanned as credential segments.
    await decisionFigures(b, policy, '64 KB of source code with an Authorization key and a cookie', codePrompt(64 * 1024, false), 200, undefined, CLIENT_CREDENTIALS);
    const indexed = await protectedIndexDecisions(b, policy);
    const many = await decisionFigures(b, policy, '10,000 segments, 15,000 secrets', secretsBody(), 20);
    b.target('decision, 10,000 segments with 15,000 secrets', `${many.toFixed(1)} ms`, '≤ 50 ms', many <= 50);
    await segmentsBreakdown(b, loaded.policy, secretsBody());
    // Linear time: the cost per segment stays flat as the request grows.
    const quarter = await decisionFigures(b, policy, '2,500 segments, 3,750 secrets', secretsBody(2_500), 20);
    b.figure('decision per segment, 2,500 → 10,000 segments', `${((quarter / 2_500) * 1000).toFixed(2)} → ${((many / 10_000) * 1000).toFixed(2)} µs (×${(many / quarter / 4).toFixed(2)} of linear)`);
    for (const [label, size] of sizes) {
      const code = await compare(direct, via, codePrompt(size, false), size > 100_000 ? 40 : 300, 1);
      b.figure(`added latency, ${label} of source code, p50 / p99`, `${code.p50.toFixed(3)} / ${code.p99.toFixed(3)} ms (direct p50 ${code.directP50.toFixed(3)} ms)`);
      if (size === 64 * 1024) b.target('p50 added latency, 64 KB of source code (meta-style)', `${code.p50.toFixed(3)} ms`, '≤ 1 ms', code.p50 <= 1);
      if (size === 1024 * 1024) b.target('p50 added latency, 1 MB of source code (meta-style)', `${code.p50.toFixed(3)} ms`, '≤ 10 ms', code.p50 <= 10);
    }

    for (const size of [1024, 64 * 1024]) {
      const label = size === 1024 ? '1 KB' : '64 KB';
      decisionMs.length = 0;
      const plain = await compare(direct, via, linePrompt(size, false), 400, 1);
      b.figure(`gateway read + parse + decide, ${label}, p50`, `${stats(decisionMs).p50.toFixed(3)} ms`);
      b.figure(`added latency, ${label}, non-streaming p50 / p99`, `${plain.p50.toFixed(3)} / ${plain.p99.toFixed(3)} ms (direct p50 ${plain.directP50.toFixed(3)} ms)`);
      const streamed = await compare(direct, via, linePrompt(size, true), 400, 0);
      b.figure(`added TTFB, ${label}, streaming p50 / p99`, `${streamed.p50.toFixed(3)} / ${streamed.p99.toFixed(3)} ms (direct p50 ${streamed.directP50.toFixed(3)} ms)`);
      if (size === 64 * 1024) {
        b.target('gateway p50 added latency at 64 KB (non-streaming)', `${plain.p50.toFixed(3)} ms`, '≤ 1 ms', plain.p50 <= 1);
        b.target('gateway p50 added TTFB at 64 KB (streaming)', `${streamed.p50.toFixed(3)} ms`, '≤ 1 ms', streamed.p50 <= 1);
      }
    }

    await protectedIndexLatency(b, policy, upstream.url, indexed);

    upstream.behaviour.chunks = 20;
    upstream.behaviour.chunkDelayMs = 5;
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => post(via, linePrompt(1024, true))));
    const errors = results.filter((r) => r.status === 'rejected').length;
    b.figure('200 concurrent streams (20 chunks, 5 ms apart)', `${errors} errors, ${(performance.now() - started).toFixed(0)} ms`);
    b.target('200 concurrent streams without errors', `${errors} errors`, '0', errors === 0);
    upstream.behaviour.chunks = 3;
    upstream.behaviour.chunkDelayMs = 0;

    decisionMs.length = 0;
    const body = linePrompt(1024, false);
    for (let i = 0; i < 500; i++) await post(via, body);
    // Collected first: the large bodies above leave a heap the collector shrinks at its own pace.
    collectGarbage();
    const before = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    const total = 10_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < total) await post(via, body);
      }),
    );
    upstream.requests.length = 0; // the fake upstream's own record is not the gateway's memory
    decisionMs.length = 0;
    collectGarbage();
    const after = process.memoryUsage().rss;
    const heapAfter = process.memoryUsage().heapUsed;
    const growthMb = (after - before) / (1024 * 1024);
    b.figure('RSS before / after 10,000 requests (after a full GC)', `${(before / 1048576).toFixed(1)} / ${(after / 1048576).toFixed(1)} MB`);
    b.figure('live heap before / after 10,000 requests', `${(heapBefore / 1048576).toFixed(1)} / ${(heapAfter / 1048576).toFixed(1)} MB`);
    b.target('RSS growth across 10,000 requests (gateway, client and fake upstream in one process)', `${growthMb.toFixed(1)} MB`, '≤ 30 MB', growthMb <= 30);
  } finally {
    agent.destroy();
    await gateway.close();
    await upstream.close();
  }
}

/**
 * The same source-code prompts with the workspace's fingerprint index of ≥ 1,000,000 lines of
 * protected code (generated projects; FP_BENCH_LINES overrides): TypeScript's compiler matches
 * none of it, so every request is tokenized, looked up and forwarded. First the decide stage
 * beside its JSON.parse + indexOf baseline (before any socket is open, like the figures above),
 * then, later, end to end through a gateway holding the index.
 */
async function protectedIndexDecisions(b: Bench, policy: CompiledPolicy): Promise<{ index: FingerprintIndex; label: string }> {
  const lines = Number(process.env['FP_BENCH_LINES'] ?? 1_000_000);
  const index = new FingerprintIndex();
  for (const f of generateProjects(lines, 1)) index.add(f.path, f.text);
  const label = `${(lines / 1e6).toFixed(1)}M-line fingerprint index`;
  for (const [size, name] of [[64 * 1024, '64 KB'], [1024 * 1024, '1 MB']] as const) {
    await decisionFigures(b, policy, `${name} of source code, ${label}`, codePrompt(size, false), size > 100_000 ? 30 : 200, { protectedIndex: index });
  }
  return { index, label };
}

async function protectedIndexLatency(b: Bench, policy: CompiledPolicy, upstreamUrl: string, { index, label }: { index: FingerprintIndex; label: string }): Promise<void> {
  const gateway = await startGateway({ policy: () => policy, upstreams: { openai: `${upstreamUrl}/v1` }, maxBodyBytes: 64 * 1024 * 1024, protectedIndex: () => index });
  try {
    for (const [size, name] of [[64 * 1024, '64 KB'], [1024 * 1024, '1 MB']] as const) {
      const added = await compare(`${upstreamUrl}/v1/chat/completions`, `${gateway.urls.openai}/chat/completions`, codePrompt(size, false), size > 100_000 ? 40 : 300, 1);
      b.figure(`added latency, ${name} of source code, ${label}, p50 / p99`, `${added.p50.toFixed(3)} / ${added.p99.toFixed(3)} ms (direct p50 ${added.directP50.toFixed(3)} ms)`);
    }
  } finally {
    await gateway.close();
  }
}

/**
 * Where the 10,000-segment decision goes, stage by stage in the same run (p50 each): parsing the
 * body into segments, the layers' secrets scan alone (the detectors, run as the engine runs them:
 * one RequestContext.scan per layer scanner, deduplicated and batched), the whole engine
 * (that scan plus findings, rules and redaction), and writing the redacted body back.
 */
async function segmentsBreakdown(b: Bench, policy: AirlockPolicy, body: string): Promise<void> {
  const destination = 'https://api.openai.com/v1/chat/completions';
  const parsed = parseBody('openai-chat', body, { destination });
  const verdict = policy.evaluateEgress(parsed.request);
  const stages: [string, () => unknown][] = [
    ['parse', () => parseBody('openai-chat', body, { destination })],
    [
      'scan',
      () => {
        const ctx = new RequestContext(parsed.request, []);
        for (const layer of policy.compiledLayers) if (layer.scanner) ctx.scan(layer.scanner);
      },
    ],
    ['engine', () => policy.evaluateEgress(parsed.request)],
    ['rebuild', () => rebuildBody(body, parsed, verdict.redactedSegments ?? [])],
  ];
  // Interleaved round by round, so a load spike on a shared machine hits every stage alike.
  const samples = new Map<string, number[]>(stages.map(([name]) => [name, []]));
  for (let round = 0; round < 18; round++) {
    for (const [name, fn] of stages) {
      const started = performance.now();
      fn();
      if (round >= 3) samples.get(name)!.push(performance.now() - started);
    }
  }
  const [parse, scan, engine, rebuild] = stages.map(([name]) => stats(samples.get(name)!).p50) as [number, number, number, number];
  b.figure('10,000 segments: parse / secrets scan alone / whole engine / body rebuild, p50', `${parse.toFixed(1)} / ${scan.toFixed(1)} / ${engine.toFixed(1)} / ${rebuild.toFixed(1)} ms (the engine beyond the scan: ${(engine - scan).toFixed(1)} ms)`);
}
