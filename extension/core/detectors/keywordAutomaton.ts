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
  const goto: Map<number, number>[] = [new Map()];
  const own: number[][] = [[]];
  keywords.forEach((raw, id) => {
    const keyword = raw.toLowerCase();
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      if (c >= ALPHABET) throw new Error(`keyword #${id} is not ASCII`);
      let next = goto[state]!.get(c);
      if (next === undefined) {
        next = goto.length;
        goto.push(new Map());
        own.push([]);
        goto[state]!.set(c, next);
      }
      state = next;
    }
    own[state]!.push(id);
  });

  const states = goto.length;
  const transitions = new Int32Array(states * ALPHABET);
  const fail = new Int32Array(states);
  const outputs: (number[] | undefined)[] = new Array(states).fill(undefined);
  // Breadth-first: a state's failure target is always finished before the state itself.
  const queue: number[] = [];
  for (let c = 0; c < ALPHABET; c++) {
    const next = goto[0]!.get(c);
    transitions[c] = next ?? 0;
    if (next !== undefined) queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const merged = [...own[state]!, ...(outputs[fail[state]!] ?? [])];
    outputs[state] = merged.length > 0 ? merged : undefined;
    for (let c = 0; c < ALPHABET; c++) {
      const next = goto[state]!.get(c);
      if (next === undefined) {
        transitions[state * ALPHABET + c] = transitions[fail[state]! * ALPHABET + c]!;
      } else {
        fail[next] = transitions[fail[state]! * ALPHABET + c]!;
        transitions[state * ALPHABET + c] = next;
        queue.push(next);
      }
    }
  }
  return compress(keywords, transitions, outputs, queue);
}

/** Re-encodes the automaton: character classes, breadth-first state numbers, narrow cells. */
function compress(keywords: readonly string[], wide: Int32Array, outputs: (number[] | undefined)[], bfsOrder: readonly number[]): KeywordAutomaton {
  const classOf = new Uint8Array(ALPHABET);
  const representative: number[] = [0]; // class 0: a char in no keyword (NUL never is one)
  for (const keyword of keywords) {
    const lower = keyword.toLowerCase();
    for (let i = 0; i < lower.length; i++) {
      const c = lower.charCodeAt(i);
      if (classOf[c] === 0) {
        classOf[c] = representative.length;
        representative.push(c);
      }
    }
  }
  for (let c = 65; c <= 90; c++) if (classOf[c + 32] !== 0) classOf[c] = classOf[c + 32]!;
  let shift = 0;
  while (1 << shift < representative.length) shift++;
  const order = [0, ...bfsOrder];
  const renumber = new Int32Array(order.length);
  order.forEach((old, fresh) => (renumber[old] = fresh));
  const transitions = order.length <= 0xffff ? new Uint16Array(order.length << shift) : new Uint32Array(order.length << shift);
  const newOutputs: (number[] | undefined)[] = new Array(order.length).fill(undefined);
  order.forEach((old, fresh) => {
    newOutputs[fresh] = outputs[old];
    for (let k = 0; k < representative.length; k++) transitions[(fresh << shift) | k] = renumber[wide[old * ALPHABET + representative[k]!]!]!;
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
