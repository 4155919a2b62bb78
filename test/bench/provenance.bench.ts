// Provenance: per-change tracking cost in a large document, and `airlock check --all` on a
// large generated repository (run through the built CLI, node start-up included).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContribution, buildReview } from '../../extension/core/ledger/contribution';
import { locateSpans } from '../../extension/core/ledger/check';
import { foldLedger } from '../../extension/core/ledger/fold';
import { serializeRecord, type LedgerRecord } from '../../extension/core/ledger/records';
import { indexFile } from '../../extension/core/provenance/anchor';
import { ProvenanceTracker } from '../../extension/core/provenance/tracker';
import { stats, time, type Bench } from './bench';

function rng(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

function codeLine(i: number): string {
  return `  const value${i} = compute(${i}, options.factor * ${i % 97}); // step ${i}`;
}

async function trackingCost(b: Bench): Promise<void> {
  const lineCount = 10_000;
  const text = Array.from({ length: lineCount }, (_, i) => codeLine(i)).join('\n');
  // 1,000 AI ranges of 5 lines, one every 10 lines.
  const ranges = Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, startLine: i * 10 + 3, endLine: i * 10 + 7 }));
  const tracker = new ProvenanceTracker(text, ranges);
  let doc = text;
  const rand = rng(7);
  const changes: { offset: number; deletedLength: number; insertedText: string }[] = [];
  const samples: number[] = [];
  const baseline: number[] = [];
  const edits = ['x', '', 'foo', '\n', '\n  let y = 2;', ''];
  for (let i = 0; i < 20_000; i++) {
    const offset = rand(doc.length);
    const deletedLength = Math.min(rand(4), doc.length - offset);
    const insertedText = edits[rand(edits.length)]!;
    const change = { offset, deletedLength, insertedText };
    changes.push(change);
    let t = performance.now();
    tracker.applyChange(change);
    samples.push((performance.now() - t) * 1000);
    t = performance.now();
    doc = doc.slice(0, offset) + insertedText + doc.slice(offset + deletedLength);
    baseline.push((performance.now() - t) * 1000);
  }
  const tracked = stats(samples.slice(2000));
  const spliced = stats(baseline.slice(2000));
  b.figure('document', `${lineCount.toLocaleString()} lines, ${ranges.length} AI ranges, ${changes.length.toLocaleString()} random edits`);
  b.figure('tracker.applyChange p50 / p99', `${tracked.p50.toFixed(1)} µs / ${tracked.p99.toFixed(1)} µs`);
  b.figure('baseline: string splice of the same change p50 / p99', `${spliced.p50.toFixed(1)} µs / ${spliced.p99.toFixed(1)} µs`);
  b.figure('AI ranges left after the edits', String(tracker.ranges().length));
  b.target('provenance: per-change tracking p50', `${tracked.p50.toFixed(1)} µs`, '≤ 50 µs', tracked.p50 <= 50);
}

async function checkAll(b: Bench): Promise<void> {
  const files = 5000;
  const linesPerFile = 100;
  const rangesPerFile = 4;
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-prov-'));
  try {
    spawnSync('git', ['init', '-q'], { cwd: dir });
    mkdirSync(join(dir, '.airlock'), { recursive: true });
    writeFileSync(join(dir, '.airlock/policy.jsonc'), '{ "extends": ["airlock:meta-style"] }\n');
    const records: LedgerRecord[] = [];
    const time0 = new Date('2026-01-01T00:00:00Z').getTime();
    let n = 0;
    for (let f = 0; f < files; f++) {
      const path = `src/m${Math.floor(f / 100)}/file${f}.ts`;
      const lines = Array.from({ length: linesPerFile }, (_, i) => `${codeLine(i)} /* ${f} */`);
      mkdirSync(join(dir, 'src', `m${Math.floor(f / 100)}`), { recursive: true });
      writeFileSync(join(dir, path), lines.join('\n') + '\n');
      for (let r = 0; r < rangesPerFile; r++) {
        const startLine = r * 25 + 5;
        const c = buildContribution({ id: `c${n++}`, time: new Date(time0 + n).toISOString(), path, fileLines: lines, startLine, endLine: startLine + 4, tool: 'copilot', model: 'gpt-4o', channel: 'inline-completion', confidence: 1 });
        records.push(c);
        if (r % 2 === 0) {
          const located = locateSpans([...foldLedger([c]).spans.values()], indexFile(lines));
          records.push(buildReview('approve', { name: 'R', email: 'r@example.com' }, `r${n}`, new Date(time0 + n + 0.5).toISOString(), path, located, lines));
        }
      }
    }
    mkdirSync(join(dir, '.airlock/ledger'), { recursive: true });
    writeFileSync(join(dir, '.airlock/ledger/ledger.jsonl'), records.map(serializeRecord).join(''));
    const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
    let violations = 0;
    const runs = await time(() => {
      const r = spawnSync(process.execPath, [cli, 'check', '--all', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      violations = (JSON.parse(r.stdout) as { violations: unknown[] }).violations.length;
    }, 3, 1);
    const version = await time(() => spawnSync(process.execPath, [cli, 'version']), 3, 1);
    const s = stats(runs);
    b.figure('corpus', `${files.toLocaleString()} files, ${(files * linesPerFile).toLocaleString()} lines, ${n.toLocaleString()} AI ranges, ${records.length.toLocaleString()} ledger records`);
    b.figure('airlock check --all (median of 3)', `${s.median.toFixed(0)} ms, ${violations.toLocaleString()} unreviewed ranges found`);
    b.figure('baseline: `airlock version` (node start-up)', `${stats(version).median.toFixed(0)} ms`);
    b.target('provenance: check --all on 5,000 files / 20,000 ranges', `${s.median.toFixed(0)} ms`, '< 2000 ms', s.median < 2000);
  } finally {
    if (process.env.AIRLOCK_BENCH_KEEP) console.log(`  (kept ${dir})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (b: Bench): Promise<void> {
  await trackingCost(b);
  await checkAll(b);
}
