// A scan worker thread (see pool.ts): compiles the policy from the texts the main thread read
// (while the main thread is still walking), takes its setup (the fingerprint index) as the
// first message of each scan, says it is ready, then answers each batch of inputs with their
// actions and positioned findings, skipping what the main thread has taken back. Errors are not caught here on purpose: a worker that fails hands its
// batch back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeIndex } from '../../core/fingerprint';
import type { EgressOptions } from '../../core/egress/types';
import { loadLayeredPolicy, type PolicyReader } from '../../core/policy';
import type { CompiledPolicy } from '../../core/policy/contract';
import { scanItem } from './item';
import type { WorkerBatch, WorkerJob, WorkerSetupMessage } from './pool';

/** The policy of a job, compiled from the texts the main thread read: a worker never reads a policy file itself. */
function compile(job: WorkerJob): Promise<CompiledPolicy> {
  const read: PolicyReader = async (ref) => {
    const text = job.policyTexts[ref];
    if (text === undefined) throw new Error(`policy ${ref} was not read by the main thread`);
    return text;
  };
  return loadLayeredPolicy({ workspace: job.policyRef }, read).then((loaded) => {
    if (!loaded.ok) throw new Error('the policy did not load in the scan worker');
    return loaded.policy;
  });
}

/** What a compiled policy was compiled from. */
function policyKey(job: WorkerJob): string {
  return JSON.stringify([job.policyRef, Object.entries(job.policyTexts).sort()]);
}

// Compiled at once, while the main thread is still walking.
let compiled = { key: policyKey(workerData as WorkerJob), policy: compile(workerData as WorkerJob) };

// Each scan opens with a setup and its job: a worker the scan server keeps (pool.ts
// poolOptions.keepWorkers) serves many scans, and compiles again only for other policy texts.
let setUp: Promise<{ policy: CompiledPolicy; egressOptions: EgressOptions; destination: string; maxFileBytes: number }> | undefined;
parentPort!.on('message', (message: WorkerSetupMessage | WorkerBatch) => {
  if ('setup' in message) {
    const { setup, job } = message;
    const key = policyKey(job);
    if (key !== compiled.key) compiled = { key, policy: compile(job) };
    setUp = compiled.policy.then((policy) => {
      const egressOptions: EgressOptions = { workspaceRoots: job.workspaceRoots, ...(setup.protectedIndex ? { protectedIndex: deserializeIndex(setup.protectedIndex) } : {}) };
      parentPort!.postMessage({ ready: true });
      return { policy, egressOptions, destination: job.destination, maxFileBytes: setup.maxFileBytes ?? Infinity };
    });
    return;
  }
  const { id, batch, cancel } = message;
  if (!setUp) throw new Error('a scan worker got a batch before its setup');
  void setUp.then(({ policy, egressOptions, destination, maxFileBytes }) => {
    // What the main thread has taken back (its flag set) is skipped: null.
    const results = batch.map((input) => (cancel && Atomics.load(cancel, 0) !== 0 ? null : scanItem(policy, input, destination, maxFileBytes, egressOptions)));
    parentPort!.postMessage({ id, results });
  });
});
