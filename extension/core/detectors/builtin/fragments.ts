// Regex fragments shared by the built-in detectors. Every quantifier is bounded so one try at a
// keyword costs at most a few hundred steps, whatever the text around it.

/** Not preceded by a token character (a sticky regex starts exactly at the keyword). */
export const START = '(?<![A-Za-z0-9_-])';
/** Not followed by a token character. */
export const END = '(?![A-Za-z0-9_-])';
/** Not followed by a base64 character. */
export const END_B64 = '(?![A-Za-z0-9+/=])';

/**
 * `name… = value` in code, config, .env, YAML, JSON, TOML and properties files:
 * the rest of the identifier, an optional closing quote/bracket, a separator, an optional
 * opening quote. `name` is the keyword-led part of the identifier.
 */
export function assignment(name: string, value: string): RegExp {
  return new RegExp(`${name}[A-Za-z0-9_.-]{0,30}?${ASSIGNMENT_TAIL}(${value})`, 'i');
}

/**
 * What follows an assigned name up to the value: an optional closing quote/bracket, an optional
 * type (`: string`, `: &str`, Go's `name string =`), the operator (`=`, `:=`, `::=`, `:`, `=>`,
 * `?=`, `.=`, `||=`, `>` closing an XML start tag, or `,` after a quoted name as in
 * `setProperty("NAME", "…")`), an opening quote.
 */
export const ASSIGNMENT_TAIL =
  `["'\\]]?(?:\\s{0,4}:\\s{0,2}&?(?:'static\\s)?[A-Za-z][A-Za-z0-9_<>\\[\\]]{0,20}(?=\\s{0,4}=)|\\s{1,4}[A-Za-z][A-Za-z0-9_]{0,20}(?=\\s{0,4}=))?\\s{0,4}(?:=|:=|::=|:|=>|\\?=|\\.=|\\|\\|=|>|(?<=["'])\\s{0,2},)\\s{0,8}(?:[@rb](?=["']))?["'\`]?`;

/** Decodes base64 / base64url (no padding needed); undefined when it is not valid base64. */
export function decodeBase64(s: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return undefined;
  try {
    // atob (not Buffer) keeps core free of Node-only APIs.
    return atob(s.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

/** True when `needle` occurs within `distance` chars of the value (a context check). */
export function nearby(needle: RegExp, distance: number) {
  return (_value: string, context: { text: string; start: number; end: number }): boolean =>
    needle.test(context.text.slice(Math.max(0, context.start - distance), context.end + distance));
}
