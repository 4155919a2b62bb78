// Proxy mode under bad input: never a hang, a crash or an uninspected pass. Garbage instead of a
// TLS handshake, malformed CONNECT targets, unreachable tunnel hosts, and closing the gateway
// with tunnels open.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { before, test } from 'node:test';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { loadGatewayTestPolicy } from './support/policy';
import { withProxy } from './support/proxyHarness';

let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

async function rawConnect(port: number, requestLine: string): Promise<{ socket: Socket; head: string }> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.write(`${requestLine}\r\nhost: x\r\n\r\n`);
  let head = '';
  while (!head.includes('\r\n\r\n')) {
    const got = await Promise.race([once(socket, 'data').then(([c]) => (c as Buffer).toString('latin1')), once(socket, 'close').then(() => null)]);
    if (got === null) break;
    head += got;
  }
  return { socket, head };
}

test('garbage instead of a TLS handshake closes that tunnel; the gateway keeps serving', async () => {
  await withProxy(() => policy, async ({ gateway, openai, ai }) => {
    const { socket, head } = await rawConnect(gateway.port, 'CONNECT api.openai.com:443 HTTP/1.1');
    assert.match(head, /^HTTP\/1\.1 200/);
    socket.write('GET / HTTP/1.1\r\nhost: api.openai.com\r\n\r\n'); // plain HTTP where TLS belongs
    await once(socket, 'close');
    assert.equal(ai.requests.length, 0);
    const answer = await openai().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'still there?' }] });
    assert.equal(answer.choices[0]?.message.content, 'ok');
  });
});

test('malformed CONNECT targets get 400; unreachable tunnel hosts 502; both audited without content', async () => {
  await withProxy(() => policy, async ({ gateway, audit }) => {
    for (const target of ['no-port', 'a b:443', 'host:99999', ':443']) {
      const { socket, head } = await rawConnect(gateway.port, `CONNECT ${target} HTTP/1.1`);
      socket.destroy();
      assert.match(head, /^HTTP\/1\.1 400/, target);
    }
    // Port 9 (discard) on loopback: nothing listens there.
    const { socket, head } = await rawConnect(gateway.port, 'CONNECT 127.0.0.1:9 HTTP/1.1');
    socket.destroy();
    assert.match(head, /^HTTP\/1\.1 502/);
    const reasons = audit.filter((r) => r.dialect === 'connect').map((r) => r.reason);
    // `a b:443` is not even a request line (Node's parser answers 400 itself); the others are audited.
    assert.equal(reasons.filter((r) => r === 'bad-target').length, 3, JSON.stringify(reasons));
    assert.ok(reasons.includes('unreachable'));
  });
});

test('closing the gateway ends open tunnels (decrypted and blind) instead of waiting for them', async () => {
  await withProxy(() => policy, async ({ gateway, openai }) => {
    await openai().models.list(); // leaves a keep-alive tunnel open in the client
    const blind = await rawConnect(gateway.port, 'CONNECT example.test:443 HTTP/1.1');
    assert.match(blind.head, /^HTTP\/1\.1 200/);
    const started = performance.now();
    await gateway.close();
    assert.ok(performance.now() - started < 2000);
    if (!blind.socket.destroyed) await once(blind.socket, 'close');
  });
});
