// A scan worker thread (see pool.ts): compiles the policy from the texts the main thread read
// (while the main thread is still walking), takes its setup (the fingerprint index) as the
// first message, says it is ready, then answers each batch of inputs with their actions and
// positioned findings. Errors are not caught here on purpose: a worker that fails hands its
// batch back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeIndex } from '../../core/fingerprint';
import type { EgressOptions } from '../../core/egress/types';
import { loadLayeredPolicy, type PolicyReader } from '../../core/policy';
import { evaluateOne } from './evaluate';
import type { WorkerBatch, WorkerJob, WorkerSetup } from './pool';

const job = workerData as WorkerJob;

/** Only what the main thread read: a worker never reads a policy file itself. */
const read: PolicyReader = async (ref) => {
  const text = job.policyTexts[ref];
  if (text === undefined) throw new Error(`policy ${ref} was not read by the main thread`);
  return text;
};

const policy = loadLayeredPolicy({ workspace: job.policyRef }, read).then((loaded) => {
  if (!loaded.ok) throw new Error('the policy did not load in the scan worker');
  return loaded.policy;
});

let setUp: Promise<{ policy: Awaited<typeof policy>; egressOptions: EgressOptions }> | undefined;
parentPort!.on('message', (message: WorkerSetup | WorkerBatch) => {
  if (!setUp) {
    const setup = message as WorkerSetup;
    setUp = policy.then((compiled) => {
      const egressOptions: EgressOptions = { workspaceRoots: job.workspaceRoots, ...(setup.protectedIndex ? { protectedIndex: deserializeIndex(setup.protectedIndex) } : {}) };
      parentPort!.postMessage({ ready: true });
      return { policy: compiled, egressOptions };
    });
    return;
  }
  const { batch } = message as WorkerBatch;
  void setUp.then(({ policy: compiled, egressOptions }) => {
    parentPort!.postMessage({ results: batch.map((input) => evaluateOne(compiled, input.text, input.display, input.request, job.destination, undefined, egressOptions)) });
  });
});
