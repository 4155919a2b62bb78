// The `airlock` command line. Each subcommand lives in its own module; this file only routes.
import { isMainThread, workerData } from 'node:worker_threads';
import { useAutomatonStore } from '../core/detectors/automatonCache';
import { cliAutomatonStore } from './automatonStore';
import { runCli } from './run';

if (!isMainThread && (workerData as { airlockScanWorker?: boolean } | undefined)?.airlockScanWorker) {
  // This bundle started as an `airlock scan` worker (a one-file CLI package has no scanWorker.js).
  void import('./scan/worker');
} else {
  // Compiled keyword automata are kept beside the code cache (automatonStore.ts).
  useAutomatonStore(cliAutomatonStore());
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`airlock: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 3;
    });
}
