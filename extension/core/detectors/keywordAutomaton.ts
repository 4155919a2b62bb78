// One pass over the text finds every occurrence of every keyword: an Aho–Corasick automaton
// compiled to a dense transition table. Case is folded in the table itself, so no lower-cased
// copy of the text is made. Non-ASCII characters reset to the root (no keyword contains them),
// which keeps offsets exact UTF-16 offsets.
//
// The same pass can also report runs of a character set (the decoders' base64 runs): where a
// run reaches a given length. Probing the text for them separately costs as much as the walk.
//
// Speed. The walk is a chain of dependent table loads, so one stream is bound by the latency of
// a load, not by the CPU's width. Hence:
// - a long text is walked as TWO interleaved streams (first half, second half) in one loop, so
//   two independent chains overlap; the second stream starts `maxLength - 1` chars early at the
//   root, so every keyword ending in its half is seen whole, and records only those;
// - ONE Int32Array holds both tables: the class of every UTF-16 code unit (cells 0..65535,
//   non-ASCII: class 0, so no range test per char), then the transition rows. Fewer arrays in
//   the loop means fewer base/length loads per step, which the JIT does not hoist;
// - a transition cell holds the next state's row offset in that array, so a step is
//   `row = table[row + table[char]]`; states that emit keywords are numbered last, so "emits?"
//   is one compare with `emitFrom`, and the cell needs no flag bit to mask off;
// - a block's hits go to one scratch array sized for the block's worst case, so the loop has
//   neither a capacity test nor a call in it, and few arrays to keep in registers.
//
// Runs cost one AND per char. Class cells hold the class plus a bias (and rows are stored minus
// it, so `row + cell` is still the right cell) chosen so that exactly the run chars' cells have
// one bit, `runBit`, set: the AND of a GROUP of 8 chars' cells has it exactly when all 8 are run
// chars. A run of at least 3 * 8 - 1 chars holds two whole aligned groups, so only where two full
// groups follow each other (a few percent of groups in source code) is the run looked at
// char by char, while the block is still in the CPU's cache. Counting the run length per char
// instead cost as much as the keyword walk itself.

const ALPHABET = 128;
/** Below this length one stream is walked: the second would not pay for its set-up. */
const TWO_STREAMS_FROM = 4096;
/** Where the root's row starts in `table` (after the 65536 classes; a multiple of any row width). */
const ROOT = 65536;
/** Chars walked between two checks of the hit buffers' room (a multiple of GROUP). */
const BLOCK = 1 << 15;
/** Chars per group of the run test; runs must be at least 3 * GROUP - 1 long (see the top). */
const GROUP = 8;

export interface RunSpec {
  /** The ASCII chars of the set (case-sensitive). */
  readonly chars: string;
  /** A run is reported once, where it reaches this many chars (at least 3 * GROUP - 1 = 23). */
  readonly length: number;
  /**
   * Report only runs that hold a char of each kind in `need` among their first `within` chars:
   * `of[c]` is the kind bits of UTF-16 code unit c, non-zero exactly for the run chars. Tested in
   * the same scan that measures the run, right after the block it is in was walked, while that
   * text is still in the CPU's cache (asked later, scattered over a large text, each costs a
   * cache miss).
   */
  readonly kinds?: { readonly of: Uint8Array; readonly need: number; readonly within: number };
}

export interface KeywordAutomaton {
  readonly keywords: readonly string[];
  /**
   * table[c] (c < 65536): the character class of UTF-16 code unit c (0: in no keyword and no
   * run; upper case folded onto lower) plus `bias`. table[row + table[c]] (row >= ROOT - bias):
   * the next state's row offset minus `bias`.
   */
  readonly table: Int32Array;
  /** log2 of the row width: state s's row starts at ROOT + (s << shift), stored minus `bias`. */
  readonly shift: number;
  readonly bias: number;
  /** The row value of the root state (where every walk starts). */
  readonly root: number;
  /** Row values at or above this belong to states that emit keywords. */
  readonly emitFrom: number;
  /** For each state, the keyword ids that end there (including via failure links), or undefined. */
  readonly outputs: readonly (readonly number[] | undefined)[];
  /** Length of the longest keyword. */
  readonly maxLength: number;
  readonly run?: RunSpec;
  /** The bit set in exactly the run chars' class cells (0 with no run). */
  readonly runBit: number;
}

/** Keyword ids and end offsets (exclusive) of every occurrence, in text order. */
export interface KeywordHits {
  count: number;
  keyword: Int32Array;
  end: Int32Array;
  /** With a run spec: where each run reached `run.length` chars (end offset, exclusive), ascending. */
  runEnds: Int32Array;
  runCount: number;
}

export function buildKeywordAutomaton(keywords: readonly string[], run?: RunSpec): KeywordAutomaton {
  // Character classes first (built on classes, the automaton is a few times smaller to make):
  // keyword chars outside the run set, then the run set's chars (case folded like keywords).
  const asciiClass = new Uint8Array(ALPHABET);
  const runChars = new Set([...(run?.chars ?? '')].map((c) => c.toLowerCase()));
  let width = 1; // class 0: a char in no keyword
  let maxLength = 0;
  const lowered = keywords.map((raw, id) => {
    const keyword = raw.toLowerCase();
    maxLength = Math.max(maxLength, keyword.length);
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      if (c >= ALPHABET) throw new Error(`keyword #${id} is not ASCII`);
      if (asciiClass[c] === 0 && !runChars.has(keyword[i]!)) asciiClass[c] = width++;
    }
    return keyword;
  });
  const runClassFrom = width;
  for (const c of runChars) {
    if (c.charCodeAt(0) >= ALPHABET) throw new Error('run chars must be ASCII');
    asciiClass[c.charCodeAt(0)] = width++;
  }
  for (let c = 65; c <= 90; c++) if (asciiClass[c + 32] !== 0) asciiClass[c] = asciiClass[c + 32]!;
  if (run) {
    for (let c = 0; c < ALPHABET; c++) if (asciiClass[c]! >= runClassFrom && !run.chars.includes(String.fromCharCode(c))) throw new Error('run chars must be closed under case folding');
    if (!(run.length >= 3 * GROUP - 1)) throw new Error(`a run must be at least ${3 * GROUP - 1} chars long`);
    if (run.kinds) {
      for (let c = 0; c < 65536; c++) if ((run.kinds.of[c] !== 0) !== (c < ALPHABET && run.chars.includes(String.fromCharCode(c)))) throw new Error('run kinds must be non-zero exactly for the run chars');
    }
  }
  // The bias: other classes end just below runBit, run classes start at it (see the top).
  let runBit = 0;
  let bias = 0;
  if (run) {
    runBit = 1;
    while (runBit < Math.max(runClassFrom, width - runClassFrom)) runBit <<= 1;
    bias = runBit - runClassFrom;
  }

  const goto: Map<number, number>[] = [new Map()];
  const own: number[][] = [[]];
  lowered.forEach((keyword, id) => {
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const k = asciiClass[keyword.charCodeAt(i)]!;
      let next = goto[state]!.get(k);
      if (next === undefined) {
        next = goto.length;
        goto.push(new Map());
        own.push([]);
        goto[state]!.set(k, next);
      }
      state = next;
    }
    own[state]!.push(id);
  });

  const states = goto.length;
  const wide = new Int32Array(states * width);
  const fail = new Int32Array(states);
  const outputs: (number[] | undefined)[] = new Array(states).fill(undefined);
  // Breadth-first: a state's failure target is always finished before the state itself.
  const queue: number[] = [];
  for (let k = 0; k < width; k++) {
    const next = goto[0]!.get(k);
    wide[k] = next ?? 0;
    if (next !== undefined) queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const merged = [...own[state]!, ...(outputs[fail[state]!] ?? [])];
    outputs[state] = merged.length > 0 ? merged : undefined;
    const row = state * width;
    const failRow = fail[state]! * width;
    for (let k = 0; k < width; k++) {
      const next = goto[state]!.get(k);
      if (next === undefined) {
        wide[row + k] = wide[failRow + k]!;
      } else {
        fail[next] = wide[failRow + k]!;
        wide[row + k] = next;
        queue.push(next);
      }
    }
  }

  // Breadth-first numbers (shallow, hot states adjacent), emitting states after all others;
  // rows padded to a power of two. The root emits nothing (no keyword is empty), so it stays 0.
  let shift = 0;
  while (1 << shift < width) shift++;
  const bfs = [0, ...queue];
  const order = [...bfs.filter((s) => !outputs[s]), ...bfs.filter((s) => outputs[s])];
  const emitFrom = ROOT + (bfs.filter((s) => !outputs[s]).length << shift) - bias;
  const renumber = new Int32Array(order.length);
  order.forEach((old, fresh) => (renumber[old] = fresh));
  const table = new Int32Array(ROOT + (order.length << shift));
  table.fill(bias, 0, ROOT);
  for (let c = 0; c < ALPHABET; c++) table[c] = asciiClass[c]! + bias;
  const newOutputs: (number[] | undefined)[] = order.map((old) => outputs[old]);
  order.forEach((old, fresh) => {
    for (let k = 0; k < width; k++) table[ROOT + ((fresh << shift) | k)] = ROOT + (renumber[wide[old * width + k]!]! << shift) - bias;
  });
  return { keywords: [...keywords], table, shift, bias, root: ROOT - bias, emitFrom, outputs: newOutputs, maxLength, run, runBit };
}

/** Where emitting states were reached (end offset and row value, in pairs), and where runs reached their length. */
class Emits {
  // Empty until needed: most texts are small and most small texts have few hits.
  pairs: Int32Array = NONE;
  pairCount = 0; // ints used in `pairs` (2 per emit)
  runEnds: Int32Array = NONE;
  runCount = 0;
  /** Start of the last run looked at (each maximal run is looked at once). */
  lastRunStart = -1;
  /** The stream's runs are those that START at or after this (a run across the middle is the first stream's). */
  constructor(readonly runsFrom: number) {}
  pushPair(end: number, row: number): void {
    if (this.pairCount + 2 > this.pairs.length) this.pairs = grown(this.pairs, this.pairCount);
    this.pairs[this.pairCount] = end;
    this.pairs[this.pairCount + 1] = row;
    this.pairCount += 2;
  }
  pushRun(end: number): void {
    if (this.runCount === this.runEnds.length) this.runEnds = grown(this.runEnds, this.runCount);
    this.runEnds[this.runCount++] = end;
  }
}

const NONE = new Int32Array(0);

function grown(from: Int32Array, used: number): Int32Array {
  const out = new Int32Array(Math.max(64, from.length * 2));
  out.set(from.subarray(0, used));
  return out;
}

/**
 * Where a block's walk writes its events, both streams into one list with one write position
 * (each register the loop frees is one fewer spilled to the stack): an event is two ints, the
 * end offset and the row reached (an emit) or 0 (two full run groups end there; no row is 0).
 * The streams' events interleave; their offsets tell them apart (the first stream's are <= half).
 * Sized for a block's worst case (every char both streams emit, every group both streams' run
 * event), so the loop never checks room. Shared by all calls: nothing a walk calls
 * (RunSpec.keep) may start another, so no two use it at once.
 */
const scratch = new Int32Array(8 * BLOCK);
const RUN_EVENT = 0;
/** The walks' scalars (see A_ROW…), shared likewise. */
const regs = new Int32Array(7);

/**
 * Scalars a walk takes and hands back: per stream the row reached, whether the last group was
 * full of run chars and whether the last two were (runBit or 0); the write position in `scratch`.
 */
const A_ROW = 0;
const B_ROW = 1;
const A_FULL = 2;
const B_FULL = 3;
const A_PAIR = 4;
const B_PAIR = 5;
const AT = 6;

export function findKeywords(text: string, automaton: KeywordAutomaton): KeywordHits {
  const { table, emitFrom, runBit } = automaton;
  const length = text.length;
  const withRuns = automaton.run !== undefined;
  regs.fill(0);
  regs[A_ROW] = automaton.root;

  // The tail of a stream that does not fill a whole group is walked for keywords alone; the
  // runs that touch it are looked at directly.
  const tail = (out: Emits, from: number, to: number, half: number, first: Emits, second: Emits) => {
    regs[AT] = 0;
    walkOneKeywords(text, from, to, table, emitFrom, 0, scratch, regs);
    sortEvents(text, automaton, regs[AT]!, half, first, second);
    if (withRuns && to > out.runsFrom) runsTouching(text, automaton, Math.max(out.runsFrom, Math.min(from, to - 1)), to, out);
  };

  if (length < TWO_STREAMS_FROM || automaton.maxLength * 4 > length) {
    const only = new Emits(0);
    const whole = withRuns ? length - (length % GROUP) : length;
    const walkOne = withRuns ? walkOneWithRuns : walkOneKeywords;
    for (let at = 0; at < whole; at += BLOCK) {
      regs[AT] = 0;
      walkOne(text, at, Math.min(whole, at + BLOCK), table, emitFrom, runBit, scratch, regs);
      sortEvents(text, automaton, regs[AT]!, length, only, only);
    }
    tail(only, whole, length, length, only, only);
    return expand(automaton, only);
  }

  const half = length >> 1;
  const first = new Emits(0);
  const second = new Emits(half);
  // The second stream starts at the root maxLength - 1 chars before its half (what ends there
  // belongs to the first stream, so those chars are walked without recording).
  let b = automaton.root;
  for (let i = half - (automaton.maxLength - 1); i < half; i++) b = table[(b + table[text.charCodeAt(i)]!) | 0]!;
  regs[B_ROW] = b;
  const whole = withRuns ? half - (half % GROUP) : half;
  const walkTwo = withRuns ? walkTwoWithRuns : walkTwoKeywords;
  for (let at = 0; at < whole; at += BLOCK) {
    regs[AT] = 0;
    walkTwo(text, at, Math.min(whole, at + BLOCK), half, table, emitFrom, runBit, scratch, regs);
    sortEvents(text, automaton, regs[AT]!, half, first, second);
  }
  // Each stream's tail in turn (the second's holds the odd char of an odd length).
  const secondRow = regs[B_ROW]!;
  tail(first, whole, half, half, first, second);
  regs[A_ROW] = secondRow;
  tail(second, half + whole, length, half, first, second);
  return expand(automaton, first, second);
}

/**
 * The block's events in scratch[0, used) to their stream (end offset <= half: `first`), in
 * order; a run event is followed to its run, which is kept if the spec's `keep` accepts it,
 * while the block is still in cache.
 */
function sortEvents(text: string, automaton: KeywordAutomaton, used: number, half: number, first: Emits, second: Emits): void {
  for (let k = 0; k < used; k += 2) {
    const end = scratch[k]!;
    const row = scratch[k + 1]!;
    const to = end <= half ? first : second;
    if (row !== RUN_EVENT) to.pushPair(end, row);
    else lookAtRun(text, automaton, end - 2 * GROUP, end, to);
  }
}

/**
 * Looks at the maximal run holding text[from, to) (all run chars), unless already looked at:
 * reports it if it is long enough, the stream's, and has the kinds asked for. The walk's events
 * come where a run's first two full groups end, so its start is less than a group back, and it
 * is followed forward only as far as the length and the kinds need.
 */
function lookAtRun(text: string, automaton: KeywordAutomaton, from: number, to: number, out: Emits): void {
  const { table, runBit } = automaton;
  const run = automaton.run!;
  let start = from;
  while (start > 0 && (table[text.charCodeAt(start - 1)]! & runBit) !== 0) start--;
  if (start === out.lastRunStart) return;
  out.lastRunStart = start;
  const reached = start + run.length;
  if (reached > text.length || start < out.runsFrom) return;
  const kinds = run.kinds;
  if (!kinds) {
    for (let i = to; i < reached; i++) if ((table[text.charCodeAt(i)]! & runBit) === 0) return;
    out.pushRun(reached);
    return;
  }
  const { of, need } = kinds;
  const limit = Math.min(text.length, start + kinds.within);
  let seen = 0;
  for (let i = start; i < limit; i++) {
    const kind = of[text.charCodeAt(i)]!;
    if (kind === 0) return;
    seen |= kind;
    if ((seen & need) === need && i >= reached - 1) {
      out.pushRun(reached);
      return;
    }
  }
}

/** Looks at every run that has a char in text[from, to), in order. */
function runsTouching(text: string, automaton: KeywordAutomaton, from: number, to: number, out: Emits): void {
  const { table, runBit } = automaton;
  const isRunChar = (i: number) => (table[text.charCodeAt(i)]! & runBit) !== 0;
  for (let p = from; p < to; p++) {
    if (!isRunChar(p)) continue;
    lookAtRun(text, automaton, p, p + 1, out);
    while (p + 1 < to && isRunChar(p + 1)) p++;
  }
}

/** text[from, to) from regs' A stream into `out`; leaves its row and write position in regs. */
function walkOneKeywords(text: string, from: number, to: number, table: Int32Array, emitFrom: number, _runBit: number, out: Int32Array, regs: Int32Array): void {
  let row = regs[A_ROW]!;
  let n = regs[AT]!;
  for (let i = from; i < to; i++) {
    row = table[(row + table[text.charCodeAt(i)]!) | 0]!;
    if (row >= emitFrom) {
      out[n] = i + 1;
      out[n + 1] = row;
      n += 2;
    }
  }
  regs[A_ROW] = row;
  regs[AT] = n;
}

/**
 * As walkOneKeywords, `to - from` a multiple of GROUP; a run event where two full groups end.
 * The group's steps are written out: as an inner loop they cost 4.5 times as much as the run
 * test itself (the JIT keeps the loop's counter and exit test per char).
 */
function walkOneWithRuns(text: string, from: number, to: number, table: Int32Array, emitFrom: number, runBit: number, out: Int32Array, regs: Int32Array): void {
  let row = regs[A_ROW]!;
  let full = regs[A_FULL]!;
  let pair = regs[A_PAIR]!;
  let n = regs[AT]!;
  let c = 0;
  for (let g = from; g < to; g += GROUP) {
    let all = runBit;
    c = table[text.charCodeAt(g + 0)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 1;
      out[n + 1] = row;
      n += 2;
    }
    c = table[text.charCodeAt(g + 1)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 2;
      out[n + 1] = row;
      n += 2;
    }
    c = table[text.charCodeAt(g + 2)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 3;
      out[n + 1] = row;
      n += 2;
    }
    c = table[text.charCodeAt(g + 3)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 4;
      out[n + 1] = row;
      n += 2;
    }
    c = table[text.charCodeAt(g + 4)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 5;
      out[n + 1] = row;
      n += 2;
    }
    c = table[text.charCodeAt(g + 5)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 6;
      out[n + 1] = row;
      n += 2;
    }
    c = table[text.charCodeAt(g + 6)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 7;
      out[n + 1] = row;
      n += 2;
    }
    c = table[text.charCodeAt(g + 7)]!;
    row = table[(row + c) | 0]!;
    all &= c;
    if (row >= emitFrom) {
      out[n] = g + 8;
      out[n + 1] = row;
      n += 2;
    }
    // Only where a run's first two full groups end: one event per run.
    const now = all & full;
    if ((now & ~pair) !== 0) {
      out[n] = g + GROUP;
      out[n + 1] = RUN_EVENT;
      n += 2;
    }
    pair = now;
    full = all;
  }
  regs[A_ROW] = row;
  regs[A_FULL] = full;
  regs[A_PAIR] = pair;
  regs[AT] = n;
}

/** text[from, to) and text[half + from, half + to) in lockstep, from and into regs and `out`. */
function walkTwoKeywords(text: string, from: number, to: number, half: number, table: Int32Array, emitFrom: number, _runBit: number, out: Int32Array, regs: Int32Array): void {
  let a = regs[A_ROW]!;
  let b = regs[B_ROW]!;
  let n = regs[AT]!;
  for (let i = from; i < to; i++) {
    a = table[(a + table[text.charCodeAt(i)]!) | 0]!;
    b = table[(b + table[text.charCodeAt(i + half)]!) | 0]!;
    // (a | b) >= emitFrom whenever either is: one compare on the common path.
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = i + 1;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = i + half + 1;
        out[n + 1] = b;
        n += 2;
      }
    }
  }
  regs[A_ROW] = a;
  regs[B_ROW] = b;
  regs[AT] = n;
}

/** As walkTwoKeywords, `to - from` a multiple of GROUP, with run events (see walkOneWithRuns). */
function walkTwoWithRuns(text: string, from: number, to: number, half: number, table: Int32Array, emitFrom: number, runBit: number, out: Int32Array, regs: Int32Array): void {
  let a = regs[A_ROW]!;
  let b = regs[B_ROW]!;
  let aFull = regs[A_FULL]!;
  let bFull = regs[B_FULL]!;
  let aPair = regs[A_PAIR]!;
  let bPair = regs[B_PAIR]!;
  let n = regs[AT]!;
  let ca = 0;
  let cb = 0;
  for (let g = from; g < to; g += GROUP) {
    let aAll = runBit;
    let bAll = runBit;
    ca = table[text.charCodeAt(g + 0)]!;
    cb = table[text.charCodeAt(g + 0 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 1;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 1 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    ca = table[text.charCodeAt(g + 1)]!;
    cb = table[text.charCodeAt(g + 1 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 2;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 2 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    ca = table[text.charCodeAt(g + 2)]!;
    cb = table[text.charCodeAt(g + 2 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 3;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 3 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    ca = table[text.charCodeAt(g + 3)]!;
    cb = table[text.charCodeAt(g + 3 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 4;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 4 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    ca = table[text.charCodeAt(g + 4)]!;
    cb = table[text.charCodeAt(g + 4 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 5;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 5 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    ca = table[text.charCodeAt(g + 5)]!;
    cb = table[text.charCodeAt(g + 5 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 6;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 6 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    ca = table[text.charCodeAt(g + 6)]!;
    cb = table[text.charCodeAt(g + 6 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 7;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 7 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    ca = table[text.charCodeAt(g + 7)]!;
    cb = table[text.charCodeAt(g + 7 + half)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        out[n] = g + 8;
        out[n + 1] = a;
        n += 2;
      }
      if (b >= emitFrom) {
        out[n] = g + 8 + half;
        out[n + 1] = b;
        n += 2;
      }
    }
    const aNow = aAll & aFull;
    const bNow = bAll & bFull;
    if (((aNow & ~aPair) | (bNow & ~bPair)) !== 0) {
      if ((aNow & ~aPair) !== 0) {
        out[n] = g + GROUP;
        out[n + 1] = RUN_EVENT;
        n += 2;
      }
      if ((bNow & ~bPair) !== 0) {
        out[n] = g + GROUP + half;
        out[n + 1] = RUN_EVENT;
        n += 2;
      }
    }
    aPair = aNow;
    bPair = bNow;
    aFull = aAll;
    bFull = bAll;
  }
  regs[A_ROW] = a;
  regs[B_ROW] = b;
  regs[A_FULL] = aFull;
  regs[B_FULL] = bFull;
  regs[A_PAIR] = aPair;
  regs[B_PAIR] = bPair;
  regs[AT] = n;
}

/** Each emit's keyword ids, first stream then second (text order); runs likewise. */
function expand(automaton: KeywordAutomaton, ...streams: Emits[]): KeywordHits {
  const { outputs, shift, bias } = automaton;
  const stateOf = (row: number) => (row + bias - ROOT) >> shift;
  let count = 0;
  let runCount = 0;
  for (const s of streams) {
    for (let h = 1; h < s.pairCount; h += 2) count += outputs[stateOf(s.pairs[h]!)]!.length;
    runCount += s.runCount;
  }
  const keyword = new Int32Array(Math.max(1, count));
  const end = new Int32Array(Math.max(1, count));
  const runEnds = new Int32Array(Math.max(1, runCount));
  let k = 0;
  let r = 0;
  for (const s of streams) {
    for (let h = 0; h < s.pairCount; h += 2) {
      for (const id of outputs[stateOf(s.pairs[h + 1]!)]!) {
        keyword[k] = id;
        end[k] = s.pairs[h]!;
        k++;
      }
    }
    runEnds.set(s.runEnds.subarray(0, s.runCount), r);
    r += s.runCount;
  }
  return { count, keyword, end, runEnds, runCount };
}
