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
import type { ReviewVerdict } from '../../core/ledger/check';
import type { ReviewRecord } from '../../core/ledger/records';
import type { ReviewRequirement } from '../../core/policy/contract';
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
export async function signReview(root: string, record: ReviewRecord, options: { terminal?: boolean } = {}): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-sign-'));
  try {
    const setup = signingSetup(root, scratch);
    if ('problem' in setup) throw new Error(`cannot sign the review: ${setup.problem}`);
    const args = ['-Y', 'sign', '-n', REVIEW_SIGNATURE_NAMESPACE, '-f', setup.keyFile, ...(setup.agent ? ['-U'] : [])];
    // Without a terminal (the editor), ssh-keygen runs in its own session: a key that needs a
    // passphrase fails at once instead of prompting on whatever terminal VS Code was started from.
    const r = await run(setup.program, args, signedPayload(record), 60_000, options.terminal === false);
    if (r.status !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE')) {
      const reason = r.stderr.trim().split('\n').slice(-1)[0] ?? '';
      const hint = /passphrase/i.test(reason) && !setup.agent ? ` (the key needs its passphrase: add it to ssh-agent with ssh-add ${setup.keyFile.replace(/\.pub$/, '')})` : '';
      throw new Error(`cannot sign the review: ${setup.program} -Y sign failed${r.error ? ` (${r.error})` : ''}: ${reason}${hint}`);
    }
    return r.stdout.trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs a program with `input` on stdin; never rejects (a missing program is reported in `error`). */
function run(program: string, args: string[], input: string, timeoutMs: number, detached = false): Promise<{ status: number | null; stdout: string; stderr: string; error?: string }> {
  return new Promise((done) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, detached });
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

/** One ssh-keygen run the verification asks for, and what it answered. */
interface Command {
  args: string[];
  input?: string;
}
interface Outcome {
  status: number | null;
  stdout: string;
}

/**
 * How a review signature is verified, once for both drivers (the CLI's synchronous one and the
 * editor's background one): `-Y find-principals` names who the key belongs to in the allowed
 * signers file, then `-Y verify` checks the signature over the payload for one of them.
 */
function* verification(file: string, sigFile: string, payload: string): Generator<Command, SignatureResult, Outcome> {
  const found = yield { args: ['-Y', 'find-principals', '-s', sigFile, '-f', file] };
  const principals = found.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  if (found.status !== 0 || principals.length === 0) return { ok: false, reason: 'signed by a key that is not in the allowed signers file' };
  for (const principal of principals) {
    const r = yield { args: ['-Y', 'verify', '-f', file, '-I', principal, '-n', REVIEW_SIGNATURE_NAMESPACE, '-s', sigFile], input: payload };
    if (r.status === 0) {
      const fingerprint = /key (SHA256:[A-Za-z0-9+/=]+)/.exec(r.stdout)?.[1];
      return { ok: true, principal, ...(fingerprint ? { fingerprint } : {}) };
    }
  }
  return { ok: false, reason: 'the signature does not verify (the record was changed after signing, or signed for another namespace)' };
}

/** Verifies review signatures against one allowed signers file, caching results. */
export class ReviewVerifier {
  private readonly cache = new Map<string, SignatureResult>();
  private readonly running = new Map<string, Promise<SignatureResult>>();
  private scratch: string | undefined;
  private files = 0;

  /**
   * `file`: the allowed signers file on disk, or undefined when the policy names none.
   * `scratchDir`: where signatures are written for ssh-keygen (the caller removes it); without
   * it a temp folder is made and removed by dispose().
   */
  constructor(readonly file: string | undefined, private readonly scratchDir?: string, private readonly program = 'ssh-keygen') {}

  verify(record: ReviewRecord): SignatureResult {
    const early = this.precheck(record);
    if (early) return early;
    const key = cacheKey(record);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const sigFile = this.writeSignature(record.signature!, 'review.sig');
    const steps = verification(this.file!, sigFile, signedPayload(record));
    let step = steps.next();
    while (!step.done) {
      const r = spawnSync(this.program, step.value.args, { input: step.value.input, encoding: 'utf8', timeout: 30_000 });
      step = steps.next({ status: r.status, stdout: r.stdout ?? '' });
    }
    this.cache.set(key, step.value);
    return step.value;
  }

  /** The verdict if this signature was verified already (never runs ssh-keygen). */
  cached(record: ReviewRecord): SignatureResult | undefined {
    return this.precheck(record) ?? this.cache.get(cacheKey(record));
  }

  /** verify() without blocking: ssh-keygen runs in the background (the editor's extension host). */
  verifyAsync(record: ReviewRecord): Promise<SignatureResult> {
    const early = this.cached(record);
    if (early) return Promise.resolve(early);
    const key = cacheKey(record);
    let running = this.running.get(key);
    if (!running) {
      running = this.runAsync(record).then((result) => {
        this.cache.set(key, result);
        this.running.delete(key);
        return result;
      });
      this.running.set(key, running);
    }
    return running;
  }

  private async runAsync(record: ReviewRecord): Promise<SignatureResult> {
    const sigFile = this.writeSignature(record.signature!, `review-${++this.files}.sig`);
    try {
      const steps = verification(this.file!, sigFile, signedPayload(record));
      let step = steps.next();
      while (!step.done) {
        const r = await run(this.program, step.value.args, step.value.input ?? '', 30_000);
        step = steps.next({ status: r.status, stdout: r.stdout });
      }
      return step.value;
    } finally {
      rmSync(sigFile, { force: true });
    }
  }

  private precheck(record: ReviewRecord): SignatureResult | undefined {
    if (!record.signature) return { ok: false, reason: 'unsigned' };
    if (!this.file) return { ok: false, reason: 'signed, but the policy names no allowedSigners file to verify it against' };
    return undefined;
  }

  private writeSignature(signature: string, name: string): string {
    const dir = this.scratchDir ?? (this.scratch ??= mkdtempSync(join(tmpdir(), 'airlock-verify-')));
    const sigFile = join(dir, name);
    writeFileSync(sigFile, signature.endsWith('\n') ? signature : signature + '\n');
    return sigFile;
  }

  dispose(): void {
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
  }
}

function cacheKey(record: ReviewRecord): string {
  return createHash('sha256').update(signedPayload(record)).update('\0').update(record.signature ?? '').digest('hex');
}

type RequireApproval = NonNullable<ReviewRequirement['requireApproval']>;

/**
 * Whether one review counts under a rule, and as whom: the rule `airlock check` applies and the
 * editor's Needs Review applies, so the editor never shows approved what check will refuse.
 * `signers`: whether the rule's allowed signers file is there (or why not); `verify` gives the
 * signature's result (called only for a signed review that must be verified).
 */
export function reviewVerdict(review: ReviewRecord, requirement: RequireApproval, signers: { present: boolean; missing?: string }, verify: () => SignatureResult): ReviewVerdict {
  const email = identityKey(review.reviewer.email);
  const required = requirement.signatures === 'required';
  if (!review.signature) {
    if (required) return { counts: false, identities: [], reason: `unsigned; rule ${requirement.rule} requires reviews signed with a key in the allowed signers file` };
    return { counts: true, identities: [email] };
  }
  if (!signers.present && !required) return { counts: true, identities: [email] }; // nothing to verify against: an unsigned review's weight
  const result = verify();
  if (!result.ok) return { counts: false, identities: [], reason: signers.missing ?? result.reason ?? 'bad signature' };
  const principal = identityKey(result.principal!);
  if (principal !== email) return { counts: false, identities: [], reason: `signed by ${result.principal}, but the record names ${review.reviewer.email} as the reviewer` };
  return { counts: true, identities: [principal, ...(result.fingerprint ? [result.fingerprint] : [])] };
}

/** How identities are compared: emails and principals case-insensitively, key fingerprints exactly. */
export function identityKey(id: string): string {
  return id.startsWith('SHA256:') ? id : id.trim().toLowerCase();
}
