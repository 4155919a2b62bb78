// TLS fixtures for proxy tests: a stand-in "public" CA that the gateway trusts for upstreams
// (`--upstream-ca`), leaves for the real host names the fakes answer as, and a proxy-aware
// fetch for the official SDKs (undici's ProxyAgent, trusting the Airlock CA like
// NODE_EXTRA_CA_CERTS would).
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, createSecureContext, type ConnectionOptions, type TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch as undiciFetch, ProxyAgent } from 'undici';
import { createCaCertificate, createLeafCertificate, newKeyPair } from '../../../../extension/gateway/proxy/x509';

export interface PublicCa {
  certPem: string;
  leaf(host: string): { key: string; cert: string };
  /** TLS server options answering each of `hosts` with its own leaf (by SNI). */
  serverFor(hosts: string[]): TlsOptions;
}

/** A CA playing the part of a public one (no name constraints), minting leaves for fakes. */
export function fakePublicCa(): PublicCa {
  const keys = newKeyPair();
  const now = Date.now();
  const commonName = 'Fake Public Root';
  const certPem = createCaCertificate({ commonName, keys, notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86400_000), permittedDns: [] });
  return {
    certPem,
    leaf(host) {
      const leafKeys = newKeyPair();
      const cert = createLeafCertificate({ host, publicKey: leafKeys.publicKey, notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86400_000), issuer: { commonName, privateKey: keys.privateKey, publicKey: keys.publicKey } });
      return { key: leafKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert };
    },
    serverFor(hosts) {
      const contexts = new Map(hosts.map((h) => [h, createSecureContext(this.leaf(h))]));
      return { ...this.leaf(hosts[0]!), SNICallback: (name, cb) => cb(null, contexts.get(name) ?? contexts.get(hosts[0]!)) };
    },
  };
}

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-proxy-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fetch that goes through an HTTP proxy (CONNECT) and trusts `ca` for the tunnelled TLS. */
export function proxiedFetch(proxyPort: number, ca: string): { fetch: typeof fetch; close: () => Promise<void> } {
  const dispatcher = new ProxyAgent({ uri: `http://127.0.0.1:${proxyPort}`, requestTls: { ca } });
  const f = ((url: string | URL | Request, init?: RequestInit) => undiciFetch(url as never, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
  return { fetch: f, close: () => dispatcher.close() };
}

/** A keep-alive https.Agent that reaches every host through CONNECT tunnels on the proxy (`maxSockets` tunnels per host). */
export function tunnellingAgent(proxyPort: number, ca: string, maxSockets = 1): Agent {
  class TunnelAgent extends Agent {
    override createConnection(options: ConnectionOptions, callback: (error: Error | null, socket?: Duplex) => void): undefined {
      const authority = `${options.host}:${options.port}`;
      const raw = netConnect({ host: '127.0.0.1', port: proxyPort });
      raw.once('error', (e) => callback(e));
      raw.once('connect', () => raw.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`));
      raw.once('data', (chunk: Buffer) => {
        if (!/^HTTP\/1\.1 200/.test(chunk.toString('latin1'))) return callback(new Error(chunk.toString('latin1').split('\r\n')[0]));
        callback(null, tlsConnect({ socket: raw, servername: String(options.host), ca }));
      });
      return undefined;
    }
  }
  return new TunnelAgent({ keepAlive: true, maxSockets });
}
