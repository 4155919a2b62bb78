// The flagged-diff panel's pure parts: diff rows, the view it posts, message validation, HTML.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PendingHunk } from '../../../extension/vscode/review/model';
import { hunkDiff, splitLines, withBaseline } from '../../../extension/vscode/review/panelDiff';
import { panelHtml } from '../../../extension/vscode/review/panelHtml';
import { parsePanelMessage } from '../../../extension/vscode/review/panelMessages';
import { formatAge, hunkLabel, panelView } from '../../../extension/vscode/review/panelView';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function hunk(over: Partial<PendingHunk>): PendingHunk {
  return {
    id: 'h1',
    contribution: 'c1',
    path: 'src/a.ts',
    uri: undefined as unknown as PendingHunk['uri'],
    startLine: 3,
    endLine: 4,
    baseline: 'old\n',
    current: 'new one\nnew two\n',
    tool: 'Copilot',
    channel: 'inline-completion',
    time: new Date(NOW - 3 * 60_000).toISOString(),
    confidence: 0.9,
    status: 'needs-approval',
    rule: 'review/ai',
    ruleMessage: 'needs a human',
    mixed: false,
    ...over,
  };
}

test('splitLines treats a final newline as ending the last line', () => {
  assert.deepEqual(splitLines(''), []);
  assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
  assert.deepEqual(splitLines('a\r\nb'), ['a', 'b']);
  assert.deepEqual(splitLines('\n'), ['']);
});

test('hunkDiff numbers both sides and shows context around the change', () => {
  const diff = hunkDiff({ baseline: 'old\n', current: 'new one\nnew two\n', startLine: 3, before: ['one', 'two'], after: ['five'] });
  assert.deepEqual(diff.rows, [
    { kind: 'context', oldLine: 1, newLine: 1, text: 'one' },
    { kind: 'context', oldLine: 2, newLine: 2, text: 'two' },
    { kind: 'removed', oldLine: 3, text: 'old' },
    { kind: 'added', newLine: 3, text: 'new one' },
    { kind: 'added', newLine: 4, text: 'new two' },
    { kind: 'context', oldLine: 4, newLine: 5, text: 'five' },
  ]);
  assert.equal(diff.added, 2);
  assert.equal(diff.removed, 1);
  assert.equal(diff.omitted, 0);
});

test('hunkDiff of a pure insertion has only added rows, and long hunks are cut', () => {
  const current = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const diff = hunkDiff({ baseline: '', current, startLine: 10 }, 20);
  assert.equal(diff.rows.length, 20);
  assert.equal(diff.omitted, 30);
  assert.ok(diff.rows.every((r) => r.kind === 'added'));
  assert.equal(diff.rows[0]!.newLine, 10);
});

test('withBaseline puts one hunk back and leaves the rest of the file', () => {
  assert.deepEqual(withBaseline(['a', 'b', 'X', 'Y', 'e'], 3, 4, 'c\n'), ['a', 'b', 'c', 'e']);
  assert.deepEqual(withBaseline(['a', 'X'], 2, 2, ''), ['a']);
});

test('formatAge reads like a person would say it', () => {
  assert.equal(formatAge(new Date(NOW - 10_000).toISOString(), NOW), 'just now');
  assert.equal(formatAge(new Date(NOW - 3 * 60_000).toISOString(), NOW), '3 min ago');
  assert.equal(formatAge(new Date(NOW - 2 * 3_600_000).toISOString(), NOW), '2 h ago');
  assert.equal(formatAge(new Date(NOW - 26 * 3_600_000).toISOString(), NOW), '1 day ago');
  assert.equal(formatAge('not a time', NOW), 'unknown time');
});

test('panelView groups by file in path then line order and counts forbidden hunks', () => {
  const view = panelView(
    [
      hunk({ id: 'b', path: 'src/b.ts', startLine: 1, endLine: 1, status: 'forbidden' }),
      hunk({ id: 'a2', startLine: 9, endLine: 9 }),
      hunk({ id: 'a1' }),
    ],
    (path) => (path === 'src/a.ts' ? ['1', '2', 'new one', 'new two', '5'] : undefined),
    NOW,
  );
  assert.deepEqual(view.files.map((f) => [f.path, f.hunks.map((h) => h.id), f.forbidden]), [
    ['src/a.ts', ['a1', 'a2'], 0],
    ['src/b.ts', ['b'], 1],
  ]);
  assert.equal(view.total, 3);
  assert.equal(view.forbidden, 1);
  const a1 = view.files[0]!.hunks[0]!;
  assert.equal(a1.label, 'src/a.ts:3-4');
  assert.equal(a1.age, '3 min ago');
  assert.equal(a1.confidence, 90);
  assert.deepEqual(a1.rows.filter((r) => r.kind === 'context').map((r) => r.text), ['1', '2', '5']);
  // A file that cannot be read still shows its hunk, without context.
  assert.ok(view.files[1]!.hunks[0]!.rows.every((r) => r.kind !== 'context'));
  assert.equal(hunkLabel({ path: 'x.ts', startLine: 7, endLine: 7 }), 'x.ts:7');
});

test('parsePanelMessage accepts only well-formed messages naming pending hunks or files', () => {
  const known = { ids: new Set(['h1']), paths: new Set(['src/a.ts']) };
  assert.deepEqual(parsePanelMessage({ type: 'approve', id: 'h1' }, known), { type: 'approve', id: 'h1' });
  assert.deepEqual(parsePanelMessage({ type: 'diff', id: 'h1', extra: 1 }, known), { type: 'diff', id: 'h1' });
  assert.deepEqual(parsePanelMessage({ type: 'approveFile', path: 'src/a.ts' }, known), { type: 'approveFile', path: 'src/a.ts' });
  assert.deepEqual(parsePanelMessage({ type: 'ready' }, known), { type: 'ready' });
  for (const bad of [
    undefined,
    'approve',
    [],
    { type: 'approve' },
    { type: 'approve', id: 'h2' },
    { type: 'reject', id: 1 },
    { type: 'approveFile', path: '/etc/passwd' },
    { type: 'approveFile', id: 'h1' },
    { type: 'exec', id: 'h1' },
    { type: 'toString', id: 'h1' },
  ]) {
    assert.equal(parsePanelMessage(bad, known), undefined, JSON.stringify(bad));
  }
});

test('panelHtml has a strict CSP and loads only nonce-d script and webview-local resources', () => {
  const html = panelHtml({ cspSource: 'https://webview.test', nonce: 'abc123', scriptUri: 'https://webview.test/m/flaggedDiff.js', styleUri: 'https://webview.test/m/flaggedDiff.css' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'/);
  assert.match(csp, /style-src https:\/\/webview\.test/);
  assert.doesNotMatch(csp, /unsafe/);
  assert.match(html, /<title>Airlock Flagged Diff<\/title>/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/webview\.test\/m\/flaggedDiff\.js"><\/script>/);
  assert.doesNotMatch(html, /<script(?![^>]*nonce)/, 'no script without the nonce');
  assert.doesNotMatch(html, /style="/, 'no inline styles');
});
