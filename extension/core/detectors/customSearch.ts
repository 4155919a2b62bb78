// Every match of a policy author's regex inside a window of the text (see planCustom), on re2js.
//
// RE2 runs each search in linear time, but finding ALL matches is a search per match, and each
// may read far past the match it returns: `key(?:.*Z)?` on a line of `key key …` with no `Z`
// reads to the end of the line for every `key` (leftmost-first: the longer branch is preferred,
// so it is followed as far as it can go). Where keyword hits are dense their windows merge into
// one, and that was quadratic: 64 KB took 13 s, 256 KB over 3 minutes (the Rust and Go regex
// libraries document the same worst case for their find-all). Two bounds:
// - a merged window is searched in CHUNKs, each as a slice that reaches REACH chars past the
//   chunk, so one search reads at most CHUNK + REACH chars (a single keyword's window is
//   before + after = 1,280 chars, less than REACH). Each slice keeps one char of the real text
//   on either side, so `\b`, `^`, `$` and `\z` at its edges see what is really there, and no
//   edge splits a surrogate pair. A match that reaches the end of its slice may have been cut
//   short there: that chunk is searched again in a slice to the window's end;
// - a scan has a time budget (startScanDeadline: TIME_FLOOR_MS plus TIME_PER_MB_MS per MB of
//   the text), checked after every search; past it the scan throws DetectorBudgetError. Scans
//   fail closed on an engine error (the text is blocked, the message names the detector).
//   Time, not a count: what a search costs grows with the regex's program as well as with the
//   chars it reads, and neither is visible from here; every count tried either let a large
//   bounded regex run for minutes or blocked ordinary dense text (a CSV of e-mail addresses).
//   gitleaks' own 217 default rules take about 0.12 s per MB of real code (node_modules,
//   Python's library), file by file or joined into one text (where the chunks made the scan
//   6 times faster, 13 s -> 2.2 s for 20 MB, as its windows had merged): 8 times under.
import { allowlistDecides, regexesHit, type CustomDetector } from './custom';
import { DetectorBudgetError } from './types';

export interface ValueSpanOut {
  start: number;
  end: number;
}

/** Matches starting in one chunk are searched in one slice. */
const CHUNK = 2048;
/** How far past its chunk a slice reaches (a match may end there before its chunk is searched again, wider). */
const REACH = 2048;
/** A scan's time budget for custom detectors: this much, plus TIME_PER_MB_MS per MB of text. */
export const TIME_FLOOR_MS = 250;
export const TIME_PER_MB_MS = 1000;

/** When the current scan's time budget runs out (performance.now() time), Infinity outside a scan. */
let deadline = Infinity;

/**
 * Starts the time budget of a scan of `textLength` chars (scanText, around its outermost call);
 * returns what ends it. A scan inside a scan keeps the outer one's deadline.
 */
export function startScanDeadline(textLength: number): () => void {
  if (deadline !== Infinity) return () => {};
  deadline = performance.now() + TIME_FLOOR_MS + (TIME_PER_MB_MS * textLength) / (1024 * 1024);
  return () => {
    deadline = Infinity;
  };
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
/** `i`, or i - 1 if `i` is between the two halves of a surrogate pair. */
const pairStart = (text: string, i: number) => (i > 0 && i < text.length && isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1)) ? i - 1 : i);
/** `i`, or i + 1 if `i` is between the two halves of a surrogate pair. */
const pairEnd = (text: string, i: number) => (pairStart(text, i) === i ? i : i + 1);

/** searchIn for a custom detector: the value spans of its matches in text[from, to), at text offsets. */
export function customSearchIn(detector: CustomDetector): (text: string, from: number, to: number, out: ValueSpanOut[]) => void {
  const group = detector.secretGroup;
  const groups = detector.re2.groupCount();
  const allowlists = detector.allowlists ?? [];
  const needsLine = allowlists.some((a) => a.target === 'line' && a.regexes.length > 0);
  const found: ValueSpanOut[] = [];

  return (text, from, to, out) => {
    let lines: LineLookup | undefined;
    for (let at = from; at < to; ) {
      let reach = to - at <= CHUNK + REACH ? to : pairEnd(text, at + CHUNK + REACH);
      let next = reach === to ? to : pairStart(text, at + CHUNK);
      // Searched again to the window's end when a match reached the end of the slice.
      for (;;) {
        const last = reach === to;
        const sliceFrom = pairStart(text, Math.max(0, at - 1));
        const sliceEnd = Math.min(text.length, pairEnd(text, reach + 1));
        const slice = sliceFrom === 0 && sliceEnd === text.length ? text : text.slice(sliceFrom, sliceEnd);
        found.length = 0;
        let cut = false;
        let chunkNext = next;
        // RE2's DFA says whether there is any match at all; the matcher (captures: always the
        // slower NFA or backtracker) runs only where there is one. Most windows hold none.
        if (detector.re2.test(slice)) {
          const matcher = detector.re2.matcher(slice);
          // Matches must start in the chunk (or, in the last slice, before the window's end).
          const startsBefore = (last ? to : next) - sliceFrom;
          const searchFrom = at - sliceFrom;
          for (let hit = searchFrom === 0 ? matcher.find() : matcher.find(searchFrom); hit; hit = matcher.find()) {
            if (performance.now() > deadline) throw new DetectorBudgetError(detector.id, to - from);
            const m0 = matcher.start(0);
            const m1 = matcher.end(0);
            if (m0 >= startsBefore) break;
            if (!last && m1 >= slice.length) {
              cut = true;
              break;
            }
            chunkNext = Math.max(chunkNext, sliceFrom + m1);
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
            found.push({ start: start + sliceFrom, end: end + sliceFrom });
          }
          if (performance.now() > deadline) throw new DetectorBudgetError(detector.id, to - from);
        }
        if (cut) {
          reach = to;
          continue;
        }
        for (const span of found) out.push(span);
        next = last ? to : chunkNext;
        break;
      }
      at = next;
    }
  };
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
