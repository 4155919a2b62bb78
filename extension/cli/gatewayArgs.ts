// Arguments of `airlock gateway`.
import type { ProviderFamily } from '../core/dialects';
import { parseResolve, type Pin } from '../gateway/proxy/upstream';

export interface GatewayArgs {
  policy?: string;
  /** Workspace whose protected code is fingerprinted (default: the current folder). */
  workspace?: string;
  orgPolicy?: string;
  port: number;
  upstreams: Partial<Record<ProviderFamily, string>>;
  audit?: string;
  maxBodyBytes?: number;
  quiet: boolean;
  /** Desktop notification on block / redact / warn. */
  notify: boolean;
  help: boolean;
  /** --resolve HOST=ADDR:PORT pins (repeatable). */
  resolve: Record<string, Pin>;
  /** --upstream-ca F files (repeatable). */
  upstreamCa: string[];
  /** --upstream-proxy URL; `false` with --no-upstream-proxy (ignore HTTPS_PROXY). */
  upstreamProxy?: string | false;
}

export const GATEWAY_USAGE = `usage: airlock gateway [--policy F] [--org-policy F] [--workspace DIR] [--port N] [--upstream FAMILY=URL]… [--audit FILE]
                      [--resolve HOST=ADDR:PORT]… [--upstream-ca F]… [--upstream-proxy URL | --no-upstream-proxy]
                      [--max-body-bytes N] [--quiet] [--notify]

Runs the interception gateway on 127.0.0.1 until SIGINT/SIGTERM. It is also an HTTP(S) proxy on
the same port (HTTPS_PROXY=http://127.0.0.1:PORT; see \`airlock env\`). The first stdout line is
{"port":…,"proxy":…,"openai":…,"anthropic":…,"ollama":…,"gemini":…}.
  --policy F           policy file or preset (default .airlock/policy.jsonc of the workspace,
                       else airlock:secrets)
  --org-policy F       organization policy above it (file, https URL or preset; default
                       $AIRLOCK_ORG_POLICY); the workspace policy can only add and tighten
  --workspace DIR      the workspace (default: the current folder): its policy, and its protected
                       files fingerprinted in the background so copies of them are recognised
  --port N             port (default: a free one)
  --upstream F=U       where a family's base-URL traffic goes (defaults: https://api.openai.com/v1,
                       https://api.anthropic.com, http://localhost:11434,
                       https://generativelanguage.googleapis.com)
  --audit FILE         append one JSON line per decision (no content, salted hashes only)
  --resolve H=A:P      connect to A:P whenever host H is the upstream (like curl --resolve)
  --upstream-ca F      also trust the CA certificates in F (PEM) for upstream TLS
  --upstream-proxy U   reach upstreams through this http:// proxy (default: HTTPS_PROXY/NO_PROXY
                       as set when the gateway starts); --no-upstream-proxy ignores them
  --notify             a desktop notification (notify-send / osascript) on every block, redaction
                       and warning, so a terminal agent's user sees it
  --quiet              no decision lines on stderr (they name rule, detector and place, never a value)
Exit codes: 0 stopped by SIGINT/SIGTERM, 1 the policy has errors (nothing started),
2 a usage error or the port cannot be used.
`;

const FAMILIES: readonly ProviderFamily[] = ['openai', 'anthropic', 'ollama', 'gemini'];

export function parseGatewayArgs(argv: string[]): GatewayArgs {
  const out: GatewayArgs = { port: 0, upstreams: {}, quiet: false, notify: false, help: false, resolve: {}, upstreamCa: [] };
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
      case '--workspace':
        out.workspace = value();
        break;
      case '--org-policy':
        out.orgPolicy = value();
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
        if (eq < 0 || !FAMILIES.includes(family)) throw new Error(`--upstream takes openai=URL, anthropic=URL, ollama=URL or gemini=URL`);
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
      case '--resolve': {
        const [host, pin] = parseResolve(value());
        out.resolve[host] = pin;
        break;
      }
      case '--upstream-ca':
        out.upstreamCa.push(value());
        break;
      case '--upstream-proxy': {
        const url = value();
        if (!/^http:\/\/[^/]+\/?$/.test(url)) throw new Error('--upstream-proxy takes an http://host:port URL');
        out.upstreamProxy = url;
        break;
      }
      case '--no-upstream-proxy':
        out.upstreamProxy = false;
        break;
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
