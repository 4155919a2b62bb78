// Which files are the company's own code, and which are public: the workspace walk for the
// fingerprint index. Own code: files git does not ignore (the .gitignore files of every level,
// as `airlock scan` reads them), outside third-party folders, not generated lockfiles, text,
// at most 1 MB. Public code: the workspace's dependencies (node_modules and friends).
// Asynchronous, yielding between directories, so a gateway keeps answering while it indexes.
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isIgnored, parseGitignore, type IgnoreLayer } from '../scan/gitignore';
import { findGitRoot, looksBinary } from '../scan/walk';

/** Folders holding other people's code (or tool state): never indexed as the company's own. */
export const THIRD_PARTY_DIRS: ReadonlySet<string> = new Set([
  'node_modules', 'bower_components', 'jspm_packages', 'vendor', 'third_party', 'third-party', '.venv', 'venv',
  'site-packages', '.yarn', '.pnpm-store', 'Pods', '.git', '.hg', '.svn', '.airlock', '.cache', '.gradle', '.m2',
]);

/** Generated files whose content is package names and checksums, not code anyone wrote. */
const GENERATED = /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock|composer\.lock|Gemfile\.lock|Pipfile\.lock)$|\.(?:min\.js|min\.css|map|snap)$/;

export const MAX_SOURCE_BYTES = 1024 * 1024;

export interface SourceFile {
  /** Workspace-relative POSIX path (the source id in the index). */
  path: string;
  absolutePath: string;
  mtimeMs: number;
  size: number;
}

export interface OwnFilesOptions {
  /** Whether a workspace-relative path is protected (the policy's `isProtectedPath`). */
  isProtected: (path: string) => boolean;
  maxFileBytes?: number;
  /** Polled between directories: true ends the walk early (the index is closing). */
  stopped?: () => boolean;
}

/** Every own, protected file under `root` (stat only; content is read by the caller). */
export async function listOwnFiles(root: string, options: OwnFilesOptions): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const gitRoot = findGitRoot(root);
  // Layers of .gitignore files above `root` inside its repository still apply.
  let layers: IgnoreLayer[] = [];
  let base = '';
  if (gitRoot && gitRoot !== root) {
    const rel = relative(gitRoot, root).split(sep).join('/');
    const parts = rel.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      layers = await withGitignore(join(gitRoot, ...dir.split('/').filter(Boolean)), dir, layers);
    }
    base = rel;
  }
  const walkRoot = gitRoot && gitRoot !== root ? gitRoot : root;
  await walk(walkRoot, base, layers, root, options, out);
  return out;
}

async function walk(walkRoot: string, relDir: string, inherited: IgnoreLayer[], root: string, options: OwnFilesOptions, out: SourceFile[]): Promise<void> {
  if (options.stopped?.()) return;
  const dir = relDir === '' ? walkRoot : join(walkRoot, ...relDir.split('/'));
  const layers = await withGitignore(dir, relDir, inherited);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const max = options.maxFileBytes ?? MAX_SOURCE_BYTES;
  for (const entry of entries) {
    const relPath = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    if (entry.isSymbolicLink()) continue; // like git: not followed
    if (entry.isDirectory()) {
      if (THIRD_PARTY_DIRS.has(entry.name) || isIgnored(layers, relPath, true)) continue;
      await walk(walkRoot, relPath, layers, root, options, out);
      continue;
    }
    if (!entry.isFile() || isIgnored(layers, relPath, false)) continue;
    const absolutePath = join(dir, entry.name);
    const path = relative(root, absolutePath).split(sep).join('/');
    if (GENERATED.test(path) || !options.isProtected(path)) continue;
    try {
      const stat = await fs.stat(absolutePath);
      if (stat.size > max || stat.size === 0) continue;
      out.push({ path, absolutePath, mtimeMs: stat.mtimeMs, size: stat.size });
    } catch {
      // vanished while walking
    }
  }
}

async function withGitignore(dir: string, relDir: string, inherited: IgnoreLayer[]): Promise<IgnoreLayer[]> {
  try {
    const text = await fs.readFile(join(dir, '.gitignore'), 'utf8');
    return [...inherited, { base: relDir, rules: parseGitignore(text) }];
  } catch {
    return inherited;
  }
}

/** Whether a workspace-relative path could be an own file at all (the watcher's cheap pre-check). */
export function outsideOwnCode(path: string): boolean {
  return path.split('/').some((part) => THIRD_PARTY_DIRS.has(part)) || GENERATED.test(path);
}

/** Reads a text file, or undefined when it is binary or unreadable. */
export async function readText(absolutePath: string): Promise<string | undefined> {
  try {
    const bytes = await fs.readFile(absolutePath);
    if (looksBinary(bytes)) return undefined;
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

const PUBLIC_CODE = /\.(?:[cm]?[jt]sx?|py|go|rs|java|kt|rb|php|cs|c|cc|cpp|h|hpp|swift|scala|sh|vue|svelte)$/;

/**
 * Source files of public code under `dir` (a node_modules folder, a vendored corpus), up to
 * `maxBytes` in total, in a stable order. Minified bundles are skipped: no one copies them.
 */
export async function listPublicFiles(dir: string, maxBytes = 512 * 1024 * 1024): Promise<string[]> {
  const out: string[] = [];
  let total = 0;
  const visit = async (d: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (total > maxBytes) return;
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.bin' && entry.name !== '.cache') await visit(full);
      } else if (entry.isFile() && PUBLIC_CODE.test(entry.name) && !/\.min\.[cm]?js$/.test(entry.name)) {
        try {
          const { size } = await fs.stat(full);
          if (size > MAX_SOURCE_BYTES) continue;
          total += size;
          out.push(full);
        } catch {
          // vanished
        }
      }
    }
  };
  await visit(dir);
  return out;
}
