// `npm start`: builds Airlock, starts a real VS Code (server + web workbench) on loopback with
// Airlock installed from this checkout and a demo workspace, prints the URL to open, and keeps
// running until Ctrl-C (or SIGINT/SIGTERM to this process: the npm script `exec`s node, so a
// signal sent to `npm start`'s pid reaches it), then stops everything it started and removes
// its temp folders.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, startVSCodeServer } from './vscodeServer.mjs';

const started = Date.now();
let server;
let workspace;
let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal ? `${signal}: ` : ''}stopping the demo…`);
  await server?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
  console.log('demo stopped; its temp folders are removed.');
  process.exit(0);
}
// Installed before anything slow starts: a signal during the first-run install or the server
// start cleans up too.
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

console.log('demo: building Airlock (esbuild)…');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

workspace = mkdtempSync(join(tmpdir(), 'airlock-demo-'));
cpSync(join(repoRoot, 'test', 'fixtures', 'workspaces', 'demo'), workspace, { recursive: true });
// A git repository with a demo identity: Airlock records reviewers from git's user.name/email,
// and `airlock check --staged` / the pre-commit hook work in the demo as in a real project.
for (const args of [['init', '-q'], ['config', 'user.name', 'Demo Reviewer'], ['config', 'user.email', 'reviewer@demo.invalid'], ['add', '-A'], ['commit', '-qm', 'Airlock demo workspace']]) {
  spawnSync('git', args, { cwd: workspace });
}

const preferred = Number(process.env.AIRLOCK_DEMO_PORT ?? 8787);
const port = (await isFree(preferred)) ? preferred : await freePort();
if (port !== preferred) console.log(`demo: port ${preferred} is taken; using ${port}`);
console.log('demo: starting the VS Code server…');
// No development payload (and so no --enable-smoke-test-driver, which hides notification
// toasts): Airlock is an ordinary installed extension that runs from this checkout in place.
server = await startVSCodeServer({
  port,
  developmentPayload: false,
  linkedExtensions: [repoRoot],
  userSettings: {
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.colorTheme': 'Default Dark Modern',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
  },
});
if (stopping) await new Promise(() => {});
const url = server.workbenchUrl({ folder: workspace });

console.log(`
Airlock demo is running (ready in ${Math.round((Date.now() - started) / 1000)} s): VS Code ${server.vscodeVersion} in the browser, Airlock installed from ${repoRoot}
Demo workspace (a throw-away copy): ${workspace}

Open this URL in a browser on this machine:

  ${url}

Press Ctrl-C to stop.
`);

server.child.on('exit', (code) => {
  if (!stopping) {
    console.error(`VS Code server exited unexpectedly (code ${code})`);
    rmSync(workspace, { recursive: true, force: true });
    process.exit(1);
  }
});

async function isFree(candidate) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
