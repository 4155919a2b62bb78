// Real git repositories and ssh-keygen keys in temp folders, and the built CLI, for the
// provenance tests (review trust, signed editor reviews, the fold cache). Temp folders made
// here are removed when the test file ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The built CLI, as a separate process. */
export function airlock(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

export interface Key {
  email: string;
  private: string;
  public: string;
}

/** A real ed25519 key made by ssh-keygen. */
export function keygen(dir: string, email: string): Key {
  const file = join(dir, email.split('@')[0]!);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', email, '-f', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { email, private: file, public: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** An allowed-signers file naming these keys. */
export function allowedSigners(...keys: Key[]): string {
  return keys.map((k) => `${k.email} ${k.public.split(' ').slice(0, 2).join(' ')}\n`).join('');
}
