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
import { ENGINE_ERROR_RULE } from './evaluate';
import { scanItem, type ItemResult, type PreparedInput } from './item';

/** One input as the workers see it: text and the two paths the engine and report need. */
export type { PreparedInput } from './item';

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
  /** --max-file-size, for the listed files a worker reads itself. */
  maxFileBytes?: number;
}

/** Messages a worker receives after its setup: a batch, answered `{ id, results }` in order (null for an input it skipped). */
export interface WorkerBatch {
  id: number;
  batch: PreparedInput[];
  /** Set to 1 (on shared memory) when the main thread has taken the batch back: the worker skips what is left. */
  cancel?: Int32Array;
}

/** Opens each scan a worker takes part in (a kept worker gets one per scan: see poolOptions.keepWorkers). */
export interface WorkerSetupMessage {
  setup: WorkerSetup;
  job: WorkerJob;
}

/** How many inputs the workers answered in the last pooled scan of this process (for tests and benches). */
export const poolStats = { answeredByWorkers: 0, workers: 0 };
// (`workers` counts worker threads; the main thread scans batches as well.)

/**
 * Tests turn the main thread's share off to prove the workers scan (they start slowly under
 * tsx), or give workers another script (`workerEval`) to prove the main thread never waits.
 */
export const poolOptions: {
  mainThreadScans: boolean;
  workerEval?: string;
  /**
   * The scan server (server.ts) keeps workers between scans: warm, they cost nothing to start,
   * so its scans use every core. Each scan's setup carries its job: a kept worker compiles
   * the policy again only when its texts differ from the last scan's.
   */
  keepWorkers?: boolean;
} = { mainThreadScans: true };

/** Idle workers kept for the next scan (see poolOptions.keepWorkers). */
const keptWorkers: { worker: Worker; forget: () => void }[] = [];

function takeKeptWorker(): Worker | undefined {
  const kept = keptWorkers.pop();
  if (!kept) return undefined;
  kept.worker.off('error', kept.forget);
  kept.worker.off('exit', kept.forget);
  kept.worker.ref();
  return kept.worker;
}

/** Keeps a worker whose scan is over (the pool has taken its own listeners off). */
function keepWorker(worker: Worker): void {
  worker.unref();
  // A kept worker that fails is simply forgotten.
  const forget = () => {
    const at = keptWorkers.findIndex((k) => k.worker === worker);
    if (at !== -1) keptWorkers.splice(at, 1);
    void worker.terminate().catch(() => 0);
  };
  worker.once('error', forget);
  worker.once('exit', forget);
  keptWorkers.push({ worker, forget });
  while (keptWorkers.length > availableParallelism()) void keptWorkers.shift()!.worker.terminate().catch(() => 0);
}

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
  // Kept warm, a worker starts nothing and compiles nothing: every core scans.
  if (poolOptions.keepWorkers) return availableParallelism();
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

type Listener = (...args: unknown[]) => void;

interface PoolWorker {
  worker: Worker;
  /** Its batches not answered yet, in the order sent (it scans them in that order). */
  queue: PoolBatch[];
  /** Bytes of text in `queue`. */
  queued: number;
  /** It failed or exited: never kept, never sent more. */
  failed?: boolean;
  /** This pool's listeners on it (taken off when it is kept). */
  listeners: [string, Listener][];
}

interface PoolBatch {
  /** Unique in the process: a kept worker's late answer to another pool's batch is ignored. */
  id: number;
  /** Indexes into the inputs. */
  inputs: number[];
  bytes: number;
  /** Set to 1 when this thread takes the batch back; the worker skips what is left of it. */
  cancel?: Int32Array;
}

let nextBatchId = 1;

/** Most bytes queued on a worker while the walk goes on (the main thread takes back what it lags on). */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** What a listed file (not read yet) counts for in a batch and towards the pool's threshold: a source file's usual size. */
export const POOL_LISTED_FILE_BYTES = 16 * 1024;
/** While this thread scans a batch it took back, it lets worker answers in after about this much text. */
const TAKE_BACK_YIELD_BYTES = 64 * 1024;
/** Batches queued on a worker once the walk is over (more would only be taken back). */
const QUEUE_DEPTH = 4;

/**
 * Worker threads started early (while the walk reads). Inputs are offered as they are read,
 * in batches: during the walk every batch goes to a worker (this thread is busy reading), and
 * after it this thread scans what is left, then takes back, from the end, batches a worker has
 * not reached. Always `close()` it: workers keep the process alive.
 */
export class ScanPool {
  private readonly workers: PoolWorker[] = [];
  private setup: WorkerSetup | undefined;
  private inputs: PreparedInput[] = [];
  private results: (ItemResult | undefined)[] = [];
  /** Inputs offered but not yet in a batch. */
  private open: number[] = [];
  private openBytes = 0;
  /** Batches no worker holds, for this thread (or a worker that asks for more). */
  private unassigned: PoolBatch[] = [];
  private answeredByWorkers = 0;
  /** Woken when a worker answers or fails (evaluate waits on it when it has nothing to scan). */
  private wake: (() => void) | undefined;

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

  /** Sends every worker (and each one started later) what it needs besides the policy; batches follow it. */
  configure(setup: WorkerSetup): void {
    this.setup = setup;
    for (const w of this.workers) w.worker.postMessage({ setup, job: this.job } satisfies WorkerSetupMessage);
  }

  /**
   * Takes the next input while the walk goes on (inputs are numbered in the order offered, and
   * `evaluate` must be given them in that order). Once configured, each full batch is sent to
   * the worker with the least queued.
   */
  offer(input: PreparedInput): void {
    this.add(input, (w) => w.queued < MAX_QUEUED_BYTES);
  }

  private add(input: PreparedInput, accepts: (w: PoolWorker) => boolean): void {
    this.results.push(undefined);
    this.open.push(this.inputs.push(input) - 1);
    this.openBytes += input.text?.length ?? POOL_LISTED_FILE_BYTES;
    if (this.openBytes >= BATCH_BYTES) this.closeBatch(accepts);
  }

  private closeBatch(accepts: (w: PoolWorker) => boolean): void {
    if (this.open.length === 0) return;
    const batch: PoolBatch = { id: nextBatchId++, inputs: this.open, bytes: this.openBytes };
    this.open = [];
    this.openBytes = 0;
    if (!this.sendToWorker(batch, accepts)) this.unassigned.push(batch);
  }

  /** Sends `batch` to the least loaded worker that `accepts` it; false when none does (or none is set up). */
  private sendToWorker(batch: PoolBatch, accepts: (w: PoolWorker) => boolean): boolean {
    if (!this.setup) return false;
    let best: PoolWorker | undefined;
    for (const w of this.workers) if (!w.failed && accepts(w) && (!best || w.queued < best.queued)) best = w;
    if (!best) return false;
    batch.cancel = new Int32Array(new SharedArrayBuffer(4));
    best.queue.push(batch);
    best.queued += batch.bytes;
    best.worker.postMessage({ id: batch.id, batch: batch.inputs.map((i) => this.inputs[i]!), cancel: batch.cancel } satisfies WorkerBatch);
    return true;
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = (poolOptions.keepWorkers ? takeKeptWorker() : undefined) ?? startWorker(this.job);
    } catch {
      // No threads: the main thread scans everything.
      this.maxThreads = 1;
      return;
    }
    const entry: PoolWorker = { worker, queue: [], queued: 0, listeners: [] };
    this.workers.push(entry);
    if (this.setup) worker.postMessage({ setup: this.setup, job: this.job } satisfies WorkerSetupMessage);
    // Only these are taken off a worker that is kept: Node's own listeners on it (those that
    // ref and unref its port as 'message' listeners come and go) must stay.
    const listen = (event: 'message' | 'error' | 'exit', listener: Listener) => {
      worker.on(event, listener);
      entry.listeners.push([event, listener]);
    };
    const onMessage = (message: { id?: number; results?: (ItemResult | null)[] }) => {
      const at = entry.queue.findIndex((b) => b.id === message.id);
      if (!message.results || at === -1) return; // `ready`, or another pool's batch
      const [batch] = entry.queue.splice(at, 1);
      entry.queued -= batch!.bytes;
      // What this thread answered already stays (the same engine gives the same answer).
      message.results.forEach((r, k) => {
        const i = batch!.inputs[k]!;
        if (r && this.results[i] === undefined) {
          this.results[i] = r;
          this.answeredByWorkers++;
        }
      });
      this.refill(entry);
      this.wake?.();
    };
    listen('message', onMessage as Listener);
    // A failed worker leaves its batches unanswered: the main thread scans them.
    const fail = () => {
      entry.failed = true;
      this.unassigned.push(...entry.queue.filter((b) => !b.cancel || Atomics.load(b.cancel, 0) === 0));
      entry.queue = [];
      entry.queued = 0;
      this.wake?.();
    };
    listen('error', fail);
    listen('exit', fail);
  }

  /** After the walk: a worker that answered gets the next unassigned batch, up to QUEUE_DEPTH. */
  private refill(entry: PoolWorker): void {
    if (!this.evaluating) return;
    while (!entry.failed && entry.queue.length < QUEUE_DEPTH && this.unassigned.length > 0) {
      const batch = this.unassigned.shift()!;
      if (!this.sendToWorker(batch, (w) => w === entry)) {
        this.unassigned.unshift(batch);
        return;
      }
    }
  }

  private evaluating = false;

  /** Every input's result, in input order, scanned by the workers and the main thread together. */
  async evaluate(
    policy: CompiledPolicy,
    inputs: readonly PreparedInput[],
    onEngineError?: (displayPath: string, error: unknown) => void,
    egressOptions?: EgressOptions,
    /** Stops the scan between batches (an AbortError): its caller has gone. */
    signal?: AbortSignal,
  ): Promise<ItemResult[]> {
    const destination = this.job.destination;
    // Inputs not offered during the walk are batched now, in order: a few batches per worker,
    // the rest for this thread and for the workers as they answer.
    const few = (w: PoolWorker) => w.queue.length < QUEUE_DEPTH;
    for (let i = this.inputs.length; i < inputs.length; i++) this.add(inputs[i]!, few);
    this.closeBatch(few);
    this.evaluating = true;
    this.answeredByWorkers = 0;
    for (const w of this.workers) this.refill(w);
    const missing = () => this.results.some((r) => r === undefined);
    const scanHere = (i: number) => {
      if (this.results[i] !== undefined) return;
      // Engine errors are reported below, in input order, whichever thread met them.
      this.results[i] = scanItem(policy, this.inputs[i]!, destination, this.setup?.maxFileBytes ?? Infinity, egressOptions);
    };
    const yieldToWorkers = async () => {
      await new Promise((r) => setImmediate(r));
      signal?.throwIfAborted();
    };
    if (poolOptions.mainThreadScans) {
      // This thread's own batches, yielding between them so worker messages are served.
      for (let batch = this.unassigned.shift(); batch; batch = this.unassigned.shift()) {
        batch.inputs.forEach(scanHere);
        await yieldToWorkers();
      }
      // Then, rather than wait on a worker (a slow start, a cold JIT, a busy core), the batch a
      // worker would reach last, taken back: the worker skips it (its cancel flag; an answer it
      // sent all the same is dropped), and this thread scans it, yielding now and then.
      for (let taken = this.takeBack(); taken; taken = this.takeBack()) {
        let sinceYield = 0;
        for (const i of taken.inputs) {
          scanHere(i);
          // Not after every small file: a turn of the event loop each costs more than it saves.
          sinceYield += this.inputs[i]!.text?.length ?? POOL_LISTED_FILE_BYTES;
          if (sinceYield >= TAKE_BACK_YIELD_BYTES) {
            sinceYield = 0;
            await yieldToWorkers();
          }
        }
      }
    } else {
      // Tests: the workers alone (what a failed worker held is scanned below).
      while (missing() && this.workers.some((w) => !w.failed && w.queue.length > 0)) {
        await new Promise<void>((r) => (this.wake = r));
        signal?.throwIfAborted();
        this.wake = undefined;
        for (const w of this.workers) this.refill(w);
      }
    }
    this.evaluating = false;
    poolStats.workers = this.workers.length;
    poolStats.answeredByWorkers = this.answeredByWorkers;
    return this.inputs.map((input, i) => {
      const done = this.results[i];
      if (!done) return scanItem(policy, input, destination, this.setup?.maxFileBytes ?? Infinity, egressOptions, onEngineError);
      if ('findings' in done && done.findings.some((f) => f.rule === ENGINE_ERROR_RULE)) onEngineError?.(input.display, undefined);
      return done;
    });
  }

  /** The last batch queued on the most loaded worker that still lacks an answer, cancelled there; undefined when none. */
  private takeBack(): PoolBatch | undefined {
    let from: PoolWorker | undefined;
    for (const w of this.workers) {
      const open = w.queue.filter((b) => b.inputs.some((i) => this.results[i] === undefined));
      if (open.length > 0 && (!from || w.queued > from.queued)) from = w;
    }
    if (!from) return undefined;
    for (let k = from.queue.length - 1; k >= 0; k--) {
      const batch = from.queue[k]!;
      if (!batch.inputs.some((i) => this.results[i] === undefined)) continue;
      if (batch.cancel) Atomics.store(batch.cancel, 0, 1);
      from.queue.splice(k, 1);
      from.queued -= batch.bytes;
      return batch;
    }
    return undefined;
  }

  /**
   * Stops every worker (idle, failed, or still scanning a batch the main thread has answered);
   * with poolOptions.keepWorkers, every one that has not failed is kept for the next scan (the
   * batches it still holds are cancelled: it skips them).
   */
  async close(): Promise<void> {
    const stopping: Promise<unknown>[] = [];
    for (const w of this.workers) {
      for (const [event, listener] of w.listeners) w.worker.off(event, listener);
      for (const b of w.queue) if (b.cancel) Atomics.store(b.cancel, 0, 1);
      if (poolOptions.keepWorkers && !w.failed) keepWorker(w.worker);
      else stopping.push(w.worker.terminate().catch(() => 0));
    }
    this.workers.length = 0;
    await Promise.all(stopping);
  }
}
