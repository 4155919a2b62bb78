// Where a path an agent names really leads: `~` and `$HOME` expanded, `/proc/self/cwd` and
// `/proc/self/root` (which mean the agent's directory and `/`, not ours) replaced, then every
// symlink and `..` resolved by the file system. A path to a file that does not exist yet
// resolves through its nearest existing parent (a write into a symlinked folder lands there).
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface Workspace {
  /** Real paths of the workspace roots (the first is the repository the hook runs for). */
  roots: string[];
  /** The agent's working directory (as given, resolved to a real path). */
  cwd: string;
}

export function realPath(given: string, cwd: string): string {
  let p = given.trim();
  const home = process.env.HOME || homedir();
  if (p === '~' || p.startsWith('~/')) p = join(home, p.slice(1));
  p = p.replace(/^\$\{?HOME\}?(?=\/|$)/, home).replace(/^\$\{?PWD\}?(?=\/|$)/, cwd);
  // /proc/<self|thread-self|pid>/cwd is the agent's working directory; /proc/…/root is `/`.
  p = p.replace(/^\/proc\/(?:self|thread-self|\d+)(?:\/task\/\d+)?\/cwd(?=\/|$)/, cwd).replace(/^\/proc\/(?:self|thread-self|\d+)\/root(?=\/|$)/, '') || '/';
  const absolute = isAbsolute(p) ? resolve(p) : resolve(cwd, p);
  return resolveExisting(absolute);
}

function resolveExisting(absolute: string): string {
  try {
    return realpathSync.native(absolute);
  } catch {
    // Resolve the nearest existing parent, keep the rest as written.
    const parts = absolute.split(sep);
    for (let i = parts.length - 1; i > 0; i--) {
      const head = parts.slice(0, i).join(sep) || sep;
      try {
        return join(realpathSync.native(head), ...parts.slice(i));
      } catch {
        // keep climbing
      }
    }
    return absolute;
  }
}

/** The path the policy sees: workspace-relative POSIX when inside a root, else the absolute path. */
export function policyPath(real: string, workspace: Workspace): string {
  for (const root of workspace.roots) {
    const rel = relative(root, real);
    if (rel === '') return '.';
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return real.split(sep).join('/');
}

export function insideWorkspace(real: string, workspace: Workspace): boolean {
  return workspace.roots.some((root) => {
    const rel = relative(root, real);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

export function makeWorkspace(roots: string[], cwd: string): Workspace {
  const real = (p: string) => {
    try {
      return realpathSync.native(p);
    } catch {
      return resolve(p);
    }
  };
  return { roots: [...new Set(roots.map(real))], cwd: real(cwd) };
}
