// `airlock gateway` stops on SIGINT and SIGTERM sent to its own process (not its group), says
// so on stderr, and exits 0. (`npm start`'s signal handling is checked in a real run by
// test/harness/check-demo.mjs, part of the integration suite.)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { before, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');

before(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`airlock gateway stops on ${signal} to its own process`, { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-signal-'));
    // detached: its own process group, so the signal reaches it alone, as `kill -INT <pid>` does.
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'gateway', '--policy', 'airlock:secrets'], { cwd: dir, env: { ...process.env, AIRLOCK_STATE_DIR: dir }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      assert.ok(JSON.parse(first).port > 0);
      process.kill(child.pid!, signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, stderr);
      assert.match(stderr, new RegExp(`${signal}, stopping`));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
