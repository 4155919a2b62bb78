// `npm test`: type-check, lint, build, unit tests (Node's runner), the real agent CLIs against
// fake upstreams (test/agents), then the integration suite inside a real VS Code. Ends with one
// line `N passed, N failed` over all layers.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'test-output');
mkdirSync(outDir, { recursive: true });
// Hook servers that tests (and the agent CLIs they drive) start through the launcher live on
// after the run for their 15 idle minutes; a test run's retire after one. Every child inherits it.
process.env.AIRLOCK_HOOK_IDLE_MS ??= '60000';
// Every `airlock scan` a test starts scans in its own process, as in CI (where the scan server
// is off anyway), so no test depends on what another left running; the scan server's own tests
// (test/unit/cli/scanServer.test.ts) turn it on, each with a socket folder of its own.
process.env.AIRLOCK_SCAN_SERVER ??= 'off';

function step(title, command, args, options = {}) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`${title} failed (exit ${result.status ?? result.signal})`);
  }
  return result.status === 0;
}

function testFilesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return testFilesUnder(full);
    return full.endsWith('.test.ts') ? [full] : [];
  });
}

let passed = 0;
let failed = 0;
let ok = true;

if (!only) {
  ok = step('type-check (tsc --noEmit)', 'npx', ['tsc', '--noEmit', '-p', '.']) && ok;
  ok = step('lint (eslint)', 'npx', ['eslint', '.']) && ok;
}
ok = step('build (esbuild)', 'node', ['esbuild.mjs']) && ok;

/**
 * One layer under Node's test runner: spec output on stdout, counts through the count reporter.
 * Adds its counts to the totals; a runner that did not finish counts as one failure.
 */
function nodeTestLayer(name, title, files, concurrency, showTodo = false) {
  const countsFile = join(outDir, `${name}-counts.json`);
  rmSync(countsFile, { force: true });
  step(title, process.execPath, [
    '--import', 'tsx',
    '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./test/support/count-reporter.mjs', `--test-reporter-destination=${countsFile}`,
    ...files,
  ]);
  try {
    const counts = JSON.parse(readFileSync(countsFile, 'utf8'));
    passed += counts.passed;
    failed += counts.failed;
    console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed${showTodo ? `, ${counts.todo} todo` : ''}`);
  } catch {
    console.error(`${name}: no results (the runner did not finish)`);
    failed += 1;
  }
}

if (!only || only === 'unit') {
  const files = testFilesUnder(join(root, 'test', 'unit')).sort();
  nodeTestLayer('unit', `unit tests (${files.length} files)`, files, 2);
}

if (!only || only === 'agents') {
  // The real agent CLIs (Claude Code, Codex, Gemini, Copilot, opencode) against fake upstreams
  // through the built gateway. They are installed, pinned, into ~/.cache/airlock-test/agents
  // (AIRLOCK_TEST_CACHE) when missing; if that is impossible the layer fails, it never skips.
  const installed = step('agent CLIs (pinned, cached outside the tree)', process.execPath, ['test/agents/install.mjs']);
  if (!installed) failed += 1;
  const files = readdirSync(join(root, 'test', 'agents')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(root, 'test', 'agents', f));
  if (installed) nodeTestLayer('agents', `agent tests (${files.length} files, one at a time)`, files, 1, true);
}

if (!only || only === 'integration') {
  const resultsFile = join(outDir, 'integration-results.json');
  rmSync(resultsFile, { force: true });
  step('integration tests (inside VS Code)', process.execPath, ['test/harness/run-integration.mjs', '--results', resultsFile]);
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed += results.passed;
    failed += results.failed;
    console.log(`integration: ${results.passed} passed, ${results.failed} failed`);
  } catch {
    console.error('integration: no results (the suite did not run to the end)');
    failed += 1;
  }
  // A second window, opened on a folder below the repository's top (a monorepo package): only
  // the suites written for it (test/integration/subfolder.test.ts).
  // Then the same below a .git git cannot read, where the editor must fail closed.
  for (const [open, grep, name] of [
    ['src', 'A folder opened below the repository top', 'subfolder window'],
    ['broken-git/pkg', 'A folder below a repository git cannot read', 'broken-git window'],
  ]) {
    const belowFile = join(outDir, `integration-${name.replace(/ /g, '-')}-results.json`);
    rmSync(belowFile, { force: true });
    step(`integration tests (VS Code opened on ${open} below the repository top)`, process.execPath, ['test/harness/run-integration.mjs', '--open', open, '--results', belowFile], {
      env: { ...process.env, AIRLOCK_TEST_GREP: grep },
    });
    try {
      const results = JSON.parse(readFileSync(belowFile, 'utf8'));
      passed += results.passed;
      failed += results.failed;
      if (results.passed + results.failed === 0) failed += 1; // the suite must run there, never nothing
      console.log(`integration (${name}): ${results.passed} passed, ${results.failed} failed`);
    } catch {
      console.error(`integration (${name}): no results (the suite did not run to the end)`);
      failed += 1;
    }
  }
}

if (!ok) failed += 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && ok ? 0 : 1;
