// VS Code wiring of proxy mode without VS Code: what happens to `http.proxy` when the gateway
// starts, stops, crashed earlier, shares it with another window, meets the user's own proxy, or is
// uninstalled (the `vscode:uninstall` hook); and that the gateway's own upstream requests never go
// through VS Code's patched http(s).request (which would send them back into the gateway).
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { before, test } from 'node:test';
import { runCli } from '../../../extension/cli/run';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { planStart, planStop, type HttpProxyRecord } from '../../../extension/core/wiring/httpProxyPlan';
import { loadGatewayTestPolicy } from './support/policy';
import { withProxy } from './support/proxyHarness';

let policy: AirlockPolicy;
before(async () => {
  policy = await loadGatewayTestPolicy();
});

const ours = (port: number) => `http://127.0.0.1:${port}`;

test('http.proxy: unset → the gateway while it runs → unset again when it stops', () => {
  const start = planStart(undefined, undefined, 4100);
  assert.deepEqual(start.write, { kind: 'set', value: ours(4100) });
  assert.equal(start.upstreamProxy, undefined);
  const stop = planStop(ours(4100), start.record, 4100);
  assert.deepEqual(stop.write, { kind: 'remove' });
  assert.equal(stop.record, undefined);
});

test('http.proxy: the user\'s own http:// proxy is chained (the gateway\'s upstream) and comes back; socks/https ones are left alone', () => {
  const corporate = 'http://proxy.corp.example:3128';
  const start = planStart(corporate, undefined, 4100);
  assert.deepEqual(start.write, { kind: 'set', value: ours(4100) });
  assert.equal(start.upstreamProxy, corporate);
  assert.deepEqual(planStop(ours(4100), start.record, 4100).write, { kind: 'set', value: corporate });
  const socks = planStart('socks5://127.0.0.1:1080', undefined, 4100);
  assert.deepEqual(socks.write, { kind: 'keep' });
  assert.match(socks.skipped ?? '', /socks5/);
});

test('http.proxy after a crash: the stale value is replaced on the next start (new port), the user\'s value is still remembered', () => {
  const corporate = 'http://proxy.corp.example:3128';
  const first = planStart(corporate, undefined, 4100);
  // VS Code was killed: no stop. Next session, another port.
  const second = planStart(ours(4100), first.record, 4200);
  assert.deepEqual(second.write, { kind: 'set', value: ours(4200) });
  assert.equal(second.upstreamProxy, corporate);
  assert.deepEqual(planStop(ours(4200), second.record, 4200).write, { kind: 'set', value: corporate });
  // Activation with the gateway off (or failed): the stale value goes back at once.
  assert.deepEqual(planStop(ours(4100), first.record).write, { kind: 'set', value: corporate });
});

test('http.proxy: a value the user changed meanwhile is never touched; another window\'s gateway keeps its value', () => {
  const record: HttpProxyRecord = { written: [ours(4100), ours(4200)] };
  assert.deepEqual(planStop('http://mine.example:8080', record, 4100), { write: { kind: 'keep' }, record: undefined });
  assert.deepEqual(planStop(undefined, record, 4100), { write: { kind: 'keep' }, record: undefined });
  // Window A (4100) closes while window B's gateway (4200) is the one in the setting.
  assert.deepEqual(planStop(ours(4200), record, 4100), { write: { kind: 'keep' }, record });
  // Starting where the setting is already ours: nothing to write.
  assert.deepEqual(planStart(ours(4200), record, 4200).write, { kind: 'keep' });
});

async function uninstallHook(state: string): Promise<string> {
  const saved = process.env['AIRLOCK_STATE_DIR'];
  process.env['AIRLOCK_STATE_DIR'] = state;
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  try {
    assert.equal(await runCli(['vscode-uninstall'], { stdout: out, stderr: out, stdin: new PassThrough(), cwd: state }), 0);
    return text;
  } finally {
    if (saved === undefined) delete process.env['AIRLOCK_STATE_DIR'];
    else process.env['AIRLOCK_STATE_DIR'] = saved;
  }
}

test('uninstall hook: Airlock\'s http.proxy in user settings goes back to the user\'s value (comments kept); anything else is untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-uninstall-'));
  try {
    const settingsFile = join(dir, 'settings.json');
    const record = (extra: object) => writeFileSync(join(dir, 'vscode-http-proxy.json'), JSON.stringify({ written: [ours(4100)], settingsFile, ...extra }));
    writeFileSync(settingsFile, '{\n    // my editor\n    "editor.fontSize": 14,\n    "http.proxy": "http://127.0.0.1:4100",\n}\n');
    record({ previous: 'http://proxy.corp.example:3128' });
    assert.match(await uninstallHook(dir), /restored http\.proxy/);
    let text = readFileSync(settingsFile, 'utf8');
    assert.match(text, /"http\.proxy": "http:\/\/proxy\.corp\.example:3128"/);
    assert.match(text, /\/\/ my editor/);

    writeFileSync(settingsFile, '{\n    "http.proxy": "http://127.0.0.1:4100"\n}\n');
    record({});
    await uninstallHook(dir);
    text = readFileSync(settingsFile, 'utf8');
    assert.ok(!text.includes('http.proxy'), text);

    const users = '{\n    "http.proxy": "http://mine.example:8080"\n}\n';
    writeFileSync(settingsFile, users);
    await uninstallHook(dir);
    assert.equal(readFileSync(settingsFile, 'utf8'), users);
    // No record at all (Airlock never wrote the setting): nothing happens.
    rmSync(join(dir, 'vscode-http-proxy.json'));
    assert.equal(await uninstallHook(dir), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the gateway\'s upstream requests bypass http(s).request, which VS Code patches to use http.proxy (the gateway itself)', async () => {
  // Stand-in for VS Code's proxy support in the extension host: any use of the patched functions fails.
  const saved = { http: http.request, https: https.request };
  let patchedCalls = 0;
  const trap = (() => {
    patchedCalls++;
    throw new Error('routed through http.proxy');
  }) as unknown as typeof http.request;
  try {
    await withProxy(() => policy, async ({ openai, ai }) => {
      http.request = trap;
      https.request = trap as unknown as typeof https.request;
      try {
        const answer = await openai().chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
        assert.equal(answer.choices[0]?.message.content, 'ok');
      } finally {
        http.request = saved.http;
        https.request = saved.https;
      }
      assert.equal(ai.requests.length, 1);
      assert.equal(patchedCalls, 0);
    });
  } finally {
    http.request = saved.http;
    https.request = saved.https;
  }
});
