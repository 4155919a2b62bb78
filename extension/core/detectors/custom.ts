// Detectors written by policy authors. Their regexes run on re2js (RE2: linear time, no
// backtracking), never on JS RegExp, so no pattern can make a scan super-linear. Syntax RE2
// cannot run in linear time (backreferences, lookaround) is rejected here with the reason.
import { RE2JS } from 're2js';
import { DetectorCompileError } from './types';

export interface CustomDetectorDefinition {
  id: string;
  description?: string;
  /** RE2 syntax (https://github.com/google/re2/wiki/Syntax). */
  regex: string;
  /** Optional prefilter: the regex is only searched near occurrences of these (case-insensitive). */
  keywords?: readonly string[];
  /** Minimum Shannon entropy (bits per char) of the secret value. */
  minEntropy?: number;
  /** Capture group (number or name) holding the secret; default: the whole match. */
  secretGroup?: number | string;
  /** Case-insensitive matching of the regex. */
  ignoreCase?: boolean;
}

/** A compiled custom detector; pass it to compileDetectors beside built-in specs. */
export interface CustomDetector {
  readonly kind: 'custom';
  readonly id: string;
  readonly description: string;
  readonly keywords: readonly string[];
  readonly re2: RE2JS;
  readonly secretGroup: number | string;
  readonly minEntropy?: number;
  /** Search window around keyword hits (chars before the keyword start / after its end). */
  readonly window: { before: number; after: number };
  /** gitleaks semantics: with no secretGroup, the secret is the first non-empty capture group. */
  readonly firstNonEmptyGroup?: boolean;
  /** Matches to ignore (gitleaks rule and global allowlists). */
  readonly allowlists?: readonly CompiledAllowlist[];
}

/** A compiled allowlist: a match is dropped when its regexes / stopwords say so. */
export interface CompiledAllowlist {
  /** Which text the regexes are tried on: the secret, the whole match, or the line(s) of the match. */
  readonly target: 'secret' | 'match' | 'line';
  readonly regexes: readonly RE2JS[];
  /** Lower-case words; a secret containing one is allowed. */
  readonly stopwords: readonly string[];
  /** OR (default): either list allows; AND: both must (gitleaks' `condition`). */
  readonly condition: 'OR' | 'AND';
}

/** True when the allowlist drops this match. */
export function allowlistDrops(allow: CompiledAllowlist, secret: string, match: string, line: string): boolean {
  const target = allow.target === 'secret' ? secret : allow.target === 'match' ? match : line;
  return allowlistDecides(allow, allow.regexes.length > 0 ? regexesHit(allow, target) : undefined, secret);
}

/** Whether one of the allowlist's regexes matches `target` (RE2's DFA: no captures wanted). */
export function regexesHit(allow: CompiledAllowlist, target: string): boolean {
  return allow.regexes.some((r) => r.test(target));
}

/** The allowlist's verdict given its regex result (undefined: it has none) and the secret for its stopwords. */
export function allowlistDecides(allow: CompiledAllowlist, byRegex: boolean | undefined, secret: string): boolean {
  const byStopword = allow.stopwords.length > 0 ? hasStopword(allow.stopwords, secret) : undefined;
  if (byRegex === undefined && byStopword === undefined) return false;
  if (byRegex === undefined) return byStopword!;
  if (byStopword === undefined) return byRegex;
  return allow.condition === 'AND' ? byRegex && byStopword : byRegex || byStopword;
}

function hasStopword(stopwords: readonly string[], secret: string): boolean {
  const lower = secret.toLowerCase();
  return stopwords.some((w) => lower.includes(w));
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_REGEX_LENGTH = 4096;
/** How far from a keyword an author's match may start or end. */
const CUSTOM_WINDOW = { before: 256, after: 1024 };

export function compileCustomDetector(definition: CustomDetectorDefinition): CustomDetector {
  const id = String(definition.id ?? '');
  if (!ID_PATTERN.test(id)) {
    throw new DetectorCompileError(id || '(missing id)', 'id must be 1-64 chars of a-z, 0-9, ".", "_", "-", starting with a letter or digit');
  }
  const regex = definition.regex;
  if (typeof regex !== 'string' || regex.length === 0) throw new DetectorCompileError(id, 'regex must be a non-empty string');
  if (regex.length > MAX_REGEX_LENGTH) throw new DetectorCompileError(id, `regex is longer than ${MAX_REGEX_LENGTH} characters`);
  const unsupported = unsupportedSyntax(regex);
  if (unsupported) throw new DetectorCompileError(id, unsupported);

  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(regex, definition.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    throw new DetectorCompileError(id, `invalid regex: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (re2.matches('')) throw new DetectorCompileError(id, 'regex matches the empty string, so it would fire everywhere');

  const secretGroup = definition.secretGroup ?? 0;
  const groups = re2.groupCount();
  if (typeof secretGroup === 'number') {
    if (!Number.isInteger(secretGroup) || secretGroup < 0 || secretGroup > groups) {
      throw new DetectorCompileError(id, `secretGroup ${secretGroup} does not exist (the regex has ${groups} capture groups)`);
    }
  } else if (!(secretGroup in re2.namedGroups())) {
    throw new DetectorCompileError(id, `secretGroup "${secretGroup}" is not a named group of the regex`);
  }

  const keywords = (definition.keywords ?? []).map((k) => String(k).toLowerCase());
  for (const keyword of keywords) {
    if (keyword.length === 0) throw new DetectorCompileError(id, 'keywords must not be empty strings');
    if (!/^[\x20-\x7e]+$/.test(keyword)) throw new DetectorCompileError(id, `keyword "${keyword}" must be printable ASCII`);
  }
  const minEntropy = definition.minEntropy;
  if (minEntropy !== undefined && (typeof minEntropy !== 'number' || !(minEntropy >= 0 && minEntropy <= 8))) {
    throw new DetectorCompileError(id, 'minEntropy must be a number between 0 and 8 (bits per character)');
  }
  return {
    kind: 'custom',
    id,
    description: definition.description ?? `custom detector ${id}`,
    keywords,
    re2,
    secretGroup,
    ...(minEntropy !== undefined ? { minEntropy } : {}),
    window: CUSTOM_WINDOW,
  };
}

/**
 * Names the constructs RE2 refuses, with a reason an author understands (RE2's own messages
 * such as "invalid escape sequence: `\1`" do not say why).
 */
function unsupportedSyntax(regex: string): string | undefined {
  // Skip escaped characters and character classes so `\(?=` or `[(?=]` are not flagged.
  const stripped = regex.replace(/\\./g, '__').replace(/\[(?:\\.|[^\]\\])*\]/g, '_');
  if (/\(\?<?[=!]/.test(stripped)) {
    return 'lookahead/lookbehind ((?=…), (?!…), (?<=…), (?<!…)) is not supported: it cannot run in linear time';
  }
  if (/\\[1-9]|\\k</.test(regex.replace(/\\\\/g, ''))) {
    return 'backreferences (\\1, \\k<name>) are not supported: they cannot run in linear time';
  }
  if (/\(\?>/.test(stripped)) return 'atomic groups (?>…) are not supported';
  if (/[*+?}]\+/.test(stripped)) return 'possessive quantifiers (*+, ++, ?+) are not supported';
  return undefined;
}
