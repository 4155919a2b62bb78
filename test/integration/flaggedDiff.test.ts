// The flagged-diff panel over the real provenance engine: the hunks it lists are contributions
// in the workspace ledger (written as an agent hook or another window writes them, some
// minutes or a day ago), located in real files by the engine and judged by the workspace
// policy, and every decision it makes lands in that ledger. The Needs Review view beside it
// must list the same hunks (the panel once ran over a hand-made model here and showed four
// hunks beside an empty tree).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { appendRecords, ledgerPath } from '../../extension/cli/provenance/ledgerFile';
import { buildContribution } from '../../extension/core/ledger/contribution';
import { newRecordId } from '../../extension/core/ledger/records';
import { splitLines } from '../../extension/core/provenance/hash';
import type { Channel } from '../../extension/core/provenance/types';
import type { AirlockApi } from '../../extension/vscode/extension';
import { BASELINE_SCHEME } from '../../extension/vscode/review/baselineDocuments';
import type { ApproveAllQuestion, FlaggedDiffPanel } from '../../extension/vscode/review/flaggedDiffPanel';
import type { RejectQuestion } from '../../extension/vscode/review/rejectFlow';
import { click, hasBrowser, pressKey, screenshot, sleep, textOf, until, waitForText } from './support/harness';
import { checkListing, panelListing, viewListing } from './support/reviewListings';

const EXTENSION_ID = 'airlock-dev.airlock';
const FRAME = 'Airlock Flagged Diff';

const PRICING_PATH = 'review-fixture/src/pricing.ts';
const SESSION_PATH = 'review-fixture/src/session.ts';
const TAX_TEST_PATH = 'review-fixture/src/tax.test.ts';

// What the humans committed, then what the files hold after the AI edits.
const PRICING_HUMAN = `export interface Money { currency: string; cents: number }

export function applyDiscount(total: Money, percent: number): Money {
  return { ...total, cents: total.cents - percent };
}

export function formatPrice(price: Money): string {
  return \`\${price.currency} \${(price.cents / 100).toFixed(2)}\`;
}
`;
const PRICING = `export interface Money { currency: string; cents: number }

export function applyDiscount(total: Money, percent: number): Money {
  const clamped = Math.min(Math.max(percent, 0), 100);
  return { ...total, cents: Math.round(total.cents * (1 - clamped / 100)) };
}

export function formatPrice(price: Money): string {
  return \`\${price.currency} \${(price.cents / 100).toFixed(2)}\`;
}
`;

const SESSION_BASELINE = `export function newSessionId(): string {
  return Math.random().toString(36).slice(2);
}
`;
const SESSION_HUMAN = `import { randomBytes } from 'node:crypto';

${SESSION_BASELINE}
export function isExpired(issuedAt: number, ttlMs: number, now = Date.now()): boolean {
  return now - issuedAt > ttlMs;
}

`;
/** The AI's version: lines 3-5 rewritten, lines 11-12 added. */
const SESSION_AI = `import { randomBytes } from 'node:crypto';

export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}

export function isExpired(issuedAt: number, ttlMs: number, now = Date.now()): boolean {
  return now - issuedAt > ttlMs;
}

export const SESSION_COOKIE = 'sid';
export const SESSION_TTL_MS = 30 * 60 * 1000;
`;
/** …and a human then edited line 12 in part (the AI lines stay AI, as mixed). */
const SESSION = SESSION_AI.replace('30 * 60 * 1000;', '15 * 60 * 1000; // shorter');

const TAX_TEST_HUMAN = `import { taxRate } from './tax';
`;
const TAX_TEST = `${TAX_TEST_HUMAN}describe('taxRate', () => {
  it('uses the negotiated EU rate', () => expect(taxRate('eu')).toBe(0.19));
  it('uses 7% elsewhere', () => expect(taxRate('us')).toBe(0.07));
});
`;

interface Contribution {
  name: string;
  path: string;
  aiText: string;
  startLine: number;
  endLine: number;
  baseline: string;
  tool: string;
  model?: string;
  channel: Channel;
  confidence: number;
  minutesAgo: number;
}

const CONTRIBUTIONS: Contribution[] = [
  { name: 'discount', path: PRICING_PATH, aiText: PRICING, startLine: 3, endLine: 6, baseline: 'export function applyDiscount(total: Money, percent: number): Money {\n  return { ...total, cents: total.cents - percent };\n}\n', tool: 'GitHub Copilot', model: 'gpt-4.1', channel: 'inline-completion', confidence: 0.95, minutesAgo: 3 },
  { name: 'tax', path: TAX_TEST_PATH, aiText: TAX_TEST, startLine: 2, endLine: 5, baseline: '', tool: 'Claude Code', model: 'claude-sonnet-4', channel: 'agent-hook', confidence: 1, minutesAgo: 42 },
  { name: 'session', path: SESSION_PATH, aiText: SESSION_AI, startLine: 3, endLine: 5, baseline: SESSION_BASELINE, tool: 'Cursor', model: 'gpt-5', channel: 'chat-edit', confidence: 0.9, minutesAgo: 120 },
  { name: 'cookie', path: SESSION_PATH, aiText: SESSION_AI, startLine: 11, endLine: 12, baseline: '', tool: 'unknown', channel: 'heuristic', confidence: 0.4, minutesAgo: 60 * 26 },
];

/** The hunk row that holds keyboard focus (roving tabindex) in the panel. */
const selected = (id: string) => `.hunk[data-id="${id}"][aria-selected="true"]`;

describe('Flagged-diff panel', function () {
  this.timeout(60_000);
  let api: AirlockApi;
  let panel: FlaggedDiffPanel;
  /** Hunk ids by contribution name, as the engine located them. */
  const ids: Record<string, string> = {};
  let ledgerBefore = 0;
  // VS Code refuses modal dialogs while extension tests run, so the tests answer the questions.
  const rejectAsked: RejectQuestion[] = [];
  let rejectAnswer = true;
  const root = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const uriOf = (path: string) => vscode.Uri.file(join(root(), path));

  /** Review records this suite added to the ledger, as `decision path:start-end`. */
  const decisions = (): string[] =>
    readFileSync(ledgerPath(root()), 'utf8')
      .slice(ledgerBefore)
      .split('\n')
      .filter((line) => line.includes('"type":"review"'))
      .map((line) => JSON.parse(line) as { decision: string; path: string; startLine: number; endLine: number })
      .map((r) => `${r.decision} ${r.path}:${r.startLine}-${r.endLine}`);
  const decided = (name: string, decision: 'approve' | 'reject') => {
    const c = CONTRIBUTIONS.find((x) => x.name === name)!;
    return decisions().includes(`${decision} ${c.path}:${c.startLine}-${c.endLine}`);
  };
  const pending = () => api.reviews!.hunks().filter((h) => h.path.startsWith('review-fixture/'));

  /** The Needs Review view lists exactly what the panel lists, and so does `airlock check`. */
  const viewMatchesPanel = async (what: string) => {
    const expected = panelListing(await panel.render());
    await until(async () => JSON.stringify(await viewListing(api)) === JSON.stringify(expected), 10_000, what).catch(async (error: Error) => {
      assert.fail(`${error.message}: view ${JSON.stringify(await viewListing(api))}, panel ${JSON.stringify(expected)}`);
    });
    assert.deepEqual(checkListing(root(), join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js')), expected, `airlock check agrees with the panel (${what})`);
  };

  before(async () => {
    api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
    const reviews = api.reviews!;
    await reviews.ready();
    // The humans' versions are committed (what a reject may restore is text git has seen).
    for (const [path, text] of [[PRICING_PATH, PRICING_HUMAN], [SESSION_PATH, SESSION_HUMAN], [TAX_TEST_PATH, TAX_TEST_HUMAN]] as const) {
      mkdirSync(dirname(join(root(), path)), { recursive: true });
      writeFileSync(join(root(), path), text);
    }
    execFileSync('git', ['add', 'review-fixture'], { cwd: root() });
    execFileSync('git', ['commit', '-qm', 'review fixture: human versions'], { cwd: root() });
    // The AI's edits land on disk and are recorded, as an agent hook or another window does.
    for (const [path, text] of [[PRICING_PATH, PRICING], [SESSION_PATH, SESSION_AI], [TAX_TEST_PATH, TAX_TEST]] as const) writeFileSync(join(root(), path), text);
    try {
      ledgerBefore = readFileSync(ledgerPath(root()), 'utf8').length;
    } catch {
      ledgerBefore = 0;
    }
    const now = Date.now();
    appendRecords(
      root(),
      CONTRIBUTIONS.map((c) => {
        const time = new Date(now - c.minutesAgo * 60_000);
        return buildContribution({
          id: newRecordId(time),
          time: time.toISOString(),
          path: c.path,
          fileLines: splitLines(c.aiText),
          startLine: c.startLine,
          endLine: c.endLine,
          tool: c.tool,
          ...(c.model ? { model: c.model } : {}),
          channel: c.channel,
          confidence: c.confidence,
          baseline: c.baseline,
        });
      }),
    );
    writeFileSync(join(root(), SESSION_PATH), SESSION);
    await reviews.reload();
    for (const c of CONTRIBUTIONS) {
      const hunk = pending().find((h) => h.path === c.path && h.startLine === c.startLine);
      assert.ok(hunk, `the engine lists ${c.name} at ${c.path}:${c.startLine} (pending: ${JSON.stringify(pending().map((h) => `${h.path}:${h.startLine}-${h.endLine}`))})`);
      ids[c.name] = hunk.id;
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.airlock');
    panel = (await vscode.commands.executeCommand('airlock.showFlaggedDiff')) as FlaggedDiffPanel;
    panel.answerQuestionsWith({
      confirmReject: async (question) => {
        rejectAsked.push(question);
        return rejectAnswer;
      },
    });
  });

  after(async () => {
    panel?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens one themed, locked-down webview listing every hunk by file with source, rule, status and age', async () => {
    assert.equal(panel.panel.viewType, 'airlock.flaggedDiff');
    assert.equal(await vscode.commands.executeCommand('airlock.showFlaggedDiff'), panel, 'a second show reveals the same panel');
    const html = panel.panel.webview.html;
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(html, /<title>Airlock Flagged Diff<\/title>/);

    const view = await panel.render();
    assert.deepEqual(
      view.files.filter((f) => f.path.startsWith('review-fixture/')).map((f) => [f.path, f.hunks.map((h) => h.id)]),
      [
        [PRICING_PATH, [ids.discount]],
        [SESSION_PATH, [ids.session, ids.cookie]],
        [TAX_TEST_PATH, [ids.tax]],
      ],
    );
    assert.equal(view.total, 4, 'nothing else is pending in the workspace');
    const discount = view.files[0]!.hunks[0]!;
    assert.equal(discount.age, '3 min ago');
    assert.deepEqual(discount.rows.filter((r) => r.kind === 'removed').map((r) => r.text), ['  return { ...total, cents: total.cents - percent };']);
    assert.equal(discount.added, 2);
    const cookieView = view.files[1]!.hunks[1]!;
    assert.equal(cookieView.mixed, true, 'the human edit in line 12 keeps the lines AI, as mixed');
    // The Needs Review view beside it lists the same hunks: one engine feeds both.
    await viewMatchesPanel('the Needs Review view to list what the panel lists');
    if (!hasBrowser) return;

    await waitForText('#summary', '4 AI hunks need review in 3 files', 20_000, FRAME);
    const tax = await textOf(`.hunk[data-id="${ids.tax}"]`, FRAME);
    for (const expected of ['Lines 2-5', 'Forbidden', 'Claude Code', 'claude-sonnet-4', 'agent-hook', 'no-ai-code-in-tests', '42 min ago', 'may not stay here']) {
      assert.ok(tax.text.includes(expected), `the forbidden hunk shows "${expected}"`);
    }
    const taxActions = (await textOf(`.hunk[data-id="${ids.tax}"] .actions`, FRAME)).text;
    assert.doesNotMatch(taxActions, /Approve/, 'a forbidden hunk offers no Approve');
    assert.match(taxActions, /Reject/);
    assert.match((await textOf(`.hunk[data-id="${ids.discount}"] .actions`, FRAME)).text, /Approve/);
    const cookie = await textOf(`.hunk[data-id="${ids.cookie}"]`, FRAME);
    assert.match(cookie.text, /Edited by a human/);
    assert.match(cookie.text, /1 day ago/);
    await screenshot('flagged-diff-panel', 500);

    const workbench = vscode.workspace.getConfiguration('workbench');
    const previous = workbench.inspect<string>('colorTheme')?.globalValue;
    await workbench.update('colorTheme', 'Default Light Modern', vscode.ConfigurationTarget.Global);
    try {
      await screenshot('flagged-diff-panel-light', 1500);
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default High Contrast', vscode.ConfigurationTarget.Global);
      await screenshot('flagged-diff-panel-high-contrast', 1500);
    } finally {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('ignores webview messages that do not name a pending hunk or file', async () => {
    const ledger = readFileSync(ledgerPath(root()), 'utf8');
    for (const message of [
      'approve',
      null,
      [],
      { type: 'approve' },
      { type: 'approve', id: 'h-unknown' },
      { type: 'reject', id: 42 },
      { type: 'approveFile', path: '../../etc/passwd' },
      { type: 'delete', id: ids.discount },
      { type: 'approve', id: ids.discount!.padEnd(5000, 'x') },
    ]) {
      await panel.receive(message);
    }
    assert.equal(readFileSync(ledgerPath(root()), 'utf8'), ledger, 'nothing was recorded');
    assert.equal(pending().length, 4);
  });

  it('"Approve all in file" asks first and does nothing on cancel', async function () {
    const asked: ApproveAllQuestion[] = [];
    panel.answerQuestionsWith({
      confirmApproveAll: async (question) => {
        asked.push(question);
        return false;
      },
    });
    if (hasBrowser) {
      assert.match((await textOf(`section.file[aria-label^="${SESSION_PATH},"] .file-actions`, FRAME)).text, /Approve all in file/);
      await click(`.hunk[data-id="${ids.session}"] .meta`, FRAME);
      await pressKey('Shift+A');
    } else {
      await panel.receive({ type: 'approveFile', path: SESSION_PATH });
    }
    await until(() => asked.length === 1, 10_000, 'the approve-all question');
    assert.equal(asked[0]!.message, `Approve all 2 AI hunks in ${SESSION_PATH}?`);
    assert.equal(asked[0]!.detail, 'Each hunk is recorded as reviewed by you.');
    await sleep(300);
    assert.deepEqual(decisions(), [], 'cancel approves nothing');
    assert.equal(pending().length, 4);
  });

  it('a forbidden hunk cannot be approved: a says why, records nothing and keeps focus there', async function () {
    if (!hasBrowser) {
      await panel.receive({ type: 'approve', id: ids.tax });
      assert.deepEqual(decisions(), []);
      this.test!.title += ' (no browser: message path only)';
      return;
    }
    await click(`.hunk[data-id="${ids.tax}"] .meta`, FRAME);
    await waitForText(selected(ids.tax!), '', 10_000, FRAME);
    await pressKey('a');
    await waitForText('#announce', 'AI code is forbidden here, so it cannot be approved', 10_000, FRAME);
    await sleep(300);
    await waitForText(selected(ids.tax!), '', 10_000, FRAME);
    assert.deepEqual(decisions(), [], 'no approval recorded');
    await screenshot('flagged-diff-forbidden-hunk-a-explains-no-approve-button', 300);
  });

  it('approves on click, asks before r rejects (restoring the baseline) and keeps focus on the next hunk', async function () {
    if (!hasBrowser) {
      await panel.receive({ type: 'approve', id: ids.discount });
      rejectAnswer = false;
      await panel.receive({ type: 'reject', id: ids.session });
      rejectAnswer = true;
      await panel.receive({ type: 'reject', id: ids.session });
    } else {
      await click(`button[aria-label="Approve hunk ${PRICING_PATH}:3-6"]`, FRAME);
      await until(() => decided('discount', 'approve'), 10_000, 'the approval to reach the ledger');
      await waitForText(selected(ids.session!), '', 10_000, FRAME);
      // A cancelled reject changes nothing and leaves focus where it was.
      rejectAnswer = false;
      await pressKey('r');
      await until(() => rejectAsked.length === 1, 10_000, 'the reject question');
      await sleep(300);
      assert.ok(!decided('session', 'reject'));
      await waitForText(selected(ids.session!), '', 10_000, FRAME);
      rejectAnswer = true;
      await pressKey('r');
      await until(() => decided('session', 'reject'), 10_000, 'the rejection to reach the ledger');
      await waitForText(selected(ids.cookie!), '', 10_000, FRAME);
      await waitForText('#summary', '2 AI hunks need review', 10_000, FRAME);
    }
    assert.deepEqual(decisions(), [`approve ${PRICING_PATH}:3-6`, `reject ${SESSION_PATH}:3-5`]);
    assert.equal(rejectAsked.length, 2);
    assert.equal(rejectAsked[0]!.message, `Reject the 3 AI-written lines at ${SESSION_PATH}:3-5?`);
    assert.equal(rejectAsked[0]!.detail, 'They are replaced by the 3 lines the AI replaced. Undo (or Ctrl+Z in the file) brings them back, still marked for review.');
    const session = await vscode.workspace.openTextDocument(uriOf(SESSION_PATH));
    await until(() => session.getText() === SESSION.replace("  return randomBytes(16).toString('hex');", '  return Math.random().toString(36).slice(2);'), 10_000, 'the baseline to be restored');
    assert.deepEqual(pending().map((h) => h.id), [ids.cookie, ids.tax]);
    await viewMatchesPanel('the Needs Review view to follow the decisions');
    if (!hasBrowser) this.test!.title += ' (no browser: driven through messages)';
  });

  it('follows decisions recorded elsewhere and opens the diff editor against the baseline with d', async function () {
    // Renders already under way may still show two hunks; wait for the one after the change.
    const rendered = new Promise<void>((resolve) => {
      const sub = panel.onDidRender((v) => {
        if (v.total !== 1) return;
        sub.dispose();
        resolve();
      });
    });
    // Another process (the CLI) approves the cookie lines: the ledger changes on disk only.
    const cli = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    execFileSync(process.execPath, [cli, 'review', 'approve', `${SESSION_PATH}:11-12`, '--no-sign'], { cwd: root(), env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 20_000 });
    await rendered;
    assert.deepEqual(pending().map((h) => h.id), [ids.tax]);
    await viewMatchesPanel('the Needs Review view to follow the approval made elsewhere');
    if (hasBrowser) {
      await waitForText('#summary', '1 AI hunk needs review in 1 file', 10_000, FRAME);
      // The focused hunk left; focus falls back to the one that is left.
      await waitForText(selected(ids.tax!), '', 10_000, FRAME);
      await pressKey('d');
    } else {
      await panel.receive({ type: 'diff', id: ids.tax });
    }
    const diffTab = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === BASELINE_SCHEME);
    await until(() => diffTab() !== undefined, 10_000, 'the diff editor to open');
    const input = diffTab()!.input as vscode.TabInputTextDiff;
    assert.equal(input.modified.toString(), uriOf(TAX_TEST_PATH).toString());
    const baseline = await vscode.workspace.openTextDocument(input.original);
    assert.equal(baseline.getText(), TAX_TEST_HUMAN, 'the baseline is the file without the AI-inserted lines');
    if (hasBrowser) {
      // Give the diff editor a moment to compute and paint its decorations.
      await screenshot('flagged-diff-diff-editor', 1500);
    }
  });

  it('with only a forbidden hunk left, Shift+A asks nothing; r (after the question) removes the AI lines', async function () {
    const asked: ApproveAllQuestion[] = [];
    panel.answerQuestionsWith({
      confirmApproveAll: async (question) => {
        asked.push(question);
        return true;
      },
    });
    await vscode.commands.executeCommand('airlock.showFlaggedDiff');
    const before = rejectAsked.length;
    if (hasBrowser) {
      await click(`.hunk[data-id="${ids.tax}"] .meta`, FRAME);
      await pressKey('Shift+A');
      await sleep(500);
      assert.equal(asked.length, 0, 'nothing approvable: no question');
      await pressKey('r');
    } else {
      await panel.receive({ type: 'approveFile', path: TAX_TEST_PATH });
      assert.equal(asked.length, 0);
      await panel.receive({ type: 'reject', id: ids.tax });
    }
    await until(() => decided('tax', 'reject'), 10_000, 'the reject');
    assert.equal(rejectAsked[before]!.message, `Reject the 4 AI-written lines at ${TAX_TEST_PATH}:2-5?`);
    assert.match(rejectAsked[before]!.detail, /^They are deleted from the file \(the AI added them; nothing was there before\)\./);
    assert.ok(!decided('tax', 'approve'));
    await until(() => readFileSync(join(root(), TAX_TEST_PATH), 'utf8') === TAX_TEST_HUMAN, 10_000, 'the AI lines to be removed');
    // The reject saves the file before the review state is recomputed from it: wait for that.
    await until(() => pending().length === 0, 10_000, 'nothing pending after the reject');
    await viewMatchesPanel('the Needs Review view to be empty with the panel');
    if (hasBrowser) {
      await waitForText('#summary', 'No AI code is waiting for review', 10_000, FRAME);
      await screenshot('flagged-diff-panel-empty', 300);
    }
  });
});
