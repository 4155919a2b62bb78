// Thin git helpers for the provenance commands (no shell: arguments are passed as-is), synchronous
// but for readBlobsInBackground.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function git(cwd: string, args: string[], input?: string): GitResult {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', input, maxBuffer: 1 << 30 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The repository's top folder, or undefined outside a repository. */
export function repoRoot(cwd: string): string | undefined {
  const r = git(cwd, ['rev-parse', '--show-toplevel']);
  return r.ok ? r.stdout.trim() : undefined;
}

export interface Identity {
  name: string;
  email: string;
}

/** git user.name / user.email (empty strings when unset). */
export function identity(cwd: string): Identity {
  return { name: git(cwd, ['config', 'user.name']).stdout.trim(), email: git(cwd, ['config', 'user.email']).stdout.trim() };
}

export function headRevision(cwd: string): string | undefined {
  const r = git(cwd, ['rev-parse', 'HEAD']);
  return r.ok ? r.stdout.trim() : undefined;
}

/** Paths (repo-relative, POSIX) staged for the next commit, excluding deletions. */
export function stagedPaths(cwd: string): string[] {
  return nulList(git(cwd, ['diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z']).stdout);
}

/** Paths changed between two revisions (content at the later one). */
export function changedPaths(cwd: string, from: string, to: string): string[] | undefined {
  const r = git(cwd, ['diff', '--name-only', '--diff-filter=ACMR', '-z', `${from}..${to}`]);
  return r.ok ? nulList(r.stdout) : undefined;
}

/** Every tracked path. */
export function trackedPaths(cwd: string): string[] {
  return nulList(git(cwd, ['ls-files', '-z']).stdout);
}

/** Contents of many blobs (`<rev>:<path>` or `:<path>` for the index) in one git process. */
export function readBlobs(cwd: string, specs: string[]): Map<string, string | undefined> {
  if (specs.length === 0) return new Map();
  const r = spawnSync('git', ['cat-file', '--batch'], { cwd, input: specs.join('\n') + '\n', maxBuffer: 1 << 30 });
  return parseBatch(r.stdout ?? Buffer.alloc(0), specs);
}

/**
 * readBlobs in a git process that runs while this one does other work (`check --range` parses
 * the ledger meanwhile). Its input and output are files in `scratch`, not pipes, so git never
 * waits for this process's event loop (busy in synchronous work) to drain a pipe.
 */
export function readBlobsInBackground(cwd: string, specs: string[], scratch: string): Promise<Map<string, string | undefined>> {
  if (specs.length === 0) return Promise.resolve(new Map());
  const input = join(scratch, 'blobs.in');
  const output = join(scratch, 'blobs.out');
  writeFileSync(input, specs.join('\n') + '\n');
  const inFd = openSync(input, 'r');
  const outFd = openSync(output, 'w');
  try {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: [inFd, outFd, 'ignore'] });
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(parseBatch(readFileSync(output), specs)) : reject(new Error(`git cat-file --batch exited with ${code}`))));
    });
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
}

/** `git cat-file --batch` output, one entry per spec in order (missing and ambiguous ones undefined). */
function parseBatch(buf: Buffer, specs: string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  let pos = 0;
  for (const spec of specs) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const header = buf.toString('utf8', pos, nl);
    pos = nl + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      out.set(spec, undefined);
      continue;
    }
    const size = Number(header.split(' ')[2]);
    out.set(spec, buf.toString('utf8', pos, pos + size));
    pos += size + 1;
  }
  return out;
}

/**
 * Renames git knows about, old path -> new path: committed ones (history) and those in the
 * index/working tree against HEAD. Chains (a -> b -> c) are collapsed.
 */
export function renames(cwd: string): Map<string, string> {
  const pairs: [string, string][] = [];
  const parse = (text: string) => {
    const parts = text.split('\0').map((s) => s.replace(/^\n+/, ''));
    for (let i = 0; i < parts.length; i++) {
      if (/^R\d*$/.test(parts[i]!) && i + 2 < parts.length) {
        pairs.push([parts[i + 1]!, parts[i + 2]!]);
        i += 2;
      }
    }
  };
  // Oldest first, so later renames extend earlier ones.
  const log = git(cwd, ['log', '--reverse', '-M', '--diff-filter=R', '--name-status', '--format=', '-z']);
  if (log.ok) parse(log.stdout);
  const now = git(cwd, ['diff', 'HEAD', '-M', '--name-status', '--diff-filter=R', '-z']);
  if (now.ok) parse(now.stdout);
  const map = new Map<string, string>();
  for (const [from, to] of pairs) {
    for (const [k, v] of map) if (v === from) map.set(k, to);
    map.set(from, to);
  }
  return map;
}

function nulList(text: string): string[] {
  return text.split('\0').filter((s) => s.length > 0);
}
