// Path globs anchored like .gitignore, matched with minimatch: a pattern with a slash (other
// than a trailing one) is anchored at the workspace root, one without matches at any depth,
// a trailing slash or a directory match covers everything below, `!` re-includes, and the
// last matching pattern wins.
import { Minimatch } from 'minimatch';

interface CompiledPattern {
  negate: boolean;
  matchers: Minimatch[];
  /** Index of the pattern in the list it came from. */
  index: number;
}

const OPTIONS = { dot: true, nocomment: true, nonegate: true, noext: false } as const;

export function compilePathPattern(pattern: string, index: number): CompiledPattern {
  let p = pattern.trim().replace(/\\/g, '/');
  const negate = p.startsWith('!');
  if (negate) p = p.slice(1);
  p = p.replace(/^\.\//, '');
  if (p.endsWith('/')) p = p.replace(/\/+$/, '');
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  const base = anchored ? p : `**/${p}`;
  // A pattern that names a directory covers all files below it.
  const globs = base.endsWith('/**') ? [base] : [base, `${base}/**`];
  return { negate, matchers: globs.map((g) => new Minimatch(g, OPTIONS)), index };
}

export class PathMatcher {
  private readonly patterns: CompiledPattern[];

  /** The globs as written (for tools that write them out, e.g. agents' ignore files). */
  readonly globs: readonly string[];

  constructor(patterns: readonly string[], private readonly workspaceRoots: readonly string[] = []) {
    this.patterns = patterns.map(compilePathPattern);
    this.globs = [...patterns];
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Index of the deciding (positive) pattern when `path` matches, else undefined. */
  match(path: string, workspaceRoots: readonly string[] = this.workspaceRoots): number | undefined {
    if (this.patterns.length === 0) return undefined;
    for (const candidate of candidatesFor(path, workspaceRoots)) {
      const hit = this.matchRelative(candidate);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  private matchRelative(rel: string): number | undefined {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      const pattern = this.patterns[i]!;
      if (pattern.matchers.some((m) => m.match(rel))) return pattern.negate ? undefined : pattern.index;
    }
    return undefined;
  }
}

/**
 * Relative forms of a path to match. Workspace-relative paths are used as they are; an absolute
 * path under a known workspace root is made relative to it; any other absolute path is tried at
 * every depth (fail closed: `src/secret/**` protects `/home/me/repo/src/secret/x.ts` too).
 */
export function candidatesFor(path: string, workspaceRoots: readonly string[]): string[] {
  let p = path.replace(/\\/g, '/');
  if (p.startsWith('file://')) {
    try {
      p = decodeURIComponent(new URL(p).pathname);
    } catch {
      // keep the raw text
    }
  }
  const absolute = p.startsWith('/') || /^[A-Za-z]:\//.test(p);
  if (!absolute) return [stripDots(p)];
  for (const rootRaw of workspaceRoots) {
    const root = rootRaw.replace(/\\/g, '/').replace(/\/+$/, '');
    if (p.toLowerCase().startsWith(`${root.toLowerCase()}/`)) return [stripDots(p.slice(root.length + 1))];
  }
  const parts = stripDots(p.replace(/^[A-Za-z]:/, '')).split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push(parts.slice(i).join('/'));
  return out;
}

function stripDots(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
