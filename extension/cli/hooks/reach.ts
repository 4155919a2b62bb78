// What a folder search would reach: the files below a folder, walked like the agent's search
// tools do (ripgrep skips what .gitignore ignores; .git never), bounded in files and bytes so a
// hook answers quickly. Each file comes back under its real path, so a symlink inside the
// folder to a protected file elsewhere is judged as that file. When the bound is hit the
// caller refuses: what was not read cannot be called safe.
import { lstatSync, openSync, readSync, closeSync, readdirSync, readFileSync, statSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isIgnored, parseGitignore, type IgnoreLayer } from '../scan/gitignore';
import { findGitRoot } from '../scan/walk';

export interface ReachedFile {
  real: string;
  text?: string;
}

export interface ReachLimits {
  maxFiles: number;
  maxBytes: number;
  /** Bytes read per file (the head of a larger file is what a search shows first). */
  maxFileBytes: number;
}

export const DEFAULT_REACH: ReachLimits = { maxFiles: 20_000, maxBytes: 128 * 1024 * 1024, maxFileBytes: 1024 * 1024 };

export interface Reach {
  files: ReachedFile[];
  /** Set when the walk stopped at a limit. */
  truncated?: string;
}

export function reachFolder(folder: string, limits: ReachLimits = DEFAULT_REACH, state = { files: 0, bytes: 0 }): Reach {
  const out: Reach = { files: [] };
  const gitRoot = findGitRoot(folder) ?? folder;
  const base = relative(gitRoot, folder).split(sep).join('/');
  let layers: IgnoreLayer[] = [];
  if (base && !base.startsWith('..')) {
    const parts = base.split('/');
    for (let depth = 0; depth < parts.length; depth++) layers = withGitignore(join(gitRoot, ...parts.slice(0, depth)), parts.slice(0, depth).join('/'), layers);
  }
  const visited = new Set<string>();
  const walk = (dir: string, rel: string, inherited: IgnoreLayer[]): boolean => {
    const layersHere = withGitignore(dir, rel, inherited);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return true;
    }
    for (const name of names) {
      if (name === '.git') continue;
      const abs = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      let isDir: boolean;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        continue;
      }
      if (isIgnored(layersHere, relPath, isDir)) continue;
      if (isDir) {
        if (lstatSync(abs).isSymbolicLink()) continue; // like git and ripgrep: symlinked folders are not followed
        if (!walk(abs, relPath, layersHere)) return false;
        continue;
      }
      if (++state.files > limits.maxFiles) {
        out.truncated = `the search reaches more than ${limits.maxFiles} files`;
        return false;
      }
      let real: string;
      try {
        real = realpathSync.native(abs);
      } catch {
        continue;
      }
      if (visited.has(real)) continue;
      visited.add(real);
      const text = readHead(real, limits.maxFileBytes);
      state.bytes += text?.length ?? 0;
      if (state.bytes > limits.maxBytes) {
        out.truncated = `the search reaches more than ${Math.round(limits.maxBytes / 1048576)} MB`;
        return false;
      }
      out.files.push({ real, ...(text !== undefined ? { text } : {}) });
    }
    return true;
  };
  walk(folder, base.startsWith('..') ? '' : base, layers);
  return out;
}

/** The text of a file (its first `max` bytes), or undefined when unreadable or binary. */
export function readHead(file: string, max: number): string | undefined {
  try {
    const size = statSync(file).size;
    let bytes: Buffer;
    if (size <= max) bytes = readFileSync(file);
    else {
      bytes = Buffer.alloc(max);
      const fd = openSync(file, 'r');
      try {
        readSync(fd, bytes, 0, max, 0);
      } finally {
        closeSync(fd);
      }
    }
    const sniff = Math.min(bytes.length, 8000);
    for (let i = 0; i < sniff; i++) if (bytes[i] === 0) return undefined;
    return bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

function withGitignore(dir: string, rel: string, inherited: IgnoreLayer[]): IgnoreLayer[] {
  try {
    const text = readFileSync(join(dir, '.gitignore'), 'utf8');
    return [...inherited, { base: rel, rules: parseGitignore(text) }];
  } catch {
    return inherited;
  }
}
