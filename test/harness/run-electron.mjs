// `npm run test:electron`: the same compiled integration suite under @vscode/test-electron,
// for machines that can download a desktop VS Code (a laptop, a hosted CI). Browser-only
// steps (screenshots, clicks in webviews) are skipped there; everything else runs the same.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './vscodeServer.mjs';

const workspace = mkdtempSync(join(tmpdir(), 'airlock-ws-'));
cpSync(join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic'), workspace, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { AIRLOCK_TEST_WORKSPACE: workspace, AIRLOCK_TEST_RESULTS: join(repoRoot, 'test-output', 'integration-results.json') },
  });
} catch (error) {
  console.error(`test:electron failed: ${error?.message ?? error}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
