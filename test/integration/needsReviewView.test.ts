// The Needs Review tree and the flagged-diff panel are two views of one thing: the AI code of
// this workspace that waits for a human, as the provenance engine (ledger + files + policy)
// decides it. A CI screenshot once showed the panel listing four flagged hunks beside an empty
// tree; these tests hold the two to the same list through record, approve and a later write.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockApi } from '../../extension/vscode/extension';
import { click, hasBrowser, screenshot, until, waitForText } from './support/harness';
import { checkListing, panelListing, viewListing, type Listing } from './support/reviewListings';

const EXTENSION_ID = 'airlock-dev.airlock';
const FRAME = 'Airlock Flagged Diff';

interface Panel {
  render(): Promise<{ total: number; files: { path: string; hunks: { id: string; label: string; startLine: number; endLine: number }[] }[] }>;
  receive(raw: unknown): Promise<void>;
}

function workspacePath(relative: string): string {
  return join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, relative);
}

/**
 * Waits until the tree and the panel both list exactly `expected`, then holds `airlock check`
 * (the commit gate, run in another process) to the same list; says what each showed if not.
 */
async function allShow(api: AirlockApi, panel: Panel, expected: Listing, what: string): Promise<void> {
  let last: { view: Listing; panel: Listing } | undefined;
  try {
    await until(
      async () => {
        last = { view: await viewListing(api), panel: panelListing(await panel.render()) };
        return JSON.stringify(last.view) === JSON.stringify(expected) && JSON.stringify(last.panel) === JSON.stringify(expected);
      },
      15_000,
      what,
    );
  } catch (error) {
    assert.fail(`${(error as Error).message}\n  expected ${JSON.stringify(expected)}\n  view     ${JSON.stringify(last?.view)}\n  panel    ${JSON.stringify(last?.panel)}`);
  }
  assert.deepEqual(checkListing(workspacePath(''), cliPath()), expected, `airlock check agrees with the view and the panel (${what})`);
}

function cliPath(): string {
  return join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
}

describe('Needs Review view and flagged-diff panel', function () {
  this.timeout(90_000);
  let api: AirlockApi;

  before(async () => {
    api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
    await api.reviews!.ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Earlier suites' toasts would cover the panel in the screenshots.
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.view.extension.airlock');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('list the same recorded AI hunks; approved in the panel both are empty; a later AI write shows in both without a reload', async () => {
    const reviews = api.reviews!;
    // What other suites left pending is part of the same list; this test adds to it and
    // approves everything, so the empty state is the whole workspace's.
    const uriA = vscode.Uri.file(workspacePath('src/view-orders.ts'));
    const uriB = vscode.Uri.file(workspacePath('src/view-shipping.ts'));
    writeFileSync(uriA.fsPath, 'export const orders = [];\nexport const limit = 10;\nexport const page = 1;\n');
    writeFileSync(uriB.fsPath, 'export const carrier = "post";\n');
    const docA = await vscode.workspace.openTextDocument(uriA);
    const docB = await vscode.workspace.openTextDocument(uriB);
    // Two AI edits in one file (each replacing a line) and an AI insertion in another.
    for (const [line, text] of [[0, 'export const orders: Order[] = loadOrders(); // AI'], [2, 'export const page = clampPage(1); // AI']] as const) {
      const before = docA.lineAt(line).text;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uriA, docA.lineAt(line).range, text);
      await vscode.workspace.applyEdit(edit);
      await reviews.recordInsertion({ document: docA, startLine: line + 1, endLine: line + 1, baseline: before, tool: 'view-agent', model: 'view-model', channel: 'chat-edit', confidence: 1 });
    }
    const insert = new vscode.WorkspaceEdit();
    insert.insert(uriB, new vscode.Position(1, 0), 'export function rate(kg: number): number {\n  return 4.5 + kg * 1.2;\n}\n');
    await vscode.workspace.applyEdit(insert);
    await reviews.recordInsertion({ document: docB, startLine: 2, endLine: 4, baseline: '', tool: 'view-agent', channel: 'agent-hook', confidence: 1 });
    await docA.save();
    await docB.save();

    const panel = (await vscode.commands.executeCommand('airlock.showFlaggedDiff')) as Panel;
    const recorded = panelListing(await panel.render());
    for (const expected of ['src/view-orders.ts:1', 'src/view-orders.ts:3', 'src/view-shipping.ts:2-4']) {
      assert.ok(recorded.some((f) => f.hunks.includes(expected)), `the panel lists ${expected}`);
    }
    await allShow(api, panel, recorded, 'the Needs Review view to list what the panel lists');
    if (hasBrowser) {
      await waitForText('#summary', 'need review', 20_000, FRAME);
      await screenshot('needs-review-view-beside-panel', 800);
    }

    // The reviewer approves every hunk in the panel, one click each.
    for (let left = (await panel.render()).files.flatMap((f) => f.hunks); left.length > 0; left = (await panel.render()).files.flatMap((f) => f.hunks)) {
      const hunk = left[0]!;
      if (hasBrowser) await click(`button[aria-label="Approve hunk ${hunk.label}"]`, FRAME);
      else await panel.receive({ type: 'approve', id: hunk.id });
      await until(async () => !(await panel.render()).files.some((f) => f.hunks.some((h) => h.id === hunk.id)), 10_000, `${hunk.label} to leave the panel`);
    }
    await allShow(api, panel, [], 'the view and the panel to be empty after the approvals');
    if (hasBrowser) {
      await waitForText('#summary', 'No AI code is waiting for review', 10_000, FRAME);
      await waitForText('.pane-body', 'No AI-written code is waiting for review', 10_000);
      await screenshot('needs-review-view-beside-panel-empty', 500);
    }

    // Later an agent writes again, recorded by another process (the CLI): the ledger changes on
    // disk and nothing in this window is told directly. Both views follow without a reload.
    writeFileSync(uriB.fsPath, `${docB.getText()}export const express = true;\n`);
    execFileSync(process.execPath, [cliPath(), 'record', '--file', 'src/view-shipping.ts', '--lines', '5-5', '--tool', 'later-agent', '--channel', 'agent-hook'], {
      cwd: workspacePath(''),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: 20_000,
    });
    await allShow(api, panel, [{ path: 'src/view-shipping.ts', hunks: ['src/view-shipping.ts:5'] }], 'the later AI write to show in the view and the panel');
    if (hasBrowser) {
      await waitForText('#summary', '1 AI hunk needs review', 10_000, FRAME);
      await screenshot('needs-review-view-beside-panel-later-write', 500);
    }
    const later = reviews.hunks().find((h) => h.path === 'src/view-shipping.ts')!;
    assert.equal(later.tool, 'later-agent');
    await reviews.approve(later.id);
    await allShow(api, panel, [], 'the last approval to empty both');
  });

  it('list AI lines git-ai noted on a commit (refs/notes/ai) as airlock check does; approved in the panel, all three are clear', async () => {
    // git-ai attests AI lines in a git note on the commit, not in Airlock's ledger: the commit
    // gate counts them, so the editor must list them too.
    const path = 'src/view-slug.ts';
    const lines = ['export function slugify(title: string): string {', '  const lower = title.toLowerCase();', '  const dashed = lower.replace(/[^a-z0-9]+/g, "-");', '  return dashed.replace(/^-|-$/g, "");', '}'];
    writeFileSync(workspacePath(path), `${lines.join('\n')}\n`);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: workspacePath(''), encoding: 'utf8' });
    const base = git('rev-parse', 'HEAD').trim();
    git('add', path);
    git('commit', '-qm', 'slugify, written with cursor (git-ai attached a note)');
    const session = 'abcd1234abcd1234';
    const note = `${path}\n  ${session} 1-5\n---\n${JSON.stringify({ schema_version: 'authorship/3.0.0', git_ai_version: '1.0.23', base_commit_sha: base, prompts: { [session]: { agent_id: { tool: 'cursor', id: 'conv-1', model: 'claude-4.5-opus' }, human_author: 'Rita Reviewer <rita@example.com>', messages: [], total_additions: 5, total_deletions: 0, accepted_lines: 5, overriden_lines: 0 } } })}\n`;
    git('notes', '--ref=ai', 'add', '-m', note, 'HEAD');

    const panel = (await vscode.commands.executeCommand('airlock.showFlaggedDiff')) as Panel;
    await allShow(api, panel, [{ path, hunks: [`${path}:1-5`] }], 'the git-ai noted lines to show in the view and the panel');
    const hunk = api.reviews!.hunks().find((h) => h.path === path)!;
    assert.deepEqual([hunk.tool, hunk.model], ['cursor', 'claude-4.5-opus']);
    if (hasBrowser) {
      await waitForText('#summary', '1 AI hunk needs review', 10_000, FRAME);
      await screenshot('needs-review-view-beside-panel-git-ai-note', 500);
      await click(`button[aria-label="Approve hunk ${path}:1-5"]`, FRAME);
    } else {
      await panel.receive({ type: 'approve', id: hunk.id });
    }
    await allShow(api, panel, [], 'the approval of the git-ai lines to clear the view, the panel and airlock check');
  });

  it('follow a file with AI lines changed on disk by another program, with no editor or panel open on it, as airlock check does', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // No document for the file is open in this window: only the disk says what changed.
    const path = 'src/view-disk.ts';
    const human = 'export const retries = 3;\n';
    writeFileSync(workspacePath(path), `${human}export function backoff(n: number): number {\n  return 2 ** n * 100;\n}\n`);
    execFileSync(process.execPath, [cliPath(), 'record', '--file', path, '--lines', '2-4', '--tool', 'disk-agent', '--channel', 'agent-hook'], {
      cwd: workspacePath(''),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: 20_000,
    });
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === workspacePath(path)), 'no open document for the file');
    await viewAndCheckShow(api, [{ path, hunks: [`${path}:2-4`] }], 'the recorded lines to show');
    // Another program (a formatter, git checkout, an agent) puts the human text back.
    writeFileSync(workspacePath(path), human);
    await viewAndCheckShow(api, [], 'the view to follow the file on disk');
    if (hasBrowser) await screenshot('needs-review-view-after-disk-change', 300);
  });
});

/** The tree (no panel open) lists `expected`, and so does airlock check. */
async function viewAndCheckShow(api: AirlockApi, expected: Listing, what: string): Promise<void> {
  let view: Listing | undefined;
  await until(async () => JSON.stringify((view = await viewListing(api))) === JSON.stringify(expected), 15_000, what).catch((error: Error) =>
    assert.fail(`${error.message}\n  expected ${JSON.stringify(expected)}\n  view     ${JSON.stringify(view)}`),
  );
  assert.deepEqual(checkListing(workspacePath(''), cliPath()), expected, `airlock check agrees with the view (${what})`);
}
