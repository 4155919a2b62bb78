// Reads the files of a folder scan on a second thread while the main thread compiles the policy
// and scans what has arrived: reading 20 MB in 2,000 files is ~45 ms of system calls, which
// then overlap the policy's compilation and the scan instead of preceding them. The inputs
// arrive in the walk's order, so the report is the same as from the main thread's own walk.
//
// Only an optimisation: when no reader can be started (no reader bundle beside the CLI, stdin
// among the paths, a single file) the main thread walks; when a reader fails or dies before it
// is done, `consume` rejects and the caller walks everything itself.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScanInput, SkippedInput, WalkResult } from './walk';

/** What the reader thread is started with. */
export interface ReaderJob {
  paths: readonly string[];
  cwd: string;
  maxFileBytes: number;
  /** Flow control (FLOW_*): the reader stays at most READ_AHEAD_CHARS ahead of what was consumed. */
  flow?: SharedArrayBuffer;
}

/**
 * How far (chars posted, not yet consumed) the reader may get ahead. Texts that wait in the
 * queue survive young-generation collections and are copied by each: with no bound the whole
 * folder waited (scavenges took 60-100 ms of a 20 MB scan instead of 26).
 */
export const READ_AHEAD_CHARS = 1024 * 1024;
/** Int32 slots of the flow buffer: KiB of text consumed by the main thread; 1 once the reader is to stop. */
export const FLOW_CONSUMED_KIB = 0;
export const FLOW_STOP = 1;

/** What the reader posts: batches of inputs, in order, then the end of the walk (or a path that vanished). */
export type ReaderMessage = { inputs: ScanInput[]; kib: number } | { done: { inputCount: number; skipped: SkippedInput[] } } | { missing: string };

/** Tests start the reader from sources (tsx) and prove the fallback with a reader that fails. */
export const readAheadOptions: { fromSources: boolean; workerEval?: string } = { fromSources: false };

/** What the last reader of this process did (for tests and benches). */
export const readAheadStats = { started: 0, inputs: 0 };

/** Thrown by `consume` when the reader failed: the caller walks itself. */
export class ReaderFailedError extends Error {}

export class ReadAhead {
  private queue: ReaderMessage[] = [];
  private wake: (() => void) | undefined;
  private failure: unknown;
  private finished = false;

  private constructor(
    private readonly worker: Worker,
    private readonly flow: Int32Array,
  ) {
    worker.on('message', (message: ReaderMessage) => {
      this.queue.push(message);
      this.wake?.();
    });
    const fail = (error: unknown) => {
      this.failure ??= error ?? new Error('the reader thread exited');
      this.wake?.();
    };
    worker.on('error', fail);
    worker.on('exit', () => {
      if (!this.finished) fail(undefined);
    });
  }

  /**
   * A reader for `job`, or undefined when the main thread should walk: stdin among the paths,
   * no folder among them (a few named files are read sooner than a thread starts), or no
   * reader to start.
   */
  static start(job: ReaderJob): ReadAhead | undefined {
    if (job.paths.includes('-')) return undefined;
    if (!job.paths.some((p) => isDirectory(resolve(job.cwd, p)))) return undefined;
    let worker: Worker;
    const flow = new SharedArrayBuffer(8);
    try {
      const workerData: ReaderJob = { ...job, paths: [...job.paths], flow };
      if (readAheadOptions.workerEval !== undefined) worker = new Worker(readAheadOptions.workerEval, { eval: true, workerData });
      else if (__filename.endsWith('.ts')) {
        if (!readAheadOptions.fromSources) return undefined;
        worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'reader.ts'))});`, { eval: true, workerData });
      } else {
        // Bundled: dist/scanReader.js beside dist/cli.js (Node built-ins and the walk only).
        // The one-file package has none: its main thread walks.
        const own = join(__dirname, 'scanReader.js');
        if (!existsSync(own)) return undefined;
        worker = new Worker(own, { workerData });
      }
    } catch {
      return undefined;
    }
    // Not unref'd: while the main thread waits for a batch, the reader is all that keeps the
    // process alive (scanCommand stops it however the scan ends).
    readAheadStats.started++;
    readAheadStats.inputs = 0;
    return new ReadAhead(worker, new Int32Array(flow));
  }

  /**
   * Hands every input to `consume`, in the walk's order, as batches arrive; resolves with the
   * walk's result (its `inputs` empty: consumed). Rejects with ReaderFailedError when the reader
   * failed (the inputs consumed so far are then to be forgotten), with MissingPathError when
   * a path vanished.
   */
  async consume(consume: (input: ScanInput) => void, missing: (path: string) => Error): Promise<WalkResult> {
    try {
      for (;;) {
        const message = this.queue.shift();
        if (!message) {
          if (this.failure !== undefined) throw new ReaderFailedError('the reader thread failed');
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        if ('inputs' in message) {
          readAheadStats.inputs += message.inputs.length;
          for (const input of message.inputs) consume(input);
          // Consumed: the reader may read that much further.
          Atomics.add(this.flow, FLOW_CONSUMED_KIB, message.kib);
          Atomics.notify(this.flow, FLOW_CONSUMED_KIB);
        }
        else if ('missing' in message) throw missing(message.missing);
        else {
          this.finished = true;
          return { inputs: [], inputCount: message.done.inputCount, skipped: message.done.skipped };
        }
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    this.finished = true;
    // A reader waiting for room is woken to stop (terminate alone may wait out its wait).
    Atomics.store(this.flow, FLOW_STOP, 1);
    Atomics.notify(this.flow, FLOW_CONSUMED_KIB);
    void this.worker.terminate().catch(() => 0);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
