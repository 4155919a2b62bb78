// The shipped CLI keeps the pack's compiled keyword automaton beside its code cache
// (extension/cli/automatonStore.ts): written by the first `airlock scan`, loaded by the next,
// and a damaged, truncated, foreign or unwritable cache changes nothing in what a scan finds
// (the file is replaced); AIRLOCK_CODE_CACHE=off writes none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempTree } from './scanSupport';
import { SAMPLES, rng } from '../detectors/samples';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');

test('the automaton cache: written once, reused, and never a reason to find less', (t) => {
  if (!existsSync(CLI)) {
    t.skip('dist/cli.js is missing (run node esbuild.mjs)');
    return;
  }
  const r = rng(3);
  const files: Record<string, string> = {};
  SAMPLES.slice(0, 40).forEach((s, i) => (files[`src/f${i}.ts`] = s.block ? s.block.replace('$VALUE', s.value(r)) : `const ${s.name ?? 'SECRET'} = "${s.value(r)}";\n`));
  const root = tempTree(files);
  const cache = mkdtempSync(join(tmpdir(), 'airlock-automaton-cache-'));
  const folder = join(cache, 'airlock', 'code-cache');
  // Each scan in a process of its own, which keeps the automaton (not a scan server).
  const scan = (env: NodeJS.ProcessEnv = {}) => {
    const run = spawnSync(process.execPath, [CLI, 'scan', '--format', 'json', '.'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: cache, AIRLOCK_SCAN_SERVER: 'off', ...env } });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    return run.stdout;
  };
  const automata = () => (existsSync(folder) ? readdirSync(folder).filter((f) => f.startsWith('automaton-')) : []);
  try {
    const off = scan({ AIRLOCK_CODE_CACHE: 'off' });
    assert.ok((JSON.parse(off) as { findings: unknown[] }).findings.length >= 20);
    assert.deepEqual(automata(), [], 'AIRLOCK_CODE_CACHE=off writes no automaton');

    assert.equal(scan(), off, 'first run: built, same report');
    const names = automata();
    assert.equal(names.length, 1);
    assert.match(names[0]!, /^automaton-[0-9a-f]{24}\.bin$/);
    const file = join(folder, names[0]!);
    const written = statSync(file);
    assert.equal(written.mode & 0o777, 0o600);
    const good = readFileSync(file);

    assert.equal(scan(), off, 'second run: loaded, same report');
    assert.equal(statSync(file).mtimeMs, written.mtimeMs, 'a loaded cache is not written again');

    // Damage of every kind: the same report, and the file is replaced by a good one.
    const flipped = Buffer.from(good);
    flipped[flipped.length >> 1]! ^= 0x04;
    for (const damage of [flipped, good.subarray(0, good.length >> 1), Buffer.from('garbage'), Buffer.alloc(good.length)]) {
      writeFileSync(file, damage);
      assert.equal(scan(), off);
      assert.ok(readFileSync(file).equals(good), 'rebuilt and rewritten');
    }

    // An unwritable cache folder changes nothing either.
    rmSync(cache, { recursive: true, force: true });
    writeFileSync(cache, 'a file where the folder would be');
    assert.equal(scan(), off);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});
