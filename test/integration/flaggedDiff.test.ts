import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BASELINE_SCHEME, registerBaselineDocuments } from '../../extension/vscode/review/baselineDocuments';
import { FlaggedDiffPanel, type ApproveAllQuestion } from '../../extension/vscode/review/flaggedDiffPanel';
import { FakeReviewModel, type FakeFile } from './support/fakeReviewModel';
import { click, hasBrowser, pressKey, screenshot, sleep, textOf, until, waitForText } from './support/harness';

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
  const root = () => vscode.Uri.file(process.env.AIRLOCK_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0]!.uri.fsPath);

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    model = await FakeReviewModel.create(root(), FILES);
    baselineRegistration = registerBaselineDocuments({ subscriptions: [] }, model);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    panel = FlaggedDiffPanel.show({ extensionUri: extension.extensionUri }, model);
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
    const tax = await textOf('.hunk[data-id="h-tax"]', FRAME);
    for (const expected of ['Lines 12-15', 'Forbidden', 'Claude Code', 'claude-sonnet-4', 'agent-hook', 'forbid/pricing', '42 min ago', 'approving does not make this code allowed']) {
      assert.ok(tax.text.includes(expected), `the forbidden hunk shows "${expected}"`);
    }
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

  it('approves on click, rejects with r (restoring the baseline) and keeps focus on the next hunk', async function () {
    if (!hasBrowser) {
      await panel.receive({ type: 'approve', id: 'h-discount' });
      await panel.receive({ type: 'reject', id: 'h-session' });
    } else {
      await click('button[aria-label="Approve hunk review-fixture/src/pricing.ts:3-6"]', FRAME);
      await until(() => decided(model, 'h-discount', 'approve'), 10_000, 'the model to see the approval');
      await waitForText(selected('h-tax'), '', 10_000, FRAME);
      await pressKey('j');
      await waitForText(selected('h-session'), '', 10_000, FRAME);
      await pressKey('r');
      await until(() => decided(model, 'h-session', 'reject'), 10_000, 'the model to see the rejection');
      await waitForText(selected('h-cookie'), '', 10_000, FRAME);
      await waitForText('#summary', '2 AI hunks need review', 10_000, FRAME);
    }
    assert.deepEqual(model.decisions.map((d) => `${d.decision} ${d.id}`), ['approve h-discount', 'reject h-session']);
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

  it('asks before approving everything in a file (Shift+A) and does nothing on cancel', async function () {
    // VS Code refuses modal dialogs while extension tests run, so the test answers the question.
    const asked: ApproveAllQuestion[] = [];
    let answer = false;
    FlaggedDiffPanel.show({ extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri }, model, {
      confirmApproveAll: async (question) => {
        asked.push(question);
        return answer;
      },
    });
    const approveAll = async () => {
      if (!hasBrowser) return panel.receive({ type: 'approveFile', path: 'review-fixture/src/pricing.ts' });
      await click('.hunk[data-id="h-tax"] .meta', FRAME);
      await pressKey('Shift+A');
    };
    await approveAll();
    await until(() => asked.length === 1, 10_000, 'the approve-all question');
    assert.equal(asked[0]!.message, 'Approve all 1 AI hunk in review-fixture/src/pricing.ts?');
    assert.match(asked[0]!.detail, /forbidden by policy: approving .* does not make that code allowed/);
    await sleep(300);
    assert.equal(model.hunks().length, 1, 'cancel approves nothing');

    answer = true;
    await approveAll();
    await until(() => decided(model, 'h-tax', 'approve'), 10_000, 'the file approval');
    assert.equal(asked.length, 2);
    if (hasBrowser) {
      await waitForText('#summary', 'No AI code is waiting for review', 10_000, FRAME);
      await screenshot('flagged-diff-panel-empty', 300);
    }
  });
});
