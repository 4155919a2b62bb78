// Proxy mode: the official `openai` SDK through Airlock as an HTTPS proxy (CONNECT, TLS
// terminated with the local CA), reaching a fake TLS upstream that answers as api.openai.com
// (pinned with --resolve, trusted with --upstream-ca). Same pipeline as base-URL traffic.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import OpenAI from 'openai';
import type { AirlockPolicy } from '../../../extension/core/policy';
import type { GatewayOptions } from '../../../extension/gateway';
import { loadOrCreateCa } from '../../../extension/gateway/proxy/ca';
import { DEFAULT_INSPECTED_HOSTS } from '../../../extension/core/dialects/hosts';
import { startFakeUpstream } from '../../support/fakeUpstream';
import { withProxy as withProxyHarness, type ProxyHarness } from './support/proxyHarness';
import { loadGatewayTestPolicy } from './support/policy';
import { tunnellingAgent, withTempDir } from './support/tls';

const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';
let policy: AirlockPolicy;
let stateDir = '';
after(() => rm(stateDir, { recursive: true, force: true }));
before(async () => {
  // Never the user's own CA: anything that falls back to the default state dir lands in a temp one.
  process.env['AIRLOCK_STATE_DIR'] = stateDir = await mkdtemp(join(tmpdir(), 'airlock-state-'));
  policy = await loadGatewayTestPolicy();
});

const withProxy = (run: (h: ProxyHarness) => Promise<void>, extra: Partial<GatewayOptions> = {}) => withProxyHarness(() => policy, run, extra);

/** Opens a CONNECT tunnel by hand; resolves with the status line and the socket. */
async function connectTunnel(port: number, authority: string): Promise<{ status: number; socket: import('node:net').Socket; head: string }> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`);
  let buffer = '';
  while (!buffer.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    buffer += chunk.toString('latin1');
  }
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(buffer)?.[1]), socket, head: buffer };
}

test('a benign request through the proxy arrives byte-identical at the real host, with the client auth header', async () => {
  await withProxy(async ({ fetch: proxied, ai, audit }) => {
    let sent: string | undefined;
    const through = proxied();
    const client = new OpenAI({
      apiKey: 'sk-test-client-key',
      maxRetries: 0,
      fetch: async (url, init) => {
        sent = typeof init?.body === 'string' ? init.body : undefined;
        return through(url, init);
      },
    });
    const answer = await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'How do I reverse a list in Python?' }] });
    assert.equal(answer.choices[0]?.message.content, 'ok');
    const received = ai.requests[0]!;
    assert.equal(received.url, '/v1/chat/completions');
    assert.equal(received.headers['host'], 'api.openai.com');
    assert.equal(received.body.toString('utf8'), sent);
    assert.equal(received.headers['authorization'], 'Bearer sk-test-client-key');
    const connect = audit.find((r) => r.dialect === 'connect');
    assert.deepEqual([connect?.destination, connect?.proxy, connect?.action], ['api.openai.com:443', 'inspect', 'allow']);
    const decision = audit.find((r) => r.dialect === 'openai-chat');
    assert.equal(decision?.action, 'allow');
    assert.equal(decision?.destination, 'https://api.openai.com');
    assert.ok(!JSON.stringify(audit).includes('reverse a list'));
  });
});

test('several requests share one tunnel (keep-alive), each decided on its own', async () => {
  await withProxy(async ({ gateway, ca, ai, audit }) => {
    const agent = tunnellingAgent(gateway.port, ca.certPem);
    try {
      for (let i = 0; i < 3; i++) {
        const body = JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: `question ${i}` }] });
        const status = await new Promise<number>((resolve, reject) => {
          const req = httpsRequest({ host: 'api.openai.com', port: 443, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end(body);
        });
        assert.equal(status, 200);
      }
    } finally {
      agent.destroy();
    }
    assert.equal(ai.requests.length, 3);
    assert.equal(audit.filter((r) => r.dialect === 'connect').length, 1);
    assert.equal(audit.filter((r) => r.dialect === 'openai-chat').length, 3);
  });
});

test('a secret is redacted in proxy mode: the real host gets the placeholder', async () => {
  await withProxy(async ({ openai, ai, audit }) => {
    await openai().chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: `boto fails with aws_access_key_id = ${SECRET} — why?` }] });
    const text = ai.requests[0]!.body.toString('utf8');
    assert.ok(!text.includes(SECRET));
    assert.match(text, /\[REDACTED:aws-access-key-id#1\]/);
    assert.equal(audit.find((r) => r.dialect === 'openai-chat')?.action, 'redact');
    assert.ok(!JSON.stringify(audit).includes(SECRET));
  });
});

test('protected code is blocked in proxy mode with Airlock\'s message in the OpenAI error shape', async () => {
  await withProxy(async ({ openai, ai }) => {
    const error = await openai()
      .chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'refactor:\n```ts src/billing/invoice.ts\nexport const total = 1;\n```' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    // Policy blocks are 400 invalid-request, so clients show the message instead of an auth error.
    assert.equal(error.status, 400);
    // The destination is the public api.openai.com now (not the loopback fake): the preset's rule decides.
    assert.match(error.message, /Airlock \[rule protected-code-stays-internal\]: Protected code may only be sent to internal model endpoints/);
    assert.equal(ai.requests.length, 0);
  });
});

test('a stream through the proxy arrives chunk by chunk, before the upstream finished', async () => {
  await withProxy(async ({ openai, ai }) => {
    ai.behaviour.hold = true;
    const stream = await openai().chat.completions.create({ model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'count' }] });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.value?.choices[0]?.delta.content, 'w0 ');
    ai.release();
    const rest: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value.choices[0]?.delta.content ?? '');
    assert.equal(rest.join(''), 'w1 w2 ');
  });
});

test('a POST to an inspected host no dialect knows is scanned as raw text; onUnparseable (block) decides', async () => {
  await withProxy(async ({ openai, ai, audit }) => {
    const client = openai();
    const error = await client.post('/telemetry/upload', { body: { note: 'hello' } }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(ai.requests.length, 0);
    assert.equal(audit.find((r) => r.dialect === 'unknown')?.reason, 'unparseable');
  });
});

test('a non-AI host is tunnelled untouched: the client sees that host\'s own certificate', async () => {
  await withProxy(async ({ gateway, other, audit, publicCa }) => {
    const { status, socket } = await connectTunnel(gateway.port, 'example.test:443');
    assert.equal(status, 200);
    const secure: TLSSocket = tlsConnect({ socket, servername: 'example.test', ca: publicCa.certPem });
    await once(secure, 'secureConnect');
    const peer: PeerCertificate = secure.getPeerCertificate();
    assert.equal(peer.issuer.CN, 'Fake Public Root');
    const body = `{"k":"${SECRET}"}`;
    secure.write(`POST /anything HTTP/1.1\r\nhost: example.test\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    const chunks: Buffer[] = [];
    secure.on('data', (c: Buffer) => chunks.push(c));
    await once(secure, 'end');
    assert.match(Buffer.concat(chunks).toString('utf8'), /^HTTP\/1\.1 200/);
    // Untouched: the secret went through (the policy tunnels hosts it does not inspect).
    assert.equal(other.requests[0]?.body.toString('utf8'), `{"k":"${SECRET}"}`);
    const record = audit.find((r) => r.dialect === 'connect');
    assert.deepEqual([record?.destination, record?.proxy], ['example.test:443', 'tunnel']);
    assert.ok(!JSON.stringify(audit).includes(SECRET));
  });
});

test('proxy.otherHosts = block refuses CONNECT to other hosts (403, audited) and still inspects AI hosts', async () => {
  await withProxy(
    async ({ gateway, other, openai, audit, decisions }) => {
      const { status, socket, head } = await connectTunnel(gateway.port, 'example.test:443');
      socket.destroy();
      assert.equal(status, 403);
      assert.match(head, /proxy\.otherHosts is block/);
      assert.equal(other.requests.length, 0);
      const blocked = audit.find((r) => r.dialect === 'connect');
      assert.deepEqual([blocked?.destination, blocked?.proxy, blocked?.action, blocked?.reason], ['example.test:443', 'block', 'block', 'policy']);
      assert.match(decisions.find((d) => d.record.dialect === 'connect')?.message ?? '', /proxy\.otherHosts is block/);
      const answer = await openai().chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(answer.choices[0]?.message.content, 'ok');
    },
    { proxy: { settings: () => ({ inspect: DEFAULT_INSPECTED_HOSTS, tunnelAllowed: () => false }) } },
  );
});

test('an AI host the policy does not inspect (a GHE.com Copilot tenant, regional Vertex AI) is refused, not tunnelled blind', async () => {
  await withProxy(async ({ gateway, audit, decisions }) => {
    const { status, socket, head } = await connectTunnel(gateway.port, 'copilot-api.acme.ghe.com:443');
    socket.destroy();
    assert.equal(status, 403);
    assert.match(head, /carries AI traffic \(GitHub Copilot on GHE\.com\) that the Airlock policy does not inspect/);
    assert.match(head, /Add "copilot-api\.acme\.ghe\.com" to proxy\.inspect/);
    const refused = audit.find((r) => r.dialect === 'connect');
    assert.deepEqual([refused?.destination, refused?.proxy, refused?.reason], ['copilot-api.acme.ghe.com:443', 'block', 'ai-host-not-inspected']);
    assert.match(decisions.find((d) => d.record.dialect === 'connect')?.message ?? '', /AI host the policy does not inspect/);
    // Plain-HTTP absolute form: the same refusal.
    const plainStatus = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: gateway.port, method: 'POST', path: 'http://us-central1-aiplatform.googleapis.com/v1/x:generateContent', headers: { host: 'us-central1-aiplatform.googleapis.com' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(plainStatus, 403);
  });
});

test('plain-HTTP absolute-form requests: other hosts pass through, or are refused when the policy blocks them', async () => {
  const plain = await startFakeUpstream();
  try {
    const port = Number(new URL(plain.url).port);
    const send = (gatewayPort: number) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: gatewayPort, method: 'GET', path: `http://plain.test:${port}/v1/models`, headers: { host: `plain.test:${port}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    await withProxy(
      async ({ gateway }) => {
        assert.equal(await send(gateway.port), 200);
        assert.equal(plain.requests[0]?.url, '/v1/models');
      },
      { upstream: { resolve: { 'plain.test': { host: '127.0.0.1', port } } } },
    );
    await withProxy(async ({ gateway }) => assert.equal(await send(gateway.port), 403), {
      upstream: { resolve: { 'plain.test': { host: '127.0.0.1', port } } },
      proxy: { settings: () => ({ inspect: DEFAULT_INSPECTED_HOSTS, tunnelAllowed: () => false }) },
    });
  } finally {
    await plain.close();
  }
});

test('a WebSocket upgrade to an inspected host is refused at once with 426, so clients fall back to HTTP', async () => {
  await withProxy(async ({ gateway, ca, ai, audit }) => {
    const { socket } = await connectTunnel(gateway.port, 'api.openai.com:443');
    const secure = tlsConnect({ socket, servername: 'api.openai.com', ca: ca.certPem });
    await once(secure, 'secureConnect');
    const started = performance.now();
    secure.write('GET /v1/responses HTTP/1.1\r\nhost: api.openai.com\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n');
    const [chunk] = (await once(secure, 'data')) as [Buffer];
    const elapsed = performance.now() - started;
    secure.destroy();
    assert.match(chunk.toString('latin1'), /^HTTP\/1\.1 426 Upgrade Required/);
    assert.ok(elapsed < 1000, `answered after ${elapsed.toFixed(0)} ms`);
    assert.equal(ai.requests.length, 0);
    // Recorded, but as `audit`: the client falls back to HTTP, where each request is decided.
    const refused = audit.find((r) => r.dialect === 'connect' && r.reason === 'websocket');
    assert.deepEqual([refused?.proxy, refused?.action], ['block', 'audit']);
  });
});

test('the CA key is readable by its owner only; the CA is name-constrained to the inspected hosts', async () => {
  await withTempDir(async (dir) => {
    const ca = await loadOrCreateCa({ dir: `${dir}/ca` });
    const { statSync } = await import('node:fs');
    if (process.platform !== 'win32') assert.equal(statSync(`${dir}/ca/airlock-ca-key.pem`).mode & 0o777, 0o600);
    assert.ok(ca.covers('api.openai.com'));
    assert.ok(ca.covers('api.individual.githubcopilot.com'));
    assert.ok(ca.covers('myres.openai.azure.com'));
    assert.ok(!ca.covers('example.com'));
    assert.ok(!ca.covers('openai.com'));
    assert.throws(() => ca.contextFor('example.com'), /does not cover/);
    // The same CA is loaded again, not recreated.
    const again = await loadOrCreateCa({ dir: `${dir}/ca` });
    assert.equal(again.certPem, ca.certPem);
  });
});

test('name constraints hold in the client: a leaf the Airlock CA key signs for a non-listed host is rejected by Node', async () => {
  await withTempDir(async (dir) => {
    const ca = await loadOrCreateCa({ dir: `${dir}/ca` });
    const { readFileSync } = await import('node:fs');
    const { createPrivateKey, createPublicKey } = await import('node:crypto');
    const { createLeafCertificate, newKeyPair } = await import('../../../extension/gateway/proxy/x509');
    const { X509Certificate } = await import('node:crypto');
    const caKey = createPrivateKey(readFileSync(`${dir}/ca/airlock-ca-key.pem`, 'utf8'));
    const commonName = new X509Certificate(ca.certPem).subject.split('\n').find((l) => l.startsWith('CN='))!.slice(3);
    // What a thief holding the CA key could mint: a valid signature, a name outside the constraints.
    const mint = (host: string) => {
      const keys = newKeyPair();
      const now = Date.now();
      const cert = createLeafCertificate({ host, publicKey: keys.publicKey, notBefore: new Date(now - 60_000), notAfter: new Date(now + 3600_000), issuer: { commonName, privateKey: caKey, publicKey: createPublicKey(caKey) } });
      return { key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: cert + ca.certPem };
    };
    const { createServer } = await import('node:tls');
    const tryHost = async (host: string): Promise<string> => {
      const server = createServer(mint(host), (s) => s.end());
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const client = tlsConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: host, ca: ca.certPem });
        return await new Promise<string>((resolve) => {
          client.once('secureConnect', () => {
            client.destroy();
            resolve('ok');
          });
          client.once('error', (e: NodeJS.ErrnoException) => resolve(`${e.code} ${e.message}`));
        });
      } finally {
        server.close();
      }
    };
    assert.equal(await tryHost('api.openai.com'), 'ok');
    assert.equal(await tryHost('x.api.githubcopilot.com'), 'ok');
    // OpenSSL's X509_V_ERR_PERMITTED_VIOLATION (Node reports its code as UNSPECIFIED).
    assert.match(await tryHost('www.example.com'), /permitted subtree violation/);
    assert.match(await tryHost('openai.com'), /permitted subtree violation/);
  });
});
