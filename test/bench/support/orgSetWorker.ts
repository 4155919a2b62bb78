// Worker for orgset.bench.ts: generates repositories by seed and returns their org-set keys
// (only keys cross back: the code is dropped right after it is fingerprinted, as in CI).
import { parentPort, workerData } from 'node:worker_threads';
import { orgKeysOf } from '../../../extension/core/fingerprint/orgSet';
import { generateProjects } from '../../support/codeGenerator';

const { seeds, linesPerRepo } = workerData as { seeds: number[]; linesPerRepo: number };
for (const seed of seeds) {
  const started = performance.now();
  const files = generateProjects(linesPerRepo, seed);
  const generatedMs = performance.now() - started;
  let lines = 0;
  let bytes = 0;
  const parts = files.map((f) => {
    lines += f.text.split('\n').length - 1;
    bytes += f.text.length;
    return orgKeysOf(f.text);
  });
  const n = parts.reduce((s, p) => s + p.hi.length, 0);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  let at = 0;
  for (const p of parts) {
    hi.set(p.hi, at);
    lo.set(p.lo, at);
    at += p.hi.length;
  }
  const keysMs = performance.now() - started - generatedMs;
  parentPort!.postMessage({ seed, lines, bytes, hi, lo, generatedMs, keysMs }, [hi.buffer, lo.buffer]);
}
