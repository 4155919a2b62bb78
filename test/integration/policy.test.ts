import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AirlockApi } from '../../extension/vscode/extension';
import type { Verdict } from '../../extension/core/egress/types';
import { attributeOf, hasBrowser, hover, screenshot, sleep, textOf, typeText, until, waitForText } from './support/harness';

const EXTENSION_ID = 'airlock-dev.airlock';
const PUBLIC_API = 'https://api.openai.com/v1/chat/completions';

function workspaceUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, relative);
}

function airlockDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Airlock policy');
}

describe('Policy in the editor', () => {
  let api: AirlockApi;

  before(async () => {
    api = await vscode.extensions.getExtension<AirlockApi>(EXTENSION_ID)!.activate();
  });

  it('loads the workspace policy (extends airlock:meta-style) and decides requests with it', async () => {
    const state = await api.policies.reload();
    assert.equal(state.failedClosed, false);
    assert.deepEqual(state.problems.filter((p) => p.severity === 'error'), []);
    const verdict = state.policy.evaluateEgress({
      destination: PUBLIC_API,
      segments: [{ id: 'a', role: 'file', path: 'src/billing.ts', text: 'export const x = 1;\n' }],
      referencedPaths: ['src/billing.ts'],
    });
    assert.equal(verdict.action, 'block');
  });

  it('shows a typed policy error at the right place and keeps the previous policy in force', async function () {
    const uri = workspaceUri('.airlock/policy.jsonc');
    const editor = await vscode.window.showTextDocument(uri);
    await api.policies.reload();
    const document = editor.document;
    const original = document.getText();
    // Put the cursor right after the opening brace of the policy object and type a bad key.
    const braceOffset = document.getText().indexOf('{');
    const insertAt = document.positionAt(braceOffset + 1);
    editor.selection = new vscode.Selection(insertAt, insertAt);
    const typed = '\n  "egres": [],';
    if (hasBrowser) {
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      await typeText(typed, 5);
    } else {
      await editor.edit((b) => b.insert(insertAt, typed));
    }
    // Typing passes through invalid states (a half-typed key); wait for the finished edit's problem.
    const keyLine = () => document.positionAt(document.getText().indexOf('"egres"')).line;
    await until(() => document.getText().includes(typed.trim()) && api.policies.peek()?.problems.some((p) => /egres/.test(p.message)) === true, 15_000, 'Airlock to find the typed key');
    // Reported once, by Airlock, at the key (VS Code's JSON service only completes policy files).
    await until(() => airlockDiagnostics(uri).some((d) => /egres/.test(d.message)), 15_000, 'the Airlock policy diagnostic for the typed key');
    await sleep(1500);
    const onKey = vscode.languages.getDiagnostics(uri).filter((d) => d.range.start.line === keyLine());
    assert.equal(onKey.length, 1, `one problem on the line: ${onKey.map((d) => `${d.source}: ${d.message}`).join(' | ')}`);
    const [diagnostic] = onKey;
    assert.equal(diagnostic!.source, 'Airlock policy');
    assert.equal(diagnostic!.range.start.character, document.positionAt(document.getText().indexOf('"egres"')).character, 'at the key');
    assert.match(diagnostic!.message, /egres/);
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Error);

    const state = api.policies.peek()!;
    assert.equal(state.usingLastValid, true, 'the previous valid policy stays in force');
    assert.equal(state.failedClosed, false);
    // The policy in force is still the valid one: harmless questions pass, protected code does not.
    const harmless = state.policy.evaluateEgress({ destination: PUBLIC_API, segments: [{ id: 'q', role: 'user', text: 'How do I reverse a list in Python?' }], referencedPaths: [] });
    assert.equal(harmless.action, 'allow');

    if (hasBrowser) {
      const status = '[id="airlock-dev.airlock.airlock.status"]';
      await until(async () => (await textOf(status)).text.includes(`policy error in policy.jsonc:${keyLine() + 1}, previous policy in force`), 10_000, 'status bar to say where the policy error is');
      const label = (await attributeOf(`${status} a.statusbar-item-label`, 'aria-label')).value ?? '';
      assert.doesNotMatch(label, /\*\*|\$\(/, `screen-reader label is plain text: ${label}`);
      assert.match(label, /1 error/);
      await hover(status);
      await waitForText('.monaco-hover', 'previous valid policy stays in force', 10_000);
      assert.doesNotMatch((await textOf('.monaco-hover')).text, /\$\(warning\)|error\(s\)/, 'no literal icon syntax or (s) in the tooltip');
      await screenshot('policy-error-status-bar-tooltip', 300);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await screenshot('policy-diagnostic', 800);
    } else {
      this.test!.title += ' (no browser: status bar and screenshot not checked)';
    }

    // Fixing the edit brings the diagnostics back to none and the edit into force.
    const fixed = await editor.edit((b) => b.replace(new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original));
    assert.ok(fixed, 'the fix was applied');
    await document.save();
    await until(() => airlockDiagnostics(uri).length === 0 && api.policies.peek()?.usingLastValid === false, 10_000, 'the policy to be valid again');
  });

  it('a missing quote is listed once per line (no doubles from Airlock and the JSON service); what only Airlock knows still shows', async () => {
    const uri = workspaceUri('.airlock/policy.jsonc');
    const editor = await vscode.window.showTextDocument(uri);
    const document = editor.document;
    const original = document.getText();
    const broken = original.replace('"ACME CONFIDENTIAL"', '"ACME CONFIDENTIAL');
    assert.notEqual(broken, original);
    const replaceAll = (text: string) => editor.edit((b) => b.replace(new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text));
    try {
      await replaceAll(broken);
      await until(() => api.policies.peek()?.usingLastValid === true && vscode.languages.getDiagnostics(uri).length > 0, 15_000, 'the syntax error to be reported');
      await sleep(1500);
      const all = vscode.languages.getDiagnostics(uri);
      const lines = all.map((d) => d.range.start.line);
      assert.equal(new Set(lines).size, lines.length, `no line listed twice: ${all.map((d) => `${d.range.start.line + 1} ${d.source}: ${d.message}`).join(' | ')}`);
      assert.ok(api.policies.peek()!.problems.length >= all.filter((d) => d.source === 'Airlock policy').length);
      if (hasBrowser) {
        const status = '[id="airlock-dev.airlock.airlock.status"]';
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        await hover(status);
        await waitForText('.monaco-hover', 'The policy edit has a JSON syntax error (see Problems)', 10_000);
        await screenshot('policy-missing-quote-problems-listed-once', 800);
      }
      // An unknown preset: only Airlock can know, so Airlock reports it.
      await replaceAll(original.replace('"airlock:meta-style"', '"airlock:meta-styel"'));
      await until(() => airlockDiagnostics(uri).some((d) => /meta-styel/.test(d.message)), 15_000, 'Airlock to report the unknown preset');
    } finally {
      await replaceAll(original);
      await document.save();
      await api.policies.reload();
      await until(() => airlockDiagnostics(uri).length === 0 && api.policies.peek()?.usingLastValid === false, 15_000, 'the policy to be valid again').catch((error: Error) => {
        throw new Error(`${error.message}: ${airlockDiagnostics(uri).map((d) => d.message).join(' | ')}`);
      });
    }
  });

  it('"Test Policy Against Selection" reports what the policy would do with the selected text', async () => {
    const editor = await vscode.window.showTextDocument(workspaceUri('src/billing.ts'));
    const text = editor.document.getText();
    editor.selection = new vscode.Selection(editor.document.positionAt(0), editor.document.positionAt(text.length));
    const verdict = (await vscode.commands.executeCommand('airlock.testPolicyAgainstSelection')) as Verdict;
    assert.equal(verdict.action, 'block');
    assert.ok(verdict.rule, 'names the deciding rule');
  });

  it('"Why?" on a preset rule opens the bundled preset read-only, never the extension\'s own file', async () => {
    assert.equal(await vscode.commands.executeCommand('airlock.openRule', 'secrets'), true);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.scheme, 'airlock-preset');
    assert.equal(editor.document.uri.path, '/secrets.jsonc');
    assert.match(editor.document.lineAt(editor.selection.start.line).text, /"id":\s*"secrets"/, 'at the rule');
    assert.equal(editor.document.languageId, 'jsonc');
    // A keystroke cannot change it ("Cannot edit in read-only editor"), nothing can save it,
    // and the text is the preset Airlock enforces, compiled into the extension.
    const before = editor.document.getText();
    if (hasBrowser) {
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      await typeText('x');
      await screenshot('preset-rule-opened-read-only', 500);
      assert.equal(editor.document.getText(), before, 'the keystroke was refused');
    }
    assert.equal(await editor.document.save(), false, 'a preset cannot be saved');
    assert.equal(editor.document.isDirty, false);
    assert.match(before, /"id":\s*"secrets"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('VS Code still completes policy keys and values (its schema only suggests, Airlock judges)', async () => {
    const uri = workspaceUri('.airlock/policy.jsonc');
    const editor = await vscode.window.showTextDocument(uri);
    const document = editor.document;
    const original = document.getText();
    const brace = document.positionAt(original.indexOf('{') + 1);
    try {
      await editor.edit((b) => b.insert(brace, '\n  "onUnparseable": "",\n  "",'));
      const labels = async (position: vscode.Position) => {
        const list = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, position)) as vscode.CompletionList;
        return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label).replace(/"/g, ''));
      };
      const keyLine = brace.line + 2;
      let keys: string[] = [];
      await until(async () => (keys = await labels(new vscode.Position(keyLine, 3))).includes('egress'), 15_000, 'key completions from the schema');
      for (const key of ['egress', 'review', 'destinations', 'tests']) assert.ok(keys.includes(key), `suggests ${key}: ${keys.join(', ')}`);
      const valueLine = brace.line + 1;
      const values = await labels(new vscode.Position(valueLine, document.lineAt(valueLine).text.indexOf('""') + 1));
      for (const value of ['block', 'redact']) assert.ok(values.includes(value), `suggests ${value}: ${values.join(', ')}`);
    } finally {
      await editor.edit((b) => b.replace(new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original));
      await document.save();
      await api.policies.reload();
    }
  });
});
