import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { AirlockApi } from '../../extension/vscode/extension';
import { click, hasBrowser, screenshot, sleep, until, waitForText } from './support/harness';

const EXTENSION_ID = 'airlock-dev.airlock';

describe('Gateway in VS Code', () => {
  let api: AirlockApi;
  let upstream: Server;
  const received: string[] = [];

  before(async () => {
    api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
    // A fake OpenAI upstream that records what reaches it. It listens on 127.0.0.2: still this
    // machine, but outside the policy's `internal` destinations, so it stands for a public API.
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.2', r));
    const port = (upstream.address() as AddressInfo).port;
    await vscode.workspace.getConfiguration('airlock').update('gateway.upstreams.openai', `http://127.0.0.2:${port}/v1`, vscode.ConfigurationTarget.Global);
    // Changing a gateway setting restarts the gateway; let that settle before using it.
    await sleep(500);
    await until(async () => (await api.gateway.start()) !== undefined && api.gateway.urls !== undefined, 20_000, 'the gateway to run');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('airlock').update('gateway.upstreams.openai', undefined, vscode.ConfigurationTarget.Global);
    upstream.close();
  });

  it('runs on loopback and gives new terminals the assistant variables', async () => {
    const urls = api.gateway.urls!;
    assert.match(urls.openai, /^http:\/\/127\.0\.0\.1:\d+\//);
    const out = join(process.env.AIRLOCK_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'terminal-env.txt');
    const terminal = vscode.window.createTerminal({ name: 'airlock-env-check' });
    terminal.sendText(`printf '%s\\n%s\\n%s\\n' "$OPENAI_BASE_URL" "$ANTHROPIC_BASE_URL" "$OLLAMA_HOST" > '${out}'`);
    await until(() => existsSync(out) && readFileSync(out, 'utf8').split('\n').length >= 3, 20_000, 'the terminal to write its environment');
    const [openai, anthropic, ollama] = readFileSync(out, 'utf8').split('\n');
    assert.equal(openai, urls.openai);
    assert.equal(anthropic, urls.anthropic);
    assert.equal(ollama, urls.ollama);
    terminal.dispose();
  });

  it('blocks protected code bound for a public API and tells the engineer why', async () => {
    const urls = api.gateway.urls!;
    const before = received.length;
    const decided = new Promise((resolve) => {
      const sub = api.gateway.onDidDecide((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    const res = await fetch(`${urls.openai}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-not-a-real-key' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: '// ACME CONFIDENTIAL\nexport function invoiceTotal() { return 42; }\nExplain this.' }] }),
    });
    assert.equal(res.status, 400);
    const error = (await res.json()) as { error: { message: string } };
    assert.match(error.error.message, /protected|internal/i);
    await decided;
    assert.equal(received.length, before, 'nothing reached the upstream');
    assert.ok(api.gateway.recentDecisions().some((d) => d.record.action === 'block'));
    if (hasBrowser) {
      // A toast, or (when the workbench has hidden toasts) the notification centre, shows it.
      await vscode.commands.executeCommand('notifications.showList');
      await waitForText('.notifications-toasts, .notifications-center', 'Found: protected-content in messages[0].content (user)', 15_000).catch(async (error: Error) => {
        await screenshot('gateway-blocked-notification-missing');
        throw error;
      });
      await vscode.commands.executeCommand('airlock.showView');
      await screenshot('gateway-blocked-notification', 800);
    }
  });

  it('forwards a harmless request byte for byte', async () => {
    const urls = api.gateway.urls!;
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'How do I reverse a list in Python?' }] });
    const res = await fetch(`${urls.openai}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 200);
    assert.equal(received.at(-1), body);
  });

  it('writes Continue settings on request and puts them back when the gateway is turned off', async () => {
    const dir = process.env.CONTINUE_GLOBAL_DIR!;
    const file = join(dir, 'config.json');
    const original = '{\n  // my models\n  "models": [\n    { "title": "GPT", "provider": "openai", "model": "gpt-4o" },\n    { "title": "Local", "provider": "ollama", "model": "llama3", "apiBase": "http://localhost:11434" }\n  ]\n}\n';
    writeFileSync(file, original);
    const message = (await vscode.commands.executeCommand('airlock.connectAssistant', { assistant: 'Continue', write: true })) as string;
    assert.match(message, /2 Continue model/);
    const urls = api.gateway.urls!;
    const written = JSON.parse(readFileSync(file, 'utf8').replace('// my models', '')) as { models: { apiBase?: string }[] };
    assert.equal(written.models[0]!.apiBase, urls.openai);
    assert.equal(written.models[1]!.apiBase, urls.ollama);
    assert.match(readFileSync(file, 'utf8'), /\/\/ my models/, 'comments are kept');

    await vscode.workspace.getConfiguration('airlock').update('gateway.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      await until(() => api.gateway.urls === undefined && JSON.stringify(parse(readFileSync(file, 'utf8'))) === JSON.stringify(parse(original)), 10_000, 'the gateway to stop and Continue settings to be restored');
      assert.match(readFileSync(file, 'utf8'), /\/\/ my models/);
    } finally {
      await vscode.workspace.getConfiguration('airlock').update('gateway.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await until(async () => (await api.gateway.start()) !== undefined, 20_000, 'the gateway to run again');
  });

  it('keeps one port per user across off/on, and the toggle writes no setting', async () => {
    const port = () => (api.gateway.urls ? Number(new URL(api.gateway.urls.openai).port) : undefined);
    const before = port();
    assert.ok(before);
    assert.equal(await vscode.commands.executeCommand('airlock.toggleGateway'), false);
    assert.equal(api.gateway.urls, undefined, 'off');
    assert.equal(vscode.workspace.getConfiguration('airlock').inspect('gateway.enabled')?.globalValue, undefined, 'no user setting written');
    assert.equal(vscode.workspace.getConfiguration('airlock').inspect('gateway.enabled')?.workspaceValue, undefined, 'no workspace setting written');
    assert.equal(await vscode.commands.executeCommand('airlock.toggleGateway'), true);
    assert.equal(port(), before, 'the same port after off/on');
  });

  it('starts on a free port and says so when its usual port is taken, then goes back to it', async () => {
    const usual = Number(new URL(api.gateway.urls!.openai).port);
    await api.gateway.stop();
    const squatter = createNetServer();
    await new Promise<void>((r) => squatter.listen(usual, '127.0.0.1', r));
    try {
      await until(async () => (await api.gateway.start()) !== undefined, 20_000, 'the gateway to start elsewhere');
      const now = Number(new URL(api.gateway.urls!.openai).port);
      assert.notEqual(now, usual);
      assert.equal(api.gateway.portNotice, `Airlock: its usual port ${usual} is in use (another VS Code window with Airlock, or another program), so this window's gateway is on port ${now}. Terminals opened here use it automatically; base URLs copied into assistant settings still point at ${usual}.`);
    } finally {
      await api.gateway.stop();
      await new Promise<void>((r) => squatter.close(() => r()));
    }
    await until(async () => (await api.gateway.start()) !== undefined, 20_000, 'the gateway to run again');
    assert.equal(Number(new URL(api.gateway.urls!.openai).port), usual, 'the remembered port was kept');
    assert.equal(api.gateway.portNotice, undefined);
  });

  it('Connect an Assistant opens a page of per-assistant snippets at once, and Copy copies exactly the value', async function () {
    const urls = api.gateway.urls!;
    await vscode.env.clipboard.writeText('before');
    await vscode.commands.executeCommand('airlock.connectAssistant');
    const tab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Airlock: Connect an Assistant');
    await until(() => tab() !== undefined, 10_000, 'the Connect an Assistant page to open');
    if (!hasBrowser) {
      this.test!.title += ' (no browser: page opening only)';
    } else {
      const frame = 'Airlock Connect an Assistant';
      await waitForText('pre', `OPENAI_BASE_URL=${urls.openai}`, 20_000, frame);
      await waitForText('pre', `apiBase: ${urls.anthropic}/v1`, 10_000, frame);
      await click('button[aria-label="Copy OPENAI_BASE_URL"]', frame);
      await until(async () => (await vscode.env.clipboard.readText()) === `OPENAI_BASE_URL=${urls.openai}`, 10_000, 'the clipboard to hold exactly the value');
      await click('button[aria-label="Copy OpenAI Compatible: Base URL"]', frame);
      await until(async () => (await vscode.env.clipboard.readText()) === urls.openai, 10_000, 'the clipboard to hold the bare base URL');
      await screenshot('connect-assistant-page-copyable-snippets', 500);
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
