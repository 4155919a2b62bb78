// Review signatures with the reviewer's SSH key, exactly the way git signs commits and tags:
// `gpg.format=ssh`, `user.signingkey` (a key file, or `key::`/`ssh-…` literal with the private
// half in ssh-agent), `gpg.ssh.program` (default ssh-keygen), and verification against an
// allowed signers file (`ssh-keygen -Y find-principals` then `-Y verify`). The namespace is
// `airlock-review`, so neither a commit signature nor a review signature verifies as the other.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REVIEW_SIGNATURE_NAMESPACE, signedPayload } from '../../core/ledger/signedReview';
import type { ReviewRecord } from '../../core/ledger/records';
import { git } from './git';

export interface SigningSetup {
  program: string;
  /** `-f` argument: a key file path (a temp file for a literal key). */
  keyFile: string;
  /** True for a literal public key: the private half is in ssh-agent (`-U`). */
  agent: boolean;
}

/** The signing setup from git config, or why there is none. */
export function signingSetup(root: string, scratch: string): SigningSetup | { problem: string } {
  const format = git(root, ['config', 'gpg.format']).stdout.trim();
  const key = git(root, ['config', 'user.signingkey']).stdout.trim();
  if (!key) return { problem: 'git config user.signingkey is not set' };
  if (format !== 'ssh') return { problem: `git config gpg.format is "${format || 'openpgp'}"; review signatures use SSH keys (git config gpg.format ssh)` };
  const program = git(root, ['config', 'gpg.ssh.program']).stdout.trim() || 'ssh-keygen';
  const literal = key.startsWith('key::') ? key.slice(5) : /^(ssh-|ecdsa-|sk-)/.test(key) ? key : undefined;
  if (literal !== undefined) {
    const file = join(scratch, 'signing-key.pub');
    writeFileSync(file, literal + '\n', { mode: 0o600 });
    return { program, keyFile: file, agent: true };
  }
  return { program, keyFile: key.startsWith('~/') ? join(homedir(), key.slice(2)) : key, agent: false };
}

/**
 * Signs a review record; resolves to the armored SSH signature, rejects with ssh-keygen's reason.
 * Asynchronous so the editor's extension host is never blocked while ssh-agent or a hardware key
 * answers; the CLI awaits the same function.
 */
export async function signReview(root: string, record: ReviewRecord): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-sign-'));
  try {
    const setup = signingSetup(root, scratch);
    if ('problem' in setup) throw new Error(`cannot sign the review: ${setup.problem}`);
    const args = ['-Y', 'sign', '-n', REVIEW_SIGNATURE_NAMESPACE, '-f', setup.keyFile, ...(setup.agent ? ['-U'] : [])];
    const r = await run(setup.program, args, signedPayload(record), 60_000);
    if (r.status !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE')) {
      throw new Error(`cannot sign the review: ${setup.program} -Y sign failed${r.error ? ` (${r.error})` : ''}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    }
    return r.stdout.trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs a program with `input` on stdin; never rejects (a missing program is reported in `error`). */
function run(program: string, args: string[], input: string, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string; error?: string }> {
  return new Promise((done) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (status: number | null, error?: string) => {
      if (settled) return;
      settled = true;
      done({ status, stdout, stderr, ...(error ? { error } : {}) });
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => finish(null, e.message));
    child.stdin.on('error', () => undefined); // the program may exit before reading (bad key): its status says why
    child.on('close', (status, signal) => finish(status, signal ? `killed by ${signal}` : undefined));
    child.stdin.end(input);
  });
}

export interface SignatureResult {
  ok: boolean;
  /** Principal from the allowed signers file (usually an email address). */
  principal?: string;
  /** `SHA256:…` fingerprint of the signing key. */
  fingerprint?: string;
  reason?: string;
}

/** Verifies review signatures against one allowed signers file, caching results. */
export class ReviewVerifier {
  private readonly cache = new Map<string, SignatureResult>();
  private scratch: string | undefined;

  /**
   * `file`: the allowed signers file on disk, or undefined when the policy names none.
   * `scratchDir`: where signatures are written for ssh-keygen (the caller removes it); without
   * it a temp folder is made and removed by dispose().
   */
  constructor(readonly file: string | undefined, private readonly scratchDir?: string, private readonly program = 'ssh-keygen') {}

  verify(record: ReviewRecord): SignatureResult {
    if (!record.signature) return { ok: false, reason: 'unsigned' };
    if (!this.file) return { ok: false, reason: 'signed, but the policy names no allowedSigners file to verify it against' };
    const payload = signedPayload(record);
    const key = createHash('sha256').update(payload).update('\0').update(record.signature).digest('hex');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result = this.run(payload, record.signature);
    this.cache.set(key, result);
    return result;
  }

  private run(payload: string, signature: string): SignatureResult {
    const dir = this.scratchDir ?? (this.scratch ??= mkdtempSync(join(tmpdir(), 'airlock-verify-')));
    const sigFile = join(dir, 'review.sig');
    writeFileSync(sigFile, signature.endsWith('\n') ? signature : signature + '\n');
    const found = spawnSync(this.program, ['-Y', 'find-principals', '-s', sigFile, '-f', this.file!], { encoding: 'utf8', timeout: 30_000 });
    const principals = (found.stdout ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    if (found.status !== 0 || principals.length === 0) return { ok: false, reason: 'signed by a key that is not in the allowed signers file' };
    for (const principal of principals) {
      const r = spawnSync(this.program, ['-Y', 'verify', '-f', this.file!, '-I', principal, '-n', REVIEW_SIGNATURE_NAMESPACE, '-s', sigFile], { input: payload, encoding: 'utf8', timeout: 30_000 });
      if (r.status === 0) {
        const fingerprint = /key (SHA256:[A-Za-z0-9+/=]+)/.exec(r.stdout ?? '')?.[1];
        return { ok: true, principal, ...(fingerprint ? { fingerprint } : {}) };
      }
    }
    return { ok: false, reason: 'the signature does not verify (the record was changed after signing, or signed for another namespace)' };
  }

  dispose(): void {
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
  }
}

/** How identities are compared: emails and principals case-insensitively, key fingerprints exactly. */
export function identityKey(id: string): string {
  return id.startsWith('SHA256:') ? id : id.trim().toLowerCase();
}
