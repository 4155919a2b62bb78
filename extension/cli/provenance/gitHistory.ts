// What git itself says about provenance: the ledger as committed (never the work tree), who
// brought each line in (blame, commit signatures), and commit trailers. Everything here reads
// objects, so it works the same in a work tree, in a checkout of another branch and in a bare
// repository.
import { spawn, spawnSync } from 'node:child_process';
import { LEDGER_DIR, LEDGER_FILE } from './ledgerFile';
import { git, readBlobs } from './git';
import { identityKey } from './signing';

export const LEDGER_PATH = `${LEDGER_DIR}/${LEDGER_FILE}`;

/** The full commit id of `rev`, or undefined when it is not a commit. */
export function resolveCommit(root: string, rev: string): string | undefined {
  if (rev.startsWith('-')) return undefined;
  const r = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  return r.ok ? r.stdout.trim() : undefined;
}

export function mergeBase(root: string, a: string, b: string): string | undefined {
  const r = git(root, ['merge-base', a, b]);
  return r.ok ? r.stdout.trim() : undefined;
}

/** Blob id and size of `rev:path`, or undefined when there is no such blob. */
export function blobInfo(root: string, rev: string, path: string): { id: string; size: number } | undefined {
  const r = spawnSync('git', ['cat-file', '--batch-check'], { cwd: root, input: `${rev}:${path}\n`, encoding: 'utf8' });
  const m = /^([0-9a-f]{40,64}) blob (\d+)$/m.exec(r.stdout ?? '');
  return m ? { id: m[1]!, size: Number(m[2]) } : undefined;
}

/**
 * Streams the bytes of `rev:path` to `onChunk` as git inflates them (so the caller works while
 * git does). True when git found the blob; false when it did not (what it wrote, if anything,
 * must then be ignored).
 */
export function streamBlob(root: string, spec: string, onChunk: (chunk: Buffer) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('git', ['cat-file', 'blob', spec], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', onChunk);
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** The ledger text committed at each revision (undefined where the commit has no ledger). */
export function ledgerAt(root: string, revs: readonly string[]): (string | undefined)[] {
  const blobs = readBlobs(root, revs.map((r) => `${r}:${LEDGER_PATH}`));
  return revs.map((r) => blobs.get(`${r}:${LEDGER_PATH}`));
}

/** Paths changed between the merge base and `to` (content at `to`), and renames in that span. */
export function changedSince(root: string, base: string, to: string): { paths: string[]; renames: Map<string, string> } | undefined {
  const r = git(root, ['diff', '--name-status', '-M', '--diff-filter=ACMR', '-z', base, to]);
  if (!r.ok) return undefined;
  const parts = r.stdout.split('\0').filter((s) => s.length > 0);
  const paths: string[] = [];
  const renames = new Map<string, string>();
  for (let i = 0; i < parts.length; i++) {
    const status = parts[i]!;
    if (status.startsWith('R') || status.startsWith('C')) {
      if (status.startsWith('R')) renames.set(parts[i + 1]!, parts[i + 2]!);
      paths.push(parts[i + 2]!);
      i += 2;
    } else {
      paths.push(parts[i + 1]!);
      i += 1;
    }
  }
  return { paths, renames };
}

/** Renames in the history of `rev` (old -> new, chains collapsed). */
export function renamesIn(root: string, rev: string): Map<string, string> {
  const r = git(root, ['log', '--reverse', '-M', '--diff-filter=R', '--name-status', '--format=', '-z', rev, '--']);
  const map = new Map<string, string>();
  if (!r.ok) return map;
  const parts = r.stdout.split('\0').map((s) => s.replace(/^\n+/, ''));
  for (let i = 0; i < parts.length; i++) {
    if (!/^R\d*$/.test(parts[i]!) || i + 2 >= parts.length) continue;
    const [from, to] = [parts[i + 1]!, parts[i + 2]!];
    i += 2;
    for (const [k, v] of map) if (v === from) map.set(k, to);
    map.set(from, to);
  }
  return map;
}

export const UNCOMMITTED = '0000000000000000000000000000000000000000';

/**
 * The commit that brought each line of `path` in (1-based line -> commit id), by `git blame`:
 * at `rev`, or of `contents` (the index or work tree version) on top of HEAD. Lines not
 * committed yet map to UNCOMMITTED.
 */
export function blame(root: string, path: string, at: { rev: string } | { contents: string }): Map<number, string> {
  const args = ['blame', '--porcelain', '-w'];
  let input: string | undefined;
  if ('rev' in at) args.push(at.rev, '--', path);
  else {
    args.push('--contents', '-', '--', path);
    input = at.contents;
  }
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8', input, maxBuffer: 1 << 30 });
  const out = new Map<number, string>();
  if (r.status !== 0) return out;
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^([0-9a-f]{40}) \d+ (\d+)/.exec(line);
    if (m) out.set(Number(m[2]), m[1]!);
  }
  return out;
}

export interface CommitInfo {
  /** Identities of who made the commit: author and committer emails, and the signing key and signer when signed. */
  identities: string[];
  /** True when the commit carries a good SSH/GPG signature (git's %G? is G or U). */
  signed: boolean;
  /** Trailer key (lower-case) -> values. */
  trailers: Map<string, string[]>;
}

/**
 * Identity and trailers of commits, in one `git log --no-walk`. `allowedSigners` (a file on disk)
 * lets git verify SSH commit signatures (`gpg.ssh.allowedSignersFile`).
 */
export function commitInfo(root: string, commits: readonly string[], allowedSigners?: string): Map<string, CommitInfo> {
  const out = new Map<string, CommitInfo>();
  const wanted = [...new Set(commits)].filter((c) => c !== UNCOMMITTED);
  if (wanted.length === 0) return out;
  const config = allowedSigners ? ['-c', `gpg.ssh.allowedSignersFile=${allowedSigners}`] : [];
  const format = '%H%x1f%ae%x1f%ce%x1f%G?%x1f%GF%x1f%GS%x1f%(trailers:unfold,only)%x1e';
  const r = spawnSync('git', [...config, 'log', '--no-walk=unsorted', `--format=${format}`, '--stdin'], { cwd: root, encoding: 'utf8', input: wanted.join('\n') + '\n', maxBuffer: 1 << 30 });
  if (r.status !== 0) return out;
  for (const entry of (r.stdout ?? '').split('\x1e')) {
    const fields = entry.replace(/^\n+/, '').split('\x1f');
    if (fields.length < 7) continue;
    const [sha, author, committer, status, fingerprint, signer, trailerText] = fields as [string, string, string, string, string, string, string];
    const signed = status === 'G' || status === 'U';
    // The key and signer whenever git shows them, even for a signature it could not verify: more
    // identities only make the distinct-reviewer rule stricter.
    const identities = [author, committer, fingerprint, signer].filter(Boolean).map(identityKey);
    const trailers = new Map<string, string[]>();
    for (const line of trailerText.split('\n')) {
      const at = line.indexOf(':');
      if (at <= 0) continue;
      const key = line.slice(0, at).trim().toLowerCase();
      const list = trailers.get(key) ?? [];
      list.push(line.slice(at + 1).trim());
      trailers.set(key, list);
    }
    out.set(sha, { identities: [...new Set(identities)], signed, trailers });
  }
  return out;
}

/** Commit ids in base..to. */
export function commitsBetween(root: string, base: string, to: string): Set<string> {
  const r = git(root, ['rev-list', `${base}..${to}`]);
  return new Set(r.ok ? r.stdout.split('\n').filter(Boolean) : []);
}
