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
  /** Uint16Array while the states fit in 16 bits (the normal case), else Uint32Array. */
  readonly transitions: Uint16Array | Uint32Array;
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
  const transitions = order.length <= 0xffff ? new Uint16Array(order.length << shift) : new Uint32Array(order.length << shift);
  const newOutputs: (number[] | undefined)[] = new Array(order.length).fill(undefined);
  order.forEach((old, fresh) => {
    newOutputs[fresh] = outputs[old];
    for (let k = 0; k < width; k++) transitions[(fresh << shift) | k] = renumber[wide[old * width + k]!]!;
  });
  const emits = Uint8Array.from(newOutputs, (o) => (o ? 1 : 0));
  return { keywords: [...keywords], classOf, shift, transitions, outputs: newOutputs, emits };
}

export function findKeywords(text: string, automaton: KeywordAutomaton): KeywordHits {
  return automaton.transitions instanceof Uint16Array
    ? walk16(text, automaton, automaton.transitions)
    : walk32(text, automaton, automaton.transitions);
}

// Two copies of one loop so each sees a single typed-array kind (keeps the hot loop monomorphic).
function walk16(text: string, automaton: KeywordAutomaton, transitions: Uint16Array): KeywordHits {
  const { classOf, shift, outputs, emits } = automaton;
  let keyword: Int32Array = new Int32Array(64);
  let end: Int32Array = new Int32Array(64);
  let count = 0;
  let state = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    state = c < ALPHABET ? transitions[(state << shift) | classOf[c]!]! : 0;
    if (emits[state] === 0) continue;
    const ids = outputs[state]!;
    for (let k = 0; k < ids.length; k++) {
      if (count === keyword.length) {
        keyword = grow(keyword);
        end = grow(end);
      }
      keyword[count] = ids[k]!;
      end[count] = i + 1;
      count++;
    }
  }
  return { count, keyword, end };
}

function walk32(text: string, automaton: KeywordAutomaton, transitions: Uint32Array): KeywordHits {
  const { classOf, shift, outputs, emits } = automaton;
  let keyword: Int32Array = new Int32Array(64);
  let end: Int32Array = new Int32Array(64);
  let count = 0;
  let state = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    state = c < ALPHABET ? transitions[(state << shift) | classOf[c]!]! : 0;
    if (emits[state] === 0) continue;
    const ids = outputs[state]!;
    for (let k = 0; k < ids.length; k++) {
      if (count === keyword.length) {
        keyword = grow(keyword);
        end = grow(end);
      }
      keyword[count] = ids[k]!;
      end[count] = i + 1;
      count++;
    }
  }
  return { count, keyword, end };
}

function grow(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}
