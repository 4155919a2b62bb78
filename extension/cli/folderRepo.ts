// Which repository an opened folder belongs to, found the way the CLI finds it (`git rev-parse
// --show-toplevel`, provenance/git.ts): the editor keeps its policy and ledger in the .airlock/
// of that top folder, where `airlock check`, the hooks and the CLI read them. A folder opened
// below the top must never grow a second .airlock/ledger that nothing checks.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { git, type GitResult } from './provenance/git';

export type FolderRepo =
  | {
      ok: true;
      /** Where .airlock/ lives: the repository's top, spelled through the folder's own path when it can be. */
      root: string;
      /** The folder's path from `root` (POSIX), '' when the folder is the top or not in a repository. */
      within: string;
    }
  /** A repository is above the folder but git cannot say where its top is: nothing may be kept for it. */
  | { ok: false; problem: string };

/**
 * The top folder for `folder`. The folder itself when it holds `.git` (the top, as before, with
 * no git process) or when no folder above it does (not in a repository: its own .airlock/, as
 * before). Only a folder below a `.git` asks git, so opening the top costs nothing new.
 */
export function folderRepo(folder: string, runGit: (cwd: string, args: string[]) => GitResult = git): FolderRepo {
  const start = resolve(folder);
  const marker = nearestGitMarker(start);
  if (marker === undefined || marker === start) return { ok: true, root: start, within: '' };
  const top = runGit(start, ['rev-parse', '--show-toplevel']);
  const topPath = top.ok ? top.stdout.trim() : '';
  if (!topPath) {
    const said = top.stderr.trim().split('\n')[0] ?? '';
    return { ok: false, problem: `${start} is inside a git repository (${join(marker, '.git')}) but git cannot tell its top folder${said ? ` (${said})` : ''}` };
  }
  const realTop = realPath(topPath);
  const within = relative(realTop, realPath(start));
  if (within === '') return { ok: true, root: start, within: '' };
  if (within.startsWith('..') || isAbsolute(within)) return { ok: false, problem: `git names ${topPath} as the top of ${start}, which is not inside it` };
  // The same folder through the path the editor uses (a symlinked home or /tmp stays as
  // spelled), so documents' paths lead into it; through git's real path otherwise.
  const viaFolder = resolve(start, ...within.split(sep).map(() => '..'));
  return { ok: true, root: realPath(viaFolder) === realTop ? viaFolder : topPath, within: within.split(sep).join('/') };
}

/** The nearest folder at or above `start` that holds `.git` (a folder, or a file in worktrees and submodules). */
function nearestGitMarker(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}
