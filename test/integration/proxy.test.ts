// Proxy mode inside the real VS Code: Airlock points `http.proxy` at its gateway, and an
// extension that calls Copilot's API with Node's https (as Copilot's own HTTP stack does, which
// VS Code's proxy support routes through http.proxy) is decrypted, inspected and blocked, while
// the same extension's request to a non-AI host goes through a blind tunnel with the host's own
// certificate. The fakes answer under the real host names over TLS; the gateway reaches them
// through `airlock.gateway.resolve`. The harness (run-integration.mjs) makes the Airlock CA in
// AIRLOCK_STATE_DIR and the fakes' certificates (AIRLOCK_TEST_TLS_DIR) before the server starts
// and trusts both for the server's processes through NODE_EXTRA_CA_CERTS.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockApi } from '../../extension/vscode/extension';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { sleep, until } from './support/harness';

const EXTENSION_ID = 'airlock-dev.airlock';
const COPILOT_HOST = 'api.githubcopilot.com';
/** Copilot's token endpoint host: not an AI API, tunnelled untouched by default. */
const OTHER_HOST = 'api.github.com';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Common name of the certificate's issuer, as the client saw it. */
  issuer: string;
}

/** Common name of the Airlock CA the harness made in AIRLOCK_STATE_DIR. */
function airlockCaName(): string {
  const pem = readFileSync(join(process.env.AIRLOCK_STATE_DIR!, 'ca', 'airlock-ca.pem'), 'utf8');
  return /CN=([^\n]+)/.exec(new X509Certificate(pem).subject)![1]!;
}

/** The CONNECT audit records of this session for `destination` (host:port). */
function connects(api: AirlockApi, destination: string): string[] {
  return api.gateway
    .recentDecisions()
    .filter((d) => d.record.dialect === 'connect' && d.record.destination === destination)
    .map((d) => d.record.proxy ?? '');
}

/**
 * Node's https.request with no agent of its own, as an extension does: VS Code's proxy support
 * decides the route. The lookup refuses every name, so a request that is NOT sent to http.proxy
 * fails here instead of resolving a real host (the test never leaves loopback).
 */
function httpsCall(url: string, options: RequestOptions, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ...options,
        lookup: (hostname: string, _opts: unknown, cb: (error: Error) => void) => cb(new Error(`the test refuses to look up ${hostname}: the request did not go to http.proxy`)),
      } as RequestOptions,
      (res) => {
        const issuer = (res.socket as TLSSocket).getPeerCertificate?.()?.issuer?.CN ?? '';
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), issuer: String(issuer) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The headers Copilot Chat sends with a chat request (values made up). */
const COPILOT_HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer tid=fake-copilot-token;exp=1',
  'copilot-integration-id': 'vscode-chat',
  'editor-version': 'vscode/1.139.1',
  'editor-plugin-version': 'copilot-chat/0.30.0',
  'openai-intent': 'conversation-panel',
  'x-github-api-version': '2025-05-01',
  'x-request-id': '7f3c2a9e-0000-4000-8000-000000000001',
};

function copilotBody(userText: string): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You are an AI programming assistant.' },
      { role: 'user', content: userText },
    ],
    model: 'gpt-4o',
    temperature: 0.1,
    top_p: 1,
    max_tokens: 4096,
    n: 1,
    stream: true,
  });
}

describe('Proxy mode in VS Code (http.proxy)', () => {
  let api: AirlockApi;
  let copilot: FakeUpstream;
  let other: FakeUpstream;
  let proxyBefore: string | undefined;

  before(async function () {
    const tlsDir = process.env.AIRLOCK_TEST_TLS_DIR;
    if (!tlsDir) {
      // Only the offline harness makes the certificates and trusts them before VS Code starts.
      this.skip();
    }
    const leaf = (host: string) => ({ key: readFileSync(join(tlsDir!, `${host}.key`), 'utf8'), cert: readFileSync(join(tlsDir!, `${host}.pem`), 'utf8') });
    copilot = await startFakeUpstream({ tls: leaf(COPILOT_HOST) });
    other = await startFakeUpstream({ tls: leaf(OTHER_HOST) });
    api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
    proxyBefore = vscode.workspace.getConfiguration('http').inspect<string>('proxy')?.globalValue;
    const port = (u: FakeUpstream) => new URL(u.url).port;
    await vscode.workspace
      .getConfiguration('airlock')
      .update('gateway.resolve', { [COPILOT_HOST]: `127.0.0.1:${port(copilot)}`, [OTHER_HOST]: `127.0.0.1:${port(other)}` }, vscode.ConfigurationTarget.Global);
    // Changing a gateway setting restarts the gateway; let that settle before using it.
    await sleep(500);
    await until(async () => (await api.gateway.start()) !== undefined && api.gateway.urls !== undefined, 20_000, 'the gateway to run');
    // What a user does after "Not now" (the prompt is not shown in test runs): the command.
    const routed = await vscode.commands.executeCommand<boolean>('airlock.routeExtensionsThroughGateway');
    assert.equal(routed, true, 'the command reports http.proxy set');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('airlock').update('gateway.resolve', undefined, vscode.ConfigurationTarget.Global);
    await copilot?.close();
    await other?.close();
  });

  it('sets http.proxy to the gateway in user settings', () => {
    const gatewayPort = new URL(api.gateway.urls!.openai).port;
    assert.equal(vscode.workspace.getConfiguration('http').inspect<string>('proxy')?.globalValue, `http://127.0.0.1:${gatewayPort}`);
    assert.notEqual(proxyBefore, `http://127.0.0.1:${gatewayPort}`);
  });

  it('blocks protected code an extension sends to api.githubcopilot.com with Airlock\'s message', async () => {
    const before = copilot.requests.length;
    const body = copilotBody('// ACME CONFIDENTIAL\nexport function invoiceTotal(lines) { return lines.reduce((a, l) => a + l.net * 1.19, 0); }\nExplain this.');
    const answer = await httpsCall(`https://${COPILOT_HOST}/chat/completions`, { method: 'POST', headers: { ...COPILOT_HEADERS, 'content-length': Buffer.byteLength(body) } }, body);
    assert.equal(answer.status, 400, answer.body);
    const error = (JSON.parse(answer.body) as { error: { message: string; type: string } }).error;
    assert.match(error.message, /^Airlock \[rule protected-code-stays-internal\]: Protected code may only be sent to internal model endpoints/);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(copilot.requests.length, before, 'nothing reached the Copilot upstream');
    assert.equal(answer.issuer, airlockCaName(), 'the tunnel was decrypted with a leaf of the Airlock CA');
    assert.ok(connects(api, `${COPILOT_HOST}:443`).includes('inspect'), 'the CONNECT was recorded as inspected');
    assert.ok(api.gateway.recentDecisions().some((d) => d.record.action === 'block'));
  });

  it('forwards a benign Copilot request byte for byte', async () => {
    const body = copilotBody('How do I reverse a list in Python?');
    const answer = await httpsCall(`https://${COPILOT_HOST}/chat/completions`, { method: 'POST', headers: { ...COPILOT_HEADERS, 'content-length': Buffer.byteLength(body) } }, body);
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, /data: \[DONE\]/, 'the stream came back');
    const seen = copilot.requests.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/chat/completions');
    assert.equal(seen.body.toString('utf8'), body);
    assert.equal(seen.headers['copilot-integration-id'], 'vscode-chat');
    assert.equal(seen.headers.authorization, COPILOT_HEADERS.authorization);
  });

  it('tunnels a request to a non-AI host untouched, with the host\'s own certificate', async () => {
    const headers = { authorization: 'token gho_fakeFakeFakeFakeFakeFake', accept: 'application/json', 'user-agent': 'GithubCopilot/1.0', 'x-custom': 'ACME CONFIDENTIAL stays as sent' };
    const answer = await httpsCall(`https://${OTHER_HOST}/copilot_internal/v2/token?x=1`, { method: 'GET', headers });
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.issuer, 'Fake Public Root', 'the certificate is the host\'s own, not one from the Airlock CA');
    const seen = other.requests.at(-1)!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/copilot_internal/v2/token?x=1');
    assert.equal(seen.headers.authorization, headers.authorization);
    assert.equal(seen.headers['x-custom'], headers['x-custom'], 'a tunnelled host is not inspected: even a marker passes');
    assert.equal(seen.headers.host, OTHER_HOST);
    assert.ok(connects(api, `${OTHER_HOST}:443`).includes('tunnel'), 'the CONNECT was recorded as a blind tunnel');
    assert.ok(!connects(api, `${OTHER_HOST}:443`).includes('inspect'));
  });
});
