// Gateway overhead with the airlock:meta-style policy: the same requests sent to the fake
// upstream directly and through the gateway, in the same run. Added latency = gateway − direct.
import { Agent, request } from 'node:http';
import { createNodePolicyReader } from '../../extension/cli/policySource';
import { loadLayeredPolicy } from '../../extension/core/policy';
import type { CompiledPolicy } from '../../extension/core/policy/contract';
import { startGateway } from '../../extension/gateway';
import { FingerprintIndex } from '../../extension/core/fingerprint';
import { generateProjects } from '../support/codeGenerator';
import { startFakeUpstream } from '../support/fakeUpstream';
import { stats, time, type Bench } from './bench';
import { publicCorpus } from './fingerprint.bench';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Sends one POST; resolves with [time to first body byte, total time] in ms. */
function post(url: string, body: string): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let first = 0;
      res.on('data', () => {
        if (!first) first = performance.now() - started;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve([first, performance.now() - started]) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A prompt of about `bytes` bytes of code-like text, without secrets or protected paths. */
function prompt(bytes: number, stream: boolean): string {
  const line = 'function add(a, b) { return a + b; } // sums two numbers for the report\n';
  const text = `Explain this code:\n${line.repeat(Math.ceil(bytes / line.length))}`.slice(0, bytes);
  return JSON.stringify({ model: 'm', stream, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: text }] });
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
  const gateway = await startGateway({ policy: () => loaded.policy, upstreams: { openai: `${upstream.url}/v1` }, onDecision: (e) => void decisionMs.push(e.record.decisionMs) });
  const direct = `${upstream.url}/v1/chat/completions`;
  const via = `${gateway.urls.openai}/chat/completions`;
  try {
    for (const size of [1024, 64 * 1024]) {
      const label = size === 1024 ? '1 KB' : '64 KB';
      decisionMs.length = 0;
      const plain = await compare(direct, via, prompt(size, false), 400, 1);
      b.figure(`gateway read + parse + decide, ${label}, p50`, `${stats(decisionMs).p50.toFixed(3)} ms`);
      b.figure(`added latency, ${label}, non-streaming p50 / p99`, `${plain.p50.toFixed(3)} / ${plain.p99.toFixed(3)} ms (direct p50 ${plain.directP50.toFixed(3)} ms)`);
      const streamed = await compare(direct, via, prompt(size, true), 400, 0);
      b.figure(`added TTFB, ${label}, streaming p50 / p99`, `${streamed.p50.toFixed(3)} / ${streamed.p99.toFixed(3)} ms (direct p50 ${streamed.directP50.toFixed(3)} ms)`);
      if (size === 64 * 1024) {
        b.target('gateway p50 added latency at 64 KB (non-streaming)', `${plain.p50.toFixed(3)} ms`, '≤ 1 ms', plain.p50 <= 1);
        b.target('gateway p50 added TTFB at 64 KB (streaming)', `${streamed.p50.toFixed(3)} ms`, '≤ 1 ms', streamed.p50 <= 1);
      }
    }

    await withProtectedIndex(b, loaded.policy, upstream.url);

    upstream.behaviour.chunks = 20;
    upstream.behaviour.chunkDelayMs = 5;
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => post(via, prompt(1024, true))));
    const errors = results.filter((r) => r.status === 'rejected').length;
    b.figure('200 concurrent streams (20 chunks, 5 ms apart)', `${errors} errors, ${(performance.now() - started).toFixed(0)} ms`);
    b.target('200 concurrent streams without errors', `${errors} errors`, '0', errors === 0);
    upstream.behaviour.chunks = 3;
    upstream.behaviour.chunkDelayMs = 0;

    decisionMs.length = 0;
    const body = prompt(1024, false);
    for (let i = 0; i < 500; i++) await post(via, body);
    const before = process.memoryUsage().rss;
    const total = 10_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < total) await post(via, body);
      }),
    );
    upstream.requests.length = 0; // the fake upstream's own record is not the gateway's memory
    decisionMs.length = 0;
    const after = process.memoryUsage().rss;
    const growthMb = (after - before) / (1024 * 1024);
    b.figure('RSS before / after 10,000 requests', `${(before / 1048576).toFixed(1)} / ${(after / 1048576).toFixed(1)} MB`);
    b.target('RSS growth across 10,000 requests (gateway, client and fake upstream in one process)', `${growthMb.toFixed(1)} MB`, '≤ 30 MB', growthMb <= 30);
  } finally {
    agent.destroy();
    await gateway.close();
    await upstream.close();
  }
}

/**
 * The same gateway with the workspace's fingerprint index of ≥ 1,000,000 lines of protected
 * code (FP_BENCH_LINES overrides), and prompts of real source code (third-party files from
 * node_modules, so nothing matches and every request goes through): the fingerprint lookup
 * is in every decision. Beside it the baseline JSON.parse + one indexOf pass over the body.
 */
async function withProtectedIndex(b: Bench, policy: CompiledPolicy, upstreamUrl: string): Promise<void> {
  const lines = Number(process.env['FP_BENCH_LINES'] ?? 1_000_000);
  const index = new FingerprintIndex();
  for (const f of generateProjects(lines, 1)) index.add(f.path, f.text);
  const code = publicCorpus(4e6).exclusion.join('\n');
  const gateway = await startGateway({ policy: () => policy, upstreams: { openai: `${upstreamUrl}/v1` }, protectedIndex: () => index });
  const direct = `${upstreamUrl}/v1/chat/completions`;
  const via = `${gateway.urls.openai}/chat/completions`;
  try {
    for (const [label, size, runs] of [['64 KB', 64 * 1024, 300], ['1 MB', 1024 * 1024, 40]] as const) {
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: `Explain this code:\n${code.slice(0, size)}` }] });
      const baseline = stats(await time(() => JSON.parse(body) && body.indexOf('\u0000never\u0000'), 51, 20));
      const added = await compare(direct, via, body, runs, 1);
      b.figure(`added latency, ${label} of source code, ${(lines / 1e6).toFixed(1)}M-line index, p50 / p99`, `${added.p50.toFixed(3)} / ${added.p99.toFixed(3)} ms (baseline JSON.parse + indexOf ${baseline.p50.toFixed(3)} ms: ${(added.p50 / baseline.p50).toFixed(1)}x)`);
    }
  } finally {
    await gateway.close();
  }
}
