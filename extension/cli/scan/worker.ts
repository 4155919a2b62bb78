// A scan worker thread (see pool.ts): compiles the policy from the texts the main thread read,
// then answers each batch of inputs with their actions and positioned findings. Errors are not
// caught here on purpose: a worker that fails hands its batch back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeIndex } from '../../core/fingerprint';
import type { EgressOptions } from '../../core/egress/types';
import { loadLayeredPolicy } from '../../core/policy';
import { evaluateOne } from './evaluate';
import type { PreparedInput, WorkerJob } from './pool';

async function main(): Promise<void> {
  const job = workerData as WorkerJob;
  const loaded = await loadLayeredPolicy({ workspace: job.policyRef }, async (ref) => {
    const text = job.policyTexts[ref];
    if (text === undefined) throw new Error(`policy ${ref} was not read by the main thread`);
    return text;
  });
  if (!loaded.ok) throw new Error('the policy did not load in the scan worker');
  const egressOptions: EgressOptions = { workspaceRoots: job.workspaceRoots, ...(job.protectedIndex ? { protectedIndex: deserializeIndex(job.protectedIndex) } : {}) };
  parentPort!.on('message', (inputs: PreparedInput[]) => {
    parentPort!.postMessage({ results: inputs.map((input) => evaluateOne(loaded.policy, input.text, input.display, input.request, job.destination, undefined, egressOptions)) });
  });
  parentPort!.postMessage({ ready: true });
}

void main();
