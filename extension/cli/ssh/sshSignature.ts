// Detached SSH signatures, made and checked by the real `ssh-keygen -Y` (the mechanism git uses
// for `gpg.format=ssh`), so a security team signs org policies with the keys and allowed-signers
// files it already has. The namespace keeps a policy signature from passing as a commit or
// review signature and the other way round.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SshVerifyInput {
  data: Buffer | string;
  /** The armored signature (`-----BEGIN SSH SIGNATURE-----…`). */
  signature: string;
  /** Path of an allowed-signers file (`principal [namespaces="…"] key-type key`). */
  allowedSignersFile: string;
  namespace: string;
  /** ssh-keygen binary; default from PATH. */
  sshKeygen?: string;
  timeoutMs?: number;
}

export interface SshVerifyResult {
  ok: boolean;
  /** The principal of the allowed-signers file whose key made the signature. */
  principal?: string;
  /** Why verification failed, in one line (never the data). */
  reason?: string;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], input: Buffer | string | undefined, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      // Loaded on first use: every CLI start-up imports this module (through the org policy
      // reader), and node:child_process with net and dgram cost each one a few ms.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: null, stdout, stderr: error instanceof Error ? error.message : String(error) });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200);
}

/** Checks a detached signature: which allowed signer made it, and that it covers `data` in `namespace`. */
export async function verifySshSignature(input: SshVerifyInput): Promise<SshVerifyResult> {
  const bin = input.sshKeygen ?? 'ssh-keygen';
  const timeoutMs = input.timeoutMs ?? 10_000;
  if (!/^-----BEGIN SSH SIGNATURE-----/.test(input.signature.trim())) return { ok: false, reason: 'not an SSH signature' };
  const dir = mkdtempSync(join(tmpdir(), 'airlock-sshsig-'));
  try {
    const sigFile = join(dir, 'data.sig');
    writeFileSync(sigFile, input.signature.endsWith('\n') ? input.signature : `${input.signature}\n`, { mode: 0o600 });
    const found = await run(bin, ['-Y', 'find-principals', '-s', sigFile, '-f', input.allowedSignersFile, '-n', input.namespace], undefined, timeoutMs);
    if (found.code === null) return { ok: false, reason: `ssh-keygen could not run: ${firstLine(found.stderr)}` };
    const principals = found.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    if (found.code !== 0 || principals.length === 0) return { ok: false, reason: 'signed by a key that is not in the allowed signers file' };
    for (const principal of principals) {
      const verified = await run(bin, ['-Y', 'verify', '-f', input.allowedSignersFile, '-I', principal, '-n', input.namespace, '-s', sigFile], input.data, timeoutMs);
      if (verified.code === 0) return { ok: true, principal };
    }
    return { ok: false, reason: 'the signature does not match the content (or was made for another namespace)' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SshSignInput {
  data: Buffer | string;
  /** Private key file, or a public key file whose private half is in ssh-agent (as git's user.signingkey). */
  keyFile: string;
  namespace: string;
  sshKeygen?: string;
  timeoutMs?: number;
}

/** Makes a detached signature over `data` with `ssh-keygen -Y sign`; throws with ssh-keygen's reason. */
export async function signWithSshKey(input: SshSignInput): Promise<string> {
  const bin = input.sshKeygen ?? 'ssh-keygen';
  const signed = await run(bin, ['-Y', 'sign', '-f', input.keyFile, '-n', input.namespace, '-q'], input.data, input.timeoutMs ?? 30_000);
  if (signed.code !== 0 || !signed.stdout.includes('BEGIN SSH SIGNATURE')) {
    throw new Error(`ssh-keygen could not sign: ${firstLine(signed.stderr) || `exit ${signed.code}`}`);
  }
  return signed.stdout;
}
