// Scans large inputs on every core: worker threads, each with the same policy (compiled once
// per worker from the very texts the main thread read, so every thread judges by the same
// rules), take batches of inputs and send back each input's action and positioned findings.
// Results are put back in input order, so output does not depend on scheduling. Anything that
// goes wrong in a worker is redone on the main thread: the pool is an optimisation, never a
// second engine.
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

export interface WorkerJob {
  /** Policy reference, and the text of every policy file the main thread read for it. */
  policyRef: string;
  policyTexts: Record<string, string>;
  destination: string;
  /** The workspace's fingerprint index (serializeIndex), and its roots. */
  protectedIndex?: Uint8Array;
  workspaceRoots: string[];
}

/** How many inputs the workers answered in the last pooled scan of this process (for tests and benches). */
export const poolStats = { answeredByWorkers: 0, workers: 0 };
// (`workers` counts worker threads; the main thread scans batches as well.)

/** Tests turn the main thread's share off to prove the workers scan (they start slowly under tsx). */
export const poolOptions = { mainThreadScans: true };

/** Inputs smaller than this in total are scanned on the main thread (a worker costs ~100 ms to start). */
export const POOL_MIN_BYTES = 4 * 1024 * 1024;
const BATCH_BYTES = 1024 * 1024;

export function poolSize(totalBytes: number): number {
  if (totalBytes < POOL_MIN_BYTES) return 0;
  return Math.min(availableParallelism(), 8, Math.ceil(totalBytes / BATCH_BYTES));
}

/** Bundled: dist/scanWorker.js beside dist/cli.js. From sources (tests, tsx): worker.ts through tsx's require hook. */
function startWorker(job: WorkerJob): Worker {
  if (!__filename.endsWith('.ts')) {
    // dist/scanWorker.js when shipped beside the CLI; else the one-file CLI bundle itself, which
    // recognises the flag (extension/cli/main.ts).
    const own = join(__dirname, 'scanWorker.js');
    return existsSync(own) ? new Worker(own, { workerData: job }) : new Worker(__filename, { workerData: { ...job, airlockScanWorker: true } });
  }
  const source = `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'worker.ts'))});`;
  return new Worker(source, { eval: true, workerData: job });
}

export async function evaluateInPool(
  policy: CompiledPolicy,
  inputs: readonly PreparedInput[],
  job: WorkerJob,
  workers: number,
  onEngineError?: (displayPath: string, error: unknown) => void,
  egressOptions?: EgressOptions,
): Promise<InputResult[]> {
  const results: (InputResult | undefined)[] = new Array(inputs.length).fill(undefined);
  // Batches of consecutive inputs, about BATCH_BYTES each.
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

  let next = 0;
  const run = (): Promise<void> =>
    new Promise((resolve) => {
      let worker: Worker;
      try {
        worker = startWorker(job);
      } catch {
        resolve();
        return;
      }
      let batch: number[] | undefined;
      const feed = () => {
        batch = batches[next++];
        if (!batch) {
          void worker.terminate();
          resolve();
          return;
        }
        worker.postMessage(batch.map((i) => inputs[i]!));
      };
      worker.on('message', (message: { ready?: boolean; results?: InputResult[] }) => {
        if (message.results && batch) message.results.forEach((r, k) => (results[batch![k]!] = r));
        feed();
      });
      // A failed worker leaves its batch unanswered: the main thread redoes it below.
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
    });
  // The main thread takes batches too (workers need ~100 ms to start and compile the policy),
  // yielding between batches so worker messages are served.
  const mainThread = async (): Promise<void> => {
    if (!poolOptions.mainThreadScans) return;
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      for (const i of batch) results[i] = evaluateOne(policy, inputs[i]!.text, inputs[i]!.display, inputs[i]!.request, job.destination, onEngineError, egressOptions);
      answeredByMain += batch.length;
      await new Promise((r) => setImmediate(r));
    }
  };
  let answeredByMain = 0;
  poolStats.workers = Math.max(0, Math.min(workers - 1, batches.length - 1));
  await Promise.all([mainThread(), ...Array.from({ length: poolStats.workers }, run)]);
  poolStats.answeredByWorkers = results.filter((r) => r !== undefined).length - answeredByMain;
  return inputs.map((input, i) => {
    const done = results[i];
    if (!done) return evaluateOne(policy, input.text, input.display, input.request, job.destination, onEngineError, egressOptions);
    if (done.findings.some((f) => f.rule === ENGINE_ERROR_RULE)) onEngineError?.(input.display, undefined);
    return done;
  });
}
