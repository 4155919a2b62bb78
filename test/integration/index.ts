// Entry the extension host calls (`run()`, the contract of @vscode/test-electron and of the
// offline harness). Runs every compiled *.test.js beside this file with Mocha, reports each
// result to the harness as it happens, and writes a results file the harness reads.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { harnessLog } from './support/harness';

interface TestResult {
  title: string;
  state: 'passed' | 'failed';
  durationMs: number;
  error?: string;
}

export async function run(): Promise<void> {
  const grep = process.env.AIRLOCK_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(join(__dirname, file));

  const tests: TestResult[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((count) => resolve(count));
    runner.on('pass', (test) => {
      tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
      void harnessLog(`✔ ${test.fullTitle()}`);
    });
    runner.on('fail', (test, error: Error) => {
      tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: error.stack ?? error.message });
      void harnessLog(`✖ ${test.fullTitle()}: ${error.message}`);
    });
  });

  const passed = tests.filter((t) => t.state === 'passed').length;
  const failed = tests.length - passed;
  const resultsFile = process.env.AIRLOCK_TEST_RESULTS ?? join(__dirname, '..', '..', '..', 'test-output', 'integration-results.json');
  writeFileSync(resultsFile, JSON.stringify({ passed, failed, tests }, null, 2));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
