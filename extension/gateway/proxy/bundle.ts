// The combined CA bundle for clients that take one file of trusted roots (SSL_CERT_FILE replaces
// the system bundle for OpenSSL-based clients such as Codex CLI; REQUESTS_CA_BUNDLE for Python):
// the system's bundle (so enterprise roots stay trusted) plus Airlock's CA.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rootCertificates } from 'node:tls';

/** Where distributions keep the system bundle (Debian/Ubuntu, RHEL/Fedora, SUSE, Alpine/macOS). */
export const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

export const BUNDLE_FILE = 'airlock-bundle.pem';

async function firstReadable(paths: readonly string[]): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    try {
      const text = await readFile(path, 'utf8');
      if (text.includes('-----BEGIN CERTIFICATE-----')) return { path, text };
    } catch {
      // next
    }
  }
  return undefined;
}

export interface BundleSource {
  /** What the roots came from: a file, or Node's built-in list when no system bundle exists. */
  roots: string;
  extra?: string;
}

/**
 * Writes system roots + Airlock CA to `out` (atomically). An SSL_CERT_FILE the user already had
 * (an enterprise bundle) is kept in; one pointing at this very file is not read again.
 */
export async function writeBundle(out: string, caPem: string, env: NodeJS.ProcessEnv = process.env): Promise<BundleSource> {
  const system = await firstReadable(SYSTEM_BUNDLES);
  const roots = system?.text ?? `${rootCertificates.join('\n')}\n`;
  const userBundle = env['SSL_CERT_FILE'] && resolve(env['SSL_CERT_FILE']) !== resolve(out) && resolve(env['SSL_CERT_FILE']) !== system?.path ? await firstReadable([env['SSL_CERT_FILE']]) : undefined;
  const text = [roots.trimEnd(), userBundle?.text.trimEnd(), `# Airlock local CA\n${caPem.trimEnd()}`].filter(Boolean).join('\n') + '\n';
  const tmp = join(resolve(out, '..'), `.${BUNDLE_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, out);
  return { roots: system?.path ?? 'node:tls rootCertificates', ...(userBundle ? { extra: userBundle.path } : {}) };
}
