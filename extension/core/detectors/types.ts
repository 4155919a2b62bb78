// Shapes shared by the secrets detectors: what a detector is (DetectorSpec), what a scan
// reports (SecretMatch) and what compiling a set of detectors produces (CompiledDetectors).

/** Where a candidate secret sits, handed to validators that need to look around it. */
export interface MatchContext {
  /** The whole text being scanned. */
  text: string;
  /** UTF-16 offsets of the candidate secret value inside `text`. */
  start: number;
  end: number;
}

/**
 * One credential format. The keyword prefilter decides where the pattern is tried:
 * - `anchor: 'keyword'` (default): the pattern must match starting exactly where a keyword
 *   occurrence starts (it is run as a sticky regex there), so write the pattern to begin with
 *   the keyword (e.g. `ghp_…`, `secret_access_key…`).
 * - `anchor: 'window'`: the pattern is searched inside a small window around each keyword hit,
 *   for formats whose distinctive part sits in the middle (e.g. Azure's `…8Q~…`).
 */
export interface DetectorSpec {
  /** Stable id used in policies, findings and redaction placeholders (e.g. `aws-access-key-id`). */
  id: string;
  description: string;
  /** Lower-case literals; a pattern is only tried where one occurs (matched case-insensitively). */
  keywords: readonly string[];
  /** Built-in patterns are trusted JS regexes; keep quantifiers bounded so each try is cheap. */
  pattern?: RegExp;
  /**
   * Instead of `pattern` (sticky anchor only): a hand-written matcher tried where a keyword
   * starts, for syntax a regex states badly (the generic assignment detector).
   */
  match?: (text: string, keywordStart: number, keywordEnd: number) => { start: number; end: number } | undefined;
  /** Capture group (number or name) holding the secret value; 0 / omitted = whole match. */
  secretGroup?: number | string;
  anchor?: 'keyword' | 'window';
  /** For `anchor: 'window'`: how far before the keyword start / after the keyword end to search. */
  window?: { before: number; after: number };
  /** Minimum Shannon entropy (bits per char) of the value; below it the match is ignored. */
  minEntropy?: number;
  /** Minimum length of the value. */
  minLength?: number;
  /** Known non-secrets: exact values, or case-insensitive substrings when prefixed with `~`. */
  placeholders?: readonly string[];
  /** Extra check on the value (checksum, charset, decodes to JSON…); false drops the match. */
  validate?: (value: string, context: MatchContext) => boolean;
  /** Higher wins when matches of different detectors overlap (generic detectors use 0). Default 10. */
  priority?: number;
  /**
   * What any match must contain, at most `within` chars after the keyword's start (where the
   * pattern's bounded parts put it): a keyword hit without it is not tried. For patterns that
   * would otherwise read far for nothing at every hit (a PEM header with no END line looks
   * 16,000 chars ahead): the next occurrence is looked up once and reused by the following
   * hits, so a text full of headers stays linear. Exact by construction: state the largest
   * distance the pattern allows. `pattern` is searched with its own flags (it is made global).
   */
  requires?: { readonly pattern: RegExp; readonly within: number };
  /**
   * The provider's documented structure of the value (literal prefixes and random runs), when it
   * has one. The pattern is built from it and the tests generate true-positive samples from it.
   */
  shape?: readonly ShapePart[];
  /** The checksum the value carries, checked by `validate` and honoured by sample generators. */
  checksum?: 'crc32-base62';
  /**
   * How a true-positive sample is embedded: a variable NAME (`NAME = "value"` in each syntax), or
   * a template containing `$VALUE`. Default: a neutral name.
   */
  sampleContext?: string;
  /** False-positive samples: texts this detector must NOT report (gitleaks' `fps`). */
  fps?: readonly string[];
}

/** A run of random characters in a token shape: `n` chars (or between n[0] and n[1]) of `set`. */
export interface ShapeRun {
  set: CharsetName;
  n: number | readonly [number, number];
}
/** A literal part (prefix, separator) or a random run. */
export type ShapePart = string | ShapeRun;
export type CharsetName = 'alnum' | 'hex' | 'HEX' | 'hexAny' | 'lower' | 'upper' | 'digits' | 'lowerNum' | 'upperNum' | 'b64' | 'url' | 'base32' | 'base32Lower' | 'alpha';

/** A secret found by a scan. Offsets are UTF-16 offsets of the secret VALUE itself. */
export interface SecretMatch {
  detector: string;
  start: number;
  end: number;
}

/** Values that are never reported, whichever detector finds them. */
export interface DetectorAllowlist {
  /** Exact values (e.g. a documented test key). */
  values?: readonly string[];
  /** RE2 syntax (linear time); a value containing a match is not reported. */
  regexes?: readonly string[];
}

export interface CompileDetectorsOptions {
  allowlist?: DetectorAllowlist;
  /** Also look through concatenation, escapes, URL encoding, base64, YAML blocks, diffs. Default true. */
  decode?: boolean;
}

/** The result of compileDetectors: opaque to callers, pass it to scanText. */
export interface CompiledDetectors {
  /** Ids of the compiled detectors, in the order given. */
  readonly ids: readonly string[];
  /** @internal the scan plan; its shape may change. */
  readonly plan: unknown;
}

/** Thrown when a detector (usually a policy author's custom one) cannot be compiled. */
export class DetectorCompileError extends Error {
  constructor(
    readonly detectorId: string,
    readonly reason: string,
  ) {
    super(`detector "${detectorId}": ${reason}`);
    this.name = 'DetectorCompileError';
  }
}

/**
 * Thrown by a scan when finding a policy author's regex's matches takes longer than the scan's
 * time budget allows (customSearch.ts: finding all matches can be quadratic even on RE2). The
 * text is then treated as blocked (scans fail closed); the message names the detector, never
 * the text.
 */
export class DetectorBudgetError extends Error {
  constructor(
    readonly detectorId: string,
    readonly windowChars: number,
  ) {
    super(`detector "${detectorId}": finding its matches took longer than Airlock allows for this text (searching ${windowChars} chars; the budget is 0.25 s plus 1 s per MB), so the text is treated as blocked. Bound the regex's repeats (e.g. {0,200} instead of * or +) so that a match cannot read far ahead.`);
    this.name = 'DetectorBudgetError';
  }
}

/**
 * Thrown by a scan when its decoded views would hold more than `budgetChars` chars: a text
 * nested in several decodings at once throughout (a diff of a YAML block of literals holding
 * base64 of more of the same). Decoding stays linear, but each level's views multiply what the
 * next decodes, and memory with it. Real text reads a small part of its length in views (0.04
 * of 400 MB of source, at most 4 times a small file's; escaped JSON of HTML with encoded links,
 * wrapped twice, 2.6 times), so it never meets the budget. The text is treated as blocked (scans
 * fail closed); the message quotes none of it.
 */
export class DecodeBudgetError extends Error {
  constructor(
    readonly textChars: number,
    readonly budgetChars: number,
  ) {
    super(`decoding this text (${textChars} chars) would read more than ${budgetChars} chars of decoded views: it holds decodings nested in each other throughout, so it is treated as blocked`);
    this.name = 'DecodeBudgetError';
  }
}
