// False-positive controls shared by every detector: values that are documentation examples,
// templates, masks or otherwise obviously not a live credential.

/** Case-insensitive substrings that mark a value as a placeholder. */
const PLACEHOLDER_MARKERS = [
  'example',
  'xxxx',
  'placeholder',
  'changeme',
  'change_me',
  'change-me',
  'your_',
  'your-',
  'yourkey',
  'yourtoken',
  'yoursecret',
  'yourpassword',
  'insert',
  'replace_me',
  'replaceme',
  'redacted',
  'dummy',
  'sample',
  'notreal',
  'not_real',
  'not-a-real',
  '****',
  '…',
  '...',
  '${',
  '{{',
  '<',
  '>',
  '%(',
  '%s',
];

/** Documented values that are well known to be fake. */
const KNOWN_FAKE_VALUES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
]);

/** The markers as one case-insensitive search (one native pass instead of a lower-cased copy and a search per marker: this runs for every candidate value). */
const PLACEHOLDER_MARKER = new RegExp(PLACEHOLDER_MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i');

/** True when the value is obviously not a real credential. */
export function isGenericPlaceholder(value: string): boolean {
  if (KNOWN_FAKE_VALUES.has(value)) return true;
  if (PLACEHOLDER_MARKER.test(withoutQuoteMarks(value))) return true;
  return hasTooFewDistinctChars(value);
}

/**
 * A value over several lines (a key block) without the `>` that quote each of its lines in an
 * e-mail reply or a Markdown quote, after a line break as typed, JSON-escaped or URL-encoded:
 * those are no `<…>` placeholder, and a key quoted so went out whole. (A value's own first
 * char is never a quote mark: `--password=>/dev/null` is a redirection.)
 */
function withoutQuoteMarks(value: string): string {
  return value.includes('>') ? value.replace(QUOTE_MARKS, '$1') : value;
}
const QUOTE_MARKS = /(\n|\\n|%0[Aa])[ \t]{0,4}(?:>[ \t]?){1,8}/g;

/** `aaaaaaaa`, `00000000`, `abababab`: too few distinct characters to be random. */
function hasTooFewDistinctChars(value: string): boolean {
  // Distinct code points (as a Set of the string would count them), stopping at the first one
  // beyond what can matter: this runs for every candidate value.
  const limit = value.length >= 16 ? 4 : 2;
  const found: number[] = [];
  for (let i = 0; i < value.length; ) {
    const c = value.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    if (!found.includes(c)) {
      found.push(c);
      if (found.length > limit) return false;
    }
  }
  return true;
}

/**
 * Checks a detector's own placeholder list: exact values, or case-insensitive substrings when
 * the entry starts with `~`.
 */
export function matchesPlaceholderList(value: string, placeholders: readonly string[] | undefined): boolean {
  if (!placeholders) return false;
  let lower: string | undefined;
  for (const p of placeholders) {
    if (p.startsWith('~')) {
      lower ??= value.toLowerCase();
      if (lower.includes(p.slice(1).toLowerCase())) return true;
    } else if (p === value) {
      return true;
    }
  }
  return false;
}
