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
import { indexFile, indexText, reanchor } from '../../extension/core/provenance/anchor';
import { trackLine } from '../../extension/core/provenance/anchor';
import { ProvenanceTracker } from '../../extension/core/provenance/tracker';
import { IDENT, normalizedTokens } from '../../extension/core/fingerprint/tokenize';
import { generateProjects } from '../support/codeGenerator';
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

/** A git fast-import stream writer (the only quick way to make 10,000 commits). */
class FastImport {
  private readonly parts: Buffer[] = [];
  private mark = 0;
  private time = 1_700_000_000;

  commit(branch: string, message: string, files: [string, string][], from?: string): number {
    const mark = ++this.mark;
    const head = `commit refs/heads/${branch}\nmark :${mark}\ncommitter Bench <bench@example.com> ${this.time++} +0000\n${data(message)}${from ? `from ${from}\n` : ''}`;
    this.parts.push(Buffer.from(head));
    for (const [path, text] of files) this.parts.push(Buffer.from(`M 100644 inline ${path}\n${data(text)}`));
    this.parts.push(Buffer.from('\n'));
    return mark;
  }

  run(dir: string): void {
    const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(this.parts), maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr}`);
  }
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/**
 * `check --range main..pr` over 10,001 commits and a ledger of 100,000 records: main has 5,000
 * files with 5 AI contributions each (4 approved); the PR's 10,000 commits each touch one file
 * (change 5,000, add 5,000) and its last commit appends the new files' 50,000 records.
 */
export async function checkRange(b: Bench): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-range-'));
  try {
    spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    const files = 10_000;
    const linesPerFile = 30;
    const time0 = new Date('2026-01-01T00:00:00Z').getTime();
    let n = 0;
    const fileText = (f: number, extra: boolean) =>
      Array.from({ length: linesPerFile }, (_, i) => `${codeLine(i)} /* f${f} */`).join('\n') + '\n' + (extra ? `// touched by a person in commit ${f}\n` : '');
    const recordsFor = (f: number): string => {
      const path = `src/m${Math.floor(f / 100)}/file${f}.ts`;
      const lines = fileText(f, false).split('\n');
      let out = '';
      for (let r = 0; r < 5; r++) {
        const startLine = r * 6 + 2;
        const c = buildContribution({ id: `c${f}-${r}`, time: new Date(time0 + n++).toISOString(), path, fileLines: lines, startLine, endLine: startLine + 2, tool: 'copilot', model: 'gpt-4o', channel: 'inline-completion', confidence: 1 });
        const approved = r < 4 ? locateSpans([...foldLedger([c]).spans.values()], indexFile(lines)) : [];
        out += serializeRecord(c);
        out += serializeRecord(
          r < 4
            ? buildReview('approve', { name: 'R', email: 'r@example.com' }, `r${f}-${r}`, new Date(time0 + n++).toISOString(), path, approved, lines)
            : buildContribution({ id: `x${f}-${r}`, time: new Date(time0 + n++).toISOString(), path, fileLines: lines, startLine: 1, endLine: 1, tool: 'copilot', channel: 'inline-completion', confidence: 1 }),
        );
      }
      return out;
    };
    const policy = '{ "extends": ["airlock:secrets"], "review": [{ "id": "human-approval", "paths": ["**"], "action": "require-approval" }] }\n';
    let baseLedger = '';
    for (let f = 0; f < files / 2; f++) baseLedger += recordsFor(f);
    let prLedger = baseLedger;
    for (let f = files / 2; f < files; f++) prLedger += recordsFor(f);
    const fi = new FastImport();
    const baseFiles: [string, string][] = [['.airlock/policy.jsonc', policy], ['.airlock/ledger/ledger.jsonl', baseLedger]];
    for (let f = 0; f < files / 2; f++) baseFiles.push([`src/m${Math.floor(f / 100)}/file${f}.ts`, fileText(f, false)]);
    const main = fi.commit('main', 'base', baseFiles);
    let prev = `:${main}`;
    for (let f = 0; f < files; f++) {
      const changes: [string, string][] = [[`src/m${Math.floor(f / 100)}/file${f}.ts`, fileText(f, f < files / 2)]];
      if (f === files - 1) changes.push(['.airlock/ledger/ledger.jsonl', prLedger]);
      prev = `:${fi.commit('pr', `commit ${f}`, changes, prev)}`;
    }
    fi.run(dir);
    const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
    let violations = 0;
    let rss = 0;
    const runs = await time(() => {
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'check', '--range', 'main..pr', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      violations = (JSON.parse(r.stdout) as { violations: unknown[] }).violations.length;
      rss = Number(r.stderr.trim().split('\n').pop()) / 1024;
    }, 3, 1);
    const revList = await time(() => spawnSync('git', ['rev-list', '--count', 'main..pr'], { cwd: dir }), 3, 1);
    const s = stats(runs);
    b.figure('repository', `${(files + 1).toLocaleString()} commits, ${files.toLocaleString()} files changed, ${prLedger.split('\n').length - 1} ledger records (${(prLedger.length / 1e6).toFixed(0)} MB)`);
    b.figure('airlock check --range main..pr (median of 3)', `${s.median.toFixed(0)} ms, ${rss.toFixed(0)} MB RSS, ${violations.toLocaleString()} unreviewed ranges`);
    b.figure('baseline: git rev-list --count main..pr', `${stats(revList).median.toFixed(0)} ms`);
    b.target('provenance: check --range, 10,000 commits / 100,000 records', `${s.median.toFixed(0)} ms`, '≤ 2000 ms', s.median <= 2000);
  } finally {
    if (process.env.AIRLOCK_BENCH_KEEP) console.log(`  (kept ${dir})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Every identifier renamed consistently, layout kept (a rename refactoring, not a reformat). */
function renameIdentifiers(text: string): string {
  const tokens = normalizedTokens(text);
  const names = new Map<string, string>();
  let out = '';
  let at = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens.codes[i] !== IDENT) continue;
    const name = text.slice(tokens.starts[i], tokens.ends[i]);
    let renamed = names.get(name);
    if (!renamed) names.set(name, (renamed = `r${names.size}_${name.length}`));
    out += text.slice(at, tokens.starts[i]) + renamed;
    at = tokens.ends[i]!;
  }
  return out + text.slice(at);
}

/** Re-anchoring a 1,000-line AI file after every identifier in it was renamed (shapes, not anchors, find it). */
export async function renameReanchor(b: Bench): Promise<void> {
  const generated = generateProjects(3000, 13).find((f) => f.path.endsWith('.ts') || f.path.endsWith('.go') || f.path.endsWith('.java')) ?? generateProjects(3000, 13)[0]!;
  let source = generated.text;
  while (source.split('\n').length < 1001) source += generated.text;
  const original = source.split('\n').slice(0, 1000);
  const renamed = renameIdentifiers(original.join('\n')).split('\n');
  const tracked = original.map((l) => trackLine(l));
  const text = ['// header added by a person', ...renamed].join('\n');
  const changed = renamed.filter((l, i) => l !== original[i]).length;
  let found = 0;
  let right = 0;
  const runs = await time(() => {
    const placed = reanchor(tracked, 1, indexText(text));
    found = placed.length;
    right = placed.filter((p) => p.fileLine === p.index + 1).length;
  }, 7, 2);
  const exact = await time(() => reanchor(tracked, 2, indexText(['// header', ...original].join('\n'))).length, 7, 2);
  const s = stats(runs);
  b.figure('1,000-line AI file (generated), identifiers renamed, 1 line inserted above', `${changed} lines changed by the rename; ${found} still AI, ${right} at the right line`);
  b.figure('re-anchor after rename (median of 7)', `${s.median.toFixed(1)} ms`);
  b.figure('baseline: re-anchor of the unchanged, moved file', `${stats(exact).median.toFixed(1)} ms`);
  b.target('provenance: re-anchor after renaming every identifier, 1,000 lines', `${s.median.toFixed(1)} ms`, '≤ 50 ms', s.median <= 50);
}

/**
 * `check --all` with a 100 MB ledger: 5,000 files, 20,000 contributions (half approved) and the
 * editor's churn on them — update records moving each span back and forth — until the ledger is
 * 100 MB, committed (so the append-only proof against HEAD runs too).
 */
export async function hundredMegabytes(b: Bench): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-100mb-'));
  try {
    spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    const files = 5000;
    const linesPerFile = 100;
    const target = 100 * 1024 * 1024;
    const time0 = new Date('2026-01-01T00:00:00Z').getTime();
    const tree: [string, string][] = [['.airlock/policy.jsonc', '{ "extends": ["airlock:meta-style"] }\n']];
    const contributions: { c: ReturnType<typeof buildContribution>; lines: string[] }[] = [];
    const parts: string[] = [];
    let size = 0;
    let n = 0;
    const push = (r: LedgerRecord) => {
      const line = serializeRecord(r);
      parts.push(line);
      size += line.length;
    };
    for (let f = 0; f < files; f++) {
      const path = `src/m${Math.floor(f / 100)}/file${f}.ts`;
      const lines = Array.from({ length: linesPerFile }, (_, i) => `${codeLine(i)} /* ${f} */`);
      tree.push([path, lines.join('\n') + '\n']);
      for (let r = 0; r < 4; r++) {
        const startLine = r * 25 + 5;
        const c = buildContribution({ id: `c${f}-${r}`, time: new Date(time0 + n++).toISOString(), path, fileLines: lines, startLine, endLine: startLine + 4, tool: 'copilot', model: 'gpt-4o', channel: 'inline-completion', confidence: 1 });
        push(c);
        contributions.push({ c, lines });
        if (r % 2 === 0) push(buildReview('approve', { name: 'R', email: 'r@example.com' }, `r${f}-${r}`, new Date(time0 + n++).toISOString(), path, locateSpans([...foldLedger([c]).spans.values()], indexFile(lines)), lines));
      }
    }
    // Editor churn: each span replaced by an update (same place), round after round.
    const last = new Map(contributions.map(({ c }) => [c.id, c.id]));
    for (let round = 0; size < target; round++) {
      for (const { c, lines } of contributions) {
        if (size >= target) break;
        const id = `u${round}-${c.id}`;
        push({
          airlock: 1,
          type: 'update',
          id: `${id}-rec`,
          time: new Date(time0 + n++).toISOString(),
          replaces: [last.get(c.id)!],
          root: c.id,
          reason: 'edited',
          spans: [{ id, path: c.path, startLine: c.startLine, endLine: c.endLine, lines: lines.slice(c.startLine - 1, c.endLine).map((l) => trackLine(l)) }],
        });
        last.set(c.id, id);
      }
    }
    const ledger = parts.join('');
    tree.push(['.airlock/ledger/ledger.jsonl', ledger]);
    const fi = new FastImport();
    fi.commit('main', 'base', tree);
    fi.run(dir);
    spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
    const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
    let violations = 0;
    let rss = 0;
    const coldStart = performance.now();
    const cold = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'check', '--all', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
    const coldMs = performance.now() - coldStart;
    const coldRss = Number(cold.stderr.trim().split('\n').pop()) / 1024;
    const runs = await time(() => {
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'check', '--all', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      violations = (JSON.parse(r.stdout) as { violations: unknown[] }).violations.length;
      rss = Number(r.stderr.trim().split('\n').pop()) / 1024; // the last run: the fold cache is warm
    }, 3, 0);
    const s = stats(runs);
    b.figure('first run (no fold cache yet: streams and folds all 100 MB, writes the cache)', `${coldMs.toFixed(0)} ms, ${coldRss.toFixed(0)} MB RSS`);
    b.figure('ledger', `${(size / 1024 / 1024).toFixed(0)} MB, ${parts.length.toLocaleString()} records (${contributions.length.toLocaleString()} contributions), ${files.toLocaleString()} files`);
    b.figure('airlock check --all (median of 3, after one run that writes the fold cache)', `${s.median.toFixed(0)} ms, ${rss.toFixed(0)} MB RSS, ${violations.toLocaleString()} unreviewed ranges`);
    b.target('provenance: check --all with a 100 MB ledger, time', `${s.median.toFixed(0)} ms`, '≤ 1000 ms', s.median <= 1000);
    b.target('provenance: check --all with a 100 MB ledger, memory', `${rss.toFixed(0)} MB RSS`, '≤ 150 MB', rss <= 150);
  } finally {
    if (process.env.AIRLOCK_BENCH_KEEP) console.log(`  (kept ${dir})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (b: Bench): Promise<void> {
  await trackingCost(b);
  await checkAll(b);
  await renameReanchor(b);
  await checkRange(b);
  await hundredMegabytes(b);
}
