// Every built-in detector: described, exercised by a positive sample (reporting exactly the
// value) and by placeholder/negative cases that must not fire.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_SECRET_DETECTORS, compileDetectors, scanText } from '../../../extension/core/detectors';
import { SAMPLES, degenerateRng, renderSample, rng } from './samples';

const compiled = compileDetectors(BUILTIN_SECRET_DETECTORS);
const sampleFor = new Map(SAMPLES.map((s) => [s.detector, s]));

test('the pack has at least 45 detectors, each with a unique id and a description', () => {
  assert.ok(BUILTIN_SECRET_DETECTORS.length >= 45, `only ${BUILTIN_SECRET_DETECTORS.length}`);
  const ids = BUILTIN_SECRET_DETECTORS.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const d of BUILTIN_SECRET_DETECTORS) {
    assert.match(d.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    assert.ok(d.description.length > 10, d.id);
    assert.ok(d.keywords.length > 0, d.id);
  }
});

test('every built-in detector has a sample (and every sample a detector)', () => {
  assert.deepEqual(
    BUILTIN_SECRET_DETECTORS.map((d) => d.id).filter((id) => !sampleFor.has(id)),
    [],
  );
  assert.deepEqual(
    SAMPLES.map((s) => s.detector).filter((id) => !BUILTIN_SECRET_DETECTORS.some((d) => d.id === id)),
    [],
  );
});

describe('each built-in detector', () => {
  for (const spec of BUILTIN_SECRET_DETECTORS) {
    const sample = sampleFor.get(spec.id);
    if (!sample) continue;
    test(`${spec.id}: finds the value exactly, in several random instances`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const { text, value, start } = renderSample(sample, rng(seed * 7919 + spec.id.length));
        const matches = scanText(text, compiled);
        const match = matches.find((m) => m.detector === spec.id);
        assert.ok(match, `seed ${seed}: ${spec.id} did not fire; got ${matches.map((m) => m.detector).join(', ') || 'nothing'}`);
        assert.equal(match.start, start, `seed ${seed}: start`);
        assert.equal(match.end, start + value.length, `seed ${seed}: end`);
      }
    });
    test(`${spec.id}: placeholder / negative cases do not fire`, () => {
      const degenerate = renderSample(sample, degenerateRng).text;
      const negatives = [degenerate, ...(sample.negative ? [sample.negative] : [])];
      for (const text of negatives) {
        const matches = scanText(text, compiled);
        assert.deepEqual(
          matches.map((m) => m.detector),
          [],
          `fired on a ${text.length}-char negative case`,
        );
      }
    });
  }
});
