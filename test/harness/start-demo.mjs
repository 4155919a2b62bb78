// `npm start`: builds Airlock, starts a real VS Code (server + web workbench) on loopback with
// Airlock loaded from this checkout and a demo workspace, prints the URL to open, and keeps
// running until Ctrl-C, then stops everything it started and removes its temp folders.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, startVSCodeServer } from './vscodeServer.mjs';

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const workspace = mkdtempSync(join(tmpdir(), 'airlock-demo-'));
cpSync(join(repoRoot, 'test', 'fixtures', 'workspaces', 'demo'), workspace, { recursive: true });
// A git repository with a demo identity: Airlock records reviewers from git's user.name/email,
// and `airlock check --staged` / the pre-commit hook work in the demo as in a real project.
for (const args of [['init', '-q'], ['config', 'user.name', 'Demo Reviewer'], ['config', 'user.email', 'reviewer@demo.invalid'], ['add', '-A'], ['commit', '-qm', 'Airlock demo workspace']]) {
  spawnSync('git', args, { cwd: workspace });
}

const preferred = Number(process.env.AIRLOCK_DEMO_PORT ?? 8787);
const port = (await isFree(preferred)) ? preferred : await freePort();
const server = await startVSCodeServer({
  port,
  userSettings: {
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.colorTheme': 'Default Dark Modern',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
  },
});
const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: repoRoot });

console.log(`
Airlock demo is running: VS Code ${server.vscodeVersion} in the browser, Airlock loaded from ${repoRoot}
Demo workspace (a throw-away copy): ${workspace}

Open this URL in a browser on this machine:

  ${url}

Press Ctrl-C to stop.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo…');
  await server.stop();
  rmSync(workspace, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
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
