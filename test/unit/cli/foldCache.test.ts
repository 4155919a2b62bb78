// The fold cache (.git/airlock/ledger-fold.bin) is a speed-up, never a source of truth: a cache
// that is forged, hand-edited, truncated, corrupt, stale, from another ledger or in the old
// format is ignored and the ledger is folded again. Real git repositories, the built CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildContribution } from '../../../extension/core/ledger/contribution';
import { serializeRecord, type LedgerRecord } from '../../../extension/core/ledger/records';
import { CompactJsonError, decodeCompactJson, encodeCompactJson } from '../../../extension/cli/provenance/compactJson';
import { FOLD_CACHE, foldCacheKey, readFoldCache, writeFoldCache } from '../../../extension/cli/provenance/foldCache';
import { foldLedgerFile, ledgerPath } from '../../../extension/cli/provenance/ledgerFile';
import { CLI, ROOT, git, temp } from './repoSupport';

before(() => {
  if (!existsSync(CLI)) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

const fileLines = Array.from({ length: 20 }, (_, i) => `export const v${i} = compute(${i}); // line ${i}`);

function contribution(id: string, path: string, time: string): LedgerRecord {
  return buildContribution({ id, time, path, fileLines, startLine: 3, endLine: 7, tool: 'copilot', model: 'gpt-4o', channel: 'inline-completion', confidence: 1 });
}

/**
 * A repo whose ledger is over the cache threshold (4 MB): one unreviewed AI range in src/a.ts,
 * and filler contributions for files that are not in the tree (never located).
 */
function bigRepo(): { dir: string; state: string } {
  const dir = temp('airlock-foldcache-repo-');
  const state = temp('airlock-foldcache-state-');
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, '.airlock/ledger'), { recursive: true });
  writeFileSync(join(dir, '.airlock/policy.jsonc'), '{ "review": [{ "id": "human-approval", "paths": ["**"], "action": "require-approval" }] }\n');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/a.ts'), fileLines.join('\n') + '\n');
  const parts = [serializeRecord(contribution('ai-1', 'src/a.ts', '2026-01-01T00:00:00.000Z'))];
  let size = parts[0]!.length;
  for (let i = 0; size < 4.2 * 1024 * 1024; i++) {
    const line = serializeRecord(contribution(`filler-${i}`, `gone/f${i}.ts`, '2026-01-02T00:00:00.000Z'));
    parts.push(line);
    size += line.length;
  }
  writeFileSync(ledgerPath(dir), parts.join(''));
  return { dir, state };
}

function check(repo: { dir: string; state: string }) {
  const r = spawnSync(process.execPath, [CLI, 'check', '--all', '--format', 'json'], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, AIRLOCK_STATE_DIR: repo.state }, maxBuffer: 1 << 26 });
  const out = r.stdout ? (JSON.parse(r.stdout) as { ok: boolean; violations: { path: string; kind: string; record?: string }[] }) : undefined;
  return { status: r.status, out, stderr: r.stderr };
}

/** What a forger wants the cache to say: the ledger (every byte of it) folds to nothing. */
function emptyFoldClaim(dir: string) {
  const bytes = readFileSync(ledgerPath(dir));
  const id = git(dir, 'hash-object', ledgerPath(dir)).trim();
  return { size: bytes.length, id, lines: bytes.toString('utf8').split('\n').length - 1, problems: [], folder: { contributions: [], liveContributionSpans: [], approvals: [], rejected: [], replaced: [], updated: [] } };
}

test('compact JSON: round trip equals JSON.parse(JSON.stringify(v)), shares equal parts, and refuses anything it did not write', () => {
  const line = { a: '9e6a914cb019', s: '04990d0410dc19d3', n: '92768f41' };
  const value = {
    text: 'héllo 🌍 \u0000 "quoted"',
    numbers: [0, 1, -1, 127, 128, 2 ** 40, -(2 ** 53 - 1), 1.5, -0.25, Number.MAX_SAFE_INTEGER, 1e300, NaN, Infinity, -0],
    flags: [true, false, null],
    gaps: [undefined, () => 1],
    skipped: undefined,
    nested: { deep: [[[{ x: [] }]]], empty: {} },
    shared: [line, { ...line }, [line, { ...line }]],
    ['__proto__']: { polluted: true },
  };
  const decoded = decodeCompactJson(encodeCompactJson(value)) as Record<string, unknown>;
  assert.deepEqual(decoded, JSON.parse(JSON.stringify(value)));
  assert.equal(Object.getPrototypeOf(decoded), Object.prototype); // a __proto__ key stays data
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const shared = decoded.shared as unknown[];
  assert.equal(shared[0], shared[1]); // equal objects decode to one
  assert.equal((shared[2] as unknown[])[0], shared[0]);
  // Every truncation and a few corruptions are errors, never a wrong value or an out-of-bounds read.
  const bytes = encodeCompactJson({ ids: ['a', 'b', 'a'], lines: [line, line], n: 300 });
  for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => decodeCompactJson(bytes.subarray(0, cut)), CompactJsonError, `cut at ${cut}`);
  assert.throws(() => decodeCompactJson(Buffer.concat([bytes, Buffer.from([0])])), CompactJsonError);
  assert.throws(() => decodeCompactJson(Buffer.from([1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), CompactJsonError);
  assert.throws(() => decodeCompactJson(Buffer.from([0, 0, 0, 9, 5])), CompactJsonError); // a reference to nothing
});

test('a forged fold cache never makes check pass unreviewed AI code; the same bytes under the real key would (so the MAC is what refuses them)', () => {
  const repo = bigRepo();
  const first = check(repo);
  assert.equal(first.status, 1, first.stderr);
  assert.deepEqual(first.out!.violations.map((v) => [v.path, v.kind, v.record]), [['src/a.ts', 'unreviewed', 'ai-1']]);
  const cacheFile = join(repo.dir, '.git', FOLD_CACHE);
  assert.ok(existsSync(cacheFile), 'the first check wrote the cache');
  const genuine = readFileSync(cacheFile);
  assert.equal(check(repo).status, 1); // read from the cache: same verdict

  const claim = emptyFoldClaim(repo.dir);
  const ledger = realpathSync(ledgerPath(repo.dir));
  const forged: [string, () => void][] = [
    ['MAC made with a guessed key', () => writeFoldCache(cacheFile, ledger, Buffer.alloc(32), claim)],
    ['MAC made with the real key, for another ledger path', () => writeFoldCache(cacheFile, join(repo.dir, 'other.jsonl'), foldCacheKey(repo.state)!, claim)],
    ['genuine cache, one byte of the body changed', () => {
      const copy = Buffer.from(genuine);
      const at = copy.indexOf('ai-1');
      copy.write('ai-2', at);
      writeFileSync(cacheFile, copy);
    }],
    ['genuine cache, truncated', () => writeFileSync(cacheFile, genuine.subarray(0, genuine.length >> 1))],
    ['genuine MAC and magic in front of a forged body', () => {
      const body = encodeCompactJson({ airlock: '0.1.0', ...claim });
      writeFileSync(cacheFile, Buffer.concat([genuine.subarray(0, 'airlock-fold-cache 2\n'.length + 32), body]));
    }],
    ['garbage', () => writeFileSync(cacheFile, 'not a cache at all')],
  ];
  for (const [what, forge] of forged) {
    forge();
    const r = check(repo);
    assert.equal(r.status, 1, `${what}: check must still fail`);
    assert.deepEqual(r.out!.violations.map((v) => [v.path, v.kind, v.record]), [['src/a.ts', 'unreviewed', 'ai-1']], what);
  }
  // Format 1 (JSON, unauthenticated) is not read any more, even beside no other cache.
  rmSync(cacheFile);
  writeFileSync(join(repo.dir, '.git/airlock/ledger-fold.json'), JSON.stringify({ version: 1, ...claim }));
  assert.equal(check(repo).status, 1, 'the old JSON cache is ignored');

  // Control: the forged claim MAC'd with the real key and ledger is well-formed and is taken,
  // which is the documented limit (whoever can read the per-user key can forge; CI's
  // check --range never reads a cache).
  writeFoldCache(cacheFile, ledger, foldCacheKey(repo.state)!, claim);
  assert.equal(check(repo).status, 0);
});

test('the cache is used only for the ledger it was made of: appended records are folded on top, a rewritten ledger is folded again', () => {
  const repo = bigRepo();
  const key = foldCacheKey(repo.state)!;
  const cacheDir = join(repo.dir, '.git');
  const cacheFile = join(cacheDir, FOLD_CACHE);
  const ledger = ledgerPath(repo.dir);
  const plain = (f: ReturnType<typeof foldLedgerFile>) => JSON.stringify({ spans: [...f.state.spans], origins: [...f.state.origins], approvals: [...f.state.approvals].map(([k, v]) => [k, [...v]]), problems: f.problems });
  const uncached = () => plain(foldLedgerFile(repo.dir));
  assert.equal(plain(foldLedgerFile(repo.dir, { cacheDir, cacheKey: key })), uncached());
  const cache = readFoldCache(cacheFile, realpathSync(ledger), key)!;
  assert.equal(cache.size, readFileSync(ledger).length);
  assert.equal(cache.id, git(repo.dir, 'hash-object', ledger).trim()); // the ledger-identity key is its git blob id
  // Grown: the cached prefix plus the new records.
  appendFileSync(ledger, serializeRecord(contribution('ai-2', 'src/a.ts', '2026-01-03T00:00:00.000Z')));
  assert.equal(plain(foldLedgerFile(repo.dir, { cacheDir, cacheKey: key })), uncached());
  assert.ok(foldLedgerFile(repo.dir, { cacheDir, cacheKey: key }).state.spans.has('ai-2'));
  // Rewritten (a record dropped from the middle, same length or not): not the cached prefix.
  const text = readFileSync(ledger, 'utf8').replace('"id":"ai-1"', '"id":"ai-X"');
  writeFileSync(ledger, text);
  const refolded = foldLedgerFile(repo.dir, { cacheDir, cacheKey: key });
  assert.equal(plain(refolded), uncached());
  assert.ok(refolded.state.spans.has('ai-X') && !refolded.state.spans.has('ai-1'));
  // A crash mid-write leaves a temporary file, never a torn cache: the reader only opens the final name.
  writeFileSync(`${cacheFile}.999.tmp`, 'half a cache');
  assert.equal(plain(foldLedgerFile(repo.dir, { cacheDir, cacheKey: key })), uncached());
  // A symlink planted under this process's temporary name is replaced, not written through.
  const victim = join(repo.state, 'victim.txt');
  writeFileSync(victim, 'keep me');
  symlinkSync(victim, `${cacheFile}.${process.pid}.tmp`);
  appendFileSync(ledger, serializeRecord(contribution('ai-3', 'src/a.ts', '2026-01-04T00:00:00.000Z')));
  assert.equal(plain(foldLedgerFile(repo.dir, { cacheDir, cacheKey: key })), uncached()); // writes a new cache
  assert.equal(readFileSync(victim, 'utf8'), 'keep me');
  assert.equal(readFoldCache(cacheFile, realpathSync(ledger), key)?.size, readFileSync(ledger).length);
});

test('the per-user key is made once, owner-only, and reused', () => {
  const dir = join(temp('airlock-foldcache-key-'), 'state');
  const key = foldCacheKey(dir)!;
  assert.equal(key.length, 32);
  assert.deepEqual(foldCacheKey(dir), key);
  assert.equal(statSync(join(dir, 'fold-cache.key')).mode & 0o077, 0);
  writeFileSync(join(dir, 'fold-cache.key'), 'short');
  assert.equal(foldCacheKey(dir), undefined); // a damaged key means no cache, not a weak one
});
