// The environment that routes a terminal's AI clients through Airlock: the proxy (every client
// below honours HTTPS_PROXY), the CA (NODE_EXTRA_CA_CERTS for Node clients; SSL_CERT_FILE /
// REQUESTS_CA_BUNDLE as a combined bundle for OpenSSL/Python clients), and base URLs where they
// still work. OPENAI_BASE_URL serves OpenAI-SDK tools; Codex CLI ignores it and is covered by the proxy.
import { join } from 'node:path';
import { BUNDLE_FILE, writeBundle } from './bundle';
import { caDir, loadOrCreateCa } from './ca';

export interface EnvInput {
  port: number;
  caPath: string;
  bundlePath: string;
}

export const LOOPBACK_NO_PROXY = 'localhost,127.0.0.1,::1';

/** Variable → value, in the order they are printed. */
export function proxyEnvironment(input: EnvInput): [string, string][] {
  const base = `http://127.0.0.1:${input.port}`;
  return [
    ['HTTPS_PROXY', base],
    ['HTTP_PROXY', base],
    ['https_proxy', base],
    ['http_proxy', base],
    ['NO_PROXY', LOOPBACK_NO_PROXY],
    ['no_proxy', LOOPBACK_NO_PROXY],
    ['NODE_EXTRA_CA_CERTS', input.caPath],
    ['SSL_CERT_FILE', input.bundlePath],
    ['REQUESTS_CA_BUNDLE', input.bundlePath],
    ['GOOGLE_GEMINI_BASE_URL', `${base}/gemini`],
    ['ANTHROPIC_BASE_URL', `${base}/anthropic`],
    ['OPENAI_BASE_URL', `${base}/openai/v1`],
    ['OPENAI_API_BASE', `${base}/openai/v1`],
    ['OLLAMA_HOST', `${base}/ollama`],
  ];
}

const posixQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

export function formatEnvironment(vars: [string, string][], shell: 'posix' | 'fish' | 'powershell'): string {
  return vars
    .map(([name, value]) => {
      if (shell === 'fish') return `set -gx ${name} ${posixQuote(value)}`;
      if (shell === 'powershell') return `$env:${name} = '${value.replace(/'/g, "''")}'`;
      return `export ${name}=${posixQuote(value)}`;
    })
    .join('\n');
}

/** Makes sure the CA and the combined bundle exist (creating the CA on first use); returns their paths. */
export async function ensureCaFiles(options: { hosts?: readonly string[]; dir?: string } = {}): Promise<{ caPath: string; bundlePath: string }> {
  const dir = options.dir ?? caDir();
  const ca = await loadOrCreateCa({ dir, ...(options.hosts ? { hosts: options.hosts } : {}) });
  const bundlePath = join(dir, BUNDLE_FILE);
  await writeBundle(bundlePath, ca.certPem);
  return { caPath: ca.certPath, bundlePath };
}
