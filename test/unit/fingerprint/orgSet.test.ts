// The organization-wide fingerprint set: every repo's code in a binary fuse map, "probable
// protected code from <repo>" on a laptop that has none of it, exact where the repo is local.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildFuseMap, FuseMapLookup, SEVERAL } from '../../../extension/core/fingerprint/binaryFuse';
import { allOrgKeysOf, concatKeys, deserializeOrgSet, OrgFingerprintSet, orgKeysOf, orgQueryGrams, OrgSetFormatError, secondKgramHashes, serializeOrgSet, type OrgKeys } from '../../../extension/core/fingerprint/orgSet';
import { FingerprintIndex, queryGrams } from '../../../extension/core/fingerprint';
import { exposedTokens } from '../../../extension/core/fingerprint/fingerprint';
import { TokenBuffer } from '../../../extension/core/fingerprint/tokenize';
import { loadLayeredPolicy } from '../../../extension/core/policy';
import { createNodePolicyReader } from '../../../extension/cli/policySource';
import { generateProjects, renameAndReformat, rng, sliceLines, type GeneratedFile } from '../../support/codeGenerator';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'airlock-orgset-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const keysOf = (files: GeneratedFile[]): OrgKeys => concatKeys(files.map((f) => orgKeysOf(f.text)));

// Three "repositories" of generated proprietary code.
const repos = [1, 2, 3].map((seed) => ({ name: `acme/repo-${seed}`, files: generateProjects(6000, 100 + seed) }));
const publicText = readFileSync(join(root, 'node_modules', 'typescript', 'lib', 'typescript.js'), 'utf8').slice(0, 2_000_000);
let set: OrgFingerprintSet;

before(() => {
  set = OrgFingerprintSet.build(
    repos.map((r) => ({ name: r.name, keys: keysOf(r.files) })),
    allOrgKeysOf(publicText.slice(0, 500_000)),
  );
});

test('the fuse map returns each key\'s value, merges duplicates to SEVERAL, and rejects absent keys', () => {
  const n = 50_000;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const values = new Uint16Array(n);
  const r = rng(7);
  for (let i = 0; i < n; i++) {
    hi[i] = (r() * 2 ** 32) >>> 0;
    lo[i] = (r() * 2 ** 32) >>> 0;
    values[i] = i % 300;
  }
  const map = buildFuseMap({ hi: Uint32Array.of(...hi, hi[0]!), lo: Uint32Array.of(...lo, lo[0]!), values: Uint16Array.of(...values, 299) });
  const look = new FuseMapLookup(map);
  assert.equal(look.get(hi[0]!, lo[0]!), SEVERAL);
  for (let i = 1; i < n; i++) assert.equal(look.get(hi[i]!, lo[i]!), i % 300);
  let falsePositives = 0;
  for (let i = 0; i < 200_000; i++) if (look.get((r() * 2 ** 32) >>> 0, (r() * 2 ** 32) >>> 0) >= 0) falsePositives++;
  assert.ok(falsePositives / 200_000 < 2e-4, `false-positive rate ${falsePositives / 200_000}`); // 2^-16 expected
});

test('a renamed and reformatted snippet is "probable protected code" from the right repository', () => {
  const r = rng(11);
  let found = 0;
  let right = 0;
  for (let i = 0; i < 30; i++) {
    const repo = repos[i % 3]!;
    const file = repo.files[Math.floor(r() * repo.files.length)]!;
    const lines = file.text.split('\n').length;
    const snippet = renameAndReformat(sliceLines(file.text, Math.floor(r() * Math.max(1, lines - 30)), 30), r);
    const matches = set.match(`Could you make this faster?\n${snippet}`);
    if (matches.length > 0) found++;
    if (matches.some((m) => m.repo === repo.name)) right++;
  }
  assert.ok(found >= 27, `found ${found}/30`);
  assert.equal(right, found, 'every match names the repository the code came from');
});

test('public code and prose do not match', () => {
  assert.deepEqual(set.match(publicText.slice(600_000, 1_400_000)), []);
  assert.deepEqual(set.match('Please write a function that adds two numbers and explain recursion.'), []);
});

test('the file holds hashes only, round-trips, and refuses a damaged copy', () => {
  const bytes = serializeOrgSet(set);
  const again = deserializeOrgSet(bytes);
  assert.equal(again.size, set.size);
  assert.deepEqual(again.repos, set.repos);
  const sample = repos[0]!.files[0]!.text;
  assert.deepEqual(again.match(sample).map((m) => m.repo), set.match(sample).map((m) => m.repo));
  // No identifier of the code can be read back out of the file.
  const latin = Buffer.from(bytes).toString('latin1');
  const idents = [...new Set(sample.match(/[A-Za-z_][A-Za-z0-9_]{7,}/g) ?? [])].slice(0, 50);
  assert.ok(idents.length > 10);
  for (const id of idents) assert.ok(!latin.includes(id), `identifier ${id.slice(0, 3)}… is in the file`);
  assert.throws(() => deserializeOrgSet(bytes.subarray(0, bytes.length - 4)), OrgSetFormatError);
  const wrongMagic = Uint8Array.from(bytes);
  wrongMagic[0] = 0;
  assert.throws(() => deserializeOrgSet(wrongMagic), OrgSetFormatError);
});

test('through the policy: a probable match blocks, names the repository; the exact index confirms where the repo is local', async () => {
  const setFile = join(dir, 'acme.alos');
  writeFileSync(setFile, serializeOrgSet(set));
  const policyFile = join(dir, 'policy.jsonc');
  writeFileSync(
    policyFile,
    JSON.stringify({
      extends: ['airlock:secrets'],
      protected: { fingerprints: ['./acme.alos'] },
      egress: [{ id: 'org-code', when: { protected: true }, action: 'block', message: 'Company code stays here.' }],
    }),
  );
  const loaded = await loadLayeredPolicy({ workspace: policyFile }, createNodePolicyReader());
  assert.equal(loaded.ok, true, loaded.problems.map((p) => p.message).join('\n'));
  const code = sliceLines(repos[1]!.files[3]!.text, 0, 40);
  const request = { destination: 'https://api.openai.com/v1/chat/completions', segments: [{ id: 'm', role: 'tool-result' as const, text: code }], referencedPaths: [] };
  const verdict = loaded.policy.evaluateEgress(request);
  assert.equal(verdict.action, 'block');
  const finding = verdict.findings.find((f) => f.kind === 'protected-content')!;
  assert.equal(finding.probable, true);
  assert.equal(finding.source, 'acme/repo-2');
  assert.equal(finding.sourceLines, undefined);
  // With the repository checked out (the exact workspace index), the finding is exact: file and lines.
  const index = new FingerprintIndex();
  index.add(`src/${repos[1]!.files[3]!.path}`, repos[1]!.files[3]!.text);
  writeFileSync(policyFile, readFileSync(policyFile, 'utf8').replace('"protected":{', '"protected":{"paths":["src/**"],'));
  const withPaths = await loadLayeredPolicy({ workspace: policyFile }, createNodePolicyReader());
  assert.ok(withPaths.ok);
  const exact = withPaths.policy.evaluateEgress(request, { protectedIndex: index });
  const findings = exact.findings.filter((f) => f.kind === 'protected-content');
  assert.ok(findings.length > 0);
  assert.ok(findings.every((f) => !f.probable), 'the exact match stands alone where the repo is local');
  assert.ok(findings[0]!.sourceLines);
});

test('airlock fingerprint org-set builds in parallel, reuses unchanged repositories, and rebuilds a changed one', () => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const reposDir = join(dir, 'repos');
  for (const r of repos) {
    for (const f of r.files.slice(0, 40)) {
      const path = join(reposDir, r.name.replace('/', '_'), f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.text);
    }
  }
  const out = join(dir, 'cli.alos');
  const args = ['dist/cli.js', 'fingerprint', 'org-set', ...repos.flatMap((r) => ['--repo', `${r.name}=${join(reposDir, r.name.replace('/', '_'))}`]), '--out', out, '--jobs', '2', '--cache', join(dir, 'cache')];
  const first = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /3 repositories \(0 unchanged/);
  const cliSet = deserializeOrgSet(readFileSync(out));
  assert.deepEqual(cliSet.repos, repos.map((r) => r.name));
  const snippet = sliceLines(repos[2]!.files[5]!.text, 0, 30);
  assert.equal(cliSet.match(snippet)[0]?.repo, 'acme/repo-3');
  const second = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  assert.match(second.stderr, /3 repositories \(3 unchanged/);
  const changed = join(reposDir, 'acme_repo-1', repos[0]!.files[0]!.path);
  writeFileSync(changed, `${readFileSync(changed, 'utf8')}\n// one more line\n`);
  const third = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  assert.equal(third.status, 0, third.stderr);
  assert.match(third.stderr, /3 repositories \(2 unchanged/);
});

test('one k-gram array per segment: the org set and the exact index read the same query grams', () => {
  const snippet = sliceLines(repos[1]!.files[4]!.text, 5, 45);
  const text = `Could you review this?\n${publicText.slice(10_000, 30_000)}\n${snippet}\n${publicText.slice(40_000, 50_000)}`;
  const grams = orgQueryGrams(text);
  assert.ok(grams.second && grams.second.length === grams.count, 'the second hash comes in the same pass');
  // The first hash is the exact index's k-gram hash, the second the org set's own (secondKgramHashes).
  const plain = queryGrams(text);
  assert.deepEqual([...grams.hashes], [...plain.hashes]);
  assert.deepEqual([...grams.starts], [...plain.starts]);
  assert.deepEqual([...grams.ends], [...plain.ends]);
  // Query tokens include comment and multi-line string contents read as code (exposedTokens).
  const tokens = exposedTokens(text, new TokenBuffer(1024));
  assert.deepEqual([...grams.second], [...secondKgramHashes(tokens.codes, tokens.length, 16)]);
  // Same answers as looking the text up on its own.
  const probable = set.matchGrams(grams);
  assert.deepEqual(probable, set.match(text));
  assert.equal(probable[0]?.repo, 'acme/repo-2');
  const exact = new FingerprintIndex();
  for (const f of repos[1]!.files) exact.add(f.path, f.text);
  assert.deepEqual(exact.matchGrams(grams), exact.match(text));
  assert.equal(exact.matchGrams(grams)[0]?.source, repos[1]!.files[4]!.path);
  assert.throws(() => set.matchGrams(plain), /second k-gram hash/);
});
