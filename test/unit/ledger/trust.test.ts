// The pure parts of "review you can trust": append-only proof, record shapes, the signed
// payload, baseline verification, shapes surviving renames, copies and reintroduced rejects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendedFindings, verifyAppendOnly } from '../../../extension/core/ledger/appendOnly';
import { locateSpans, rejectedReintroduced } from '../../../extension/core/ledger/check';
import { buildContribution, buildReview } from '../../../extension/core/ledger/contribution';
import { foldLedger, spansByPath } from '../../../extension/core/ledger/fold';
import { LedgerParser, parseLedger, serializeRecord, shapeProblem, isRepoPath, type LedgerRecord } from '../../../extension/core/ledger/records';
import { baselineInGit } from '../../../extension/core/ledger/reject';
import { signedPayload } from '../../../extension/core/ledger/signedReview';
import { indexFile, indexText, reanchor, trackLine } from '../../../extension/core/provenance/anchor';
import { CopyIndex } from '../../../extension/core/provenance/copies';

const file = ['import x;', 'export function total(items: Item[]): number {', '  const sum = items.reduce((a, b) => a + b.price, 0);', '  return Math.round(sum * 100) / 100;', '}', 'export const y = 2;'];
const alice = { name: 'Alice', email: 'alice@example.com' };

function contribution(id: string, baseline = '') {
  return buildContribution({ id, time: `2026-01-01T00:00:0${id.length % 10}.000Z`, path: 'src/a.ts', fileLines: file, startLine: 2, endLine: 5, tool: 'copilot', channel: 'cli', confidence: 1, baseline, recordedBy: alice });
}

const ledgerOf = (...records: LedgerRecord[]) => records.map(serializeRecord).join('');

test('append-only: appends pass; removal, truncation, rewriting, garbage and deletion are found, naming the record', () => {
  const a = contribution('a');
  const b = contribution('bb');
  const base = ledgerOf(a);
  assert.deepEqual(verifyAppendOnly(base, base + serializeRecord(b)), []);
  // A union merge may put the other side's records before ours: still every base line.
  assert.deepEqual(verifyAppendOnly(ledgerOf(a, b), ledgerOf(contribution('ccc'), a, b)), []);
  assert.deepEqual(verifyAppendOnly(base, '').map((f) => [f.kind, f.id]), [['removed', 'a']]);
  assert.deepEqual(verifyAppendOnly(ledgerOf(a, b), ledgerOf(a)).map((f) => [f.kind, f.id]), [['removed', 'bb']]);
  const rewritten = serializeRecord({ ...a, tool: 'human' });
  assert.deepEqual(verifyAppendOnly(base, rewritten).map((f) => [f.kind, f.id]), [['rewritten', 'a']]);
  assert.deepEqual(verifyAppendOnly(base, undefined).map((f) => f.kind), ['ledger-deleted']);
  const garbage = verifyAppendOnly(base, base + '{"airlock":1,"type":"contribution","id":"g","lines":[null]}\nnot json\n');
  assert.deepEqual(garbage.map((f) => [f.kind, f.id, f.line]), [['garbage', 'g', 2], ['garbage', undefined, 3]]);
  // With the head's parse problems and a proven prefix, only lines after the base count.
  const parsed = parseLedger(base + 'junk\n');
  assert.deepEqual(appendedFindings(1, parsed.problems).map((f) => [f.kind, f.line]), [['garbage', 2]]);
  assert.deepEqual(appendedFindings(2, parsed.problems), []);
});

test('wrong-shaped records are reported with their line and skipped; paths must stay inside the repository', () => {
  const good = serializeRecord(contribution('a'));
  const bad = (over: Record<string, unknown>) => JSON.stringify({ ...contribution('x'), ...over }) + '\n';
  const parsed = parseLedger(good + bad({ lines: [null] }) + bad({ path: '../etc/passwd' }) + bad({ startLine: 0 }) + bad({ path: '/abs' }) + bad({ path: '.git/config' }));
  assert.deepEqual(parsed.records.map((r) => r.id), ['a']);
  assert.deepEqual(parsed.problems.map((p) => [p.line, p.id]), [[2, 'x'], [3, 'x'], [4, 'x'], [5, 'x'], [6, 'x']]);
  assert.match(parsed.problems[0]!.reason, /wrong-shaped record \(lines\)/);
  assert.doesNotThrow(() => foldLedger(parsed.records));
  for (const p of ['src/a.ts', 'a', '.airlock/x']) assert.ok(isRepoPath(p), p);
  for (const p of ['', '../a', 'a/../../b', '/a', 'C:/a', 'a\\b', 'a//b', './a', '.git/hooks/pre-commit', 'a\0b']) assert.ok(!isRepoPath(p), p);
  assert.equal(shapeProblem({ airlock: 1, id: 'u', time: 't', type: 'update', replaces: ['a'], root: 'a', spans: [{ id: 's', path: 'a', startLine: 1, endLine: 1, lines: [7] }] }), 'spans');
  assert.equal(shapeProblem({ airlock: 1, id: 'r', time: 't', type: 'review', decision: 'approve', reviewer: alice, path: 'a', lines: [{ root: 'a', x: [1] }] }), 'lines');
});

test('the streaming parser gives exactly parseLedger\'s records and problems, whatever the chunking', () => {
  const text = ledgerOf(contribution('a'), contribution('bb')) + 'junk\n' + serializeRecord(contribution('ccc')).slice(0, 30);
  const whole = parseLedger(text);
  for (const size of [1, 7, 64, 1000]) {
    const parser = new LedgerParser();
    for (let at = 0; at < text.length; at += size) parser.push(text.slice(at, at + size));
    assert.deepEqual(parser.end(), whole, `chunks of ${size}`);
  }
  assert.match(whole.problems[1]!.reason, /torn last record/);
});

test('the signed payload covers every field but the signature and does not depend on key order', () => {
  const state = foldLedger([contribution('a')]);
  const located = locateSpans([...state.spans.values()], indexFile(file));
  const review = buildReview('approve', alice, 'r1', '2026-01-02T00:00:00.000Z', 'src/a.ts', located, file);
  const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(review).reverse())));
  assert.equal(signedPayload(reordered), signedPayload(review));
  assert.equal(signedPayload({ ...review, signature: 'sig' }), signedPayload(review));
  assert.notEqual(signedPayload({ ...review, startLine: 1 }), signedPayload(review));
  assert.notEqual(signedPayload({ ...review, reviewer: { ...alice, email: 'bob@example.com' } }), signedPayload(review));
  assert.match(signedPayload(review), /^airlock review v1\n\{/);
});

test('a baseline is restored only when git has seen it in the file', () => {
  const before = 'a\nold line 1\nold line 2\nb\n';
  assert.ok(baselineInGit('', [undefined]));
  assert.ok(baselineInGit('old line 1\nold line 2\n', [undefined, before]));
  assert.ok(!baselineInGit('require("child_process").exec("x");\n', [before]));
  assert.ok(!baselineInGit('old line 2\nold line 1\n', [before]), 'order matters');
});

test('re-anchoring finds AI lines again after every identifier was renamed (as mixed), by shape', () => {
  const lines = file.slice(1, 5);
  const tracked = lines.map((l) => trackLine(l));
  const renamed = ['// moved down', 'import x;', 'export function grand(rows: Row[]): number {', '  const acc = rows.reduce((p, q) => p + q.cost, 0);', '  return Math.round(acc * 100) / 100;', '}'];
  const placed = reanchor(tracked, 2, indexText(renamed.join('\n')));
  assert.deepEqual(placed.map((p) => [p.fileLine, p.mixed]), [[2, true], [3, true], [4, true], [5, false]]);
});

test('copies: three or more recorded lines in a row anywhere are the original contribution; fewer are not', () => {
  const state = foldLedger([contribution('a')]);
  const index = new CopyIndex(spansByPath(state).get('src/a.ts')!);
  const copy = ['// elsewhere', ...file.slice(1, 5), 'more'];
  const found = index.find('src/b.ts', indexFile(copy), new Set());
  assert.deepEqual(found.map((s) => [s.path, s.startLine, s.endLine, s.root]), [['src/b.ts', 2, 5, 'a']]);
  assert.deepEqual(index.find('src/c.ts', indexFile(['x', file[2]!, file[3]!, 'y']), new Set()), []);
  assert.deepEqual(index.find('src/b.ts', indexFile(copy), new Set([1, 2, 3, 4])), [], 'already located lines are not copies');
});

test('rejected code that is back is reported; lines that were also in the replaced text are not', () => {
  const rejected = foldLedger([
    contribution('a', '  return Math.round(sum * 100) / 100;\n'),
    { airlock: 1, type: 'review', id: 'rj', time: '2026-02-01T00:00:00.000Z', decision: 'reject', reviewer: alice, path: 'src/a.ts', startLine: 2, endLine: 5, lines: [{ root: 'a', x: [] }], contentHash: 'x' },
  ]);
  const spans = rejected.rejectedSpans.get('a')!;
  assert.equal(rejected.spans.size, 0);
  assert.deepEqual(rejectedReintroduced('src/a.ts', spans, indexFile(file), rejected).map((v) => [v.startLine, v.endLine, v.kind]), [[2, 5, 'rejected-reintroduced']]);
  // Only the line the baseline had too: not the rejected code.
  assert.deepEqual(rejectedReintroduced('src/a.ts', spans, indexFile(['x', '  return Math.round(sum * 100) / 100;']), rejected), []);
});

test('the fold cache in .git gives exactly the uncached state, and is ignored when the ledger did not just grow', async () => {
  const { mkdtempSync, rmSync, appendFileSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { foldLedgerFile, ledgerPath } = await import('../../../extension/cli/provenance/ledgerFile');
  const dir = mkdtempSync(join(tmpdir(), 'airlock-foldcache-'));
  try {
    const cacheDir = join(dir, '.git');
    const cacheKey = Buffer.alloc(32, 1);
    mkdirSync(join(dir, '.airlock/ledger'), { recursive: true });
    const c = contribution('a');
    const moved = { airlock: 1 as const, type: 'update' as const, id: 'u1', time: '2026-01-03T00:00:00.000Z', replaces: ['a'], root: 'a', spans: [{ id: 's1', path: 'src/a.ts', startLine: 3, endLine: 6, lines: c.lines }] };
    const review = buildReview('approve', alice, 'r1', '2026-01-04T00:00:00.000Z', 'src/a.ts', locateSpans([...foldLedger([c]).spans.values()], indexFile(file)), file);
    const reject = { airlock: 1 as const, type: 'review' as const, id: 'rj', time: '2026-01-05T00:00:00.000Z', decision: 'reject' as const, reviewer: alice, path: 'src/a.ts', startLine: 2, endLine: 5, lines: [{ root: 'b', x: [] }], contentHash: 'x' };
    writeFileSync(ledgerPath(dir), ledgerOf(c, moved, review) + 'junk\n');
    const plain = (f: ReturnType<typeof foldLedgerFile>) => JSON.stringify({ spans: [...f.state.spans], approvals: [...f.state.approvals].map(([k, v]) => [k, [...v]]), origins: [...f.state.origins.keys()], rejected: [...f.state.rejected], rejectedSpans: [...f.state.rejectedSpans.keys()], problems: f.problems });
    const uncached = () => plain(foldLedgerFile(dir));
    assert.equal(plain(foldLedgerFile(dir, { cacheDir, minCacheBytes: 1, cacheKey })), uncached()); // writes the cache
    assert.equal(plain(foldLedgerFile(dir, { cacheDir, minCacheBytes: 1, cacheKey })), uncached()); // reads it
    appendFileSync(ledgerPath(dir), ledgerOf(contribution('bb'), reject));
    assert.equal(plain(foldLedgerFile(dir, { cacheDir, minCacheBytes: 1, cacheKey })), uncached()); // cache + appended records
    // Rewritten in place (same size or not): the cache does not match and is not used.
    writeFileSync(ledgerPath(dir), ledgerOf(c, review));
    assert.equal(plain(foldLedgerFile(dir, { cacheDir, minCacheBytes: 1, cacheKey })), uncached());
    assert.equal(foldLedgerFile(dir, { cacheDir, minCacheBytes: 1, cacheKey }).state.spans.has('a'), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('git-ai authorship logs: attestations and prompts are read; other schemas and junk are not', async () => {
  const { parseGitAiLog, parseHumanAuthor } = await import('../../../extension/core/provenance/gitAi');
  const meta = (v: string) => JSON.stringify({ schema_version: v, base_commit_sha: 'x', prompts: { abcd1234abcd1234: { agent_id: { tool: 'cursor', id: '1', model: 'm' }, human_author: 'Dev <dev@example.com>', messages: [] }, e5be5f8: { agent_id: { tool: 'claude', id: '2' } } } });
  const log = parseGitAiLog(`src/main.rs\n  abcd1234abcd1234 1-10,15,20-22\n"src/my file.rs"\n  e5be5f8 3\n  nothex 1-2\n---\n${meta('authorship/3.0.0')}`)!;
  assert.deepEqual(log.attestations, [
    { path: 'src/main.rs', session: 'abcd1234abcd1234', ranges: [{ startLine: 1, endLine: 10 }, { startLine: 15, endLine: 15 }, { startLine: 20, endLine: 22 }] },
    { path: 'src/my file.rs', session: 'e5be5f8', ranges: [{ startLine: 3, endLine: 3 }] },
  ]);
  assert.deepEqual(log.prompts.get('abcd1234abcd1234'), { tool: 'cursor', model: 'm', humanAuthor: 'Dev <dev@example.com>' });
  assert.equal(parseGitAiLog(`a\n  abcd1234abcd1234 1\n---\n${meta('authorship/2.0.0')}`), undefined);
  assert.equal(parseGitAiLog('no divider'), undefined);
  assert.equal(parseGitAiLog('a\n---\n{not json'), undefined);
  assert.deepEqual(parseHumanAuthor('Dev <dev@example.com>'), { name: 'Dev', email: 'dev@example.com' });
  assert.equal(parseHumanAuthor('nobody'), undefined);
});
