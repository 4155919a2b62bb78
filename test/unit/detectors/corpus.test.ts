// The fixture corpora: fake credentials in code/config/.env/JSON (positive) must be found at
// >= 95% per expected.json; ordinary code (negative) must yield no finding at all.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILTIN_SECRET_DETECTORS, compileDetectors, previewSecret, scanText } from '../../../extension/core/detectors';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'secrets');
const compiled = compileDetectors(BUILTIN_SECRET_DETECTORS);

interface Planted {
  file: string;
  detector: string;
  line: number;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

test('positive corpus: >= 95% of planted secrets found by the right detector on the right line', (t) => {
  const dir = join(FIXTURES, 'positive');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Planted[];
  const found = new Set<string>();
  for (const file of new Set(expected.map((e) => e.file))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of scanText(text, compiled)) found.add(`${file}:${lineOf(text, m.start)}:${m.detector}`);
  }
  const missed = expected.filter((e) => !found.has(`${e.file}:${e.line}:${e.detector}`));
  const recall = (expected.length - missed.length) / expected.length;
  t.diagnostic(`recall ${(recall * 100).toFixed(1)}% (${expected.length - missed.length}/${expected.length})`);
  assert.ok(new Set(expected.map((e) => e.detector)).size >= BUILTIN_SECRET_DETECTORS.length, 'one planted secret per built-in detector');
  assert.ok(recall >= 0.95, `recall ${(recall * 100).toFixed(1)}%, missed: ${missed.map((m) => `${m.file}:${m.line} ${m.detector}`).join('; ')}`);
});

test('negative corpus: ordinary code yields no finding', () => {
  const dir = join(FIXTURES, 'negative');
  const findings: string[] = [];
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of scanText(text, compiled)) {
      findings.push(`${file}:${lineOf(text, m.start)} ${m.detector} ${previewSecret(text.slice(m.start, m.end))}`);
    }
  }
  assert.deepEqual(findings, []);
});
