// One pass over the text finds every occurrence of every detector keyword: an Aho–Corasick
// automaton compiled to a dense transition table. Case is folded in the table itself, so no
// lower-cased copy of the text is made. Non-ASCII characters reset to the root (no keyword
// contains them), which keeps offsets exact UTF-16 offsets.
//
// The walk is a chain of dependent table loads, so its speed is the latency of one load: the
// table is kept small enough for the hot (shallow) states to stay in L1 — characters folded into
// the few dozen classes that occur in keywords (padded to a power of two, so a shift indexes
// it), 16-bit state numbers, and states numbered breadth-first so shallow ones are adjacent.

const ALPHABET = 128;

export interface KeywordAutomaton {
  readonly keywords: readonly string[];
  /** Character class of each ASCII char (0: in no keyword); upper case folded onto lower. */
  readonly classOf: Uint8Array;
  /** log2 of the row width: transitions[(state << shift) | class] → next state. */
  readonly shift: number;
  /**
   * Uint16Array while the states fit in 15 bits (the normal case), else Uint32Array. Each cell is
   * the next state, with `flag` set when that state emits keywords: one load per char, not two.
   */
  readonly transitions: Uint16Array | Uint32Array;
  readonly flag: number;
  /** For each state, the keyword ids that end there (including via failure links), or undefined. */
  readonly outputs: readonly (readonly number[] | undefined)[];
  /** 1 where `outputs` has entries: a typed array keeps the hot loop monomorphic. */
  readonly emits: Uint8Array;
}

/** Keyword ids and end offsets (exclusive) of every occurrence, in text order. */
export interface KeywordHits {
  count: number;
  keyword: Int32Array;
  end: Int32Array;
}

export function buildKeywordAutomaton(keywords: readonly string[]): KeywordAutomaton {
  // Character classes first (built on classes, the automaton is a few times smaller to make).
  const classOf = new Uint8Array(ALPHABET);
  let width = 1; // class 0: a char in no keyword
  const lowered = keywords.map((raw, id) => {
    const keyword = raw.toLowerCase();
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      if (c >= ALPHABET) throw new Error(`keyword #${id} is not ASCII`);
      if (classOf[c] === 0) classOf[c] = width++;
    }
    return keyword;
  });
  for (let c = 65; c <= 90; c++) if (classOf[c + 32] !== 0) classOf[c] = classOf[c + 32]!;

  const goto: Map<number, number>[] = [new Map()];
  const own: number[][] = [[]];
  lowered.forEach((keyword, id) => {
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const k = classOf[keyword.charCodeAt(i)]!;
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

  // Breadth-first state numbers, rows padded to a power of two, 16-bit cells when they fit.
  let shift = 0;
  while (1 << shift < width) shift++;
  const order = [0, ...queue];
  const renumber = new Int32Array(order.length);
  order.forEach((old, fresh) => (renumber[old] = fresh));
  const narrow = order.length < 0x8000;
  const flag = narrow ? 0x8000 : 0x40000000;
  const transitions = narrow ? new Uint16Array(order.length << shift) : new Uint32Array(order.length << shift);
  const newOutputs: (number[] | undefined)[] = new Array(order.length).fill(undefined);
  order.forEach((old, fresh) => (newOutputs[fresh] = outputs[old]));
  order.forEach((old, fresh) => {
    for (let k = 0; k < width; k++) {
      const target = renumber[wide[old * width + k]!]!;
      transitions[(fresh << shift) | k] = newOutputs[target] ? target | flag : target;
    }
  });
  const emits = Uint8Array.from(newOutputs, (o) => (o ? 1 : 0));
  return { keywords: [...keywords], classOf, shift, transitions, flag, outputs: newOutputs, emits };
}

export function findKeywords(text: string, automaton: KeywordAutomaton): KeywordHits {
  // Pass 1: where an emitting state is reached (end offset and state), in chunks so the hot
  // loop has no calls in it. Pass 2: each such state's keyword ids.
  let ends: Int32Array = new Int32Array(256);
  let states: Int32Array = new Int32Array(256);
  let found = 0;
  let state = 0;
  for (let from = 0; from < text.length; ) {
    const stopped =
      automaton.transitions instanceof Uint16Array
        ? walk16(text, from, automaton, automaton.transitions, state, ends, states, found)
        : walk32(text, from, automaton, automaton.transitions, state, ends, states, found);
    found = stopped.found;
    state = stopped.state;
    from = stopped.next;
    if (found === ends.length) {
      ends = grow(ends);
      states = grow(states);
    }
  }
  let count = 0;
  for (let h = 0; h < found; h++) count += automaton.outputs[states[h]!]!.length;
  const keyword = new Int32Array(Math.max(1, count));
  const end = new Int32Array(Math.max(1, count));
  let k = 0;
  for (let h = 0; h < found; h++) {
    for (const id of automaton.outputs[states[h]!]!) {
      keyword[k] = id;
      end[k] = ends[h]!;
      k++;
    }
  }
  return { count, keyword, end };
}

interface Stopped {
  /** Where to resume, the state there, and how many hits are recorded. */
  next: number;
  state: number;
  found: number;
}

// Two copies of one loop so each sees a single typed-array kind (keeps the hot loop monomorphic).
// They stop when the hit buffers are full; findKeywords grows them and resumes.
function walk16(text: string, from: number, automaton: KeywordAutomaton, transitions: Uint16Array, start: number, ends: Int32Array, states: Int32Array, found: number): Stopped {
  const { classOf, shift, flag } = automaton;
  const mask = flag - 1;
  const capacity = ends.length;
  const length = text.length;
  let state = start;
  let n = found;
  for (let i = from; i < length; i++) {
    const c = text.charCodeAt(i);
    const cell = c < ALPHABET ? transitions[(state << shift) | classOf[c]!]! : 0;
    state = cell & mask;
    if ((cell & flag) === 0) continue;
    ends[n] = i + 1;
    states[n] = state;
    if (++n === capacity) return { next: i + 1, state, found: n };
  }
  return { next: length, state, found: n };
}

function walk32(text: string, from: number, automaton: KeywordAutomaton, transitions: Uint32Array, start: number, ends: Int32Array, states: Int32Array, found: number): Stopped {
  const { classOf, shift, flag } = automaton;
  const mask = flag - 1;
  const capacity = ends.length;
  const length = text.length;
  let state = start;
  let n = found;
  for (let i = from; i < length; i++) {
    const c = text.charCodeAt(i);
    const cell = c < ALPHABET ? transitions[(state << shift) | classOf[c]!]! : 0;
    state = cell & mask;
    if ((cell & flag) === 0) continue;
    ends[n] = i + 1;
    states[n] = state;
    if (++n === capacity) return { next: i + 1, state, found: n };
  }
  return { next: length, state, found: n };
}

function grow(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}
