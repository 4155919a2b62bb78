// The organization policy as a security team ships it to thousands of laptops: fetched from an
// https URL (or an MDM-installed file), verified before use (a detached SSH signature from an
// allowed signer, and/or a pinned SHA-256), cached as a last-good copy for when the URL is
// unreachable, refreshed on an interval with If-None-Match. A copy that fails verification never
// replaces the one in force; with no verified copy at all the load fails, and a failed load
// blocks everything (fail closed).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refKind, type PolicyReader } from '../../core/policy';
import { verifySshSignature } from '../ssh/sshSignature';
import { fetchHttps, type HttpsFetch } from './fetchHttps';

/** Namespace of org policy signatures (`ssh-keygen -Y sign -n airlock-policy`). */
export const ORG_POLICY_NAMESPACE = 'airlock-policy';

export interface OrgPolicyTrust {
  /** Allowed-signers file (shipped with the install): the policy must carry a valid detached signature. */
  allowedSignersFile?: string;
  /** Where the detached signature is; default `<policy ref>.sig`. */
  signatureRef?: string;
  /** Pinned SHA-256 (hex) of the policy text. */
  sha256?: string;
}

export interface OrgPolicyReaderOptions {
  /** The organization policy reference (https URL or file path). */
  ref: string;
  trust: OrgPolicyTrust;
  /** Folder for the last-good copies (per user, owner-only files). */
  cacheDir: string;
  /** A copy fetched less than this long ago is used without asking the server. Default 3600 s. */
  refreshSeconds?: number;
  /** Reads files, presets and other refs the org policy extends (the ordinary Node reader). */
  fallback: PolicyReader;
  fetch?: HttpsFetch;
  now?: () => number;
}

export type OrgPolicySource = 'network' | 'not-modified' | 'cache-fresh' | 'cache-offline' | 'file';

/** What is in force, for the Overview, `airlock policy status` and every audit record. */
export interface OrgPolicyStatus {
  ref: string;
  /** SHA-256 of the policy text in force. */
  sha256: string;
  /** The policy's own `version` field, when it declares one. */
  version?: string;
  source: OrgPolicySource;
  /** `ssh:<principal>`, `sha256`, both joined by `+`, or `none` (a local file without trust settings). */
  verifiedBy: string;
  /** When the copy in force was last confirmed by the server (ISO). */
  fetchedAt?: string;
  /** Why an older copy is in force (fetch failed, verification failed), when it is. */
  problem?: string;
}

interface CacheEntry {
  ref: string;
  text: string;
  signature?: string;
  etag?: string;
  fetchedAt: number;
}

export class OrgPolicyError extends Error {}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The policy's declared `version` (a top-level string), read without a full parse. */
function declaredVersion(text: string): string | undefined {
  const m = /"version"\s*:\s*"([^"\n]{1,80})"/.exec(text);
  return m?.[1];
}

export interface OrgPolicyReader {
  read: PolicyReader;
  /** The status of the root org policy after the last read, if it was read. */
  status(): OrgPolicyStatus | undefined;
}

export function createOrgPolicyReader(options: OrgPolicyReaderOptions): OrgPolicyReader {
  const fetch = options.fetch ?? fetchHttps;
  const now = options.now ?? Date.now;
  const refreshMs = (options.refreshSeconds ?? 3600) * 1000;
  const trust = options.trust;
  const pinned = trust.sha256?.trim().toLowerCase();
  if (pinned !== undefined && !/^[0-9a-f]{64}$/.test(pinned)) throw new OrgPolicyError('the pinned org policy SHA-256 must be 64 hex digits');
  let last: OrgPolicyStatus | undefined;
  const cacheFile = join(options.cacheDir, `${sha256Hex(options.ref).slice(0, 24)}.json`);

  async function verify(text: string, signature: string | undefined): Promise<string> {
    const by: string[] = [];
    if (trust.allowedSignersFile) {
      if (!signature) throw new OrgPolicyError('no signature was found for it');
      const result = await verifySshSignature({ data: text, signature, allowedSignersFile: trust.allowedSignersFile, namespace: ORG_POLICY_NAMESPACE });
      if (!result.ok) throw new OrgPolicyError(`its signature is not valid: ${result.reason ?? 'unknown reason'}`);
      by.push(`ssh:${result.principal}`);
    }
    if (pinned) {
      if (sha256Hex(text) !== pinned) throw new OrgPolicyError('its SHA-256 is not the pinned one');
      by.push('sha256');
    }
    return by.length ? by.join('+') : 'none';
  }

  function readCache(): CacheEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(cacheFile, 'utf8')) as CacheEntry;
      if (entry.ref !== options.ref || typeof entry.text !== 'string' || typeof entry.fetchedAt !== 'number') return undefined;
      return entry;
    } catch {
      return undefined;
    }
  }

  function writeCache(entry: CacheEntry): void {
    // Atomic: a crash mid-write leaves the previous last-good copy, never half of one.
    mkdirSync(options.cacheDir, { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(tmp, cacheFile);
  }

  function inForce(text: string, source: OrgPolicySource, verifiedBy: string, fetchedAt?: number, problem?: string): string {
    const version = declaredVersion(text);
    last = {
      ref: options.ref,
      sha256: sha256Hex(text),
      ...(version ? { version } : {}),
      source,
      verifiedBy,
      ...(fetchedAt !== undefined ? { fetchedAt: new Date(fetchedAt).toISOString() } : {}),
      ...(problem ? { problem } : {}),
    };
    return text;
  }

  /** The last-good copy, re-verified (the cache folder is only as safe as the user's account). */
  async function cachedOrThrow(cached: CacheEntry | undefined, problem: string): Promise<string> {
    if (!cached) throw new OrgPolicyError(`the organization policy ${options.ref} could not be used: ${problem}; there is no last-good copy, so nothing is sent to AI assistants`);
    let by: string;
    try {
      by = await verify(cached.text, cached.signature);
    } catch (error) {
      throw new OrgPolicyError(`the organization policy ${options.ref} could not be used: ${problem}; the cached copy failed verification too (${(error as Error).message})`);
    }
    return inForce(cached.text, 'cache-offline', by, cached.fetchedAt, problem);
  }

  async function readUrlRoot(): Promise<string> {
    if (!trust.allowedSignersFile && !pinned) {
      throw new OrgPolicyError(
        `the organization policy ${options.ref} comes from a URL but nothing verifies it: set the allowed signers file (airlock.policy.organizationAllowedSigners / AIRLOCK_ORG_POLICY_SIGNERS) or a pinned SHA-256 (airlock.policy.organizationSha256 / AIRLOCK_ORG_POLICY_SHA256)`,
      );
    }
    const cached = readCache();
    if (cached && now() - cached.fetchedAt < refreshMs) {
      try {
        return inForce(cached.text, 'cache-fresh', await verify(cached.text, cached.signature), cached.fetchedAt);
      } catch {
        // A tampered cache is ignored: ask the server.
      }
    }
    let response;
    try {
      response = await fetch(options.ref, cached?.etag ? { 'if-none-match': cached.etag } : {});
    } catch (error) {
      return cachedOrThrow(cached, `it could not be fetched (${(error as Error).message})`);
    }
    if (response.status === 304 && cached) {
      const by = await verify(cached.text, cached.signature).catch(() => undefined);
      if (by) {
        writeCache({ ...cached, fetchedAt: now() });
        return inForce(cached.text, 'not-modified', by, now());
      }
    }
    if (response.status !== 200) return cachedOrThrow(cached, `the server answered HTTP ${response.status}`);
    const text = response.body;
    let signature: string | undefined;
    if (trust.allowedSignersFile) {
      try {
        const sig = await fetch(trust.signatureRef ?? `${options.ref}.sig`, {});
        if (sig.status === 200) signature = sig.body;
      } catch {
        // Reported as "no signature" by verify below.
      }
    }
    let by: string;
    try {
      by = await verify(text, signature);
    } catch (error) {
      return cachedOrThrow(cached, `the fetched copy was refused because ${(error as Error).message}`);
    }
    const etag = response.headers['etag'];
    writeCache({ ref: options.ref, text, ...(signature ? { signature } : {}), ...(etag ? { etag } : {}), fetchedAt: now() });
    return inForce(text, 'network', by, now());
  }

  async function readFileRoot(): Promise<string> {
    const text = await options.fallback(options.ref);
    let signature: string | undefined;
    if (trust.allowedSignersFile) {
      signature = await options.fallback(trust.signatureRef ?? `${options.ref}.sig`).catch(() => undefined);
    }
    try {
      return inForce(text, 'file', await verify(text, signature));
    } catch (error) {
      throw new OrgPolicyError(`the organization policy ${options.ref} was refused because ${(error as Error).message}`);
    }
  }

  const read: PolicyReader = async (ref) => {
    if (ref === options.ref) return refKind(ref) === 'url' ? readUrlRoot() : readFileRoot();
    // What the org policy extends: bundled presets and local files as usual; another URL only
    // when it is signed by an allowed signer too (a pinned digest covers the root alone).
    if (refKind(ref) === 'url') {
      if (!trust.allowedSignersFile) throw new OrgPolicyError(`the organization policy extends ${ref}, which nothing verifies (a pinned SHA-256 covers only the root policy; use signatures)`);
      const [body, sig] = await Promise.all([fetch(ref, {}), fetch(`${ref}.sig`, {}).catch(() => undefined)]);
      if (body.status !== 200) throw new OrgPolicyError(`${ref}: HTTP ${body.status}`);
      const result = await verifySshSignature({ data: body.body, signature: sig?.status === 200 ? sig.body : '', allowedSignersFile: trust.allowedSignersFile, namespace: ORG_POLICY_NAMESPACE });
      if (!result.ok) throw new OrgPolicyError(`${ref} was refused: ${result.reason}`);
      return body.body;
    }
    return options.fallback(ref);
  };

  // Fingerprint files the org policy names (`protected.fingerprints`): local files as usual; from
  // a URL only with a valid signature by an allowed signer, like anything else it fetches.
  const readBytes = options.fallback.readBytes;
  if (readBytes) {
    read.readBytes = async (ref) => {
      const bytes = await readBytes(ref);
      if (refKind(ref) !== 'url') return bytes;
      if (!trust.allowedSignersFile) throw new OrgPolicyError(`the organization policy names ${ref}, which nothing verifies (a pinned SHA-256 covers only the root policy; use signatures)`);
      const signature = Buffer.from(await readBytes(`${ref}.sig`).catch(() => new Uint8Array(0))).toString('utf8');
      const result = await verifySshSignature({ data: Buffer.from(bytes), signature, allowedSignersFile: trust.allowedSignersFile, namespace: ORG_POLICY_NAMESPACE });
      if (!result.ok) throw new OrgPolicyError(`${ref} was refused: ${result.reason}`);
      return bytes;
    };
  }
  return { read, status: () => last };
}
