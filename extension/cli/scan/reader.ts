// The `airlock scan` reader thread (see readAhead.ts): walks and reads the paths it is given,
// exactly as the main thread would (collectInputs), and posts the inputs in order, in batches,
// then what was skipped. Nothing is decided here: the main thread evaluates every input.
// Errors are not caught on purpose: a reader that fails is replaced by the main thread's own walk.
import { parentPort, workerData } from 'node:worker_threads';
import { collectInputs, MissingPathError, type ScanInput } from './walk';
import { FLOW_CONSUMED_KIB, FLOW_STOP, READ_AHEAD_CHARS, type ReaderJob, type ReaderMessage } from './readAhead';

/** Inputs are posted in batches of about this many chars (fewer messages; the first one soon). */
const BATCH_CHARS = 128 * 1024;

const job = workerData as ReaderJob;
const flow = job.flow ? new Int32Array(job.flow) : undefined;
let batch: ScanInput[] = [];
let chars = 0;
/** KiB of text posted so far (the main thread counts what it consumed in the same unit). */
let postedKib = 0;
const post = (message: ReaderMessage) => parentPort!.postMessage(message);

/** Posts the batch once the main thread is at most READ_AHEAD_CHARS behind (see readAhead.ts). */
function postBatch(): void {
  const kib = Math.ceil(chars / 1024);
  if (flow) {
    for (;;) {
      if (Atomics.load(flow, FLOW_STOP) === 1) process.exit(0);
      const consumed = Atomics.load(flow, FLOW_CONSUMED_KIB);
      if ((postedKib - consumed) * 1024 <= READ_AHEAD_CHARS) break;
      Atomics.wait(flow, FLOW_CONSUMED_KIB, consumed, 100);
    }
  }
  post({ inputs: batch, kib });
  postedKib += kib;
  batch = [];
  chars = 0;
}

void collectInputs(job.paths, job.cwd, {
  maxFileBytes: job.maxFileBytes,
  readStdin: () => Promise.reject(new Error('the reader thread never reads stdin')),
  consume: (input) => {
    batch.push(input);
    chars += input.text.length;
    if (chars >= BATCH_CHARS) postBatch();
  },
}).then(
  (walked) => {
    if (batch.length > 0) postBatch();
    post({ done: { inputCount: walked.inputCount, skipped: walked.skipped } });
  },
  (error: unknown) => {
    if (error instanceof MissingPathError) post({ missing: error.path });
    else throw error;
  },
);
