// Every match of a policy author's regex inside a window of the text (see planCustom), on re2js.
//
// RE2 runs each search in linear time, but finding ALL matches is a search per match, and each
// may read far past the match it returns: `key(?:.*Z)?` on a line of `key key key …` with no `Z`
// reads to the end of the line for every `key` (leftmost-first: the longer branch is preferred,
// so it is followed as far as it can go). Where keyword hits are dense their windows merge into
// one, and that was quadratic: 64 KB took 13 s, 256 KB over 3 minutes (the Rust and Go regex
// libraries document the same worst case for their find-all). Two bounds:
// - a merged window is searched in CHUNKs, each as a slice that reaches REACH chars past the
//   chunk, so one search reads at most CHUNK + REACH chars (a single keyword's window is
//   before + after = 1,280 chars, less than REACH: no match one window can hold is cut short);
// - the reads are counted, and a window whose count passes WORK_PER_CHAR per char (plus
//   WORK_FLOOR) stops the scan with DetectorBudgetError. A search is counted as reading to the
//   end of its slice, unless the regex has no unbounded repeat (no `*`, `+`, `{n,}`): then no
//   match is longer than its program (maxMatchLength), and a search that found one at m0 has
//   read at most to m0 + that length. Each search also counts SEARCH_COST, what re2js spends
//   setting one up (its backtracker clears a bit per instruction and char of the slice).
//   Scans fail closed on an engine error (the text is blocked), so a hostile text costs about
//   3 s per megabyte and is refused (it cannot stall the gateway for minutes).
// Real text is far below the budget: a match every 40 chars all through a window counts about
// 80 per char; gitleaks' own 217 default rules over 20 MB of real code (node_modules, Python's
// library) never come near it and find the same as one search per window did, and on those
// files joined into one text the chunks made the scan 6 times faster (13 s -> 2.2 s), as their
// windows had merged.
import { allowlistDecides, regexesHit, type CustomDetector } from './custom';
import { DetectorBudgetError } from './types';

export interface ValueSpanOut {
  start: number;
  end: number;
}

/** Matches starting in one chunk are searched in one slice. */
const CHUNK = 2048;
/** How far past its chunk a match may end (and a slice reaches). */
const REACH = 2048;
/** The counted reads a window may cost per char of it, beyond WORK_FLOOR. */
const WORK_PER_CHAR = 128;
const WORK_FLOOR = 1 << 20;
const SEARCH_COST = 64;

/** searchIn for a custom detector: the value spans of its matches in text[from, to), at text offsets. */
export function customSearchIn(detector: CustomDetector): (text: string, from: number, to: number, out: ValueSpanOut[]) => void {
  const group = detector.secretGroup;
  const groups = detector.re2.groupCount();
  const allowlists = detector.allowlists ?? [];
  const needsLine = allowlists.some((a) => a.target === 'line' && a.regexes.length > 0);
  const longest = maxMatchLength(detector);

  return (text, from, to, out) => {
    let budget = WORK_PER_CHAR * (to - from) + WORK_FLOOR;
    let lines: LineLookup | undefined;
    for (let at = from; at < to; ) {
      const last = to - at <= CHUNK + REACH;
      const sliceEnd = last ? to : at + CHUNK + REACH;
      // One char before the chunk is kept, so `\b` and `^` at its start see the real text
      // (a chunk's start is not the window's).
      const sliceFrom = at === from ? from : at - 1;
      const slice = sliceFrom === 0 && sliceEnd === text.length ? text : text.slice(sliceFrom, sliceEnd);
      let next = last ? to : at + CHUNK;
      // RE2's DFA says whether there is any match at all; the matcher (captures: always the
      // slower NFA or backtracker) runs only where there is one. Most windows hold none.
      if (detector.re2.test(slice)) {
        const matcher = detector.re2.matcher(slice);
        const chunkEnd = at + CHUNK - sliceFrom;
        let searchFrom = at - sliceFrom;
        for (let found = searchFrom === 0 ? matcher.find() : matcher.find(searchFrom); ; found = matcher.find()) {
          const m0 = found ? matcher.start(0) : slice.length;
          budget -= SEARCH_COST + Math.min(slice.length, m0 + longest) - searchFrom;
          if (budget < 0) throw new DetectorBudgetError(detector.id, to - from);
          if (!found) break;
          const m1 = matcher.end(0);
          // Starts in the next chunk: found again from there.
          if (!last && m0 >= chunkEnd) break;
          searchFrom = m1;
          next = Math.max(next, sliceFrom + m1);
          let start = matcher.start(group);
          let end = matcher.end(group);
          if (detector.firstNonEmptyGroup && groups > 0) {
            for (let g = 1; g <= groups; g++) {
              if (matcher.start(g) >= 0 && matcher.end(g) > matcher.start(g)) {
                start = matcher.start(g);
                end = matcher.end(g);
                break;
              }
            }
          }
          if (start < 0 || end <= start) continue;
          if (allowlists.length > 0) {
            const secret = slice.slice(start, end);
            if (needsLine) lines ??= new LineLookup(text, from, allowlists.length);
            const line = lines ? lines.around(sliceFrom + m0, sliceFrom + m1) : '';
            const drops = allowlists.some((a, k) => {
              if (a.regexes.length === 0) return allowlistDecides(a, undefined, secret);
              if (a.target !== 'line') return allowlistDecides(a, regexesHit(a, a.target === 'secret' ? secret : slice.slice(m0, m1)), secret);
              // A line's regex result is the same for every match on it.
              return allowlistDecides(a, lines!.regexHit(k, () => regexesHit(a, line)), secret);
            });
            if (drops) continue;
          }
          out.push({ start: start + sliceFrom, end: end + sliceFrom });
        }
      }
      at = next;
    }
  };
}

/**
 * An upper bound on the length (UTF-16 units) of any match of the detector's regex: Infinity if
 * its source has an unbounded repeat, else twice its program's size (without loops, a program
 * consumes at most one code point, two units, per instruction on any path). Read from the
 * source conservatively: a `*` or `+` anywhere but escaped or in a class counts as unbounded
 * (also inside \Q…\E, where it is literal: overcounting only counts more work).
 */
export function maxMatchLength(detector: Pick<CustomDetector, 're2'>): number {
  const source = detector.re2.pattern();
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && source[i + 1] === ':') {
        const close = source.indexOf(':]', i + 2);
        if (close !== -1) i = close + 1;
      } else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A `]` first in a class (after an optional `^`) is literal; so is a POSIX class's.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
      continue;
    }
    if (c === '*' || c === '+') return Infinity;
    if (c === '{' && /^\{\d+,\}/.test(source.slice(i, i + 12))) return Infinity;
  }
  return 2 * detector.re2.programSize();
}

/**
 * The line around a match (in the whole text: a line may begin before the window or its chunk),
 * for line allowlists, and each allowlist's regex result for it. Matches come in order, so the
 * line's start is found by reading forward and its end is reused while it lies beyond the match
 * (on one long line, looking both up afresh per match read the line per match: quadratic).
 */
class LineLookup {
  private readTo: number;
  private lineStart: number;
  /** -2: not looked up; -1: no line break after the last match. */
  private lineEnd = -2;
  /** The line the cached results are for. */
  private resultsFrom = -1;
  private resultsTo = -1;
  private readonly results: (boolean | undefined)[];

  constructor(
    private readonly text: string,
    from: number,
    allowlistCount: number,
  ) {
    this.readTo = from;
    this.lineStart = text.lastIndexOf('\n', from - 1) + 1;
    this.results = new Array<boolean | undefined>(allowlistCount);
  }

  around(m0: number, m1: number): string {
    const text = this.text;
    if (m0 < this.readTo) {
      this.readTo = m0;
      this.lineStart = text.lastIndexOf('\n', m0 - 1) + 1;
    }
    for (; this.readTo < m0; this.readTo++) if (text.charCodeAt(this.readTo) === 10) this.lineStart = this.readTo + 1;
    if (this.lineEnd === -2 || (this.lineEnd !== -1 && this.lineEnd < m1)) this.lineEnd = text.indexOf('\n', m1);
    const lineStop = this.lineEnd === -1 ? text.length : this.lineEnd;
    if (this.lineStart !== this.resultsFrom || lineStop !== this.resultsTo) {
      this.resultsFrom = this.lineStart;
      this.resultsTo = lineStop;
      this.results.fill(undefined);
    }
    return text.slice(this.lineStart, lineStop);
  }

  regexHit(allowlist: number, compute: () => boolean): boolean {
    return (this.results[allowlist] ??= compute());
  }
}
