// Every recorded or documented agent payload under test/fixtures/hooks/, answered by the same
// code `airlock hook <agent>` runs, against a real repository: the exit code and the answer
// text each agent reads.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { answerHook } from '../../../extension/cli/hooks/command';
import { fixtureRepo } from './support';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'hooks');

interface Fixture {
  agent: string;
  args: string[];
  payload: unknown;
  expect: { exitCode: number; stdout?: string; stderr?: string };
  note?: string;
}

const repo = fixtureRepo();
after(() => rmSync(repo, { recursive: true, force: true }));

for (const agent of readdirSync(FIXTURES).filter((n) => !n.includes('.'))) {
  for (const file of readdirSync(join(FIXTURES, agent)).filter((n) => n.endsWith('.json'))) {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, agent, file), 'utf8')) as Fixture;
    test(`${agent}: ${file.replace(/\.json$/, '')}${fixture.note ? ` (${fixture.note})` : ''}`, async () => {
      const raw = JSON.stringify(fixture.payload).replaceAll('${REPO}', repo);
      const answer = await answerHook(fixture.args, raw, repo);
      const shown = `exit ${answer.exitCode}\nstdout: ${answer.stdout ?? ''}\nstderr: ${answer.stderr ?? ''}`;
      assert.equal(answer.exitCode, fixture.expect.exitCode, shown);
      if (fixture.expect.stdout) assert.ok((answer.stdout ?? '').includes(fixture.expect.stdout), shown);
      if (fixture.expect.stderr) assert.ok((answer.stderr ?? '').includes(fixture.expect.stderr), shown);
      // Refusals never quote the secret they guard.
      assert.ok(!`${answer.stdout ?? ''}${answer.stderr ?? ''}`.includes('AKIAZ7K2QW5RT6YX3VB4'), shown);
    });
  }
}
