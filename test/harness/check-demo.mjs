// Checks `npm start` as a user meets it: runs the real `npm start` (own temp folder, free port),
// opens its URL in Chromium, and proves that the demo VS Code shows notification toasts (the
// Test Policy verdict on the protected pricing engine, whose Why? opens the deciding rule), that
// the first Connect an Assistant opens its page, that Reject from a CodeLens asks first (a real
// modal; Cancel changes nothing), then sends SIGINT to the npm process
// alone (not its group) and checks that everything stops and that nothing — demo workspace,
// VS Code state, vscode-ipc-*.sock / vscode-git-*.sock — is left in the temp folder.
// Used by run-integration.mjs; runnable alone: `node test/harness/check-demo.mjs`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, launchChromium, repoRoot, waitFor } from './vscodeServer.mjs';

const screenshotDir = join(repoRoot, 'test-output', 'screenshots');

export async function checkDemo({ log = console.log } = {}) {
  const title = 'npm start: toasts show, SIGINT to the npm process stops it, nothing left in the temp folder';
  const started = Date.now();
  mkdirSync(screenshotDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'airlock-demo-check-'));
  const port = await freePort();
  const env = { ...process.env, TMPDIR: tmp, AIRLOCK_DEMO_PORT: String(port) };
  delete env.XDG_RUNTIME_DIR;
  // Its own process group, only so that a failing check can still clean up after itself.
  const npm = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (c) => (output += c));
  npm.stderr.on('data', (c) => (output += c));
  const exited = new Promise((done) => npm.once('exit', (code, signal) => done({ code, signal })));
  let browser;
  try {
    await waitFor(() => /\n {2}(http:\/\/localhost:\d+\/\?folder=\S+)/.test(output) || npm.exitCode !== null, 180_000, 'npm start to print its URL');
    const url = /\n {2}(http:\/\/localhost:\d+\/\?folder=\S+)/.exec(output)?.[1];
    if (!url) throw new Error(`npm start printed no URL:\n${output}`);
    if (url.includes('payload=')) throw new Error('the demo URL carries a development payload');
    log(`  demo: ${/Airlock demo is running \(ready in \d+ s\)/.exec(output)?.[0] ?? 'no ready line'}`);
    if (/smoke-test-driver/.test(output)) throw new Error('the demo mentions the smoke-test driver');
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(url);
    await page.locator('[id="airlock-dev.airlock.airlock.status"]').first().waitFor({ timeout: 90_000 });
    await page.locator('.monaco-workbench').first().click({ position: { x: 700, y: 400 } });
    // Walkthrough steps are ticked only when their command did something: Test Policy with no
    // editor open only says what to do, and the step stays open.
    await runCommand(page, 'Airlock: Test Policy Against Selection');
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'open a file and select' }).first().waitFor({ timeout: 15_000 });
    await runCommand(page, 'Welcome: Open Walkthrough');
    await page.keyboard.type('Get started with Airlock');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    const blockedStep = page.locator('[data-step-id$="blocked"]').first();
    await blockedStep.waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500);
    if ((await blockedStep.locator('.codicon-getting-started-step-checked').count()) !== 0) throw new Error('the "See a request blocked" step was ticked although Test Policy did nothing');
    await page.screenshot({ path: join(screenshotDir, 'demo-walkthrough-step-open-after-test-policy-did-nothing.png') });
    // Open the protected pricing engine, select it all and ask Airlock what would happen.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('pricing-engine.ts');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('F1');
    await page.keyboard.type('Airlock: Test Policy Against Selection');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'BLOCK' }).first();
    await toast.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await toast.innerText();
    await page.waitForTimeout(600); // the toast slides in
    await page.screenshot({ path: join(screenshotDir, 'demo-test-policy-block-toast.png') });
    log(`  demo toast: ${text.split('\n')[0]}`);
    // Why? on the verdict opens the rule that decided it (the demo policy's own file).
    await toast.locator('a.monaco-button, .monaco-button').filter({ hasText: 'Why?' }).first().click();
    await page.locator('.tab.active').filter({ hasText: 'policy.jsonc' }).first().waitFor({ timeout: 15_000 });
    await page.locator('.monaco-editor .view-lines').filter({ hasText: 'protected-code-stays-internal' }).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(screenshotDir, 'demo-why-opens-the-deciding-rule.png') });
    // Now the step is done: a verdict was shown.
    await runCommand(page, 'Welcome: Open Walkthrough');
    await page.keyboard.type('Get started with Airlock');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.locator('[data-step-id$="blocked"] .codicon-getting-started-step-checked').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(screenshotDir, 'demo-walkthrough-step-ticked-after-a-real-verdict.png') });
    // The first Connect an Assistant from the palette opens its page. (Back to the editor first:
    // the walkthrough's markdown pane keeps keyboard focus in its webview, where F1 goes nowhere.)
    await page.locator('.tab').filter({ hasText: 'pricing-engine.ts' }).first().click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await openPalette(page);
    await page.keyboard.type('Airlock: Connect an Assistant');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.locator('.tab').filter({ hasText: 'Airlock: Connect an Assistant' }).first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(2500); // the webview paints
    await page.screenshot({ path: join(screenshotDir, 'demo-connect-assistant-first-invocation-opens-page.png') });
    // Reject from the CodeLens asks first (a real modal dialog); Cancel leaves the file as it was.
    const folder = new URL(url).searchParams.get('folder');
    const formatFile = join(folder, 'src', 'format.ts');
    const formatBefore = readFileSync(formatFile, 'utf8');
    await page.keyboard.press('Control+P');
    await page.keyboard.type('format.ts');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    const lens = page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: /^Reject$/ }).first();
    await lens.waitFor({ timeout: 20_000 });
    await lens.click();
    const dialog = page.locator('.monaco-dialog-box').first();
    await dialog.waitFor({ timeout: 10_000 });
    const question = await dialog.innerText();
    if (!question.includes('Reject the 5 AI-written lines at src/format.ts:6-10?')) throw new Error(`unexpected reject question: ${question}`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(screenshotDir, 'demo-codelens-reject-asks-first.png') });
    await dialog.locator('.monaco-button').filter({ hasText: 'Cancel' }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(1000);
    if (readFileSync(formatFile, 'utf8') !== formatBefore) throw new Error('a cancelled reject changed src/format.ts');
    await browser.close();
    browser = undefined;

    // SIGINT to the npm process only, as `kill -INT <pid of npm start>` does.
    process.kill(npm.pid, 'SIGINT');
    const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 20_000))]);
    if (!result) throw new Error(`npm start did not stop within 20 s of SIGINT:\n${output.slice(-2000)}`);
    if (!/stopping the demo/.test(output)) throw new Error(`npm start exited without its clean-up:\n${output.slice(-2000)}`);
    await waitFor(() => !groupAlive(npm.pid), 10_000, 'every process npm start started to exit');
    const left = readdirSync(tmp);
    if (left.length) throw new Error(`left in the temp folder after the demo stopped: ${left.join(', ')}`);
    return { title, state: 'passed', durationMs: Date.now() - started };
  } catch (error) {
    return { title, state: 'failed', durationMs: Date.now() - started, error: `${error?.message ?? error}\n--- npm start output (tail):\n${output.slice(-1500)}` };
  } finally {
    await browser?.close();
    if (groupAlive(npm.pid)) {
      try {
        process.kill(-npm.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs a command from the palette (F1), as a user does. */
/** The command palette, opened from the workbench (a focused walkthrough/webview pane can swallow F1). */
async function openPalette(page) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('F1');
    try {
      await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 3000 });
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error('the command palette did not open');
}

async function runCommand(page, title) {
  await openPalette(page);
  await page.keyboard.type(title);
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await checkDemo();
  console.log(`${result.state === 'passed' ? '✔' : '✖'} ${result.title} (${result.durationMs} ms)${result.error ? `\n  ${result.error}` : ''}`);
  process.exitCode = result.state === 'passed' ? 0 : 1;
}
