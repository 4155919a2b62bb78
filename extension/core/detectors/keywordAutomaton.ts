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
//   `row = table[row | table[char]]`; states that emit keywords are numbered last, so "emits?"
//   is one compare with `emitFrom`, and the cell needs no flag bit to mask off;
// - the run chars get the highest class numbers, so "in the run set?" is a compare with the
//   first of them, done without a branch (the run length is masked to 0 on any other char);
// - a block's hits go to one scratch array sized for the block's worst case, so the loop has
//   neither a capacity test nor a call in it, and few arrays to keep in registers.

const ALPHABET = 128;
/** Below this length one stream is walked: the second would not pay for its set-up. */
const TWO_STREAMS_FROM = 4096;
/** Where the root's row starts in `table` (after the 65536 classes; a multiple of any row width). */
const ROOT = 65536;
/** Chars walked between two checks of the hit buffers' room. */
const BLOCK = 1 << 15;

export interface RunSpec {
  /** The ASCII chars of the set (case-sensitive). */
  readonly chars: string;
  /** A run is reported once, where it reaches this many chars. */
  readonly length: number;
  /**
   * Whether to report the run that reached `length` at `end` (its start is `length` before):
   * asked right after the block it is in was walked, while that text is still in the CPU's
   * cache (asked later, scattered over a large text, each costs a cache miss). It must not
   * call findKeywords (the walk's buffers are shared).
   */
  readonly keep?: (text: string, end: number) => boolean;
}

export interface KeywordAutomaton {
  readonly keywords: readonly string[];
  /**
   * table[c] (c < 65536): the character class of UTF-16 code unit c (0: in no keyword and no
   * run; upper case folded onto lower). table[row | class] (row >= ROOT): the next state's row offset.
   */
  readonly table: Int32Array;
  /** log2 of the row width: state s's row starts at ROOT + (s << shift). */
  readonly shift: number;
  /** Row offsets at or above this belong to states that emit keywords. */
  readonly emitFrom: number;
  /** For each state, the keyword ids that end there (including via failure links), or undefined. */
  readonly outputs: readonly (readonly number[] | undefined)[];
  /** Length of the longest keyword. */
  readonly maxLength: number;
  readonly run?: RunSpec;
  /** Classes at or above this are the run's chars (with no run: above every class). */
  readonly runClassFrom: number;
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
  const runClassFrom = run ? width : Number.MAX_SAFE_INTEGER;
  for (const c of runChars) {
    if (c.charCodeAt(0) >= ALPHABET) throw new Error('run chars must be ASCII');
    asciiClass[c.charCodeAt(0)] = width++;
  }
  for (let c = 65; c <= 90; c++) if (asciiClass[c + 32] !== 0) asciiClass[c] = asciiClass[c + 32]!;
  if (run) {
    for (let c = 0; c < ALPHABET; c++) if (asciiClass[c]! >= runClassFrom && !run.chars.includes(String.fromCharCode(c))) throw new Error('run chars must be closed under case folding');
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
  const emitFrom = ROOT + (bfs.filter((s) => !outputs[s]).length << shift);
  const renumber = new Int32Array(order.length);
  order.forEach((old, fresh) => (renumber[old] = fresh));
  const table = new Int32Array(ROOT + (order.length << shift));
  table.set(asciiClass);
  const newOutputs: (number[] | undefined)[] = order.map((old) => outputs[old]);
  order.forEach((old, fresh) => {
    for (let k = 0; k < width; k++) table[ROOT + ((fresh << shift) | k)] = ROOT + (renumber[wide[old * width + k]!]! << shift);
  });
  return { keywords: [...keywords], table, shift, emitFrom, outputs: newOutputs, maxLength, run, runClassFrom };
}

/** Where emitting states were reached (end offset and row offset, in pairs), and where runs reached their length. */
class Emits {
  // Empty until needed: most texts are small and most small texts have few hits.
  pairs: Int32Array = NONE;
  pairCount = 0; // ints used in `pairs` (2 per emit)
  runEnds: Int32Array = NONE;
  runCount = 0;
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
 * end offset and the row reached (an emit) or 0 (a run reached its length; no row is 0). The
 * streams' events interleave; their offsets tell them apart (the first stream's are <= half).
 * Sized for a block's worst case (every char both streams emit and a run ends), so the loop
 * never checks room. Shared by all calls: nothing a walk calls (RunSpec.keep) may start
 * another, so no two use it at once.
 */
const scratch = new Int32Array(8 * BLOCK);
const RUN_EVENT = 0;
/** The walks' scalars (see A_ROW…), shared likewise. */
const regs = new Int32Array(5);

/** Scalars a walk takes and hands back: row reached and run length per stream, write position in `scratch`. */
const A_ROW = 0;
const B_ROW = 1;
const A_RUN = 2;
const B_RUN = 3;
const AT = 4;

export function findKeywords(text: string, automaton: KeywordAutomaton): KeywordHits {
  const { table, emitFrom, runClassFrom } = automaton;
  const runLength = automaton.run?.length ?? 0;
  const length = text.length;
  const first = new Emits();
  const second = new Emits();
  regs.fill(0);
  regs[A_ROW] = ROOT;
  const walkOne = automaton.run ? walkOneWithRuns : walkOneKeywords;
  const one = (out: Emits, from: number, to: number) => {
    for (let at = from; at < to; at += BLOCK) {
      regs[AT] = 0;
      walkOne(text, at, Math.min(to, at + BLOCK), table, emitFrom, runClassFrom, runLength, scratch, regs);
      sortEvents(text, automaton, regs[AT]!, length, out, out);
    }
  };
  if (length < TWO_STREAMS_FROM || automaton.maxLength * 4 > length) {
    one(first, 0, length);
    return expand(automaton, first);
  }

  const half = length >> 1;
  // The second stream starts at the root maxLength - 1 chars before its half (what ends there
  // belongs to the first stream, so those chars are walked without recording), with the length
  // of the run that ends at its half (capped: a run already reported is not reported again).
  let b = ROOT;
  for (let i = half - (automaton.maxLength - 1); i < half; i++) b = table[b | table[text.charCodeAt(i)]!]!;
  regs[B_ROW] = b;
  let run = 0;
  if (runLength) while (run < runLength && table[text.charCodeAt(half - 1 - run)]! >= runClassFrom) run++;
  regs[B_RUN] = run;
  const walkTwo = automaton.run ? walkTwoWithRuns : walkTwoKeywords;
  for (let at = 0; at < half; at += BLOCK) {
    regs[AT] = 0;
    walkTwo(text, at, Math.min(half, at + BLOCK), half, table, emitFrom, runClassFrom, runLength, scratch, regs);
    sortEvents(text, automaton, regs[AT]!, half, first, second);
  }
  // An odd length leaves one char, for the second stream.
  regs[A_ROW] = regs[B_ROW]!;
  regs[A_RUN] = regs[B_RUN]!;
  one(second, 2 * half, length);
  return expand(automaton, first, second);
}

/**
 * The block's events in scratch[0, used) to their stream (end offset <= half: `first`), in
 * order; run ends the spec's `keep` rejects are dropped, while the block is still in cache.
 */
function sortEvents(text: string, automaton: KeywordAutomaton, used: number, half: number, first: Emits, second: Emits): void {
  const keep = automaton.run?.keep;
  for (let k = 0; k < used; k += 2) {
    const end = scratch[k]!;
    const row = scratch[k + 1]!;
    const to = end <= half ? first : second;
    if (row !== RUN_EVENT) to.pushPair(end, row);
    else if (!keep || keep(text, end)) to.pushRun(end);
  }
}

/** text[from, to) from regs' A stream into `out`; leaves its row, run and write position in regs. */
function walkOneKeywords(text: string, from: number, to: number, table: Int32Array, emitFrom: number, _runClassFrom: number, _runLength: number, out: Int32Array, regs: Int32Array): void {
  let row = regs[A_ROW]!;
  let n = regs[AT]!;
  for (let i = from; i < to; i++) {
    row = table[row | table[text.charCodeAt(i)]!]!;
    if (row >= emitFrom) {
      out[n] = i + 1;
      out[n + 1] = row;
      n += 2;
    }
  }
  regs[A_ROW] = row;
  regs[AT] = n;
}

function walkOneWithRuns(text: string, from: number, to: number, table: Int32Array, emitFrom: number, runClassFrom: number, runLength: number, out: Int32Array, regs: Int32Array): void {
  let row = regs[A_ROW]!;
  let run = regs[A_RUN]!;
  let n = regs[AT]!;
  const lastOther = runClassFrom - 1;
  for (let i = from; i < to; i++) {
    const c = table[text.charCodeAt(i)]!;
    row = table[row | c]!;
    // +1 in the run set, else back to 0: (lastOther - c) >> 31 is all ones exactly when c is a run char.
    run = (run + 1) & ((lastOther - c) >> 31);
    if (row >= emitFrom || run === runLength) {
      if (row >= emitFrom) {
        out[n] = i + 1;
        out[n + 1] = row;
        n += 2;
      }
      if (run === runLength) {
        out[n] = i + 1;
        out[n + 1] = RUN_EVENT;
        n += 2;
      }
    }
  }
  regs[A_ROW] = row;
  regs[A_RUN] = run;
  regs[AT] = n;
}

/** text[from, to) and text[half + from, half + to) in lockstep, from and into regs and `out`. */
function walkTwoKeywords(text: string, from: number, to: number, half: number, table: Int32Array, emitFrom: number, _runClassFrom: number, _runLength: number, out: Int32Array, regs: Int32Array): void {
  let a = regs[A_ROW]!;
  let b = regs[B_ROW]!;
  let n = regs[AT]!;
  for (let i = from; i < to; i++) {
    a = table[a | table[text.charCodeAt(i)]!]!;
    b = table[b | table[text.charCodeAt(i + half)]!]!;
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

function walkTwoWithRuns(text: string, from: number, to: number, half: number, table: Int32Array, emitFrom: number, runClassFrom: number, runLength: number, out: Int32Array, regs: Int32Array): void {
  let a = regs[A_ROW]!;
  let b = regs[B_ROW]!;
  let aRun = regs[A_RUN]!;
  let bRun = regs[B_RUN]!;
  let n = regs[AT]!;
  const lastOther = runClassFrom - 1;
  for (let i = from; i < to; i++) {
    const ca = table[text.charCodeAt(i)]!;
    const cb = table[text.charCodeAt(i + half)]!;
    a = table[a | ca]!;
    b = table[b | cb]!;
    aRun = (aRun + 1) & ((lastOther - ca) >> 31);
    bRun = (bRun + 1) & ((lastOther - cb) >> 31);
    // One rarely taken branch for all four events.
    if ((a | b) >= emitFrom || aRun === runLength || bRun === runLength) {
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
      if (aRun === runLength) {
        out[n] = i + 1;
        out[n + 1] = RUN_EVENT;
        n += 2;
      }
      if (bRun === runLength) {
        out[n] = i + half + 1;
        out[n + 1] = RUN_EVENT;
        n += 2;
      }
    }
  }
  regs[A_ROW] = a;
  regs[B_ROW] = b;
  regs[A_RUN] = aRun;
  regs[B_RUN] = bRun;
  regs[AT] = n;
}

/** Each emit's keyword ids, first stream then second (text order); runs likewise. */
function expand(automaton: KeywordAutomaton, ...streams: Emits[]): KeywordHits {
  const { outputs, shift } = automaton;
  let count = 0;
  let runCount = 0;
  for (const s of streams) {
    for (let h = 1; h < s.pairCount; h += 2) count += outputs[(s.pairs[h]! - ROOT) >> shift]!.length;
    runCount += s.runCount;
  }
  const keyword = new Int32Array(Math.max(1, count));
  const end = new Int32Array(Math.max(1, count));
  const runEnds = new Int32Array(Math.max(1, runCount));
  let k = 0;
  let r = 0;
  for (const s of streams) {
    for (let h = 0; h < s.pairCount; h += 2) {
      for (const id of outputs[(s.pairs[h + 1]! - ROOT) >> shift]!) {
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
