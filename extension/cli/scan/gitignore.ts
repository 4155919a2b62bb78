// .gitignore semantics, by hand, so that `airlock scan` skips exactly what git skips.
// Pure: text in, matchers out. Written against gitignore(5):
// - blank lines and `#` comments are ignored; `\#` and `\!` escape a leading `#`/`!`;
// - trailing spaces are dropped unless escaped with a backslash;
// - `!` negates (re-includes) — the last matching pattern wins;
// - a trailing `/` matches directories only;
// - a `/` at the start or in the middle anchors the pattern to the .gitignore's directory,
//   otherwise the pattern matches a name at any depth;
// - `*` and `?` never match `/`; `[...]` is a character class (`[!...]` negated);
// - `**/` leading, `/**` trailing and `/**/` in the middle span directories; any other `**`
//   is a plain `*`.
// Re-including a file whose parent directory is excluded is impossible in git; the walker gets
// that for free because it never descends into an excluded directory.

export interface IgnoreRule {
  /** The line as written, for diagnostics. */
  source: string;
  negated: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** Rules of one .gitignore file, applying to paths relative to `base` (POSIX, '' = scan root). */
export interface IgnoreLayer {
  base: string;
  rules: IgnoreRule[];
}

/** Parses the text of a .gitignore file into rules; lines that cannot form a pattern are dropped. */
export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const rule = parseLine(rawLine);
    if (rule) rules.push(rule);
  }
  return rules;
}

function parseLine(rawLine: string): IgnoreRule | undefined {
  let line = stripTrailingSpaces(rawLine);
  if (line === '' || line.startsWith('#')) return undefined;
  let negated = false;
  if (line.startsWith('!')) {
    negated = true;
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith('/') && !line.endsWith('\\/')) {
    dirOnly = true;
    line = line.replace(/\/+$/, '');
  }
  if (line === '') return undefined;
  // A separator at the start or in the middle anchors the pattern to the .gitignore's directory.
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegexSource(line);
  if (body === undefined) return undefined;
  const prefix = anchored ? '^' : '^(?:.*/)?';
  return { source: rawLine, negated, dirOnly, regex: new RegExp(`${prefix}${body}$`, 's') };
}

/** Drops unescaped trailing spaces; `\ ` keeps the space. */
function stripTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ') {
    let backslashes = 0;
    for (let i = end - 2; i >= 0 && line[i] === '\\'; i--) backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return line.slice(0, end);
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\/]/g;

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIALS, '\\$&');
}

/** Translates one gitignore glob (without leading `/` or trailing `/`) to a regex body. */
export function globToRegexSource(glob: string): string | undefined {
  const segments = glob.split('/');
  let out = '';
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!;
    const first = s === 0;
    const last = s === segments.length - 1;
    if (segment === '**') {
      // `**/x` → any leading directories; `x/**` → everything inside; `x/**/y` → zero or more dirs.
      if (last && first) out += '.*';
      else if (last) out += '/.*';
      else if (first) out += '(?:.*/)?';
      else out += '/(?:.*/)?';
      continue;
    }
    if (!first && !(segments[s - 1] === '**')) out += '/';
    const translated = segmentToRegex(segment);
    if (translated === undefined) return undefined;
    out += translated;
  }
  return out;
}

function segmentToRegex(segment: string): string | undefined {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\') {
      // A trailing lone backslash is invalid in git; such a pattern never matches.
      if (i + 1 >= segment.length) return undefined;
      out += escapeRegex(segment[++i]!);
    } else if (c === '*') {
      while (segment[i + 1] === '*') i++; // `**` not between slashes is a plain `*`
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const cls = characterClass(segment, i);
      if (cls) {
        out += cls.regex;
        i = cls.end;
      } else {
        out += '\\[';
      }
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

/** Parses `[...]` starting at `start`; undefined when unterminated (then `[` is literal). */
function characterClass(segment: string, start: number): { regex: string; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (segment[i] === '!' || segment[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let firstInClass = true;
  for (; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === ']' && !firstInClass) {
      // Classes never match '/', negated or not.
      return { regex: negated ? `[^/${body}]` : `[${body}]`, end: i };
    }
    firstInClass = false;
    if (c === '\\' && i + 1 < segment.length) {
      body += `\\${segment[++i]!}`;
    } else if (c === '-' ) {
      body += '-';
    } else {
      body += /[\]\\^[]/.test(c) ? `\\${c}` : c;
    }
  }
  return undefined;
}

/**
 * Decides whether `path` (POSIX, relative to the scan root) is ignored by the layers, which are
 * ordered shallowest first. The last matching rule of the deepest layer wins, as in git.
 */
export function isIgnored(layers: readonly IgnoreLayer[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    const relative = relativeTo(layer.base, path);
    if (relative === undefined) continue;
    for (const rule of layer.rules) {
      if (rule.dirOnly && !isDirectory) continue;
      if (rule.regex.test(relative)) ignored = !rule.negated;
    }
  }
  return ignored;
}

function relativeTo(base: string, path: string): string | undefined {
  if (base === '') return path;
  if (path.startsWith(`${base}/`)) return path.slice(base.length + 1);
  return undefined;
}
