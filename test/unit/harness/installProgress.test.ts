// The first-run VS Code install is never silent: each step says what it does, reports elapsed
// time and what is on disk while it runs, says when it is done, and a failing step says which.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('an install step prints its title, progress lines while it runs, and done', async () => {
  // @ts-expect-error: a plain .mjs module of the harness, without type declarations.
  const { runStep } = (await import('../../harness/vscodeServer.mjs')) as { runStep: (...args: unknown[]) => Promise<void> };
  const dir = mkdtempSync(join(tmpdir(), 'airlock-progress-'));
  const lines: string[] = [];
  try {
    await runStep('step 1/2: downloading things', 'sh', ['-c', `head -c 2097152 /dev/zero > ${JSON.stringify(join(dir, 'blob'))}; sleep 0.6`], { cwd: dir }, { log: (l: string) => lines.push(l), dir, tickMs: 150 });
    assert.equal(lines[0], 'harness: step 1/2: downloading things…');
    const progress = lines.filter((l) => l.startsWith('harness:   … step 1/2: downloading things: '));
    assert.ok(progress.length >= 2, lines.join('\n'));
    assert.match(progress.at(-1)!, /: \d+ s, \d+ MB so far$/);
    assert.match(lines.at(-1)!, /^harness: {3}done in \d+ s$/);
    await assert.rejects(runStep('step 2/2: failing', 'sh', ['-c', 'exit 3'], { cwd: dir }, { log: () => {}, dir }), /step 2\/2: failing failed \(sh -c exit 3: exit 3\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
