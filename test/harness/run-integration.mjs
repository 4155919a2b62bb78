// Runs the integration suite inside a real VS Code: the VS Code server (from code-server) with
// the web workbench opened in headless Debian Chromium. The workbench loads Airlock from this
// checkout as the extension under development and runs test/integration (compiled to
// out/test/integration) in its extension host. A small control server on loopback lets the
// tests ask for screenshots and drive the browser; results come back as a JSON file.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDemo } from './check-demo.mjs';
import { launchChromium, repoRoot, startVSCodeServer, waitFor } from './vscodeServer.mjs';

const argv = process.argv.slice(2);
const resultsFile = argv.includes('--results') ? argv[argv.indexOf('--results') + 1] : join(repoRoot, 'test-output', 'integration-results.json');
const screenshotDir = join(repoRoot, 'test-output', 'screenshots');
const PACKAGED_TITLE = 'packaged .vsix installs with --install-extension and activates';
const SUITE_TIMEOUT_MS = Number(process.env.AIRLOCK_SUITE_TIMEOUT_MS ?? 10 * 60_000);

if (!existsSync(join(repoRoot, 'out', 'test', 'integration', 'index.js')) || !existsSync(join(repoRoot, 'dist', 'extension.js'))) {
  console.error('harness: build first (node esbuild.mjs)');
  process.exit(2);
}
mkdirSync(screenshotDir, { recursive: true });
rmSync(resultsFile, { force: true });

// A throw-away copy of the test workspace, so tests may change files freely.
const workspace = mkdtempSync(join(tmpdir(), 'airlock-ws-'));
cpSync(join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic'), workspace, { recursive: true });
// A real git repository: reviewers are recorded from git's user.name / user.email.
for (const args of [['init', '-q'], ['config', 'user.name', 'Rita Reviewer'], ['config', 'user.email', 'rita@example.com'], ['add', '-A'], ['commit', '-qm', 'fixture']]) {
  spawnSync('git', args, { cwd: workspace });
}

// Continue's config folder for the tests (Continue honours CONTINUE_GLOBAL_DIR; so does Airlock).
const continueDir = mkdtempSync(join(tmpdir(), 'airlock-continue-'));

// Proxy mode (test/integration/proxy.test.ts): Airlock's per-user state (its CA) lives in a
// throw-away AIRLOCK_STATE_DIR; the CA is created before the server starts (`airlock ca path`, in
// the workspace so the same policy decides its hosts), and certificates for fake TLS upstreams
// (a stand-in public CA) are made too. The server's processes trust both via NODE_EXTRA_CA_CERTS.
const airlockStateDir = mkdtempSync(join(tmpdir(), 'airlock-state-'));
const tlsDir = join(airlockStateDir, 'fake-tls');
mkdirSync(tlsDir);
const caPath = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'ca', 'path'], { cwd: workspace, encoding: 'utf8', env: { ...process.env, AIRLOCK_STATE_DIR: airlockStateDir } });
if (caPath.status !== 0) throw new Error(`airlock ca path failed: ${caPath.stderr}`);
const fakeTls = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'harness', 'tlsFixtures.ts'), tlsDir, 'api.githubcopilot.com', 'api.github.com'], { cwd: repoRoot, encoding: 'utf8' });
if (fakeTls.status !== 0) throw new Error(`fake TLS certificates: ${fakeTls.stderr}`);
const trustedBundle = join(airlockStateDir, 'trusted-for-tests.pem');
writeFileSync(trustedBundle, `${readFileSync(caPath.stdout.trim(), 'utf8').trim()}\n${readFileSync(join(tlsDir, 'ca.pem'), 'utf8').trim()}\n`);

let page;
const control = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  try {
    const answer = await handleControl(req.url ?? '/', body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? {}));
  } catch (error) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error?.message ?? error) }));
  }
});

/** Requests the tests make of the browser side. */
async function handleControl(path, body) {
  switch (path) {
    case '/log':
      console.log(`  ${body.line}`);
      return {};
    case '/screenshot': {
      if (!/^[a-z0-9-]+$/.test(body.name)) throw new Error('screenshot name must be kebab-case');
      const file = join(screenshotDir, `${body.name}.png`);
      if (body.waitMs) await page.waitForTimeout(body.waitMs);
      await page.screenshot({ path: file });
      console.log(`  screenshot saved: ${file}`);
      return { file };
    }
    case '/press':
      await page.keyboard.press(body.key);
      return {};
    case '/type':
      await page.keyboard.type(body.text, { delay: body.delay ?? 0 });
      return {};
    case '/click': {
      // body.selector, optionally inside the webview frame whose title matches body.frameTitle.
      const target = body.frameTitle ? await findWebviewFrame(body.frameTitle) : page;
      await target.locator(body.selector).first().click({ timeout: body.timeout ?? 10_000 });
      return {};
    }
    case '/waitFor': {
      // Waits until an element matching `selector` that contains `text` is visible.
      const target = body.frameTitle ? await findWebviewFrame(body.frameTitle) : page;
      const locator = target.locator(body.selector).filter(body.text ? { hasText: body.text } : {}).first();
      await locator.waitFor({ state: 'visible', timeout: body.timeout ?? 10_000 });
      return { text: await locator.innerText() };
    }
    case '/attribute': {
      const target = body.frameTitle ? await findWebviewFrame(body.frameTitle) : page;
      return { value: await target.locator(body.selector).first().getAttribute(body.name, { timeout: body.timeout ?? 10_000 }) };
    }
    case '/hover': {
      await page.locator(body.selector).first().hover({ timeout: body.timeout ?? 10_000 });
      return {};
    }
    case '/texts': {
      // Every element matching `selector` (none is an empty list), e.g. the rows of a tree view.
      const target = body.frameTitle ? await findWebviewFrame(body.frameTitle) : page;
      // With `parts`, each element's text is its matching descendants' texts joined by ' | '
      // (a tree row's label and description are adjacent spans innerText would run together).
      const rows = target.locator(body.selector);
      if (!body.parts) return { texts: await rows.allInnerTexts() };
      return { texts: await rows.evaluateAll((elements, parts) => elements.map((e) => [...e.querySelectorAll(parts)].map((p) => p.textContent.trim()).join(' | ')), body.parts) };
    }
    case '/text': {
      const target = body.frameTitle ? await findWebviewFrame(body.frameTitle) : page;
      return { text: await target.locator(body.selector).first().innerText({ timeout: body.timeout ?? 10_000 }) };
    }
    default:
      throw new Error(`unknown control request ${path}`);
  }
}

/** The inner frame of a webview panel whose document title contains `title`. */
async function findWebviewFrame(title) {
  for (let i = 0; i < 40; i++) {
    for (const frame of page.frames()) {
      if ((await frame.title().catch(() => '')).includes(title)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame titled ${title}`);
}

await new Promise((r) => control.listen(0, '127.0.0.1', r));
const harnessUrl = `http://127.0.0.1:${control.address().port}`;

let server;
let browser;
let exitCode = 1;
let hostExit;
try {
  const started = Date.now();
  server = await startVSCodeServer({
    env: { ...(process.env.AIRLOCK_TEST_GREP ? { AIRLOCK_TEST_GREP: process.env.AIRLOCK_TEST_GREP } : {}), AIRLOCK_HARNESS_URL: harnessUrl, AIRLOCK_TEST_RESULTS: resultsFile, AIRLOCK_TEST_WORKSPACE: workspace, CONTINUE_GLOBAL_DIR: continueDir, AIRLOCK_STATE_DIR: airlockStateDir, AIRLOCK_TEST_TLS_DIR: tlsDir, NODE_EXTRA_CA_CERTS: trustedBundle },
    userSettings: {
      'workbench.startupEditor': 'none',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.tips.enabled': false,
      'workbench.colorTheme': 'Default Dark Modern',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'editor.inlineSuggest.enabled': true,
      'security.workspace.trust.enabled': false,
    },
    onOutput: (line) => {
      const m = /Extension Host Process exited with code: (\d+)/.exec(line);
      if (m) hostExit = Number(m[1]);
      if (process.env.AIRLOCK_HARNESS_VERBOSE) console.log(`  [server] ${line}`);
    },
  });
  console.log(`harness: VS Code ${server.vscodeVersion} (server from code-server) on port ${server.port}, ready in ${Date.now() - started} ms`);

  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const url = server.workbenchUrl({
    folder: workspace,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
  });
  await page.goto(url);
  console.log('harness: workbench opened in Chromium; running the suite in the extension host');

  await waitFor(() => existsSync(resultsFile) || hostExit !== undefined, SUITE_TIMEOUT_MS, 'the integration suite to finish');
  // The extension host exits right after run() resolves; give it a moment to say so.
  await waitFor(() => hostExit !== undefined, 30_000, 'the extension host to exit').catch(() => {});
  console.log(`harness: extension host exited with code ${hostExit ?? 'unknown'}`);
  if (!existsSync(resultsFile)) {
    writeFileSync(resultsFile, JSON.stringify({ passed: 0, failed: 1, tests: [], error: 'the suite wrote no results' }));
    console.log(server.output.slice(-40).join('\n'));
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const t of results.tests ?? []) {
    console.log(`  ${t.state === 'passed' ? '✔' : '✖'} ${t.title} (${t.durationMs} ms)${t.error ? `\n      ${t.error.split('\n').join('\n      ')}` : ''}`);
  }
  console.log(`harness: integration ${results.passed} passed, ${results.failed} failed`);
  exitCode = results.failed === 0 && hostExit === 0 ? 0 : 1;

  // Checks outside the extension host, each with a title AIRLOCK_TEST_GREP can select: the
  // packaged extension, installed like a user would, activates without any test payload; and
  // `npm start` behaves as the README says.
  await stopBrowserAndServer();
  const grep = process.env.AIRLOCK_TEST_GREP ? new RegExp(process.env.AIRLOCK_TEST_GREP) : undefined;
  for (const [check, titleHint] of [[checkPackagedExtension, 'packaged .vsix'], [() => checkDemo({ log: console.log }), 'npm start']]) {
    if (grep && !grep.test(titleHint)) continue;
    const outcome = await check();
    results.tests.push(outcome);
    results[outcome.state] += 1;
    writeFileSync(resultsFile, JSON.stringify(results, null, 2));
    console.log(`  ${outcome.state === 'passed' ? '✔' : '✖'} ${outcome.title} (${outcome.durationMs} ms)${outcome.error ? `\n      ${outcome.error}` : ''}`);
    if (outcome.state !== 'passed') exitCode = 1;
  }
} catch (error) {
  console.error(`harness: ${error?.stack ?? error}`);
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    results.failed += 1;
    writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
  if (server) console.error(server.output.slice(-40).join('\n'));
  exitCode = 1;
} finally {
  await stopBrowserAndServer();
  control.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(continueDir, { recursive: true, force: true });
  rmSync(airlockStateDir, { recursive: true, force: true });
}
process.exit(exitCode);

async function stopBrowserAndServer() {
  await browser?.close();
  await server?.stop();
  browser = undefined;
  server = undefined;
}

/**
 * Packages the .vsix (`npm run package`), installs it with the VS Code server's own
 * `--install-extension`, opens the workbench with no development payload, and waits for
 * Airlock's status bar item: proof that the installed extension activates.
 */
async function checkPackagedExtension() {
  const title = PACKAGED_TITLE;
  const started = Date.now();
  try {
    const pack = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
    const vsix = join(repoRoot, `airlock-${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version}.vsix`);
    const size = statSync(vsix).size;
    console.log(`harness: packaged ${vsix} (${(size / 1024).toFixed(1)} KB)`);
    // Four bundles each carry the engine (editor, CLI, hook engine, scan worker): ~1.2 MB today.
    if (size >= 1.5 * 1024 * 1024) throw new Error(`the .vsix is ${size} bytes (limit 1.5 MB)`);
    server = await startVSCodeServer({ userSettings: { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' } });
    const install = server.runServerCli(['--install-extension', vsix, '--force']);
    if (install.status !== 0) throw new Error(`--install-extension failed:\n${install.stdout}\n${install.stderr}`);
    console.log(`harness: ${install.stdout.trim().split('\n').pop()}`);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(server.workbenchUrl({ folder: workspace }));
    // Activation through `workspaceContains:.airlock` shows the status bar item.
    await page.locator('[id="airlock-dev.airlock.airlock.status"]').first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(screenshotDir, 'packaged-extension-status-bar.png') });
    // The rebuilt development bundles were replaced by production ones; restore them.
    spawnSync('node', ['esbuild.mjs'], { cwd: repoRoot });
    return { title, state: 'passed', durationMs: Date.now() - started };
  } catch (error) {
    return { title, state: 'failed', durationMs: Date.now() - started, error: String(error?.message ?? error) };
  }
}
