// Routes `airlock <command> …` to its handler and returns the process exit code.
import { VERSION } from '../core/version';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  /** Environment to read settings from (AIRLOCK_ORG_POLICY, …); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Aborts a long command whose caller has gone (the scan server's: `airlock scan` stops with an AbortError). */
  signal?: AbortSignal;
  /** Told of the policy file and of each link a scan's walk follows; may throw (the scan server declines what leads into /dev or /proc). */
  onLink?: (absolutePath: string) => void;
}

type Handler = (args: string[], io: CliIO) => Promise<number>;

const USAGE = `airlock ${VERSION}
usage: airlock <command> [options]

commands:
  version            print the version
  gateway [--policy F] [--org-policy F] [--port N] [--upstream NAME=URL] [--audit FILE]   run the local gateway (and proxy)
  env [--port N]     shell lines routing this terminal's AI clients through the gateway
  ca path|bundle|install|uninstall   the local CA of proxy mode
  scan [paths…|-]    what the policy would do if these files went to an AI model
  fingerprint build <paths…> --out F   fingerprints of protected code (hashes only, no code)
  fingerprint org-set --repo N=DIR… --out F   the org-wide probabilistic set of every repo's fingerprints
  policy validate|test [files…]   check policy files / run their embedded tests
  record --file F --lines A-B --tool T [--model M]   mark lines as AI-written
  check [--staged|--range A..B|--all] [--format text|json|sarif]   AI lines needing review
  review approve|reject F:A-B [--sign|--no-sign]   record a (signed) human review of AI lines
  hooks install      git pre-commit (\`airlock check --staged\`) and prepare-commit-msg (AI trailers) hooks
  commit-trailers MSGFILE [SOURCE]   add the policy's AI disclosure trailers to a commit message
  trace export [--out F] | trace import F   Agent Trace v0.1.0
  hook <agent> [event]   agent hook: claude-code, vscode, copilot-cli, codex, gemini, cursor, windsurf (payload on stdin)
  agents install [--all | names…] | agents check   write / verify each agent's hooks and ignore files
  help               print this help

exit codes: 0 ok; 1 the answer is no (check: AI lines need review; scan: a file would be
blocked; policy test: a test failed; review: no AI lines there; gateway: its policy has errors);
2 a usage error, a file that cannot be read, an invalid policy or a port that cannot be used;
3 an internal error (please report it).
`;

const commands: Record<string, Handler> = {
  gateway: (args, io) => import('./gateway').then((m) => m.gatewayCommand(args, io)),
  scan: (args, io) => import('./scan').then((m) => m.scanCommand(args, io)),
  fingerprint: (args, io) => import('./fingerprint/command').then((m) => m.fingerprintCommand(args, io)),
  env: (args, io) => import('./env').then((m) => m.envCommand(args, io)),
  ca: (args, io) => import('./ca').then((m) => m.caCommand(args, io)),
  // The warm engine `airlock scan` hands its scans to (scan/server.ts); started by cli.js itself, not listed in the usage.
  'scan-server': () => import('./scan/server').then((m) => m.serveScans(__filename)).then(() => 0),
  // VS Code's uninstall hook (package.json `vscode:uninstall`); not listed in the usage.
  'vscode-uninstall': (args, io) => import('./vscodeUninstall').then((m) => m.vscodeUninstallCommand(args, io)),
  policy: (args, io) => import('./policyCommand').then((m) => m.policyCommand(args, io)),
  hook: (args, io) => import('./hooks/command').then((m) => m.hookCommand(args, io)),
  agents: (args, io) => import('./hooks/install').then((m) => m.agentsCommand(args, io)),
  ...Object.fromEntries(['record', 'check', 'review', 'hooks', 'trace', 'commit-trailers'].map((n) => [n, (args: string[], io: CliIO) => import('./provenance/commands').then((m) => m.provenanceCommands[n]!(args, io))])),
  version: async (_args, io) => {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  },
  help: async (_args, io) => {
    io.stdout.write(USAGE);
    return 0;
  },
};

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') return commands.help!(rest, io);
  if (name === '--version') return commands.version!(rest, io);
  const handler = commands[name];
  if (!handler) {
    io.stderr.write(`airlock: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  return handler(rest, io);
}
