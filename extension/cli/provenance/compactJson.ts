// A compact binary form of JSON values, for the fold cache: every distinct string is stored once
// (ids, paths, line hashes repeat across contributions, updates and approvals), every distinct
// set of object keys once (a million `{a, s, n}` lines cost one key list), and every array or
// object equal to one written before as a reference to it (an editor update re-records the same
// line hashes as the contribution it moves). Decoding hands out one object for all the equal
// ones, so the decoded state is smaller than JSON.parse's too — which is why it is only for data
// nobody mutates. Round trip: decode(encode(v)) deep-equals JSON.parse(JSON.stringify(v)).
//
// Layout: varint string count, varint UTF-16 length per string, varint UTF-8 byte length, the
// strings' UTF-8 bytes back to back; varint shape count, per shape a varint key count and the
// keys' string indexes; then one value. A value is a tag byte and its payload (below).

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const UINT = 3; // varint
const NEG = 4; // varint of -n
const FLOAT = 5; // float64, little-endian
const STRING = 6; // varint string index
const ARRAY = 7; // varint length, values
const OBJECT = 8; // varint shape index, one value per key of the shape
const REF = 9; // varint: the n-th CONSED_ARRAY or CONSED_OBJECT decoded so far (counted as each one ends)
const CONSED_ARRAY = 10; // an ARRAY that later REFs may point to
const CONSED_OBJECT = 11; // an OBJECT that later REFs may point to

/** Thrown for bytes that are not a value this module wrote (the caller treats the data as absent). */
export class CompactJsonError extends Error {}

class Writer {
  buffer = Buffer.allocUnsafe(1 << 16);
  at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(next, 0, 0, this.at);
    this.buffer = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buffer[this.at++] = b;
  }

  varint(n: number): void {
    this.room(8);
    while (n >= 0x80) {
      this.buffer[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buffer[this.at++] = n;
  }

  float(n: number): void {
    this.room(8);
    this.buffer.writeDoubleLE(n, this.at);
    this.at += 8;
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buffer, this.at);
    this.at += b.length;
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.at);
  }
}

export function encodeCompactJson(value: unknown): Buffer {
  const strings = new Map<string, number>();
  const shapes = new Map<string, number>();
  const shapeKeys: number[][] = [];
  const body = new Writer();
  const intern = (s: string): number => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const keep = (t: string) => t !== 'undefined' && t !== 'function' && t !== 'symbol'; // what JSON keeps
  const keysOf = (v: object): string[] => {
    const all = Object.keys(v);
    for (const k of all) if (!keep(typeof (v as Record<string, unknown>)[k])) return all.filter((k) => keep(typeof (v as Record<string, unknown>)[k]));
    return all;
  };
  const shapeOf = (keys: string[]): number => {
    const signature = keys.join('\0');
    let shape = shapes.get(signature);
    if (shape === undefined) {
      shapes.set(signature, (shape = shapeKeys.length));
      shapeKeys.push(keys.map(intern));
    }
    return shape;
  };
  // Equal small composites are written once (hash-consing): a line's hashes, a list of lines, a
  // person — anything of at most MAX_CONSED items and two levels. The records holding them carry
  // unique ids and are never equal, so they are not compared. A consable composite is written
  // with a CONSED_* tag (the decoder remembers it); a later equal one as a REF to it.
  const MAX_CONSED = 16;
  const consed = new Map<string, number>();
  /** A primitive's part of a key. */
  const tokenOf = (v: unknown): string => {
    switch (typeof v) {
      case 'string':
        return `s${intern(v)}`;
      case 'number':
        return Number.isFinite(v) ? `n${v}` : 'z'; // `${-0}` is '0', as in JSON
      case 'boolean':
        return v ? 't' : 'f';
      default:
        return 'z'; // null; undefined, functions and symbols in arrays are null, as in JSON
    }
  };
  type Known = { key: string; keys: string[] | undefined };
  /**
   * The key of a composite of at most `levels` levels of small composites, else undefined. With
   * `children`, the keys (and key lists) of its composite items are left there by item index, so
   * writing them does not compute them again.
   */
  const keyOf = (v: object, levels: number, keys: string[] | undefined, children?: Known[]): string | undefined => {
    const values: readonly unknown[] = keys ? keys.map((k) => (v as Record<string, unknown>)[k]) : (v as unknown[]);
    if (values.length > MAX_CONSED) return undefined;
    let key = keys ? `{${shapeOf(keys)}:` : '[';
    for (let i = 0; i < values.length; i++) {
      const item = values[i];
      if (typeof item !== 'object' || item === null) key += `${tokenOf(item)},`;
      else {
        if (levels <= 1) return undefined;
        const itemKeys = Array.isArray(item) ? undefined : keysOf(item);
        const inner = keyOf(item, levels - 1, itemKeys);
        if (inner === undefined) return undefined;
        if (children) children[i] = { key: inner, keys: itemKeys };
        key += `(${inner}),`;
      }
    }
    return key;
  };
  const write = (v: unknown, known?: Known): void => {
    switch (typeof v) {
      case 'string':
        body.byte(STRING);
        body.varint(intern(v));
        return;
      case 'number':
        if (Number.isSafeInteger(v)) {
          // -0 too: JSON has no negative zero.
          body.byte(v >= 0 ? UINT : NEG);
          body.varint(Math.abs(v));
        } else if (Number.isFinite(v)) {
          body.byte(FLOAT);
          body.float(v);
        } else body.byte(NULL); // as JSON.stringify
        return;
      case 'boolean':
        body.byte(v ? TRUE : FALSE);
        return;
      case 'object': {
        if (v === null) return body.byte(NULL);
        const keys = known ? known.keys : Array.isArray(v) ? undefined : keysOf(v);
        const children: Known[] = [];
        const key = known ? known.key : keyOf(v, 2, keys, children);
        if (key !== undefined) {
          const earlier = consed.get(key);
          if (earlier !== undefined) {
            body.byte(REF);
            body.varint(earlier);
            return;
          }
        }
        if (keys === undefined) {
          const list = v as unknown[];
          body.byte(key !== undefined ? CONSED_ARRAY : ARRAY);
          body.varint(list.length);
          for (let i = 0; i < list.length; i++) {
            const item = list[i];
            write(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item, children[i]);
          }
        } else {
          body.byte(key !== undefined ? CONSED_OBJECT : OBJECT);
          body.varint(shapeOf(keys));
          for (let i = 0; i < keys.length; i++) write((v as Record<string, unknown>)[keys[i]!], children[i]);
        }
        if (key !== undefined) consed.set(key, consed.size);
        return;
      }
      default:
        throw new TypeError(`compactJson: cannot encode a ${typeof v}`);
    }
  };
  write(value);
  const head = new Writer();
  const table = [...strings.keys()];
  head.varint(table.length);
  for (const s of table) head.varint(s.length);
  const text = Buffer.from(table.join(''), 'utf8');
  head.varint(text.length);
  head.bytes(text);
  head.varint(shapeKeys.length);
  for (const keys of shapeKeys) {
    head.varint(keys.length);
    for (const k of keys) head.varint(k);
  }
  return Buffer.concat([head.result(), body.result()]);
}

/** Decodes what encodeCompactJson wrote; throws CompactJsonError on anything else (never reads out of bounds). */
export function decodeCompactJson(bytes: Uint8Array): unknown {
  let at = 0;
  const end = bytes.length;
  const fail = (why: string): never => {
    throw new CompactJsonError(`compact JSON: ${why} at byte ${at}`);
  };
  const varint = (): number => {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (at >= end) fail('truncated');
      const b = bytes[at++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
    return fail('varint too long');
  };
  const count = (max: number): number => {
    const n = varint();
    if (n > max) fail('count out of range');
    return n;
  };
  const stringCount = count(end);
  const lengths = new Array<number>(stringCount);
  let total = 0;
  for (let i = 0; i < stringCount; i++) total += lengths[i] = count(end);
  const textBytes = count(end - at);
  const table = Buffer.from(bytes.buffer, bytes.byteOffset + at, textBytes);
  at += textBytes;
  const strings = new Array<string>(stringCount);
  if (textBytes === total) {
    // All ASCII (one byte per UTF-16 unit: line hashes, ids, paths): each string is copied out on
    // its own, so none keeps a slice of one big table string alive.
    for (let i = 0, from = 0; i < stringCount; i++) {
      strings[i] = table.toString('latin1', from, from + lengths[i]!);
      from += lengths[i]!;
    }
    for (let i = 0; i < textBytes; i++) if (table[i]! > 0x7f) fail('string table');
  } else {
    const text = table.toString('utf8');
    if (text.length !== total) fail('string table');
    for (let i = 0, from = 0; i < stringCount; i++) {
      strings[i] = text.slice(from, from + lengths[i]!);
      from += lengths[i]!;
    }
  }
  const shapes = new Array<string[]>(count(end));
  for (let i = 0; i < shapes.length; i++) {
    const keys = new Array<string>(count(end));
    for (let k = 0; k < keys.length; k++) keys[k] = strings[count(stringCount - 1)]!;
    shapes[i] = keys;
  }
  const composites: unknown[] = [];
  const read = (depth: number): unknown => {
    if (depth > 64) fail('nested too deep');
    if (at >= end) fail('truncated');
    const tag = bytes[at++];
    switch (tag) {
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case UINT:
        return varint();
      case NEG:
        return -varint();
      case FLOAT: {
        if (at + 8 > end) fail('truncated');
        const n = Buffer.from(bytes.buffer, bytes.byteOffset + at, 8).readDoubleLE(0);
        at += 8;
        return n;
      }
      case STRING:
        return strings[count(stringCount - 1)];
      case ARRAY:
      case CONSED_ARRAY: {
        const list = new Array<unknown>(count(end - at));
        for (let i = 0; i < list.length; i++) list[i] = read(depth + 1);
        if (tag === CONSED_ARRAY) composites.push(list);
        return list;
      }
      case OBJECT:
      case CONSED_OBJECT: {
        const keys = shapes[count(shapes.length - 1)]!;
        const object: Record<string, unknown> = {};
        for (const k of keys) {
          const value = read(depth + 1);
          // A key named __proto__ is data (as JSON.parse makes it), never the prototype.
          if (k === '__proto__') Object.defineProperty(object, k, { value, enumerable: true, writable: true, configurable: true });
          else object[k] = value;
        }
        if (tag === CONSED_OBJECT) composites.push(object);
        return object;
      }
      case REF:
        return composites[count(composites.length - 1)];
      default:
        return fail('unknown tag');
    }
  };
  const value = read(0);
  if (at !== end) fail('trailing bytes');
  return value;
}
