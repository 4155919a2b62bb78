// The Done-when of issue 3 for `airlock scan`: over the corpus of realistic fake credentials
// (test/fixtures/secrets/positive, one or more per built-in detector, with expected.json) the
// scan finds >= 95% by file+detector; over ordinary code (…/negative) it finds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAirlock } from './scanSupport';

const CORPUS = join(__dirname, '..', '..', 'fixtures', 'secrets');
const POSITIVE = join(CORPUS, 'positive');
const NEGATIVE = join(CORPUS, 'negative');

interface Expected {
  file: string;
  detector: string;
  line?: number;
}

interface JsonFinding {
  detector: string | null;
  path: string;
  line: number;
}

async function scanJson(cwd: string): Promise<{ code: number; findings: JsonFinding[]; filesScanned: number }> {
  // The preset explicitly, so that a workspace policy added to this repository cannot change the result.
  const result = await runAirlock(['scan', '--policy', 'airlock:secrets', '--format', 'json', '.'], cwd);
  assert.equal(result.stderr, '');
  const json = JSON.parse(result.stdout) as { findings: JsonFinding[]; filesScanned: number };
  return { code: result.code, findings: json.findings, filesScanned: json.filesScanned };
}

test('airlock scan finds >= 95% of the positive corpus (file + detector)', async (t) => {
  if (!existsSync(join(POSITIVE, 'expected.json'))) {
    t.skip('test/fixtures/secrets/positive/expected.json is missing');
    return;
  }
  const expected = JSON.parse(readFileSync(join(POSITIVE, 'expected.json'), 'utf8')) as Expected[];
  assert.ok(expected.length >= 40, 'at least one expectation per built-in detector');
  const { findings } = await scanJson(POSITIVE);
  const found = new Set(findings.map((f) => `${f.path}\u0000${f.detector}`));
  const wanted = [...new Set(expected.map((e) => `${e.file}\u0000${e.detector}`))];
  const missed = wanted.filter((key) => !found.has(key));
  const rate = (wanted.length - missed.length) / wanted.length;
  const atLine = expected.filter((e) => e.line !== undefined && findings.some((f) => f.path === e.file && f.detector === e.detector && f.line === e.line)).length;
  t.diagnostic(
    `positive corpus: found ${wanted.length - missed.length}/${wanted.length} (${(rate * 100).toFixed(1)}%), ` +
      `${atLine}/${expected.filter((e) => e.line !== undefined).length} at the expected line`,
  );
  console.log(`airlock scan positive corpus: ${(rate * 100).toFixed(1)}% found (${wanted.length - missed.length}/${wanted.length})`);
  if (missed.length) t.diagnostic(`missed: ${missed.map((k) => k.replace('\u0000', ' ')).join(', ')}`);
  assert.ok(rate >= 0.95, `found ${(rate * 100).toFixed(1)}% < 95%; missed ${missed.map((k) => k.replace('\u0000', ' ')).join(', ')}`);
});

test('airlock scan finds nothing in the negative corpus', async (t) => {
  if (!existsSync(NEGATIVE)) {
    t.skip('test/fixtures/secrets/negative is missing');
    return;
  }
  const { code, findings, filesScanned } = await scanJson(NEGATIVE);
  assert.ok(filesScanned > 0);
  assert.deepEqual(
    findings.map((f) => `${f.path}:${f.line} ${f.detector}`),
    [],
    'false positives in ordinary code',
  );
  assert.equal(code, 0);
});
