// Protected code by content: the fingerprint index over ≥ 1,000,000 generated lines of
// real-looking proprietary code (test/support/codeGenerator.ts: projects in TypeScript, Python,
// Go and Java, each with its own vocabulary), public code = the third-party sources in this
// repository's node_modules. Figures: index build (lines/s, memory per million lines),
// incremental update of one file, lookup and full decision per 64 KB / 1 MB request beside
// a JSON.parse + indexOf baseline, and the detection-quality table.
//
// FP_BENCH_LINES overrides the corpus size (default 1,000,000) for a quick run.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../extension/cli/fingerprint/workspaceIndex';
import { parseBody } from '../../extension/core/dialects';
import { FingerprintIndex, queryGrams, type FingerprintParams } from '../../extension/core/fingerprint';
import { loadLayeredPolicy } from '../../extension/core/policy';
import { createNodePolicyReader } from '../../extension/cli/policySource';
import { generateProjects, renameAndReformat, rng, type GeneratedFile, type Rng } from '../support/codeGenerator';
import { collectGarbage, stats, time, type Bench } from './bench';

const NODE_MODULES = join(__dirname, '..', '..', 'node_modules');
const PUBLIC_CODE = /\.(?:[cm]?js|ts|py|go)$/;

/** Third-party source files (no minified bundles), split by package into an exclusion half and a test half. */
export function publicCorpus(limitBytes: number): { exclusion: string[]; test: string[]; bytes: number } {
  const exclusion: string[] = [];
  const tested: string[] = [];
  let bytes = 0;
  const walk = (dir: string, pkg: string | undefined) => {
    if (bytes > limitBytes) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (bytes > limitBytes) return;
      const full = join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (name === '.bin') continue;
        const scoped = name.startsWith('@');
        walk(full, pkg ?? (dir === NODE_MODULES && !scoped ? name : dir.endsWith('node_modules') || dir.split('/').pop()?.startsWith('@') ? `${dir.split('/').pop()}/${name}` : pkg));
      } else if (PUBLIC_CODE.test(name) && !name.includes('.min.') && st.size < 300_000) {
        const text = readFileSync(full, 'utf8');
        if (text.split('\n').some((l) => l.length > 1000)) continue; // bundled or minified
        bytes += text.length;
        (hash(pkg ?? name) % 2 === 0 ? exclusion : tested).push(text);
      }
    }
  };
  walk(NODE_MODULES, undefined);
  return { exclusion, test: tested, bytes };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}

function snippet(text: string, r: Rng): { text: string; from: number } {
  const lines = text.split('\n');
  const len = 8 + Math.floor(r() * 33);
  const from = Math.floor(r() * Math.max(1, lines.length - len));
  return { text: lines.slice(from, from + len).join('\n'), from };
}

function requestBody(text: string): string {
  return JSON.stringify({ model: 'gpt-x', messages: [{ role: 'system', content: 'You are a coding assistant.' }, { role: 'user', content: `Explain this code:\n${text}` }] });
}

export default async function fingerprintBench(b: Bench): Promise<void> {
  const targetLines = Number(process.env['FP_BENCH_LINES'] ?? 1_000_000);
  let t = performance.now();
  const files = generateProjects(targetLines, 1);
  const lines = files.reduce((n, f) => n + f.text.split('\n').length - 1, 0);
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  b.figure('protected corpus (generated projects)', `${files.length} files, ${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(1)} MB (generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

  // Index build.
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  t = performance.now();
  const index = new FingerprintIndex();
  for (const f of files) index.add(f.path, f.text);
  const buildMs = performance.now() - t;
  collectGarbage();
  const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const perMillion = 1e6 / lines;
  b.figure('index build', `${(buildMs / 1000).toFixed(2)} s, ${Math.round(lines / (buildMs / 1000)).toLocaleString('en')} lines/s, ${index.fingerprintCount.toLocaleString('en')} fingerprints`);
  b.figure('index memory per million lines (typed arrays)', `${((index.memoryBytes() * perMillion) / 2 ** 20).toFixed(1)} MiB`);
  b.figure('index memory per million lines (heap + buffers delta)', `${(((heapAfter - heapBefore) * perMillion) / 2 ** 20).toFixed(1)} MiB`);

  // Public-code exclusion.
  const pub = publicCorpus(80e6);
  t = performance.now();
  for (const text of pub.exclusion) index.excludeText(text);
  const excludeMs = performance.now() - t;
  const exclusionBytes = pub.exclusion.reduce((n, s) => n + s.length, 0);
  b.figure('public-code exclusion (node_modules, half of the packages)', `${pub.exclusion.length} files, ${(exclusionBytes / 1e6).toFixed(1)} MB in ${(excludeMs / 1000).toFixed(2)} s (${(exclusionBytes / 1e6 / (excludeMs / 1000)).toFixed(0)} MB/s), ${index.excludedCount} protected hashes left out`);

  // Incremental update of one file (the watcher's work after a save, without the disk read).
  const r = rng(17);
  const updates: number[] = [];
  for (let i = 0; i < 300; i++) {
    const f = files[Math.floor(r() * files.length)]!;
    // A saved edit: one statement added near the top (new k-grams, most of the file unchanged).
    const edited = f.text.replace(/\n\n/, `\n\nconst edited${i} = recompute(${i}, options.limit);\n`);
    const started = performance.now();
    index.add(f.path, edited);
    updates.push(performance.now() - started);
  }
  const upd = stats(updates);
  b.figure('incremental update of one file (re-fingerprint + replace), p50 / p99', `${upd.p50.toFixed(3)} / ${upd.p99.toFixed(3)} ms (files of 40-440 lines)`);
  // The same through the workspace index, as the file watcher does it: stat + read + re-index.
  const dir = mkdtempSync(join(tmpdir(), 'airlock-fp-bench-'));
  const saved: number[] = [];
  try {
    const target = files[3]!;
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'file.ts'), target.text);
    const wi = WorkspaceIndex.start({ root: dir, isProtected: () => true, cacheDir: null, watch: false });
    await wi.ready;
    wi.index = index; // the million-line index, so the update lands in a full-size table
    for (let i = 0; i < 200; i++) {
      writeFileSync(join(dir, 'src', 'file.ts'), target.text.replace(/\n\n/, `\n\nconst saved${i} = recompute(${i});\n`));
      const started = performance.now();
      await wi.update('src/file.ts');
      saved.push(performance.now() - started);
    }
    await wi.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const disk = stats(saved);
  b.figure('workspace index update after a save (stat + read + re-index), p50 / p99', `${disk.p50.toFixed(3)} / ${disk.p99.toFixed(3)} ms (${files[3]!.text.split('\n').length} lines)`);
  b.target('fingerprint index incremental update of one file, p50', `${upd.p50.toFixed(3)} ms (p99 ${upd.p99.toFixed(3)} ms; with the disk read p50 ${disk.p50.toFixed(3)} ms)`, '≤ 5 ms', upd.p50 <= 5 && disk.p50 <= 5);

  // Lookup per request, beside JSON.parse + one indexOf pass over the same body.
  const loaded = await loadLayeredPolicy({ workspace: 'airlock:meta-style' }, createNodePolicyReader());
  if (!loaded.ok) throw new Error('airlock:meta-style did not load');
  // Request text: real third-party code (not protected), with one protected 40-line snippet in the middle.
  const unrelated = pub.test.join('\n');
  const planted = files[7]!.text.split('\n').slice(10, 50).join('\n');
  for (const [label, size] of [['64 KB', 64 * 1024], ['1 MB', 1024 * 1024]] as const) {
    const half = unrelated.slice(0, (size - planted.length) / 2);
    const body = requestBody(`${half}\n${planted}\n${unrelated.slice(half.length, size - planted.length)}`);
    const baseline = stats(await time(() => JSON.parse(body) && body.indexOf('\u0000never\u0000'), 51, 20));
    const text = (JSON.parse(body) as { messages: { content: string }[] }).messages[1]!.content;
    const lookup = stats(await time(() => index.match(text), 51, 20));
    if (!index.match(text).some((m) => m.source === files[7]!.path)) throw new Error('the planted snippet was not found');
    const tokenize = stats(await time(() => queryGrams(text), 51, 20));
    const decision = stats(
      await time(() => {
        const parsed = parseBody('openai-chat', body, { destination: 'https://api.openai.com/v1/chat/completions' });
        return loaded.policy.evaluateEgress(parsed.request, { protectedIndex: index });
      }, 51, 20),
    );
    const noIndex = stats(
      await time(() => {
        const parsed = parseBody('openai-chat', body, { destination: 'https://api.openai.com/v1/chat/completions' });
        return loaded.policy.evaluateEgress(parsed.request);
      }, 51, 20),
    );
    b.figure(`${label} request (public code + one protected snippet): baseline JSON.parse + indexOf, p50`, `${baseline.p50.toFixed(3)} ms`);
    b.figure(`${label} request: fingerprint lookup (tokenize + match), p50`, `${lookup.p50.toFixed(3)} ms (tokenize alone ${tokenize.p50.toFixed(3)} ms)`);
    b.figure(`${label} request: meta-style decision with / without the index, p50`, `${decision.p50.toFixed(3)} / ${noIndex.p50.toFixed(3)} ms`);
    // What the index adds to the decision; the rest (parse, secrets scan, rules) is there without it.
    b.figure(`${label} request: the index's share of the decision (with − without), p50`, `${(decision.p50 - noIndex.p50).toFixed(3)} ms; without the index the decision is ${(noIndex.p50 - baseline.p50).toFixed(3)} ms over the baseline`);
    const added = decision.p50 - baseline.p50;
    if (size === 64 * 1024) b.target('decision with 1M-line index, 64 KB, p50 minus baseline', `${added.toFixed(3)} ms`, '≤ 1 ms', added <= 1);
    else b.target('decision with 1M-line index, 1 MB, p50 minus baseline', `${added.toFixed(3)} ms`, '≤ 10 ms', added <= 10);
  }

  // Detection quality.
  const quality = measureQuality(index, files, pub.test);
  console.log('\n  detection quality (k=%d, window=%d; snippets of 8-40 lines at random offsets)', index.params.k, index.params.window);
  console.log(`  ${'case'.padEnd(58)} ${'found'.padStart(12)} ${'rate'.padStart(8)}`);
  for (const row of quality.rows) console.log(`  ${row.label.padEnd(58)} ${`${row.found}/${row.of}`.padStart(12)} ${`${((100 * row.found) / row.of).toFixed(1)}%`.padStart(8)}`);
  b.target('verbatim snippets found', `${quality.verbatim.toFixed(1)}%`, '≥ 99%', quality.verbatim >= 99);
  b.target('renamed + reformatted snippets found', `${quality.renamed.toFixed(1)}%`, '≥ 90%', quality.renamed >= 90);
  b.target('matches on public code (snippets of the held-out half)', `${quality.publicMatches}`, '0', quality.publicMatches === 0);
}

function measureQuality(index: FingerprintIndex, files: GeneratedFile[], publicTest: string[]) {
  const r = rng(5);
  const n = 2000;
  let verbatim = 0;
  let renamed = 0;
  for (let i = 0; i < n; i++) {
    const f = files[Math.floor(r() * files.length)]!;
    const s = snippet(f.text, r);
    if (index.match(s.text).some((m) => m.source === f.path)) verbatim++;
    if (index.match(renameAndReformat(s.text, r)).some((m) => m.source === f.path)) renamed++;
  }
  let publicSnippets = 0;
  const publicN = Math.min(5000, publicTest.length * 3);
  for (let i = 0; i < publicN; i++) {
    const text = publicTest[Math.floor(r() * publicTest.length)]!;
    if (index.match(snippet(text, r).text).length > 0) publicSnippets++;
  }
  let publicFiles = 0;
  for (const text of publicTest) if (index.match(text).length > 0) publicFiles++;
  // Without the exclusion: what the exclusion buys (same index parameters, fresh index).
  const rows = [
    { label: 'protected snippets, verbatim', found: verbatim, of: n },
    { label: 'protected snippets, every identifier renamed + reformatted', found: renamed, of: n },
    { label: 'public snippets (held-out packages) matched', found: publicSnippets, of: publicN },
    { label: 'public files (held-out packages), whole file matched', found: publicFiles, of: publicTest.length },
  ];
  return { rows, verbatim: (100 * verbatim) / n, renamed: (100 * renamed) / n, publicMatches: publicSnippets };
}

export type { FingerprintParams };
