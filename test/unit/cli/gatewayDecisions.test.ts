// `airlock gateway` shows every decision live on stderr in a readable line (what, where to,
// rule, detector, the place in the request — never the value), and `--notify` raises a desktop
// notification for redactions and blocks (notify-send, here a stand-in on PATH that records
// its arguments), so a terminal agent's user learns that a secret was removed.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream } from '../../support/fakeUpstream';

const ROOT = join(__dirname, '..', '..', '..');
const SECRET = 'AKIAZ7K2QW5RT6YX3VB4';

test('decision lines are readable and value-free; --notify notifies on a redaction', { timeout: 60_000, skip: process.platform !== 'linux' && 'notify-send stand-in is Linux-only' }, async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
  const dir = mkdtempSync(join(tmpdir(), 'airlock-gateway-notify-'));
  const calls = join(dir, 'notify-calls.txt');
  writeFileSync(join(dir, 'notify-send'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> ${JSON.stringify(calls)}; done\nprintf -- '---\\n' >> ${JSON.stringify(calls)}\n`);
  chmodSync(join(dir, 'notify-send'), 0o755);
  const upstream = await startFakeUpstream();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'gateway', '--policy', 'airlock:secrets', '--notify', '--upstream', `openai=${upstream.url}/v1`], {
    cwd: dir,
    env: { ...process.env, AIRLOCK_STATE_DIR: dir, PATH: `${dir}:${process.env['PATH']}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const urls = JSON.parse(first) as { openai: string };
    const openai = new OpenAI({ baseURL: urls.openai, apiKey: 'sk-notify-test', maxRetries: 0 });
    await openai.chat.completions.create({ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: `why does aws_access_key_id = ${SECRET} fail?` }] });
    await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'How do I reverse a list in Python?' }] });
    const deadline = Date.now() + 10_000;
    const decisions = () => stderr.split('\n').filter((l) => l.includes(' → '));
    while (decisions().length < 2 || !existsSync(calls)) {
      if (Date.now() > deadline) throw new Error(`no decision lines / notification: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [redacted, allowed] = decisions();
    assert.match(redacted!, /^airlock gateway: \d\d:\d\d:\d\d REDACTED openai-chat → 127\.0\.0\.1:\d+ · rule secrets · aws-access-key-id in messages\[1\]\.content \(user\) · \d+ B forwarded · [\d.]+ ms$/);
    assert.match(allowed!, /^airlock gateway: \d\d:\d\d:\d\d allowed openai-chat → 127\.0\.0\.1:\d+ · \d+ B forwarded · [\d.]+ ms$/);
    const notified = readFileSync(calls, 'utf8');
    assert.match(notified, /^--app-name=Airlock\nAirlock redacted a request to 127\.0\.0\.1:\d+\nrule secrets · aws-access-key-id — /);
    assert.equal(notified.match(/---/g)?.length, 1, 'one notification: the allowed request raised none');
    for (const text of [stderr, notified]) {
      assert.ok(!text.includes(SECRET), 'never the value');
      assert.ok(!text.includes(SECRET.slice(0, 8)), 'not even a preview');
      assert.ok(!text.includes('sk-notify-test'));
      assert.ok(!text.includes('reverse a list'), 'never prompt text');
    }
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit').catch(() => undefined);
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
