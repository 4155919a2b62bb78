// Small globs for names (assistant ids, detector ids, host names): `*` matches any run of
// characters, everything else is literal. Compiled once to a RegExp without nested quantifiers.

export function nameGlobToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * A list of name globs where `!glob` excludes. Matches when a positive entry matches (or there
 * are only negative entries) and no negative entry matches.
 */
export class NameMatcher {
  private readonly include: RegExp[] = [];
  private readonly exclude: RegExp[] = [];

  constructor(globs: readonly string[]) {
    for (const g of globs) {
      if (g.startsWith('!')) this.exclude.push(nameGlobToRegExp(g.slice(1)));
      else this.include.push(nameGlobToRegExp(g));
    }
  }

  matches(name: string | undefined): boolean {
    const value = name ?? '';
    if (this.exclude.some((r) => r.test(value))) return false;
    if (this.include.length === 0) return true;
    return name !== undefined && this.include.some((r) => r.test(value));
  }
}
