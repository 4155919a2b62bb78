// Every built-in detector: described, exercised by true-positive samples (reporting exactly the
// value; generated from the detector's documented shape or written by hand) and by its
// false-positive samples (gitleaks' tps/fps model): placeholders, templates, lookalikes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_SECRET_DETECTORS, compileDetectors, scanText } from '../../../extension/core/detectors';
import { hasCrc32Base62 } from '../../../extension/core/detectors/checksum';
import { ORPHAN_SAMPLES, SAMPLES, degenerateRng, lookalikesFromSpec, renderSample, rng } from './samples';

const compiled = compileDetectors(BUILTIN_SECRET_DETECTORS);
const sampleFor = new Map(SAMPLES.map((s) => [s.detector, s]));

test('the pack has at least 200 detectors, each with a unique id and a description', () => {
  assert.ok(BUILTIN_SECRET_DETECTORS.length >= 200, `only ${BUILTIN_SECRET_DETECTORS.length}`);
  const ids = BUILTIN_SECRET_DETECTORS.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const d of BUILTIN_SECRET_DETECTORS) {
    assert.match(d.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    assert.ok(d.description.length > 10, d.id);
    assert.ok(d.keywords.length > 0, d.id);
  }
});

test('every built-in detector has a sample (and every handwritten sample a detector)', () => {
  assert.equal(SAMPLES.length, BUILTIN_SECRET_DETECTORS.length);
  assert.deepEqual(ORPHAN_SAMPLES, []);
});

test('GitHub and npm samples carry a valid CRC32, and a one-char change breaks it', () => {
  for (const id of ['github-pat-classic', 'github-oauth-token', 'github-user-to-server-token', 'github-app-installation-token', 'github-refresh-token', 'npm-token']) {
    const value = sampleFor.get(id)!.value(rng(11));
    assert.ok(hasCrc32Base62(value), id);
    const flipped = value.slice(0, 10) + (value[10] === 'a' ? 'b' : 'a') + value.slice(11);
    assert.ok(!hasCrc32Base62(flipped), `${id} flipped`);
    assert.deepEqual(scanText(`TOKEN = "${flipped}"`, compiled).filter((m) => m.detector === id), [], `${id}: a token with a bad checksum is not that token`);
  }
});

describe('each built-in detector', () => {
  for (const spec of BUILTIN_SECRET_DETECTORS) {
    const sample = sampleFor.get(spec.id)!;
    test(`${spec.id}: true positives — finds the value exactly, in several random instances`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const { text, value, start } = renderSample(sample, rng(seed * 7919 + spec.id.length));
        const matches = scanText(text, compiled);
        const match = matches.find((m) => m.detector === spec.id);
        assert.ok(match, `seed ${seed}: ${spec.id} did not fire; got ${matches.map((m) => m.detector).join(', ') || 'nothing'}`);
        assert.equal(match.start, start, `seed ${seed}: start`);
        assert.equal(match.end, start + value.length, `seed ${seed}: end`);
      }
    });
    test(`${spec.id}: false positives — placeholders and lookalikes do not fire`, () => {
      const degenerate = renderSample(sample, degenerateRng).text;
      const negatives = [degenerate, ...(sample.negative ? [sample.negative] : []), ...(spec.fps ?? []), ...lookalikesFromSpec(spec, rng(spec.id.length))];
      for (const text of negatives) {
        const matches = scanText(text, compiled).filter((m) => m.detector === spec.id);
        assert.deepEqual(matches, [], `fired on a ${text.length}-char negative case`);
      }
    });
  }
});
