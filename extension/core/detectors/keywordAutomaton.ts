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
//   root, so every keyword ending in its half is seen whole, and records only those. Where
//   WebAssembly runs, the same walk runs there (wasmWalk.ts), in FOUR streams for long texts
//   (quarters), which JavaScript's walk gained nothing from (its per-char checks are the cost);
// - ONE Int32Array holds both tables: the class of every UTF-16 code unit (cells 0..65535,
//   non-ASCII: class 0, so no range test per char), then the transition rows. Fewer arrays in
//   the loop means fewer base/length loads per step, which the JIT does not hoist;
// - a transition cell holds the next state's row offset in that array, so a step is
//   `row = table[row + table[char]]`; states that emit keywords are numbered last, so "emits?"
//   is one compare with `emitFrom`, and the cell needs no flag bit to mask off;
// - each stream's hits go straight into its own list, which is given room for a whole block's
//   worst case before the block, so the loop has neither a capacity test nor a call in it.
//   (One list shared by both streams, sorted out after each block, cost a mispredicted branch
//   per hit: the streams' hits interleave at random.)
//
// Runs cost one AND per char. Class cells hold the class plus a bias (and rows are stored minus
// it, so `row + cell` is still the right cell) chosen so that exactly the run chars' cells have
// one bit, `runBit`, set: the AND of a GROUP of 8 chars' cells has it exactly when all 8 are run
// chars. A run of at least 3 * 8 - 1 chars holds two whole aligned groups, so only where two full
// groups follow each other (a few percent of groups in source code) is the run looked at
// char by char, while the block is still in the CPU's cache. Counting the run length per char
// instead cost two thirds of the keyword walk itself (26 ms against 37 per 20 MB of code).

import * as walkRegisters from './walkRegisters';
import { wasmWalkFor, type WalkTarget } from './wasmWalk';

// Copied into this module's own constants: the walks read them per group and per run event, and
// an imported binding is a getter call under CommonJS interop (tsx, which runs the bench).
const { A_AT, A_FULL, A_PAIR, A_ROW, AT, B_AT, B_FULL, B_PAIR, B_ROW, GROUP, MAX_STREAMS, REGS, ROW, RUN_AT } = walkRegisters;

const ALPHABET = 128;
/** Below this length one stream is walked: the second would not pay for its set-up. */
const TWO_STREAMS_FROM = 4096;
/** From this length the WebAssembly walk runs four streams (the JavaScript walk has two). */
const FOUR_STREAMS_FROM = 16384;
/** Where the root's row starts in `table` (after the 65536 classes; a multiple of any row width). */
const ROOT = 65536;
/** Below this length the JavaScript walk is used even where the WebAssembly one can run (its set-up costs more). */
const WASM_FROM = 256;
/** Chars walked between two checks of the hit buffers' room (a multiple of GROUP). */
const BLOCK = 1 << 15;

export interface RunSpec {
  /** The ASCII chars of the set (case-sensitive). */
  readonly chars: string;
  /** A run is reported once, where it reaches this many chars (at least 3 * GROUP - 1 = 23). */
  readonly length: number;
  /**
   * Report only the runs this says start well, given the run's start (the caller's own first test
   * of a run; it may read the run's first `length` chars, all run chars). Asked in the same scan
   * that measures the run, right after the block it is in was walked, while that text is still in
   * the CPU's cache (asked later, scattered over a large text, each costs a cache miss).
   */
  readonly startsWell?: (text: string, start: number) => boolean;
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

/**
 * Where the text reached states that end keywords, in text order: `emits` holds an end offset
 * (exclusive) and a state per emit; `outputs[state]` are the keywords that end there. Left by
 * state, not expanded per keyword: the scan looks up what to do per state (one table lookup
 * per emit instead of a list per keyword).
 */
export interface KeywordHits {
  emitCount: number;
  emits: Int32Array;
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

/**
 * One stream's hits: where emitting states were reached (end offset and row value, in pairs),
 * written by the walk straight into `pairs` (room for a whole block is made before each block,
 * so the loop never checks it), and where runs reached their length.
 */
class Emits {
  pairs: Int32Array = NONE;
  pairCount = 0; // ints used in `pairs` (2 per emit)
  runEnds: Int32Array = NONE;
  runCount = 0;
  /** Start of the last run looked at (each maximal run is looked at once). */
  lastRunStart = -1;
  /**
   * `runsFrom`: the stream's runs are those that START at or after it (a run across the start
   * of a part is the stream before's; set by `start`). `slot`: which of the shared pair lists the stream
   * writes into.
   */
  runsFrom = 0;
  constructor(private readonly slot: number) {}
  /** Empties the stream for a new walk (the streams are reused from walk to walk, lists kept). */
  start(runsFrom: number): this {
    this.runsFrom = runsFrom;
    this.pairCount = 0;
    this.runCount = 0;
    this.lastRunStart = -1;
    return this;
  }
  /** After a walk: lets go of the borrowed pair list, and of a run list grown large. */
  release(): void {
    this.pairs = NONE;
    if (this.runEnds.length > RETAINED_REUSED) this.runEnds = NONE;
  }
  /** Room for `chars` more chars' emits (at most one per char). */
  room(chars: number): Int32Array {
    const need = this.pairCount + 2 * chars;
    let pairs = sharedPairs[this.slot]!;
    if (need > pairs.length) {
      const grown = new Int32Array(Math.max(1024, need, pairs.length * 2));
      grown.set(pairs.subarray(0, this.pairCount));
      pairs = sharedPairs[this.slot] = grown;
    }
    return (this.pairs = pairs);
  }
  pushRun(end: number): void {
    if (this.runCount === this.runEnds.length) {
      const out = new Int32Array(Math.max(64, this.runEnds.length * 2));
      out.set(this.runEnds);
      this.runEnds = out;
    }
    this.runEnds[this.runCount++] = end;
  }
}

/**
 * The streams' pair lists, kept from call to call (the gateway scans thousands of small texts
 * per request: a list made per call cost more than the walk of a small text). Only one walk
 * runs at a time, and expand copies the pairs out before the walk returns. Lists grown past
 * RETAINED_PAIRS ints are let go after the call.
 */
const sharedPairs: Int32Array[] = Array.from({ length: MAX_STREAMS }, () => new Int32Array(1024));
const RETAINED_PAIRS = 1 << 18;

const NONE = new Int32Array(0);

/**
 * Where a block's walk writes its run events: the end offset of a run's first two full groups
 * (the streams' events interleave; their offsets tell them apart: stream k's lie in its part).
 * Sized for a block's worst case (an event every group in every stream). Shared by all calls.
 */
const runEvents = new Int32Array((MAX_STREAMS * BLOCK) / GROUP + 2);
/**
 * The walks' scalars, shared likewise (indexed by ROW(k)…, A_ROW… for the first two streams; the
 * same layout as the WebAssembly walk's): per stream the row reached, whether the last group was
 * full of run chars and whether the last two were (runBit or 0), and the write position in its
 * pairs; the write position in `runEvents`.
 */
const regs = new Int32Array(REGS);

/** The walk's streams (findKeywords does not call itself: its state is module-level anyway). */
const streams = Array.from({ length: MAX_STREAMS }, (_, slot) => new Emits(slot));

/**
 * `into`: a KeywordHits the caller owns and reuses from call to call (its lists are grown as
 * needed and overwritten): a scan of many small texts then allocates nothing per text.
 */
export function findKeywords(text: string, automaton: KeywordAutomaton, into?: KeywordHits): KeywordHits {
  const { table, emitFrom, runBit } = automaton;
  const length = text.length;
  const withRuns = automaton.run !== undefined;
  regs.fill(0);
  regs[A_ROW] = automaton.root;

  // The tail of a stream that does not fill a whole group is walked for keywords alone; the
  // runs that touch it are looked at directly.
  const tail = (out: Emits, from: number, to: number) => {
    regs[A_AT] = out.pairCount;
    walkOneKeywords(text, from, to, table, emitFrom, 0, out.room(to - from), runEvents, regs);
    out.pairCount = regs[A_AT]!;
    if (withRuns && to > out.runsFrom) runsTouching(text, automaton, Math.max(out.runsFrom, Math.min(from, to - 1)), to, out);
  };

  // The WebAssembly walk (wasmWalk.ts) where it runs: the same walk, about twice as fast.
  const wasm = length >= WASM_FROM ? wasmWalkFor(automaton, BLOCK) : undefined;
  // Walked in whole groups (the rest is the tail) with runs, and always in WebAssembly.
  const grouped = withRuns || wasm !== undefined;

  if (length < TWO_STREAMS_FROM || automaton.maxLength * 4 > length) {
    const only = streams[0]!.start(0);
    const target: WalkTarget | undefined = wasm ? { outs: [NONE], runOut: runEvents, regs } : undefined;
    const whole = grouped ? length - (length % GROUP) : length;
    for (let at = 0; at < whole; at += BLOCK) {
      const to = Math.min(whole, at + BLOCK);
      regs[A_AT] = only.pairCount;
      regs[RUN_AT] = 0;
      if (wasm) {
        target!.outs[0] = only.room(to - at);
        wasm.walk(text, at, to, 0, target!);
      } else if (withRuns) walkOneWithRuns(text, at, to, table, emitFrom, runBit, only.room(to - at), runEvents, regs);
      else walkOneKeywords(text, at, to, table, emitFrom, runBit, only.room(to - at), runEvents, regs);
      only.pairCount = regs[A_AT]!;
      lookAtRuns(text, automaton, length, 1);
    }
    tail(only, whole, length);
    return expand(automaton, into, 1);
  }

  // The text in `count` equal parts walked in lockstep, the last part holding what is left over.
  const count = wasm && length >= FOUR_STREAMS_FROM && automaton.maxLength * 16 <= length ? 4 : 2;
  const part = Math.floor(length / count);
  const target: WalkTarget | undefined = wasm ? { outs: new Array<Int32Array>(count).fill(NONE), runOut: runEvents, regs } : undefined;
  for (let k = 0; k < count; k++) {
    streams[k]!.start(k * part);
    // Each later stream starts at the root maxLength - 1 chars before its part (what ends there
    // belongs to the stream before, so those chars are walked without recording).
    let row = automaton.root;
    for (let i = k * part - (automaton.maxLength - 1); k > 0 && i < k * part; i++) row = table[(row + table[text.charCodeAt(i)]!) | 0]!;
    regs[ROW(k)] = row;
  }
  const whole = grouped ? part - (part % GROUP) : part;
  for (let at = 0; at < whole; at += BLOCK) {
    const to = Math.min(whole, at + BLOCK);
    for (let k = 0; k < count; k++) regs[AT(k)] = streams[k]!.pairCount;
    regs[RUN_AT] = 0;
    // One call site per walk (not one through a variable): the JIT then settles on the same
    // code whatever was walked before (through a variable, the walk with runs settled 10%
    // slower or faster depending on the order in which packs with and without runs were used).
    if (wasm) {
      for (let k = 0; k < count; k++) target!.outs[k] = streams[k]!.room(to - at);
      wasm.walk(text, at, to, part, target!);
    } else if (withRuns) walkTwoWithRuns(text, at, to, part, table, emitFrom, runBit, streams[0]!.room(to - at), streams[1]!.room(to - at), runEvents, regs);
    else walkTwoKeywords(text, at, to, part, table, emitFrom, runBit, streams[0]!.room(to - at), streams[1]!.room(to - at), runEvents, regs);
    for (let k = 0; k < count; k++) streams[k]!.pairCount = regs[AT(k)]!;
    lookAtRuns(text, automaton, part, count);
  }
  // Each stream's tail in turn (the last one's holds what the parts left over).
  const rows = Array.from({ length: count }, (_, k) => regs[ROW(k)]!);
  for (let k = 0; k < count; k++) {
    regs[A_ROW] = rows[k]!;
    tail(streams[k]!, k * part + whole, k === count - 1 ? length : (k + 1) * part);
  }
  return expand(automaton, into, count);
}

/** Which walk findKeywords runs on the automaton's long texts (tests and the bench report it). */
export function walkOf(automaton: KeywordAutomaton): 'WebAssembly' | 'JavaScript' {
  return wasmWalkFor(automaton, BLOCK) ? 'WebAssembly' : 'JavaScript';
}

/** The block's run events (see lookAtRun), while the block is still in cache; `count` streams of `part` chars. */
function lookAtRuns(text: string, automaton: KeywordAutomaton, part: number, count: number): void {
  const used = regs[RUN_AT]!;
  for (let k = 0; k < used; k++) {
    const end = runEvents[k]!;
    // A stream's events end inside its own part, after its first group.
    lookAtRun(text, automaton, end, 2 * GROUP, streams[count === 1 ? 0 : Math.min(count - 1, ((end - 1) / part) | 0)]!);
  }
}

/**
 * Looks at the maximal run whose chars include text[to - known, to) (run chars), unless already
 * looked at: reports it if it is long enough, the stream's, and starts well (RunSpec.startsWell).
 * The walk's events come where a run's first two full groups end, so its start is less than a
 * group before them, and it is followed forward only as far as its length needs.
 */
function lookAtRun(text: string, automaton: KeywordAutomaton, to: number, known: number, out: Emits): void {
  const { table, runBit } = automaton;
  // Back to the run's start, not past the stream's own start (a run that began before is the
  // stream before's, and a text that is one long run would otherwise be read back to its start
  // from every tail).
  const floor = out.runsFrom;
  let start = Math.max(floor, to - known);
  while (start > floor && (table[text.charCodeAt(start - 1)]! & runBit) !== 0) start--;
  if (start === floor && floor > 0 && (table[text.charCodeAt(floor - 1)]! & runBit) !== 0) return;
  if (start === out.lastRunStart) return;
  out.lastRunStart = start;
  const run = automaton.run!;
  const reached = start + run.length;
  if (reached > text.length) return;
  for (let i = to; i < reached; i++) if ((table[text.charCodeAt(i)]! & runBit) === 0) return;
  if (run.startsWell !== undefined && !run.startsWell(text, start)) return;
  out.pushRun(reached);
}

/** Looks at every run that has a char in text[from, to), in order. */
function runsTouching(text: string, automaton: KeywordAutomaton, from: number, to: number, out: Emits): void {
  const { table, runBit } = automaton;
  const isRunChar = (i: number) => (table[text.charCodeAt(i)]! & runBit) !== 0;
  for (let p = from; p < to; p++) {
    if (!isRunChar(p)) continue;
    lookAtRun(text, automaton, p + 1, 1, out);
    while (p + 1 < to && isRunChar(p + 1)) p++;
  }
}

/** text[from, to) from regs' A stream into `out`; leaves its row and write position in regs. */
function walkOneKeywords(text: string, from: number, to: number, table: Int32Array, emitFrom: number, _runBit: number, out: Int32Array, _runOut: Int32Array, regs: Int32Array): void {
  let row = regs[A_ROW]!;
  let n = regs[A_AT]!;
  for (let i = from; i < to; i++) {
    row = table[(row + table[text.charCodeAt(i)]!) | 0]!;
    if (row >= emitFrom) {
      out[n] = i + 1;
      out[n + 1] = row;
      n += 2;
    }
  }
  regs[A_ROW] = row;
  regs[A_AT] = n;
}

/**
 * As walkOneKeywords, `to - from` a multiple of GROUP; a run event where two full groups end.
 * The group's steps are written out: as an inner loop they cost six times as much as the run
 * test itself (the JIT keeps the loop's counter and exit test per char).
 */
function walkOneWithRuns(text: string, from: number, to: number, table: Int32Array, emitFrom: number, runBit: number, out: Int32Array, runOut: Int32Array, regs: Int32Array): void {
  let row = regs[A_ROW]!;
  let full = regs[A_FULL]!;
  let pair = regs[A_PAIR]!;
  let n = regs[A_AT]!;
  let r = regs[RUN_AT]!;
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
    if ((now & ~pair) !== 0) runOut[r++] = g + GROUP;
    pair = now;
    full = all;
  }
  regs[A_ROW] = row;
  regs[A_FULL] = full;
  regs[A_PAIR] = pair;
  regs[A_AT] = n;
  regs[RUN_AT] = r;
}

/** text[from, to) and text[part + from, part + to) in lockstep, from and into regs and the outs. */
function walkTwoKeywords(text: string, from: number, to: number, part: number, table: Int32Array, emitFrom: number, _runBit: number, aOut: Int32Array, bOut: Int32Array, _runOut: Int32Array, regs: Int32Array): void {
  let a = regs[A_ROW]!;
  let b = regs[B_ROW]!;
  let na = regs[A_AT]!;
  let nb = regs[B_AT]!;
  for (let i = from; i < to; i++) {
    a = table[(a + table[text.charCodeAt(i)]!) | 0]!;
    b = table[(b + table[text.charCodeAt(i + part)]!) | 0]!;
    // (a | b) >= emitFrom whenever either is: one compare on the common path.
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = i + 1;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = i + part + 1;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
  }
  regs[A_ROW] = a;
  regs[B_ROW] = b;
  regs[A_AT] = na;
  regs[B_AT] = nb;
}

/** As walkTwoKeywords, `to - from` a multiple of GROUP, with run events (see walkOneWithRuns). */
function walkTwoWithRuns(text: string, from: number, to: number, part: number, table: Int32Array, emitFrom: number, runBit: number, aOut: Int32Array, bOut: Int32Array, runOut: Int32Array, regs: Int32Array): void {
  let a = regs[A_ROW]!;
  let b = regs[B_ROW]!;
  let aFull = regs[A_FULL]!;
  let bFull = regs[B_FULL]!;
  let aPair = regs[A_PAIR]!;
  let bPair = regs[B_PAIR]!;
  let na = regs[A_AT]!;
  let nb = regs[B_AT]!;
  let r = regs[RUN_AT]!;
  let ca = 0;
  let cb = 0;
  for (let g = from; g < to; g += GROUP) {
    let aAll = runBit;
    let bAll = runBit;
    ca = table[text.charCodeAt(g + 0)]!;
    cb = table[text.charCodeAt(g + 0 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 1;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 1 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    ca = table[text.charCodeAt(g + 1)]!;
    cb = table[text.charCodeAt(g + 1 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 2;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 2 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    ca = table[text.charCodeAt(g + 2)]!;
    cb = table[text.charCodeAt(g + 2 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 3;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 3 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    ca = table[text.charCodeAt(g + 3)]!;
    cb = table[text.charCodeAt(g + 3 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 4;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 4 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    ca = table[text.charCodeAt(g + 4)]!;
    cb = table[text.charCodeAt(g + 4 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 5;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 5 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    ca = table[text.charCodeAt(g + 5)]!;
    cb = table[text.charCodeAt(g + 5 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 6;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 6 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    ca = table[text.charCodeAt(g + 6)]!;
    cb = table[text.charCodeAt(g + 6 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 7;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 7 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    ca = table[text.charCodeAt(g + 7)]!;
    cb = table[text.charCodeAt(g + 7 + part)]!;
    a = table[(a + ca) | 0]!;
    b = table[(b + cb) | 0]!;
    aAll &= ca;
    bAll &= cb;
    if ((a | b) >= emitFrom) {
      if (a >= emitFrom) {
        aOut[na] = g + 8;
        aOut[na + 1] = a;
        na += 2;
      }
      if (b >= emitFrom) {
        bOut[nb] = g + 8 + part;
        bOut[nb + 1] = b;
        nb += 2;
      }
    }
    const aNow = aAll & aFull;
    const bNow = bAll & bFull;
    if (((aNow & ~aPair) | (bNow & ~bPair)) !== 0) {
      if ((aNow & ~aPair) !== 0) runOut[r++] = g + GROUP;
      if ((bNow & ~bPair) !== 0) runOut[r++] = g + GROUP + part;
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
  regs[A_AT] = na;
  regs[B_AT] = nb;
  regs[RUN_AT] = r;
}

/** The first `count` streams' emits as (end, state) pairs, in stream order (text order); runs likewise. */
function expand(automaton: KeywordAutomaton, into: KeywordHits | undefined, count: number): KeywordHits {
  const { shift, bias } = automaton;
  let ints = 0;
  let runCount = 0;
  for (let s = 0; s < count; s++) {
    ints += streams[s]!.pairCount;
    runCount += streams[s]!.runCount;
  }
  let emits: Int32Array;
  let runEnds: Int32Array;
  if (into) {
    if (into.emits.length < ints) into.emits = new Int32Array(Math.max(1024, ints));
    if (into.runEnds.length < runCount) into.runEnds = new Int32Array(Math.max(64, runCount));
    emits = into.emits;
    runEnds = into.runEnds;
  } else {
    emits = ints === 0 ? NO_EMITS : new Int32Array(ints);
    runEnds = runCount === 0 ? NONE : new Int32Array(runCount);
  }
  let k = 0;
  let r = 0;
  for (let s = 0; s < count; s++) {
    const stream = streams[s]!;
    k = copyEmits(stream, emits, k, shift, bias);
    if (stream.runCount > 0) runEnds.set(stream.runEnds.subarray(0, stream.runCount), r);
    r += stream.runCount;
  }
  releaseWalkLists();
  if (into) {
    into.emitCount = ints >> 1;
    into.runCount = runCount;
    return into;
  }
  return { emitCount: ints >> 1, emits, runEnds, runCount };
}

/** A stream's (end, row) pairs into `emits` from `k` as (end, state); returns the next free index. */
function copyEmits(stream: Emits, emits: Int32Array, k: number, shift: number, bias: number): number {
  const pairs = stream.pairs;
  for (let h = 0; h < stream.pairCount; h += 2) {
    emits[k] = pairs[h]!;
    emits[k + 1] = (pairs[h + 1]! + bias - ROOT) >> shift;
    k += 2;
  }
  return k;
}

/**
 * Lets go of the shared pair lists grown past RETAINED_PAIRS, and of what the streams borrowed
 * or grew (after every walk; callers may call it again after a walk that threw).
 */
export function releaseWalkLists(): void {
  for (let slot = 0; slot < sharedPairs.length; slot++) if (sharedPairs[slot]!.length > RETAINED_PAIRS) sharedPairs[slot] = new Int32Array(1024);
  for (const stream of streams) stream.release();
}

/** A KeywordHits for findKeywords' `into` (empty, its lists grown on use). */
export function reusableHits(): KeywordHits {
  return { emitCount: 0, emits: new Int32Array(0), runEnds: new Int32Array(0), runCount: 0 };
}

/**
 * Lists kept for reuse are let go above this many ints (256 KB): reuse is for the many small
 * texts of a folder or a request; a large text's lists must not stay alive in the gateway or
 * the editor after its scan.
 */
export const RETAINED_REUSED = 1 << 16;

/** Empties `hits` (a reusableHits) after use, letting go of lists grown past RETAINED_REUSED. */
export function releaseHits(hits: KeywordHits): void {
  hits.emitCount = 0;
  hits.runCount = 0;
  if (hits.emits.length > RETAINED_REUSED) hits.emits = NONE;
  if (hits.runEnds.length > RETAINED_REUSED) hits.runEnds = NONE;
}

/** The emits of a text without any: shared (no caller writes into hits). */
const NO_EMITS = new Int32Array(0);

/** Every keyword occurrence of `hits` as keyword id and end offset, in text order (for tests and tools). */
export function keywordOccurrences(hits: KeywordHits, automaton: KeywordAutomaton): { keyword: number; end: number }[] {
  const out: { keyword: number; end: number }[] = [];
  for (let h = 0; h < hits.emitCount; h++) {
    for (const keyword of automaton.outputs[hits.emits[2 * h + 1]!]!) out.push({ keyword, end: hits.emits[2 * h]! });
  }
  return out;
}
