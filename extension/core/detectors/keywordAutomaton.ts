// One pass over the text finds every occurrence of every detector keyword: an Aho–Corasick
// automaton compiled to a dense ASCII transition table. Case is folded in the table itself,
// so no lower-cased copy of the text is made. Non-ASCII characters reset to the root (no
// keyword contains them), which keeps offsets exact UTF-16 offsets.

const ALPHABET = 128;

export interface KeywordAutomaton {
  readonly keywords: readonly string[];
  /** transitions[state * 128 + char] → next state. */
  readonly transitions: Int32Array;
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
  // Fold upper case onto lower case so matching is case-insensitive.
  for (let s = 0; s < states; s++) {
    for (let c = 65; c <= 90; c++) transitions[s * ALPHABET + c] = transitions[s * ALPHABET + c + 32]!;
  }
  const emits = Uint8Array.from(outputs, (o) => (o ? 1 : 0));
  return { keywords: [...keywords], transitions, outputs, emits };
}

export function findKeywords(text: string, automaton: KeywordAutomaton): KeywordHits {
  const { transitions, outputs, emits } = automaton;
  let keyword: Int32Array = new Int32Array(64);
  let end: Int32Array = new Int32Array(64);
  let count = 0;
  let state = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    state = c < ALPHABET ? transitions[(state << 7) | c]! : 0;
    if (emits[state] === 0) continue;
    for (const id of outputs[state]!) {
      if (count === keyword.length) {
        keyword = grow(keyword);
        end = grow(end);
      }
      keyword[count] = id;
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
