// The `airlock` command line. Each subcommand lives in its own module; this file only routes.
import { runCli } from './run';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`airlock: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  });
