// The upstream side, as enterprises need it: the gateway reaches upstreams through the machine's
// own egress proxy (CONNECT), except NO_PROXY hosts, and never through itself when an inherited
// HTTPS_PROXY points back at the gateway (`eval "$(airlock env)"` then `airlock gateway`).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { before, test } from 'node:test';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { bypassesProxy, parseResolve, pinsFromSetting, proxyFromEnv } from '../../../extension/gateway/proxy/upstream';
import { loadGatewayTestPolicy } from './support/policy';
import { withProxy } from './support/proxyHarness';

let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

/** A corporate egress proxy stand-in: answers CONNECT by tunnelling, records each target. */
async function startEgressProxy(): Promise<{ port: number; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.once('data', (chunk: Buffer) => {
      const line = chunk.toString('latin1').split('\r\n')[0] ?? '';
      const m = /^CONNECT (\S+):(\d+) HTTP\/1\.1$/.exec(line);
      if (!m) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      targets.push(`${m[1]}:${m[2]}`);
      const remote = connect({ host: m[1]!, port: Number(m[2]) }, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        remote.pipe(client);
        client.pipe(remote);
      });
      sockets.add(remote);
      remote.on('error', () => client.destroy());
      client.on('error', () => remote.destroy());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    targets,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

test('upstream connections go through the egress proxy (CONNECT), pins applied; the client still sees Airlock\'s certificate', async () => {
  const egress = await startEgressProxy();
  try {
    await withProxy(
      () => policy,
      async ({ openai, ai }) => {
        const answer = await openai().chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
        assert.equal(answer.choices[0]?.message.content, 'ok');
        assert.equal(ai.requests[0]?.headers['host'], 'api.openai.com');
        assert.deepEqual(egress.targets, [`127.0.0.1:${new URL(ai.url).port}`]);
      },
      { upstream: { proxy: `http://127.0.0.1:${egress.port}` } },
    );
  } finally {
    await egress.close();
  }
});

test('NO_PROXY hosts and an inherited proxy that is the gateway itself are reached directly', async () => {
  const egress = await startEgressProxy();
  try {
    await withProxy(
      () => policy,
      async ({ openai, ai }) => {
        await openai().chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
        assert.equal(ai.requests.length, 1);
        assert.deepEqual(egress.targets, []);
      },
      { upstream: { proxy: `http://127.0.0.1:${egress.port}`, noProxy: ['.openai.com'] } },
    );
  } finally {
    await egress.close();
  }
  // HTTPS_PROXY pointing at the gateway's own port (a shell after `eval "$(airlock env)"`).
  const { startGateway } = await import('../../../extension/gateway');
  const probe = await startGateway({ policy: () => policy });
  const port = probe.port;
  await probe.close();
  await withProxy(
    () => policy,
    async ({ openai, ai, gateway }) => {
      assert.equal(gateway.port, port);
      await openai().chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(ai.requests.length, 1);
    },
    { port, upstream: { proxy: `http://127.0.0.1:${port}` } },
  );
});

test('proxy settings from the environment and NO_PROXY matching', () => {
  assert.deepEqual(proxyFromEnv({ https_proxy: 'http://p:3128', NO_PROXY: 'localhost,.corp.example' }), { proxy: 'http://p:3128', noProxy: ['localhost', '.corp.example'] });
  assert.deepEqual(proxyFromEnv({}), { noProxy: [] });
  assert.ok(bypassesProxy('api.corp.example', 443, ['.corp.example']));
  assert.ok(bypassesProxy('corp.example', 443, ['corp.example']));
  assert.ok(bypassesProxy('x.test', 443, ['*']));
  assert.ok(bypassesProxy('127.0.0.1', 443, []));
  assert.ok(!bypassesProxy('api.openai.com', 443, ['openai.co']));
  assert.ok(!bypassesProxy('api.openai.com', 443, ['api.openai.com:8443']));
  assert.deepEqual(parseResolve('API.OpenAI.com=[::1]:8443'), ['api.openai.com', { host: '::1', port: 8443 }]);
});

test('pins from the airlock.gateway.resolve setting: host -> "ADDRESS:PORT", a bad entry is an error naming the setting', () => {
  assert.deepEqual(pinsFromSetting({ 'API.GitHubCopilot.com': '127.0.0.1:8443', 'api.github.com': '[::1]:443' }, 'airlock.gateway.resolve'), {
    'api.githubcopilot.com': { host: '127.0.0.1', port: 8443 },
    'api.github.com': { host: '::1', port: 443 },
  });
  assert.deepEqual(pinsFromSetting(undefined, 'x'), {});
  assert.deepEqual(pinsFromSetting({}, 'x'), {});
  assert.throws(() => pinsFromSetting({ 'api.openai.com': '127.0.0.1' }, 'airlock.gateway.resolve'), /^Error: airlock\.gateway\.resolve: api\.openai\.com: expected "ADDRESS:PORT", got "127\.0\.0\.1"$/);
  assert.throws(() => pinsFromSetting({ 'api.openai.com': '127.0.0.1:99999' }, 'airlock.gateway.resolve'), /expected "ADDRESS:PORT"/);
  assert.throws(() => pinsFromSetting({ 'api.openai.com': 443 }, 'airlock.gateway.resolve'), /api\.openai\.com needs "ADDRESS:PORT"/);
});
