// The `airlock` command line. Each subcommand lives in its own module; this file only routes.
import { isMainThread, workerData } from 'node:worker_threads';
import { useAutomatonStore } from '../core/detectors/automatonCache';
import { cliAutomatonStore } from './automatonStore';
import { runCli, type CliIO } from './run';

if (!isMainThread && (workerData as { airlockScanWorker?: boolean } | undefined)?.airlockScanWorker) {
  // This bundle started as an `airlock scan` worker (a one-file CLI package has no scanWorker.js).
  void import('./scan/worker');
} else {
  // Compiled keyword automata are kept beside the code cache (automatonStore.ts).
  useAutomatonStore(cliAutomatonStore());
  // stdin on first use: creating process.stdin loads Node's stream and tty machinery (~2 ms
  // of every start), and only `scan -` and the agent hooks read it.
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    cwd: process.cwd(),
  };
  runCli(process.argv.slice(2), io)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`airlock: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 3;
    });
}
