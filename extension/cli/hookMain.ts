// dist/hook.js: the entry agents' hooks start (through .airlock/bin/airlock-hook) on every tool
// call, so it loads only the hook path (the policy engine on first need), not the whole CLI.
// `node hook.js hook <agent> [event]` and `node hook.js <agent> [event]` both work.
import { hookCommand } from './hooks/command';

const args = process.argv.slice(2);
hookCommand(args[0] === 'hook' ? args.slice(1) : args, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`Airlock's hook failed (${error instanceof Error ? error.message : String(error)}), so the action was refused (fail closed).\n`);
    process.exitCode = 2;
  });
