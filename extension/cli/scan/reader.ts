// The `airlock scan` reader thread (see readAhead.ts): walks and reads the paths it is given,
// exactly as the main thread would (collectInputs), and posts the inputs in order, in batches,
// then what was skipped. Nothing is decided here: the main thread evaluates every input.
// Errors are not caught on purpose: a reader that fails is replaced by the main thread's own walk.
import { parentPort, workerData } from 'node:worker_threads';
import { collectInputs, MissingPathError, type ScanInput } from './walk';
import type { ReaderJob, ReaderMessage } from './readAhead';

/** Inputs are posted in batches of about this many chars (fewer messages; the first one soon). */
const BATCH_CHARS = 256 * 1024;

const job = workerData as ReaderJob;
let batch: ScanInput[] = [];
let chars = 0;
const post = (message: ReaderMessage) => parentPort!.postMessage(message);

void collectInputs(job.paths, job.cwd, {
  maxFileBytes: job.maxFileBytes,
  readStdin: () => Promise.reject(new Error('the reader thread never reads stdin')),
  consume: (input) => {
    batch.push(input);
    chars += input.text.length;
    if (chars >= BATCH_CHARS) {
      post({ inputs: batch });
      batch = [];
      chars = 0;
    }
  },
}).then(
  (walked) => {
    if (batch.length > 0) post({ inputs: batch });
    post({ done: { inputCount: walked.inputCount, skipped: walked.skipped } });
  },
  (error: unknown) => {
    if (error instanceof MissingPathError) post({ missing: error.path });
    else throw error;
  },
);
