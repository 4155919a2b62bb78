import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BASELINE_SCHEME, registerBaselineDocuments } from '../../extension/vscode/review/baselineDocuments';
import { FlaggedDiffPanel, type ApproveAllQuestion } from '../../extension/vscode/review/flaggedDiffPanel';
import type { RejectQuestion } from '../../extension/vscode/review/rejectFlow';
import { FakeReviewModel, type FakeFile } from './support/fakeReviewModel';
import { click, hasBrowser, pressKey, screenshot, sleep, textOf, until, waitForText } from './support/harness';
import { panelListing, viewListing } from './support/reviewListings';
import type { AirlockApi } from '../../extension/vscode/extension';

const EXTENSION_ID = 'airlock-dev.airlock';
const FRAME = 'Airlock Flagged Diff';

const PRICING = `export interface Money { currency: string; cents: number }

export function applyDiscount(total: Money, percent: number): Money {
  const clamped = Math.min(Math.max(percent, 0), 100);
  return { ...total, cents: Math.round(total.cents * (1 - clamped / 100)) };
}

export function formatPrice(price: Money): string {
  return \`\${price.currency} \${(price.cents / 100).toFixed(2)}\`;
}

export function taxRate(region: string): number {
  // negotiated rates
  return region === 'eu' ? 0.19 : 0.07;
}
`;

const SESSION = `import { randomBytes } from 'node:crypto';

export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}

export function isExpired(issuedAt: number, ttlMs: number, now = Date.now()): boolean {
  return now - issuedAt > ttlMs;
}

export const SESSION_COOKIE = 'sid';
export const SESSION_TTL_MS = 30 * 60 * 1000;
`;

const SESSION_BASELINE = `export function newSessionId(): string {
  return Math.random().toString(36).slice(2);
}
`;

const FILES: FakeFile[] = [
  {
    path: 'review-fixture/src/pricing.ts',
    text: PRICING,
    hunks: [
      {
        id: 'h-discount',
        startLine: 3,
        endLine: 6,
        baseline: 'export function applyDiscount(total: Money, percent: number): Money {\n  return { ...total, cents: total.cents - percent };\n}\n',
        tool: 'GitHub Copilot',
        model: 'gpt-4.1',
        channel: 'inline-completion',
        confidence: 0.95,
        status: 'needs-approval',
        rule: 'review/ai-code',
        ruleMessage: 'AI-written code needs one human approval',
        minutesAgo: 3,
      },
      {
        id: 'h-tax',
        startLine: 12,
        endLine: 15,
        baseline: '',
        tool: 'Claude Code',
        model: 'claude-sonnet-4',
        channel: 'agent-hook',
        confidence: 1,
        status: 'forbidden',
        rule: 'forbid/pricing',
        ruleMessage: 'AI may not write confidential pricing logic',
        minutesAgo: 42,
      },
    ],
  },
  {
    path: 'review-fixture/src/session.ts',
    text: SESSION,
    hunks: [
      {
        id: 'h-session',
        startLine: 3,
        endLine: 5,
        baseline: SESSION_BASELINE,
        tool: 'Cursor',
        model: 'gpt-5',
        channel: 'chat-edit',
        confidence: 0.9,
        status: 'needs-approval',
        rule: 'review/ai-code',
        ruleMessage: 'AI-written code needs one human approval',
        minutesAgo: 120,
      },
      {
        id: 'h-cookie',
        startLine: 11,
        endLine: 12,
        baseline: '',
        tool: 'unknown',
        channel: 'heuristic',
        confidence: 0.4,
        status: 'needs-approval',
        rule: 'review/ai-code',
        ruleMessage: 'AI-written code needs one human approval',
        minutesAgo: 60 * 26,
        mixed: true,
      },
    ],
  },
];

const decided = (model: FakeReviewModel, id: string, decision: 'approve' | 'reject') =>
  model.decisions.some((d) => d.id === id && d.decision === decision);

/** The hunk row that holds keyboard focus (roving tabindex) in the panel. */
const selected = (id: string) => `.hunk[data-id="${id}"][aria-selected="true"]`;

describe('Flagged-diff panel', function () {
  this.timeout(60_000);
  let model: FakeReviewModel;
  let panel: FlaggedDiffPanel;
  let baselineRegistration: vscode.Disposable;
  // VS Code refuses modal dialogs while extension tests run, so the tests answer the questions.
  const rejectAsked: RejectQuestion[] = [];
  let rejectAnswer = true;
  const root = () => vscode.Uri.file(process.env.AIRLOCK_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0]!.uri.fsPath);

  let api: AirlockApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!;
    api = await extension.activate();
    model = await FakeReviewModel.create(root(), FILES);
    baselineRegistration = registerBaselineDocuments({ subscriptions: [] }, model);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    panel = FlaggedDiffPanel.show({ extensionUri: extension.extensionUri }, model, {
      confirmReject: async (question) => {
        rejectAsked.push(question);
        return rejectAnswer;
      },
    });
  });

  after(async () => {
    panel?.dispose();
    baselineRegistration?.dispose();
    model?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens one themed, locked-down webview listing every hunk by file with source, rule, status and age', async () => {
    assert.equal(panel.panel.viewType, 'airlock.flaggedDiff');
    assert.equal(FlaggedDiffPanel.show({ extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri }, model), panel, 'a second show reveals the same panel');
    const html = panel.panel.webview.html;
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(html, /<title>Airlock Flagged Diff<\/title>/);

    const view = await panel.render();
    assert.deepEqual(view.files.map((f) => [f.path, f.hunks.map((h) => h.id)]), [
      ['review-fixture/src/pricing.ts', ['h-discount', 'h-tax']],
      ['review-fixture/src/session.ts', ['h-session', 'h-cookie']],
    ]);
    const discount = view.files[0]!.hunks[0]!;
    assert.equal(discount.age, '3 min ago');
    assert.deepEqual(discount.rows.filter((r) => r.kind === 'removed').map((r) => r.text), ['  return { ...total, cents: total.cents - percent };']);
    assert.equal(discount.added, 2);
    if (!hasBrowser) return;

    await waitForText('#summary', '4 AI hunks need review in 2 files', 20_000, FRAME);
    // The Needs Review view beside it lists the same hunks: one engine feeds both.
    await vscode.commands.executeCommand('workbench.view.extension.airlock');
    await until(async () => JSON.stringify(await viewListing(api)) === JSON.stringify(panelListing(view)), 10_000, 'the Needs Review view to list what the panel lists').catch(async (error: Error) => {
      assert.fail(`${error.message}: view ${JSON.stringify(await viewListing(api))}, panel ${JSON.stringify(panelListing(view))}`);
    });
    const tax = await textOf('.hunk[data-id="h-tax"]', FRAME);
    for (const expected of ['Lines 12-15', 'Forbidden', 'Claude Code', 'claude-sonnet-4', 'agent-hook', 'forbid/pricing', '42 min ago', 'may not stay here']) {
      assert.ok(tax.text.includes(expected), `the forbidden hunk shows "${expected}"`);
    }
    const taxActions = (await textOf('.hunk[data-id="h-tax"] .actions', FRAME)).text;
    assert.doesNotMatch(taxActions, /Approve/, 'a forbidden hunk offers no Approve');
    assert.match(taxActions, /Reject/);
    assert.match((await textOf('.hunk[data-id="h-discount"] .actions', FRAME)).text, /Approve/);
    const cookie = await textOf('.hunk[data-id="h-cookie"]', FRAME);
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
    for (const message of [
      'approve',
      null,
      [],
      { type: 'approve' },
      { type: 'approve', id: 'h-unknown' },
      { type: 'reject', id: 42 },
      { type: 'approveFile', path: '../../etc/passwd' },
      { type: 'delete', id: 'h-discount' },
      { type: 'approve', id: 'h-discount'.padEnd(5000, 'x') },
    ]) {
      await panel.receive(message);
    }
    assert.deepEqual(model.decisions, []);
    assert.equal(model.hunks().length, 4);
  });

  it('"Approve all in file" asks first, leaves forbidden hunks out, and does nothing on cancel', async function () {
    const asked: ApproveAllQuestion[] = [];
    FlaggedDiffPanel.show({ extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri }, model, {
      confirmApproveAll: async (question) => {
        asked.push(question);
        return false;
      },
    });
    if (hasBrowser) {
      assert.match((await textOf('.file-actions', FRAME)).text, /Approve 1 in file/);
      await click('.hunk[data-id="h-discount"] .meta', FRAME);
      await pressKey('Shift+A');
    } else {
      await panel.receive({ type: 'approveFile', path: 'review-fixture/src/pricing.ts' });
    }
    await until(() => asked.length === 1, 10_000, 'the approve-all question');
    assert.equal(asked[0]!.message, 'Approve 1 AI hunk in review-fixture/src/pricing.ts?');
    assert.match(asked[0]!.detail, /1 forbidden hunk stays: AI code may not stay there; reject or remove it\./);
    await sleep(300);
    assert.deepEqual(model.decisions, [], 'cancel approves nothing');
  });

  it('a forbidden hunk cannot be approved: a says why, records nothing and keeps focus there', async function () {
    if (!hasBrowser) {
      await panel.receive({ type: 'approve', id: 'h-tax' });
      assert.deepEqual(model.decisions, []);
      this.test!.title += ' (no browser: message path only)';
      return;
    }
    await click('.hunk[data-id="h-tax"] .meta', FRAME);
    await waitForText(selected('h-tax'), '', 10_000, FRAME);
    await pressKey('a');
    await waitForText('#announce', 'AI code is forbidden here, so it cannot be approved', 10_000, FRAME);
    await sleep(300);
    await waitForText(selected('h-tax'), '', 10_000, FRAME);
    assert.deepEqual(model.decisions, [], 'no approval recorded');
    await screenshot('flagged-diff-forbidden-hunk-a-explains-no-approve-button', 300);
  });

  it('approves on click, asks before r rejects (restoring the baseline) and keeps focus on the next hunk', async function () {
    if (!hasBrowser) {
      await panel.receive({ type: 'approve', id: 'h-discount' });
      rejectAnswer = false;
      await panel.receive({ type: 'reject', id: 'h-session' });
      rejectAnswer = true;
      await panel.receive({ type: 'reject', id: 'h-session' });
    } else {
      await click('button[aria-label="Approve hunk review-fixture/src/pricing.ts:3-6"]', FRAME);
      await until(() => decided(model, 'h-discount', 'approve'), 10_000, 'the model to see the approval');
      await waitForText(selected('h-tax'), '', 10_000, FRAME);
      await pressKey('j');
      await waitForText(selected('h-session'), '', 10_000, FRAME);
      // A cancelled reject changes nothing and leaves focus where it was.
      rejectAnswer = false;
      await pressKey('r');
      await until(() => rejectAsked.length === 1, 10_000, 'the reject question');
      await sleep(300);
      assert.ok(!decided(model, 'h-session', 'reject'));
      await waitForText(selected('h-session'), '', 10_000, FRAME);
      rejectAnswer = true;
      await pressKey('r');
      await until(() => decided(model, 'h-session', 'reject'), 10_000, 'the model to see the rejection');
      await waitForText(selected('h-cookie'), '', 10_000, FRAME);
      await waitForText('#summary', '2 AI hunks need review', 10_000, FRAME);
    }
    assert.deepEqual(model.decisions.map((d) => `${d.decision} ${d.id}`), ['approve h-discount', 'reject h-session']);
    assert.equal(rejectAsked.length, 2);
    assert.equal(rejectAsked[0]!.message, 'Reject the 3 AI-written lines at review-fixture/src/session.ts:3-5?');
    assert.equal(rejectAsked[0]!.detail, 'They are replaced by the 3 lines the AI replaced. Undo (or Ctrl+Z in the file) brings them back, still marked for review.');
    const session = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'review-fixture/src/session.ts'));
    assert.equal(session.getText(), SESSION.replace("  return randomBytes(16).toString('hex');", '  return Math.random().toString(36).slice(2);'));
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
    model.recordElsewhere('h-cookie');
    await rendered;
    if (hasBrowser) {
      await waitForText('#summary', '1 AI hunk needs review in 1 file', 10_000, FRAME);
      // The focused hunk left; focus falls back to the one that is left.
      await waitForText(selected('h-tax'), '', 10_000, FRAME);
      await pressKey('d');
    } else {
      await panel.receive({ type: 'diff', id: 'h-tax' });
    }
    const diffTab = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === BASELINE_SCHEME);
    await until(() => diffTab() !== undefined, 10_000, 'the diff editor to open');
    const input = diffTab()!.input as vscode.TabInputTextDiff;
    assert.equal(input.modified.toString(), vscode.Uri.joinPath(root(), 'review-fixture/src/pricing.ts').toString());
    const baseline = await vscode.workspace.openTextDocument(input.original);
    assert.equal(baseline.getText(), PRICING.split('\n').slice(0, 11).join('\n') + '\n', 'the baseline is the file without the AI-inserted lines');
    if (hasBrowser) {
      // Give the diff editor a moment to compute and paint its decorations.
      await screenshot('flagged-diff-diff-editor', 1500);
    }
  });

  it('with only a forbidden hunk left, Shift+A asks nothing; r (after the question) removes the AI lines', async function () {
    const asked: ApproveAllQuestion[] = [];
    FlaggedDiffPanel.show({ extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri }, model, {
      confirmApproveAll: async (question) => {
        asked.push(question);
        return true;
      },
    });
    const before = rejectAsked.length;
    if (hasBrowser) {
      await click('.hunk[data-id="h-tax"] .meta', FRAME);
      await pressKey('Shift+A');
      await sleep(500);
      assert.equal(asked.length, 0, 'nothing approvable: no question');
      await pressKey('r');
    } else {
      await panel.receive({ type: 'approveFile', path: 'review-fixture/src/pricing.ts' });
      assert.equal(asked.length, 0);
      await panel.receive({ type: 'reject', id: 'h-tax' });
    }
    await until(() => decided(model, 'h-tax', 'reject'), 10_000, 'the reject');
    assert.equal(rejectAsked[before]!.message, 'Reject the 4 AI-written lines at review-fixture/src/pricing.ts:12-15?');
    assert.match(rejectAsked[before]!.detail, /^They are deleted from the file \(the AI added them; nothing was there before\)\./);
    assert.ok(!model.decisions.some((d) => d.decision === 'approve' && d.id === 'h-tax'));
    if (hasBrowser) {
      await waitForText('#summary', 'No AI code is waiting for review', 10_000, FRAME);
      await screenshot('flagged-diff-panel-empty', 300);
    }
  });
});
