// The local Airlock CA: created on first use per user in the state directory (never in a
// workspace), ECDSA P-256, private key readable by the owner only. It is name-constrained to the
// inspected hosts, so a stolen key cannot vouch for any other name. Leaf certificates are minted
// per host in memory, short-lived, and cached until close to expiry.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { constraintFor, DEFAULT_INSPECTED_HOSTS, normalizeHost } from '../../core/dialects/hosts';
import { createCaCertificate, leafMinter, newKeyPair } from './x509';

const CA_YEARS = 2;
const LEAF_DAYS = 7;
const LEAF_RENEW_MS = 24 * 3600 * 1000;
const BACKDATE_MS = 3600 * 1000;
const LEAF_CACHE_MAX = 512;

export const CA_CERT_FILE = 'airlock-ca.pem';
export const CA_KEY_FILE = 'airlock-ca-key.pem';
const CA_META_FILE = 'airlock-ca.json';

/** Per-user state: $AIRLOCK_STATE_DIR or ~/.airlock. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['AIRLOCK_STATE_DIR'] || join(homedir(), '.airlock');
}

export function caDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'ca');
}

export interface AirlockCa {
  readonly certPath: string;
  readonly certPem: string;
  /** DNS subtrees the CA may issue for (its name constraints). */
  readonly permitted: readonly string[];
  /** True when the CA's name constraints allow a leaf for this host. */
  covers(host: string): boolean;
  /** A TLS context serving a fresh (or cached) leaf for `host`. Throws when the CA does not cover it. */
  contextFor(host: string): SecureContext;
}

interface Meta {
  permitted: string[];
  commonName: string;
}

/** The constraint subtrees for a list of inspected-host entries (deduplicated, sorted). */
export function permittedSubtrees(hosts: readonly string[]): string[] {
  return [...new Set(hosts.map((h) => constraintFor(normalizeHost(h))))].sort();
}

function covered(permitted: readonly string[], host: string): boolean {
  const h = normalizeHost(host);
  return permitted.some((p) => h === p || h.endsWith(`.${p}`));
}

async function readCa(dir: string): Promise<{ certPem: string; key: KeyObject; meta: Meta } | 'expiring' | undefined> {
  let certPem: string;
  let keyPem: string;
  let meta: Meta;
  try {
    [certPem, keyPem, meta] = await Promise.all([
      readFile(join(dir, CA_CERT_FILE), 'utf8'),
      readFile(join(dir, CA_KEY_FILE), 'utf8'),
      readFile(join(dir, CA_META_FILE), 'utf8').then((t) => JSON.parse(t) as Meta),
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (process.platform !== 'win32') {
    const mode = (await stat(join(dir, CA_KEY_FILE))).mode & 0o077;
    if (mode !== 0) throw new Error(`the Airlock CA key ${join(dir, CA_KEY_FILE)} is readable by other users; fix it with chmod 600 or delete the ca folder to make a new CA`);
  }
  const cert = new X509Certificate(certPem);
  const key = createPrivateKey(keyPem);
  if (!cert.checkPrivateKey(key)) throw new Error(`the Airlock CA key does not match its certificate in ${dir}`);
  if (new Date(cert.validTo).getTime() < Date.now() + 30 * 24 * 3600 * 1000) return 'expiring';
  return { certPem, key, meta };
}

async function createCa(dir: string, permitted: string[]): Promise<void> {
  const parent = join(dir, '..');
  await mkdir(parent, { recursive: true, mode: 0o700 });
  // Written into a fresh folder that is renamed into place: two processes creating the CA at
  // once never mix one's key with the other's certificate.
  const tmp = await mkdtemp(join(parent, '.ca-'));
  try {
    const keys = newKeyPair();
    const commonName = `Airlock local CA ${new Date().toISOString().slice(0, 10)} ${Math.random().toString(36).slice(2, 8)}`;
    const now = Date.now();
    const certPem = createCaCertificate({ commonName, keys, notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + CA_YEARS * 365 * 24 * 3600 * 1000), permittedDns: permitted });
    await writeFile(join(tmp, CA_KEY_FILE), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await writeFile(join(tmp, CA_CERT_FILE), certPem, { mode: 0o644 });
    await writeFile(join(tmp, CA_META_FILE), `${JSON.stringify({ permitted, commonName } satisfies Meta, null, 2)}\n`, { mode: 0o644 });
    await rename(tmp, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Someone else won the race: use theirs.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

export interface LoadCaOptions {
  /** Folder of the CA files (default `caDir()`). */
  dir?: string;
  /** Inspected-host entries the CA must cover when it is created (default list plus the policy's). */
  hosts?: readonly string[];
}

/** Loads the user's CA, creating it on first use. */
export async function loadOrCreateCa(options: LoadCaOptions = {}): Promise<AirlockCa> {
  const dir = options.dir ?? caDir();
  let existing = await readCa(dir);
  if (existing === 'expiring') {
    // Kept aside (not deleted) so an OS store entry can still be matched and removed.
    await rename(dir, `${dir}.expired-${Date.now()}`);
    existing = undefined;
  }
  if (!existing) {
    await createCa(dir, permittedSubtrees(options.hosts ?? DEFAULT_INSPECTED_HOSTS));
    existing = await readCa(dir);
    if (!existing || existing === 'expiring') throw new Error(`could not create the Airlock CA in ${dir}`);
  }
  const { certPem, key, meta } = existing;
  const caPublic = createPublicKey(key);
  const leaves = new Map<string, { context: SecureContext; renewAt: number }>();
  // One key pair for all leaves of this process (as mitmproxy does): minting then costs one
  // signature instead of a key generation per host. Leaves are short-lived and never written out.
  const leafKeys = newKeyPair();
  const leafKeyPem = leafKeys.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const mint = leafMinter({ commonName: meta.commonName, privateKey: key, publicKey: caPublic }, leafKeys.publicKey);
  return {
    certPath: join(dir, CA_CERT_FILE),
    certPem,
    permitted: meta.permitted,
    covers: (host) => covered(meta.permitted, host),
    contextFor(host) {
      const h = normalizeHost(host);
      const cached = leaves.get(h);
      const now = Date.now();
      if (cached && cached.renewAt > now) return cached.context;
      if (!covered(meta.permitted, h)) throw new Error(`the Airlock CA does not cover ${h}`);
      const notAfter = now + LEAF_DAYS * 24 * 3600 * 1000;
      const leafPem = mint(h, new Date(now - BACKDATE_MS), new Date(notAfter));
      const context = createSecureContext({ key: leafKeyPem, cert: leafPem + certPem, minVersion: 'TLSv1.2' });
      if (leaves.size >= LEAF_CACHE_MAX) leaves.delete(leaves.keys().next().value as string);
      leaves.set(h, { context, renewAt: notAfter - LEAF_RENEW_MS });
      return context;
    },
  };
}

/** For an existing CA: whether its constraints cover a host (undefined when there is no CA yet). */
export async function caCovers(dir: string = caDir()): Promise<((host: string) => boolean) | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(dir, CA_META_FILE), 'utf8')) as Meta;
    return (host) => covered(meta.permitted, host);
  } catch {
    return undefined;
  }
}
