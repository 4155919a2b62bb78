// `airlock env [--port N] [--shell posix|fish|powershell]`: shell lines that route a terminal's AI
// clients through a running gateway (`eval "$(airlock env)"`). The port comes from --port or from
// the state file a running `airlock gateway` writes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from '../gateway/proxy/ca';
import { ensureCaFiles, formatEnvironment, proxyEnvironment } from '../gateway/proxy/env';
import { inspectedHostsHere } from './caHosts';
import type { CliIO } from './run';

export const ENV_USAGE = `usage: airlock env [--port N] [--shell posix|fish|powershell]

Prints the variables that route AI clients in this shell through the Airlock gateway:
HTTPS_PROXY/HTTP_PROXY (proxy mode), NO_PROXY (loopback), NODE_EXTRA_CA_CERTS (the Airlock CA),
SSL_CERT_FILE and REQUESTS_CA_BUNDLE (system roots + the Airlock CA), GOOGLE_GEMINI_BASE_URL,
ANTHROPIC_BASE_URL, OPENAI_BASE_URL (OpenAI-SDK tools; Codex CLI ignores it and goes through the
proxy), OLLAMA_HOST. Use: eval "$(airlock env)". Without --port, the port of the running
\`airlock gateway\` ($AIRLOCK_STATE_DIR/gateway.json).
`;

export const GATEWAY_STATE_FILE = 'gateway.json';

export async function envCommand(argv: string[], io: CliIO): Promise<number> {
  let port: number | undefined;
  let shell: 'posix' | 'fish' | 'powershell' = 'posix';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const next = () => inline ?? argv[++i];
    if (flag === '--port') {
      port = Number(next());
      if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        io.stderr.write('airlock env: --port must be a port number\n');
        return 2;
      }
    } else if (flag === '--shell') {
      const s = next();
      if (s !== 'posix' && s !== 'fish' && s !== 'powershell') {
        io.stderr.write('airlock env: --shell is posix, fish or powershell\n');
        return 2;
      }
      shell = s;
    } else if (flag === '--help' || flag === '-h') {
      io.stdout.write(ENV_USAGE);
      return 0;
    } else {
      io.stderr.write(`airlock env: unknown option '${arg}'\n${ENV_USAGE}`);
      return 2;
    }
  }
  if (port === undefined) {
    try {
      const state = JSON.parse(await readFile(join(stateDir(), GATEWAY_STATE_FILE), 'utf8')) as { port?: unknown };
      if (typeof state.port === 'number') port = state.port;
    } catch {
      // below
    }
  }
  if (port === undefined) {
    io.stderr.write('airlock env: no running gateway found; start `airlock gateway` or pass --port N\n');
    return 1;
  }
  try {
    const files = await ensureCaFiles({ hosts: await inspectedHostsHere(io) });
    io.stdout.write(`${formatEnvironment(proxyEnvironment({ port, ...files }), shell)}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`airlock env: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
