// Scans large inputs on several cores (--jobs; see defaultThreads): worker threads, each with the same policy (compiled once
// per worker from the very texts the main thread read, so every thread judges by the same
// rules), take batches of inputs and send back each input's action and positioned findings.
// Results are put back in input order, so output does not depend on scheduling. Anything that
// goes wrong in a worker is redone on the main thread: the pool is an optimisation, never a
// second engine.
//
// A worker needs ~100 ms to start (load the bundle, compile the policy), about what the main
// thread needs to walk and read 20 MB: so workers are started while the walk is still reading
// (`ScanPool.grow`, called as each input is read), and the main thread scans batches too,
// including, at the end, those a worker still holds: it never waits on one.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EgressOptions } from '../../core/egress/types';
import type { CompiledPolicy } from '../../core/policy/contract';
import { ENGINE_ERROR_RULE, evaluateOne, type InputResult } from './evaluate';

/** One input as the workers see it: text and the two paths the engine and report need. */
export interface PreparedInput {
  text: string;
  display: string;
  request: string | undefined;
}

/** What a worker is started with: enough to compile the policy while the walk goes on. */
export interface WorkerJob {
  /** Policy reference, and the text of every policy file the main thread read for it. */
  policyRef: string;
  policyTexts: Record<string, string>;
  destination: string;
  workspaceRoots: string[];
}

/** The first message every worker gets: what is known only after the walk (the workspace's fingerprint index). */
export interface WorkerSetup {
  /** serializeIndex of the workspace's fingerprint index. */
  protectedIndex?: Uint8Array;
}

/** Messages a worker receives after its setup. */
export interface WorkerBatch {
  batch: PreparedInput[];
}

/** How many inputs the workers answered in the last pooled scan of this process (for tests and benches). */
export const poolStats = { answeredByWorkers: 0, workers: 0 };
// (`workers` counts worker threads; the main thread scans batches as well.)

/**
 * Tests turn the main thread's share off to prove the workers scan (they start slowly under
 * tsx), or give workers another script (`workerEval`) to prove the main thread never waits.
 */
export const poolOptions: { mainThreadScans: boolean; workerEval?: string } = { mainThreadScans: true };

/** Inputs smaller than this in total are scanned on the main thread (a worker costs ~100 ms to start). */
export const POOL_MIN_BYTES = 4 * 1024 * 1024;
/** Inputs are handed out in batches of about this size: small enough that no thread waits long for the last one. */
const BATCH_BYTES = 512 * 1024;
/** One thread per this many bytes at most (a thread must have enough to scan to repay its start). */
const BYTES_PER_THREAD = 1024 * 1024;

/**
 * Threads used when --jobs is not given: one per core but one. A single scanning thread keeps
 * about half of another core busy with V8's background work (optimizing compiles, concurrent
 * and parallel collection): on 2 cores, measured, `--jobs 1` took 0.56 s (0.86 s of CPU) for
 * 20 MB and `--jobs 2` 0.67 s, so a second scanning thread only competes with it.
 */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Threads (the main one included) worth using for `totalBytes` of input; 0 below the threshold. */
export function poolSize(totalBytes: number): number {
  if (totalBytes < POOL_MIN_BYTES) return 0;
  return Math.min(availableParallelism(), 8, Math.ceil(totalBytes / BYTES_PER_THREAD));
}

/**
 * Bundled: dist/scanWorker.js beside dist/cli.js (a bundle of only what a worker runs: it
 * starts ~30 ms sooner than the whole CLI), else the one-file CLI package's cli.js itself
 * (main.ts recognises the flag). From sources (tests, tsx): worker.ts through tsx's require hook.
 */
function startWorker(job: WorkerJob): Worker {
  if (poolOptions.workerEval !== undefined) return new Worker(poolOptions.workerEval, { eval: true, workerData: job });
  if (!__filename.endsWith('.ts')) {
    const own = join(__dirname, 'scanWorker.js');
    return existsSync(own) ? new Worker(own, { workerData: job }) : new Worker(__filename, { workerData: { ...job, airlockScanWorker: true } });
  }
  const source = `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'worker.ts'))});`;
  return new Worker(source, { eval: true, workerData: job });
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  /** The batch it is scanning (indexes into the inputs), if any. */
  batch?: number[];
  done: boolean;
}

/**
 * Worker threads started early (while the walk reads), given batches once `evaluate` is called.
 * Always `close()` it: workers keep the process alive.
 */
export class ScanPool {
  private readonly workers: PoolWorker[] = [];
  private setup: WorkerSetup | undefined;
  private batches: number[][] = [];
  private next = 0;
  private inputs: readonly PreparedInput[] = [];
  private results: (InputResult | undefined)[] = [];
  private settle: (() => void) | undefined;

  constructor(
    private readonly job: WorkerJob,
    /** Most threads to use, the main thread included (--jobs, else defaultThreads()). */
    private maxThreads: number,
  ) {}

  get workerCount(): number {
    return this.workers.length;
  }

  /** Starts the workers `bytesSoFar` of input is worth (never more than maxThreads - 1). */
  grow(bytesSoFar: number): void {
    const wanted = Math.min(this.maxThreads, poolSize(bytesSoFar)) - 1;
    while (this.workers.length < wanted) this.spawn();
  }

  /** Sends every worker (and each one started later) what it needs besides the policy. */
  configure(setup: WorkerSetup): void {
    this.setup = setup;
    for (const w of this.workers) w.worker.postMessage(setup);
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = startWorker(this.job);
    } catch {
      // No threads: the main thread scans everything.
      this.maxThreads = 1;
      return;
    }
    const entry: PoolWorker = { worker, ready: false, done: false };
    this.workers.push(entry);
    if (this.setup) worker.postMessage(this.setup);
    worker.on('message', (message: { ready?: boolean; results?: InputResult[] }) => {
      if (message.ready) entry.ready = true;
      if (message.results && entry.batch) {
        const batch = entry.batch;
        // The main thread may have scanned it already (see evaluate): the first answer stays.
        message.results.forEach((r, k) => (this.results[batch[k]!] ??= r));
        entry.batch = undefined;
      }
      this.feed(entry);
    });
    // A failed worker leaves its batch unanswered: the main thread redoes it at the end.
    const fail = () => {
      entry.done = true;
      entry.batch = undefined;
      this.check();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  private feed(entry: PoolWorker): void {
    if (entry.done || !entry.ready || entry.batch || !this.settle) return;
    const batch = this.batches[this.next];
    if (!batch) {
      entry.done = true;
      this.check();
      return;
    }
    this.next++;
    entry.batch = batch;
    entry.worker.postMessage({ batch: batch.map((i) => this.inputs[i]!) } satisfies WorkerBatch);
  }

  /** Resolves `evaluate` once no batch is left to hand out and no worker holds one. */
  private check(): void {
    if (!this.settle || (this.next < this.batches.length && this.workers.some((w) => !w.done))) return;
    if (this.workers.some((w) => !w.done && w.batch)) return;
    const settle = this.settle;
    this.settle = undefined;
    settle();
  }

  /** Every input's result, in input order, scanned by the workers and the main thread together. */
  async evaluate(
    policy: CompiledPolicy,
    inputs: readonly PreparedInput[],
    onEngineError?: (displayPath: string, error: unknown) => void,
    egressOptions?: EgressOptions,
  ): Promise<InputResult[]> {
    const destination = this.job.destination;
    this.inputs = inputs;
    this.results = new Array<InputResult | undefined>(inputs.length).fill(undefined);
    this.batches = batchesOf(inputs);
    this.next = 0;
    const allHandedOut = new Promise<void>((resolve) => (this.settle = resolve));
    for (const w of this.workers) this.feed(w);
    this.check();
    let answeredByMain = 0;
    const scanHere = (batch: readonly number[]) => {
      for (const i of batch) {
        if (this.results[i] !== undefined) continue;
        // Engine errors are reported below, in input order, whichever thread met them.
        this.results[i] = evaluateOne(policy, inputs[i]!.text, inputs[i]!.display, inputs[i]!.request, destination, undefined, egressOptions);
        answeredByMain++;
      }
    };
    if (poolOptions.mainThreadScans) {
      // The main thread takes batches too, yielding between them so worker messages are served.
      for (let batch = this.batches[this.next]; batch; batch = this.batches[this.next]) {
        this.next++;
        scanHere(batch);
        await new Promise((r) => setImmediate(r));
      }
      // Every batch is handed out. Rather than wait on a worker (a slow start, a cold JIT, a
      // busy core), the main thread scans what the workers still hold as well: the same engine
      // gives the same answer, the first one stays, and the pool is never slower than no pool.
      // (Input by input, yielding, so a worker's answer that arrives meanwhile ends it.)
      for (let held = this.heldBatch(); held; held = this.heldBatch()) {
        for (const i of held) {
          scanHere([i]);
          await new Promise((r) => setImmediate(r));
        }
      }
      this.settle = undefined;
    } else {
      await allHandedOut;
    }
    poolStats.workers = this.workers.length;
    poolStats.answeredByWorkers = this.results.filter((r) => r !== undefined).length - answeredByMain;
    return inputs.map((input, i) => {
      const done = this.results[i];
      if (!done) return evaluateOne(policy, input.text, input.display, input.request, destination, onEngineError, egressOptions);
      if (done.findings.some((f) => f.rule === ENGINE_ERROR_RULE)) onEngineError?.(input.display, undefined);
      return done;
    });
  }

  /** A batch some worker is scanning that still lacks an answer, if any. */
  private heldBatch(): readonly number[] | undefined {
    return this.workers.map((w) => w.batch).find((batch) => batch?.some((i) => this.results[i] === undefined));
  }

  /** Stops every worker (idle, failed, or still scanning a batch the main thread has answered). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate().catch(() => 0)));
  }
}

/** Consecutive inputs, about BATCH_BYTES of text each. */
function batchesOf(inputs: readonly PreparedInput[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let size = 0;
  inputs.forEach((input, i) => {
    current.push(i);
    size += input.text.length;
    if (size >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
