// The editor's per-change work (issue 6): on every change event, ReviewService applies the
// change to the document's ProvenanceTracker and the marks module asks for the live pending
// ranges and turns them into decoration ranges. This measures that handler in plain Node
// (VS Code's own setDecorations round trip excluded) on a 10,000-line file with 1,000 AI
// ranges, beside a baseline of the bare tracker update. Also: loading the extension bundle.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ProvenanceTracker } from '../../extension/core/provenance/tracker';
import { stats, type Bench } from './bench';

function codeLine(i: number): string {
  return `  const value${i} = compute(${i}, options.factor * ${i % 97}); // step ${i}`;
}

export default async function editorBench(b: Bench): Promise<void> {
  const text = Array.from({ length: 10_000 }, (_, i) => codeLine(i)).join('\n');
  const ranges = Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, startLine: i * 10 + 3, endLine: i * 10 + 7 }));
  const pendingRoots = new Set(ranges.map((r) => r.id));
  const tracker = new ProvenanceTracker(text, ranges);
  const bare = new ProvenanceTracker(text, ranges);
  let length = text.length;
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const edits = ['x', '', 'y', '\n', 'foo(', ''];
  const handler: number[] = [];
  const baseline: number[] = [];
  let decorations = 0;
  for (let i = 0; i < 5_000; i++) {
    const offset = rand(length);
    const deletedLength = Math.min(rand(3), length - offset);
    const insertedText = edits[rand(edits.length)]!;
    const change = { offset, deletedLength, insertedText };
    let t = performance.now();
    bare.applyChange(change);
    baseline.push((performance.now() - t) * 1000);
    t = performance.now();
    // What one change event costs Airlock: track, then compute the decoration ranges.
    tracker.applyChange(change);
    const live = tracker.ranges().filter((r) => pendingRoots.has(r.id));
    decorations = live.map((r) => [r.startLine - 1, 0, r.endLine - 1, 0]).length;
    handler.push((performance.now() - t) * 1000);
    length += insertedText.length - deletedLength;
  }
  const h = stats(handler.slice(500));
  const base = stats(baseline.slice(500));
  b.figure('document', `10,000 lines, 1,000 AI ranges (${decorations} decorated at the end), 5,000 random edits`);
  b.figure('change handler (track + decoration ranges) p50 / p99', `${h.p50.toFixed(1)} µs / ${h.p99.toFixed(1)} µs`);
  b.figure('baseline: tracker.applyChange alone p50 / p99', `${base.p50.toFixed(1)} µs / ${base.p99.toFixed(1)} µs`);
  b.figure('ratio handler / baseline (p50)', `${(h.p50 / base.p50).toFixed(1)}x`);
  b.target('editor: marks handler per change event p50', `${(h.p50 / 1000).toFixed(3)} ms`, '≤ 1 ms', h.p50 <= 1000);

  // Loading the extension's bundle (what activation pays before activate() runs), in a fresh
  // process with a stub for the vscode module; the engine bundle is not loaded at activation.
  const root = join(__dirname, '..', '..');
  const probe = `const M=require('module');const o=M._load;M._load=function(r,...a){return r==='vscode'?new Proxy({}, {get:()=>function(){}}):o.call(this,r,...a)};const t=performance.now();require(${JSON.stringify(join(root, 'dist', 'extension.js'))});process.stdout.write(String(performance.now()-t))`;
  const samples: number[] = [];
  const bareNode: number[] = [];
  for (let i = 0; i < 7; i++) {
    samples.push(Number(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout));
    const empty = `const t=performance.now();require('node:path');process.stdout.write(String(performance.now()-t))`;
    bareNode.push(Number(spawnSync(process.execPath, ['-e', empty], { encoding: 'utf8' }).stdout));
  }
  const load = stats(samples);
  b.figure('require(dist/extension.js) median', `${load.median.toFixed(1)} ms (baseline: require of a built-in ${stats(bareNode).median.toFixed(2)} ms)`);
  b.target('extension bundle load (part of activation)', `${load.median.toFixed(1)} ms`, '< 50 ms', load.median < 50);
}
