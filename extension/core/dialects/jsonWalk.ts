// One pass over a JSON body that yields every string in it (object keys included) with the
// offsets of its literal in the body text, and refuses what a strict reader must: duplicate
// object keys at any depth and nesting beyond a sane bound. The body has already passed
// JSON.parse (which validated the grammar and built the value tree), so this pass only tracks
// structure; string values are taken from the tree instead of being decoded a second time.
// Iterative (an explicit stack), so depth costs no recursion, and linear in the body size.
import { MalformedBodyError } from './types';

/** Deeper bodies are refused: no real request nests this far, and every layer is walked. */
export const MAX_JSON_DEPTH = 1000;

export interface JsonStringToken {
  /** Offsets of the string literal in the body text, quotes included. */
  start: number;
  end: number;
  /** The decoded string. */
  value: string;
  /** Segment id: the formatted JSON path of the value, or of the member plus `#key` for a key. */
  id: string;
  isKey: boolean;
  /** Id of the containing object or array ('' for the root). */
  containerId: string;
  /** The containing object or array, from the parsed tree (for context such as a sibling `type`). */
  container: unknown;
  /** For a value: its key in the containing object (undefined inside arrays). */
  key?: string;
}

export interface WalkVisitor {
  /** Called when an object or array opens (after its id is known). */
  open?(id: string, value: unknown): void;
  close?(id: string): void;
  string(token: JsonStringToken): void;
}

interface Frame {
  array: boolean;
  id: string;
  value: unknown;
  /** Next array index, or the ordinal of the current object member. */
  index: number;
  keys: Set<string> | undefined;
  /** Object: true while the next string is a key. */
  expectKey: boolean;
  key: string;
  keyId: string;
}

const SIMPLE_KEY = /^[A-Za-z_$][\w$-]{0,63}$/;

/**
 * One path component. Simple keys are written as they are (`messages[0].content`); any other
 * key by its ordinal in the object (`metadata{3}`), which keeps ids unambiguous and keeps key
 * text (which may be the very thing being guarded) out of ids.
 */
export function memberId(prefix: string, key: string, ordinal: number): string {
  const part = SIMPLE_KEY.test(key) ? key : `{${ordinal}}`;
  return prefix === '' || part.startsWith('{') ? `${prefix}${part}` : `${prefix}.${part}`;
}

/** Offset just past the closing quote of the string literal opening at `start`. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) throw new MalformedBodyError('unterminated string');
    let backslashes = 0;
    for (let k = q - 1; k > start && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** Walks `text` (valid JSON whose parsed value is `root`), calling the visitor for every string. */
export function walkJson(text: string, root: unknown, visitor: WalkVisitor): void {
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  // Id and value of the slot the next value fills.
  const slot = (): { id: string; value: unknown; key?: string } => {
    const top = stack[stack.length - 1];
    if (!top) return { id: '', value: root };
    if (top.array) return { id: `${top.id}[${top.index}]`, value: (top.value as unknown[])[top.index] };
    return { id: top.keyId, value: (top.value as Record<string, unknown>)[top.key], key: top.key };
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x20:
      case 0x0a:
      case 0x0d:
      case 0x09:
      case 0x3a: // ':'
        i++;
        break;
      case 0x7b: // '{'
      case 0x5b: {
        // '['
        if (stack.length >= MAX_JSON_DEPTH) throw new MalformedBodyError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
        const s = slot();
        const array = c === 0x5b;
        stack.push({ array, id: s.id, value: s.value, index: 0, keys: array ? undefined : new Set(), expectKey: !array, key: '', keyId: '' });
        visitor.open?.(s.id, s.value);
        i++;
        break;
      }
      case 0x7d: // '}'
      case 0x5d: {
        // ']'
        const done = stack.pop();
        if (done) visitor.close?.(done.id);
        i++;
        break;
      }
      case 0x2c: {
        // ','
        const top = stack[stack.length - 1];
        if (top) {
          top.index++;
          if (!top.array) top.expectKey = true;
        }
        i++;
        break;
      }
      case 0x22: {
        // '"'
        const end = stringEnd(text, i);
        const top = stack[stack.length - 1];
        if (top && !top.array && top.expectKey) {
          const key = decodeKey(text, i, end);
          if (top.keys!.has(key)) throw new MalformedBodyError('duplicate key in a JSON object');
          top.keys!.add(key);
          top.key = key;
          top.keyId = memberId(top.id, key, top.index);
          top.expectKey = false;
          visitor.string({ start: i, end, value: key, id: `${top.keyId}#key`, isKey: true, containerId: top.id, container: top.value });
        } else {
          const s = slot();
          const token: JsonStringToken = { start: i, end, value: s.value as string, id: s.id, isKey: false, containerId: top?.id ?? '', container: top?.value };
          if (s.key !== undefined) token.key = s.key;
          visitor.string(token);
        }
        i = end;
        break;
      }
      default:
        // A number, true, false or null: skip to the next delimiter.
        i++;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
          i++;
        }
    }
  }
}
