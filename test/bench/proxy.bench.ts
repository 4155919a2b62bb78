// Proxy mode overhead: the same HTTPS requests sent directly to a fake TLS upstream answering as
// api.openai.com, and through the gateway as an HTTPS proxy (CONNECT, TLS terminated with the
// Airlock CA, decided, re-encrypted upstream), in the same run. Added latency = proxy − direct.
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodePolicyReader } from '../../extension/cli/policySource';
import { loadLayeredPolicy } from '../../extension/core/policy';
import { startGateway } from '../../extension/gateway';
import { loadOrCreateCa } from '../../extension/gateway/proxy/ca';
import { startFakeUpstream } from '../support/fakeUpstream';
import { fakePublicCa, tunnellingAgent } from '../unit/gateway/support/tls';
import { linePrompt, stats, timeResponse, type Bench } from './bench';

/** One POST to https://<host>/v1/chat/completions through `agent`; resolves with [TTFB, total] ms. */
function post(agent: Agent, host: string, body: string, direct?: { port: number; ca: string }): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { host: direct ? '127.0.0.1' : host, servername: host, port: direct?.port ?? 443, path: '/v1/chat/completions', method: 'POST', agent, headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      timeResponse(started, resolve, reject),
    );
    req.on('error', reject);
    req.end(body);
  });
}

const NEW_HOSTS = ['api.mistral.ai', 'api.groq.com', 'api.x.ai', 'api.deepseek.com', 'openrouter.ai', 'api.cohere.com', 'api.together.xyz', 'api.fireworks.ai', 'api.perplexity.ai', 'api.cerebras.ai', 'codestral.mistral.ai'];

export default async function proxyBench(b: Bench): Promise<void> {
  const loaded = await loadLayeredPolicy({ workspace: 'airlock:meta-style' }, createNodePolicyReader());
  if (!loaded.ok) throw new Error('airlock:meta-style did not load');
  const publicCa = fakePublicCa();
  const hosts = ['api.openai.com', ...NEW_HOSTS];
  const upstream = await startFakeUpstream({ tls: publicCa.serverFor(hosts) });
  const port = Number(new URL(upstream.url).port);
  const dir = await mkdtemp(join(tmpdir(), 'airlock-proxy-bench-'));
  const ca = await loadOrCreateCa({ dir: join(dir, 'ca') });
  const gateway = await startGateway({
    policy: () => loaded.policy,
    upstream: { resolve: Object.fromEntries(hosts.map((h) => [h, { host: '127.0.0.1', port }])), ca: [publicCa.certPem] },
    proxy: { ca: async () => ca },
  });
  const directAgent = new Agent({ keepAlive: true, maxSockets: 256, ca: publicCa.certPem });
  const proxyAgent = tunnellingAgent(gateway.port, ca.certPem, 256);
  const direct = { port, ca: publicCa.certPem };
  try {
    for (const size of [1024, 64 * 1024]) {
      const label = size === 1024 ? '1 KB' : '64 KB';
      const body = linePrompt(size, false);
      for (let i = 0; i < 30; i++) {
        await post(directAgent, 'api.openai.com', body, direct);
        await post(proxyAgent, 'api.openai.com', body);
      }
      const d: number[] = [];
      const p: number[] = [];
      for (let i = 0; i < 400; i++) {
        d.push((await post(directAgent, 'api.openai.com', body, direct))[1]);
        p.push((await post(proxyAgent, 'api.openai.com', body))[1]);
      }
      const sd = stats(d);
      const sp = stats(p);
      b.figure(`proxy added latency, ${label}, p50 / p99`, `${(sp.p50 - sd.p50).toFixed(3)} / ${(sp.p99 - sd.p99).toFixed(3)} ms (direct TLS p50 ${sd.p50.toFixed(3)} ms)`);
      if (size === 64 * 1024) b.target('proxy p50 added latency at 64 KB', `${(sp.p50 - sd.p50).toFixed(3)} ms`, '≤ 2 ms', sp.p50 - sd.p50 <= 2);
    }

    // First request to a host not seen before: CONNECT, leaf minting, two TLS handshakes.
    const firsts: number[] = [];
    for (const host of NEW_HOSTS) {
      const fresh = tunnellingAgent(gateway.port, ca.certPem, 1);
      firsts.push((await post(fresh, host, linePrompt(1024, false)))[1]);
      fresh.destroy();
    }
    // Baseline: a first request over a fresh direct TLS connection (one handshake instead of two).
    const freshDirect: number[] = [];
    for (const host of NEW_HOSTS) {
      const fresh = new Agent({ keepAlive: false, ca: publicCa.certPem });
      freshDirect.push((await post(fresh, host, linePrompt(1024, false), direct))[1]);
      fresh.destroy();
    }
    b.figure('first request over a fresh direct TLS connection, p50', `${stats(freshDirect).p50.toFixed(2)} ms`);
    const first = stats(firsts);
    b.figure('first request to a new host (incl. minting), p50 / max', `${first.p50.toFixed(2)} / ${Math.max(...firsts).toFixed(2)} ms over ${firsts.length} hosts`);
    b.target('first request to a new host incl. minting (p50)', `${first.p50.toFixed(2)} ms`, '≤ 20 ms', first.p50 <= 20);

    upstream.behaviour.chunks = 20;
    upstream.behaviour.chunkDelayMs = 5;
    const wide = tunnellingAgent(gateway.port, ca.certPem, 200);
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => post(wide, 'api.openai.com', linePrompt(1024, true))));
    const errors = results.filter((r) => r.status === 'rejected').length;
    const tunnels = wide.sockets['api.openai.com:443:']?.length ?? 0;
    wide.destroy();
    b.figure('200 concurrent CONNECT streams (20 chunks, 5 ms apart)', `${errors} errors, ${(performance.now() - started).toFixed(0)} ms, ${tunnels || '≤200'} tunnels`);
    b.target('200 concurrent CONNECT streams without errors', `${errors} errors`, '0', errors === 0);
    upstream.behaviour.chunks = 3;
    upstream.behaviour.chunkDelayMs = 0;

    const body = linePrompt(1024, false);
    for (let i = 0; i < 500; i++) await post(proxyAgent, 'api.openai.com', body);
    upstream.requests.length = 0;
    const before = process.memoryUsage().rss;
    const total = 10_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < total) {
          await post(proxyAgent, 'api.openai.com', body);
          if (upstream.requests.length > 1000) upstream.requests.length = 0; // the fake's own record is not the gateway's memory
        }
      }),
    );
    upstream.requests.length = 0;
    const after = process.memoryUsage().rss;
    const growthMb = (after - before) / (1024 * 1024);
    b.figure('RSS before / after 10,000 proxied requests', `${(before / 1048576).toFixed(1)} / ${(after / 1048576).toFixed(1)} MB`);
    b.target('RSS growth across 10,000 proxied requests (gateway, client and fake in one process)', `${growthMb.toFixed(1)} MB`, '≤ 30 MB', growthMb <= 30);
  } finally {
    directAgent.destroy();
    proxyAgent.destroy();
    await gateway.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}
