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
  /**
   * Segment id: the formatted JSON path of the value, or of the member plus `#key` for a key.
   * Computed on demand (most strings never need one), valid only during the visitor call.
   */
  id(): string;
  isKey: boolean;
  /** The containing object or array, from the parsed tree (for context such as a sibling `type`). */
  container: unknown;
  /** Id of the containing object or array ('' for the root), on demand like `id`. */
  containerId(): string;
  /** The key under which the containing object or array sits in its own parent, if any. */
  containerKey: string | undefined;
  /** For a value: its key in the containing object (undefined inside arrays and for keys). */
  key: string | undefined;
  /** For a value inside an array: its index (else -1). */
  index: number;
}

export interface WalkVisitor {
  /** Called when an object or array opens, with its value from the parsed tree. */
  open?(value: unknown): void;
  close?(): void;
  string(token: JsonStringToken): void;
}

interface Frame {
  array: boolean;
  parent: Frame | undefined;
  /** How this container sits in its parent: key and member ordinal, or array index. */
  inParentKey: string | undefined;
  inParentAt: number;
  /** Its id once computed. */
  id: string | undefined;
  value: unknown;
  /** Next array index, or the ordinal of the current object member. */
  index: number;
  /** Keys seen so far: a list while the object is small, a set beyond that. */
  keys: string[] | Set<string> | undefined;
  /** Object: true while the next string is a key. */
  expectKey: boolean;
  key: string;
}

function frameId(f: Frame | undefined): string {
  if (!f) return '';
  if (f.id !== undefined) return f.id;
  const parent = frameId(f.parent);
  f.id = f.parent === undefined ? '' : f.inParentKey === undefined ? `${parent}[${f.inParentAt}]` : memberId(parent, f.inParentKey, f.inParentAt);
  return f.id;
}

/**
 * Names as schemas write them: letters, `_`, `$`, `-`, at most a short number at the end
 * (`level3`, `v2`). A key with digits inside (`AKIA…`, a hash, a token) is not written into ids.
 */
const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z_$-]{0,47}[0-9]{0,4}$/;

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

/**
 * Walks `text` (valid JSON whose parsed value is `root`), calling the visitor for every string.
 * The token object is reused between calls: a visitor copies what it keeps.
 */
export function walkJson(text: string, root: unknown, visitor: WalkVisitor): void {
  const stack: Frame[] = [];
  let top: Frame | undefined;
  let i = 0;
  const n = text.length;
  const token: JsonStringToken = {
    start: 0,
    end: 0,
    value: '',
    isKey: false,
    container: undefined,
    key: undefined,
    index: -1,
    containerKey: undefined,
    containerId: () => frameId(top),
    id: () => {
      if (!top) return '';
      if (token.isKey) return `${memberId(frameId(top), top.key, top.index)}#key`;
      return top.array ? `${frameId(top)}[${top.index}]` : memberId(frameId(top), top.key, top.index);
    },
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
        const array = c === 0x5b;
        const value = !top ? root : top.array ? (top.value as unknown[])[top.index] : (top.value as Record<string, unknown>)[top.key];
        const frame: Frame = {
          array,
          parent: top,
          inParentKey: top && !top.array ? top.key : undefined,
          inParentAt: top ? top.index : 0,
          id: top ? undefined : '',
          value,
          index: 0,
          keys: array ? undefined : [],
          expectKey: !array,
          key: '',
        };
        stack.push(frame);
        top = frame;
        visitor.open?.(value);
        i++;
        break;
      }
      case 0x7d: // '}'
      case 0x5d: {
        // ']'
        if (stack.pop()) visitor.close?.();
        top = stack[stack.length - 1];
        i++;
        break;
      }
      case 0x2c: {
        // ','
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
        if (top && !top.array && top.expectKey) {
          const key = decodeKey(text, i, end);
          const keys = top.keys!;
          if (Array.isArray(keys)) {
            if (keys.includes(key)) throw new MalformedBodyError('duplicate key in a JSON object');
            if (keys.length < 16) keys.push(key);
            else top.keys = new Set([...keys, key]);
          } else {
            if (keys.has(key)) throw new MalformedBodyError('duplicate key in a JSON object');
            keys.add(key);
          }
          top.key = key;
          top.expectKey = false;
          token.value = key;
          token.isKey = true;
          token.key = undefined;
          token.index = -1;
        } else {
          token.value = (!top ? root : top.array ? (top.value as unknown[])[top.index] : (top.value as Record<string, unknown>)[top.key]) as string;
          token.isKey = false;
          token.key = top && !top.array ? top.key : undefined;
          token.index = top && top.array ? top.index : -1;
        }
        token.start = i;
        token.end = end;
        token.container = top?.value;
        token.containerKey = top?.inParentKey;
        visitor.string(token);
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
