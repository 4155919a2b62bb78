// A node:test reporter that writes only the pass/fail counts of leaf tests, as JSON.
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  let todo = 0;
  for await (const event of source) {
    // Suites report too; count only tests that have no subtests (details.type === 'test').
    // Skipped tests (skip option, --test-name-pattern) report as test:pass: they did not pass.
    if (event.type === 'test:pass' && event.data.details?.type !== 'suite' && event.data.skip === undefined) passed += 1;
    // A todo test (node:test `{ todo: reason }`) runs but neither passes nor fails the run.
    if (event.type === 'test:fail' && event.data.details?.type !== 'suite' && event.data.todo !== undefined) todo += 1;
    else if (event.type === 'test:fail' && event.data.details?.type !== 'suite') failed += 1;
  }
  yield JSON.stringify({ passed, failed, todo });
}
