import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockApi } from '../../extension/vscode/extension';
import { hasBrowser, screenshot, until, waitForText } from './support/harness';

const EXTENSION_ID = 'airlock-dev.airlock';

describe('Walkthrough', () => {
  let api: AirlockApi;

  before(async () => {
    api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Open Workspace Policy" opens it beside the Welcome tab (which stays) and ticks the step', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#airlock.gettingStarted`, false);
    const welcome = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => ({ t, g }))).find(({ t }) => t.input === undefined || !(t.input instanceof vscode.TabInputText));
    await until(() => welcome() !== undefined, 10_000, 'the walkthrough to open');
    if (hasBrowser) await waitForText('.gettingStartedContainer', 'Get started with Airlock', 15_000);
    await vscode.commands.executeCommand('airlock.openPolicy');
    const editor = vscode.window.activeTextEditor!;
    assert.match(editor.document.uri.path, /\.airlock\/policy\.jsonc$/);
    const stillThere = welcome();
    assert.ok(stillThere, 'the Welcome tab is still open');
    assert.ok(stillThere.t.isActive, 'and still shown in its group');
    assert.notEqual(stillThere.g.viewColumn, editor.viewColumn, 'the policy opened beside it');
    if (hasBrowser) {
      await waitForText('[data-step-id$="policy"] .codicon-getting-started-step-checked', '', 10_000);
      await screenshot('walkthrough-stays-open-beside-policy-step-ticked', 800);
    }
  });

  it('"Create a Policy from a Preset" writes .airlock/policy.jsonc from the chosen preset, valid at once', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const file = join(folder, '.airlock', 'policy.jsonc');
    const original = readFileSync(file, 'utf8');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    renameSync(file, `${file}.moved`);
    try {
      await api.policies.reload();
      const editor = (await vscode.commands.executeCommand('airlock.createPolicy', { preset: 'meta-style' })) as vscode.TextEditor;
      assert.match(editor.document.getText(), /"extends": \["airlock:meta-style"\]/);
      const state = await api.policies.reload();
      assert.deepEqual(state.problems, [], 'the created policy is valid');
      assert.equal(state.failedClosed, false);
      assert.equal(state.usingLastValid, false);
      assert.equal(state.policy.evaluateEgress({ destination: 'https://api.openai.com/v1/chat/completions', segments: [{ id: 'f', role: 'file', path: 'src/x.ts', text: 'export const x = 1;\n' }], referencedPaths: ['src/x.ts'] }).action, 'block', 'meta-style protects all code');
      if (hasBrowser) await screenshot('created-policy-from-meta-style-preset', 500);
      // Never over an existing policy: a second create opens it.
      const again = (await vscode.commands.executeCommand('airlock.createPolicy', { preset: 'strict' })) as vscode.TextEditor;
      assert.match(again.document.getText(), /airlock:meta-style/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      renameSync(`${file}.moved`, file);
      assert.equal(readFileSync(file, 'utf8'), original);
      await api.policies.reload();
    }
  });
});
