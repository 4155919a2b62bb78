// Arguments of `airlock gateway`.
import type { ProviderFamily } from '../core/dialects';

export interface GatewayArgs {
  policy?: string;
  port: number;
  upstreams: Partial<Record<ProviderFamily, string>>;
  audit?: string;
  maxBodyBytes?: number;
  quiet: boolean;
  /** Desktop notification on block / redact / warn. */
  notify: boolean;
  help: boolean;
}

export const GATEWAY_USAGE = `usage: airlock gateway [--policy F] [--port N] [--upstream openai=URL] [--upstream anthropic=URL]
                      [--upstream ollama=URL] [--audit FILE] [--max-body-bytes N] [--quiet] [--notify]

Runs the interception gateway on 127.0.0.1 until SIGINT/SIGTERM. The first stdout line is
{"port":…,"openai":…,"anthropic":…,"ollama":…}: the base URLs to give each client.
  --policy F      policy file or preset (default .airlock/policy.jsonc, else airlock:secrets)
  --port N        port (default: a free one)
  --upstream F=U  where a family's traffic goes (defaults: https://api.openai.com/v1,
                  https://api.anthropic.com, http://localhost:11434)
  --audit FILE    append one JSON line per decision (no content, salted hashes only)
  --notify        a desktop notification (notify-send / osascript) on every block, redaction
                  and warning, so a terminal agent's user sees it
  --quiet         no decision lines on stderr (they name rule, detector and place, never a value)
Exit codes: 0 stopped by SIGINT/SIGTERM, 1 the policy has errors (nothing started),
2 a usage error or the port cannot be used.
`;

const FAMILIES: readonly ProviderFamily[] = ['openai', 'anthropic', 'ollama'];

export function parseGatewayArgs(argv: string[]): GatewayArgs {
  const out: GatewayArgs = { port: 0, upstreams: {}, quiet: false, notify: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') && !arg.startsWith('--upstream=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--policy':
        out.policy = value();
        break;
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
        out.port = port;
        break;
      }
      case '--upstream':
      case '--upstream=': {
        const spec = arg.startsWith('--upstream=') ? arg.slice('--upstream='.length) : value();
        const eq = spec.indexOf('=');
        const family = spec.slice(0, eq) as ProviderFamily;
        const url = spec.slice(eq + 1);
        if (eq < 0 || !FAMILIES.includes(family)) throw new Error(`--upstream takes openai=URL, anthropic=URL or ollama=URL`);
        if (!/^https?:\/\//.test(url)) throw new Error(`--upstream ${family}: not an http(s) URL`);
        new URL(url);
        out.upstreams[family] = url;
        break;
      }
      case '--audit':
        out.audit = value();
        break;
      case '--max-body-bytes': {
        const n = Number(value());
        if (!Number.isInteger(n) || n <= 0) throw new Error('--max-body-bytes must be a positive integer');
        out.maxBodyBytes = n;
        break;
      }
      case '--quiet':
        out.quiet = true;
        break;
      case '--notify':
        out.notify = true;
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      default:
        throw new Error(`unknown option '${arg}'`);
    }
  }
  return out;
}
