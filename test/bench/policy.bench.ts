// Policy loading and egress evaluation. Target (issue 3): loading and compiling each preset
// (parse, resolve extends, compile globs/detectors/destinations) < 20 ms. Baseline: a plain
// JSON parse of the same preset texts, measured in the same run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { loadPolicy, type PolicyReader } from '../../extension/core/policy';
import { stats, time, type Bench } from './bench';

const PRESETS = ['secrets', 'meta-style', 'strict'];
const DIR = join(__dirname, '..', '..', 'policies');
const TEXTS = new Map(PRESETS.map((name) => [`airlock:${name}`, readFileSync(join(DIR, `${name}.jsonc`), 'utf8')]));
const read: PolicyReader = async (ref) => {
  const text = TEXTS.get(ref);
  if (text === undefined) throw new Error(`no ${ref}`);
  return text;
};

export default async function (b: Bench): Promise<void> {
  for (const name of PRESETS) {
    const ref = `airlock:${name}`;
    const baseline = stats(await time(() => parseJsonc(TEXTS.get(ref)!), 30, 5));
    const load = stats(
      await time(async () => {
        const { ok } = await loadPolicy(ref, read);
        if (!ok) throw new Error(`${ref} did not load`);
      }, 30, 5),
    );
    b.figure(`${ref}: jsonc parse of the file (baseline)`, `${baseline.median.toFixed(3)} ms median`);
    b.figure(`${ref}: load + compile`, `${load.median.toFixed(2)} ms median, p99 ${load.p99.toFixed(2)} ms`);
    b.target(`load+compile ${ref}`, `${load.median.toFixed(2)} ms`, '< 20 ms', load.median < 20);
  }

  // Evaluation of a typical chat request (a few KB of code and prose) under meta-style.
  const { policy } = await loadPolicy('airlock:meta-style', read);
  const code = readFileSync(join(__dirname, '..', '..', 'extension', 'core', 'policy', 'compile.ts'), 'utf8');
  const request = {
    destination: 'http://127.0.0.1:11434/api/chat',
    segments: [
      { id: 'system', role: 'system' as const, text: 'You are a helpful coding assistant.' },
      { id: 'file', role: 'file' as const, path: 'src/compile.ts', text: code },
      { id: 'user', role: 'user' as const, text: 'Why does this function allocate so much? aws_access_key_id = AKIAZ7K2QW5RT6YX3VB4' },
    ],
    referencedPaths: ['src/compile.ts'],
  };
  const bytes = request.segments.reduce((n, s) => n + s.text.length, 0);
  const indexOf = stats(await time(() => request.segments.forEach((s) => s.text.indexOf('\u0000')), 200, 20));
  const evaluate = stats(await time(() => policy.evaluateEgress(request), 200, 20));
  b.figure(`indexOf pass over ${bytes} chars (baseline)`, `${(indexOf.median * 1000).toFixed(1)} µs median`);
  b.figure(`evaluateEgress, meta-style, ${bytes} chars, redact`, `${(evaluate.median * 1000).toFixed(1)} µs median, p99 ${(evaluate.p99 * 1000).toFixed(1)} µs`);
}
