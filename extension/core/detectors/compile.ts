// Turns detector specs (built-in and custom) into a scan plan: one keyword automaton over all
// keywords, and for each keyword the detectors to try where it occurs.
import { RE2JS } from 're2js';
import { hasCrc32Base62 } from './checksum';
import type { CustomDetector } from './custom';
import { customSearchIn } from './customSearch';
import { BASE64_RUN, DECODE_TRIGGERS, type DecodeTriggerKind } from './decode';
import { escapedBlankEnds, isTokenEdge, mayHoldEscapedBlank, startsAfterEscapedBlank, tokenEnd, tokenStart } from './tokens';
import { keywordAutomatonFor } from './automatonCache';
import type { KeywordAutomaton } from './keywordAutomaton';
import { DetectorCompileError, type CompileDetectorsOptions, type CompiledDetectors, type DetectorSpec, type MatchContext } from './types';

/** A span found by a matcher: where the secret value is. */
export interface ValueSpan {
  start: number;
  end: number;
}

/** One detector, ready to run. */
export interface PlannedDetector {
  readonly id: string;
  readonly order: number;
  readonly priority: number;
  /** `sticky`: try at each keyword start; `window`: search near keyword hits; `everywhere`: whole text. */
  readonly mode: 'sticky' | 'window' | 'everywhere';
  readonly window: { before: number; after: number };
  /** For sticky mode: the value span when the pattern matches starting exactly at `pos`. */
  readonly tryAt?: (text: string, pos: number, keywordEnd: number) => ValueSpan | undefined;
  /** For window/everywhere mode: every value span matched inside text[from, to). */
  readonly searchIn?: (text: string, from: number, to: number, out: ValueSpan[]) => void;
  readonly minLength: number;
  readonly minEntropy: number;
  readonly placeholders?: readonly string[];
  readonly validate?: (value: string, context: MatchContext) => boolean;
  /** DetectorSpec.requires, its pattern made global (searched from each hit with lastIndex). */
  readonly requires?: { readonly pattern: RegExp; readonly within: number };
}

export interface ScanPlan {
  readonly detectors: readonly PlannedDetector[];
  readonly automaton: KeywordAutomaton;
  /** Keyword lengths, by keyword id. */
  readonly keywordLength: Int32Array;
  /** Detector indexes to try for each keyword id. */
  readonly detectorsByKeyword: readonly (readonly number[])[];
  /** Detectors that have no keywords and scan everything. */
  readonly everywhere: readonly number[];
  /** Also scan the decoded views of each text (see decode.ts). */
  readonly decode: boolean;
  /**
   * With decoding, the decoders' trigger literals are keywords too (one pass finds both): for
   * each keyword id, the trigger kind it is, if any. A literal can be both a detector keyword
   * and a trigger.
   */
  readonly triggers: readonly { readonly id: number; readonly kind: DecodeTriggerKind }[];
  /** The same by keyword id: the index in TRIGGER_KINDS, or -1 (a lookup per hit, no set-up per scan). */
  readonly triggerKindOf: Int8Array;
  readonly allowValues: ReadonlySet<string>;
  readonly allowRegexes: readonly RE2JS[];
}

const DEFAULT_PRIORITY = 10;

export function compileDetectors(
  specs: readonly (DetectorSpec | CustomDetector)[],
  options: CompileDetectorsOptions = {},
): CompiledDetectors {
  const seen = new Set<string>();
  const detectors = specs.map((spec, order) => {
    if (seen.has(spec.id)) throw new DetectorCompileError(spec.id, 'duplicate detector id');
    seen.add(spec.id);
    return 'kind' in spec && spec.kind === 'custom' ? planCustom(spec, order) : planBuiltin(spec as DetectorSpec, order);
  });

  const keywordIds = new Map<string, number>();
  const detectorsByKeyword: number[][] = [];
  const everywhere: number[] = [];
  specs.forEach((spec, index) => {
    const keywords = [...new Set(spec.keywords.map((k) => k.toLowerCase()))];
    if (keywords.length === 0) everywhere.push(index);
    for (const keyword of keywords) {
      let id = keywordIds.get(keyword);
      if (id === undefined) {
        id = keywordIds.size;
        keywordIds.set(keyword, id);
        detectorsByKeyword.push([]);
      }
      detectorsByKeyword[id]!.push(index);
    }
  });
  const decode = options.decode ?? true;
  const triggers: { id: number; kind: DecodeTriggerKind }[] = [];
  if (decode) {
    for (const [kind, literals] of Object.entries(DECODE_TRIGGERS) as [DecodeTriggerKind, readonly string[]][]) {
      for (const literal of literals) {
        let id = keywordIds.get(literal);
        if (id === undefined) {
          id = keywordIds.size;
          keywordIds.set(literal, id);
          detectorsByKeyword.push([]);
        }
        triggers.push({ id, kind });
      }
    }
  }
  const keywords = [...keywordIds.keys()];
  const plan: ScanPlan = {
    detectors,
    // Built, or loaded from the CLI's cache when it passes every check (automatonCache.ts).
    automaton: keywordAutomatonFor(keywords, decode ? BASE64_RUN : undefined),
    keywordLength: Int32Array.from(keywords, (k) => k.length),
    detectorsByKeyword,
    everywhere,
    decode,
    triggers,
    triggerKindOf: triggerKindTable(keywords.length, triggers),
    allowValues: new Set(options.allowlist?.values ?? []),
    allowRegexes: (options.allowlist?.regexes ?? []).map((source, i) => compileAllowRegex(source, i)),
  };
  return { ids: detectors.map((d) => d.id), plan };
}

/** The decoders' trigger kinds, in the order of ScanPlan.triggerKindOf's indexes. */
export const TRIGGER_KINDS = Object.keys(DECODE_TRIGGERS) as DecodeTriggerKind[];

function triggerKindTable(keywordCount: number, triggers: readonly { id: number; kind: DecodeTriggerKind }[]): Int8Array {
  const table = new Int8Array(keywordCount).fill(-1);
  for (const { id, kind } of triggers) table[id] = TRIGGER_KINDS.indexOf(kind);
  return table;
}

function compileAllowRegex(source: string, index: number): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (error) {
    throw new DetectorCompileError(`allowlist.regexes[${index}]`, `invalid regex: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function planBuiltin(spec: DetectorSpec, order: number): PlannedDetector {
  if (spec.keywords.length === 0) throw new DetectorCompileError(spec.id, 'built-in detectors need at least one keyword');
  for (const k of spec.keywords) {
    if (k !== k.toLowerCase() || !isPrintableAscii(k)) throw new DetectorCompileError(spec.id, `keyword "${k}" must be lower-case printable ASCII`);
  }
  const base = {
    id: spec.id,
    order,
    priority: spec.priority ?? DEFAULT_PRIORITY,
    minLength: spec.minLength ?? 1,
    minEntropy: spec.minEntropy ?? 0,
    placeholders: spec.placeholders,
    validate: withChecksum(spec),
    requires: spec.requires ? { pattern: new RegExp(spec.requires.pattern.source, `${spec.requires.pattern.flags.replace(/[gy]/g, '')}g`), within: spec.requires.within } : undefined,
  };
  if (spec.match) {
    const match = spec.match;
    return {
      ...base,
      mode: 'sticky',
      window: { before: 0, after: 0 },
      tryAt: (text, pos, end) => match(text, pos, end),
    };
  }
  if (!spec.pattern) throw new DetectorCompileError(spec.id, 'needs a pattern or a match function');
  const flags = spec.pattern.flags.replace(/[gyd]/g, '');
  const group = spec.secretGroup ?? 0;
  const valueSpan = (m: RegExpExecArray, offset: number): ValueSpan | undefined => {
    const indices = typeof group === 'number' ? m.indices?.[group] : m.indices?.groups?.[group];
    return indices ? { start: indices[0] + offset, end: indices[1] + offset } : undefined;
  };
  if ((spec.anchor ?? 'keyword') === 'keyword') {
    const sticky = new RegExp(spec.pattern.source, `${flags}dy`);
    // Worked out at the detector's first keyword hit (128 regex tests per detector: most
    // detectors of a short scan never get one, and every CLI start compiles them all).
    let lead: LeadingLookbehind | undefined | null = null;
    return {
      ...base,
      mode: 'sticky',
      window: { before: 0, after: 0 },
      tryAt(text, pos) {
        let regex = sticky;
        // Most keyword hits sit inside a word (`task` for `sk`, `path` for `pat`), where the
        // pattern's leading (?<![…]) fails: say so without entering the regex engine. After an
        // escaped blank (`\n`, `%0A`, a colour code) the token starts there all the same: the
        // pattern is tried without its lookbehind.
        if (pos > 0) {
          if (lead === null) lead = leadingLookbehind(spec.pattern!.source, flags);
          const c = text.charCodeAt(pos - 1);
          if (lead && c < 128 && lead.barred[c] === 1) {
            if (!startsAfterEscapedBlank(text, pos)) return undefined;
            regex = lead.rest;
          }
        }
        regex.lastIndex = pos;
        const m = regex.exec(text);
        return m ? valueSpan(m, 0) : undefined;
      },
    };
  }
  if (!spec.window) throw new DetectorCompileError(spec.id, 'anchor "window" needs a window');
  const global = new RegExp(spec.pattern.source, `${flags}dg`);
  let lead: LeadingLookbehind | undefined | null = null;
  return {
    ...base,
    mode: 'window',
    window: spec.window,
    searchIn(text, from, to, out) {
      // Search a slice so a miss costs the window, never the rest of the text.
      const slice = text.slice(from, to);
      // A value right after an escaped blank fails the leading lookbehind here too: it is
      // tried there without it (as tryAt does), where the window holds such an escape at all.
      if (lead === null) lead = leadingLookbehind(spec.pattern!.source, flags);
      // At the slice's edges the pattern's lookarounds saw its ends, not the text: a value the
      // window's edge cut passed for a whole one (40 chars of a 46-char value reported as an
      // AWS secret key, the rest sent). Such a value is reported whole, to the ends of its token.
      const whole = (m: RegExpExecArray, span: ValueSpan, afterEscape = false): ValueSpan => {
        if (m.index + m[0].length === slice.length && span.end === to && to < text.length && !isTokenEdge(text.charCodeAt(to))) span.end = tokenEnd(text, to);
        // (After an escaped blank the value starts where it was found.)
        if (!afterEscape && m.index === 0 && span.start === from && from > 0 && !isTokenEdge(text.charCodeAt(from - 1))) span.start = tokenStart(text, from);
        return span;
      };
      if (lead && mayHoldEscapedBlank(text, from, slice)) {
        for (const at of escapedBlankEnds(text, from, to)) {
          if (lead.barred[text.charCodeAt(at - 1)] !== 1) continue;
          lead.rest.lastIndex = at - from;
          const m = lead.rest.exec(slice);
          const span = m ? valueSpan(m, from) : undefined;
          if (span) out.push(whole(m!, span, true));
        }
      }
      global.lastIndex = 0;
      for (let m = global.exec(slice); m; m = global.exec(slice)) {
        if (m[0].length === 0) global.lastIndex++;
        const span = valueSpan(m, from);
        if (span) out.push(whole(m, span));
      }
    },
  };
}

/** Non-empty and only chars 0x20..0x7e (a loop: a regex per keyword, cold, cost more at start-up). */
function isPrintableAscii(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** A pattern's leading negative lookbehind for one char class, `(?<![A-Za-z0-9_-])`, taken apart. */
interface LeadingLookbehind {
  /** The ASCII chars the class matches (under the pattern's flags): a match right after one fails. */
  barred: Uint8Array;
  /** The pattern without the lookbehind, sticky: for a token after an escaped blank (startsAfterEscapedBlank). */
  rest: RegExp;
}

/** The leading lookbehind of a pattern that starts with one; undefined for any other start. */
function leadingLookbehind(source: string, flags: string): LeadingLookbehind | undefined {
  const lead = /^\(\?<!(\[(?:[^\]\\]|\\.)*\])\)/.exec(source);
  // `(?<![x])a|b`: b has no lookbehind. (The v flag's nested classes are not parsed here.)
  if (!lead || flags.includes('v') || hasTopLevelAlternation(source)) return undefined;
  const charClass = new RegExp(`^${lead[1]}$`, flags);
  return {
    barred: Uint8Array.from({ length: 128 }, (_, c) => (charClass.test(String.fromCharCode(c)) ? 1 : 0)),
    rest: new RegExp(source.slice(lead[0].length), `${flags}dy`),
  };
}

/** Whether `source` has a `|` outside every group (escapes and char classes skipped). */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** The spec's validator, preceded by its checksum when the format carries one. */
function withChecksum(spec: DetectorSpec): DetectorSpec['validate'] {
  if (spec.checksum !== 'crc32-base62') return spec.validate;
  const validate = spec.validate;
  return (value, context) => hasCrc32Base62(value) && (!validate || validate(value, context));
}

function planCustom(detector: CustomDetector, order: number): PlannedDetector {
  return {
    id: detector.id,
    order,
    priority: DEFAULT_PRIORITY,
    mode: detector.keywords.length > 0 ? 'window' : 'everywhere',
    window: detector.window,
    minLength: 1,
    minEntropy: detector.minEntropy ?? 0,
    searchIn: customSearchIn(detector),
  };
}

