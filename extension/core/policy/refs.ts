// Policy references: `airlock:NAME` presets, file paths (absolute, or relative to the policy
// that mentions them) and https URLs. Pure string handling so core stays free of I/O.

export type PolicyRefKind = 'preset' | 'file' | 'url';

export const PRESET_PREFIX = 'airlock:';

export function refKind(ref: string): PolicyRefKind {
  if (ref.startsWith(PRESET_PREFIX)) return 'preset';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return 'url';
  return 'file';
}

export class PolicyRefError extends Error {}

/**
 * Turns `ref`, as written in the policy `from`, into a canonical reference: presets stay
 * `airlock:name`, files become absolute POSIX-style paths, URLs are resolved against a URL parent.
 */
export function resolveRef(ref: string, from?: string): string {
  const kind = refKind(ref);
  if (kind === 'preset') {
    const name = ref.slice(PRESET_PREFIX.length);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new PolicyRefError(`unknown preset name "${ref}"`);
    return ref;
  }
  if (kind === 'url') {
    const url = new URL(ref);
    if (url.protocol !== 'https:') throw new PolicyRefError(`only https URLs can be extended (got ${url.protocol})`);
    return url.href;
  }
  const path = ref.replace(/\\/g, '/');
  if (isAbsolutePath(path)) return normalizePath(path);
  if (!from) return normalizePath(path);
  const parentKind = refKind(from);
  if (parentKind === 'url') return new URL(ref, from).href;
  // A preset's relative references stay among the presets (`./secrets.jsonc` → `airlock:secrets`).
  if (parentKind === 'preset') {
    const name = path.replace(/^\.\//, '').replace(/\.jsonc?$/, '');
    return resolveRef(`${PRESET_PREFIX}${name}`);
  }
  const dir = from.replace(/\\/g, '/').replace(/\/[^/]*$/, '') || '/';
  return normalizePath(`${dir}/${path}`);
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

/** Collapses `.`, `..` and repeated slashes. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  return (absolute ? '/' : '') + out.join('/');
}
