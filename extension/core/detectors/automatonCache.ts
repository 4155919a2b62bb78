// The compiled keyword automaton as bytes and back, so a command that starts many times (the
// CLI's `airlock scan`, a git hook) need not rebuild it each time: building it is a third of
// compiling the pack (thousands of small Maps, a 1.4 MB table), loading it a copy.
//
// Pure: the caller keeps the bytes (the CLI beside its code cache). Nothing read is trusted:
// `loadKeywordAutomaton` returns undefined, and the caller builds the automaton as before, unless
// the bytes carry the format mark, the same key (the keywords, the run spec, and the caller's
// build id: the engine's own code, so a changed builder never meets another's table), an intact
// digest (the store's own: the CLI's is SHA-256, native, where a hash loop here would run cold),
// the exact keywords and run spec, and the loaded automaton then finds every keyword where it
// is, through findKeywords itself. A cache can only make a scan start sooner, never find less.
//
// The automaton's fields are stored as they are (typed arrays as bytes, plain objects field by
// field, the rest as JSON; the run spec is the caller's), so this file does not depend on the
// table's layout; a field it cannot store (a function, a class instance) means no cache, never
// a partial one.
import { buildKeywordAutomaton, findKeywords, keywordOccurrences, type KeywordAutomaton, type RunSpec } from './keywordAutomaton';

/** Where the CLI keeps cached automata; all I/O is the caller's. */
export interface AutomatonStore {
  /** Identifies the code that builds and walks automata (the CLI: its bundle's hash). */
  readonly buildId: string;
  /** A collision-resistant digest of the bytes (the CLI: SHA-256); it keys files and checks them. */
  digest(bytes: Uint8Array): Uint8Array;
  load(key: string): Uint8Array | undefined;
  save(key: string, bytes: Uint8Array): void;
}

const MAGIC = 0x414b4c41; // "ALKA"
const FORMAT = 3;
/** magic, format, header length, digest length (u32 each). */
const FIXED = 16;
const TYPED: Record<string, { new (buffer: ArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Float64Array,
};

/**
 * The automata this process built or loaded last, by run spec (the very object) and keywords:
 * a process that lives long (the scan server, the gateway, the hook server) compiles policies
 * again and again whose keywords rarely change. Automata are never changed once built.
 */
let recent = new WeakMap<object, Map<string, KeywordAutomaton>>();
const NO_RUN = {};
const RECENT_KEEP = 4;

let store: AutomatonStore | undefined;

/** Sets (or, undefined, clears) the store compileDetectors uses for its keyword automaton; forgets the recent ones. */
export function useAutomatonStore(next: AutomatonStore | undefined): void {
  store = next;
  recent = new WeakMap();
}

/** buildKeywordAutomaton, through the store when one is set (a load that fails any check builds). */
export function keywordAutomatonFor(keywords: readonly string[], run: RunSpec | undefined): KeywordAutomaton {
  let byKeywords = recent.get(run ?? NO_RUN);
  if (!byKeywords) recent.set(run ?? NO_RUN, (byKeywords = new Map()));
  const text = JSON.stringify(keywords);
  const known = byKeywords.get(text);
  if (known) {
    // Most recent last: the oldest goes first.
    byKeywords.delete(text);
    byKeywords.set(text, known);
    return known;
  }
  const automaton = storedOrBuilt(keywords, run);
  byKeywords.set(text, automaton);
  if (byKeywords.size > RECENT_KEEP) byKeywords.delete(byKeywords.keys().next().value!);
  return automaton;
}

function storedOrBuilt(keywords: readonly string[], run: RunSpec | undefined): KeywordAutomaton {
  const current = store;
  if (!current) return buildKeywordAutomaton(keywords, run);
  let key: string | undefined;
  try {
    key = automatonKey(current, keywords, run);
    const loaded = loadKeywordAutomaton(current.load(key), keywords, run, current.digest);
    if (loaded) return loaded;
  } catch {
    // An unreadable store is no store.
  }
  const built = buildKeywordAutomaton(keywords, run);
  if (key !== undefined) {
    try {
      const bytes = serializeKeywordAutomaton(built, run, current.digest);
      if (bytes) current.save(key, bytes);
    } catch {
      // Not saved: the next start builds again.
    }
  }
  return built;
}

/** The cache key: the digest of everything the automaton is built from, and of the code building it. */
export function automatonKey(store: Pick<AutomatonStore, 'buildId' | 'digest'>, keywords: readonly string[], run: RunSpec | undefined): string {
  const text = JSON.stringify([FORMAT, store.buildId, keywords, runSignature(run)]);
  return [...store.digest(new TextEncoder().encode(text)).subarray(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The automaton as bytes: [magic, format, header length, digest length] (u32 each), the digest
 * of all that follows it, the JSON header (fields in order; typed arrays by type and byte range),
 * then the arrays' bytes. Undefined when a field cannot be stored faithfully.
 */
export function serializeKeywordAutomaton(automaton: KeywordAutomaton, run: RunSpec | undefined, digest: AutomatonStore['digest']): Uint8Array | undefined {
  const fields: [string, Field][] = [];
  const blobs: Blobs = { list: [], bytes: 0 };
  for (const [name, value] of Object.entries(automaton)) {
    if (name === 'run') {
      // The caller's own run spec, re-attached on load (compared by its signature).
      if (value !== run) return undefined;
      fields.push([name, { run: runSignature(run) }]);
      continue;
    }
    const field = encode(value, blobs);
    if (!field) return undefined;
    fields.push([name, field]);
  }
  const header = new TextEncoder().encode(JSON.stringify(fields));
  const headerPadded = header.length + ((8 - (header.length % 8)) % 8);
  const body = new Uint8Array(headerPadded + blobs.bytes);
  body.set(header, 0);
  let at = headerPadded;
  for (const blob of blobs.list) {
    body.set(blob, at);
    at += blob.length + ((8 - (blob.length % 8)) % 8);
  }
  const sum = digest(body);
  const out = new Uint8Array(FIXED + sum.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT, true);
  view.setUint32(8, header.length, true);
  view.setUint32(12, sum.length, true);
  out.set(sum, FIXED);
  out.set(body, FIXED + sum.length);
  return out;
}

/**
 * The automaton stored in `bytes` when every check passes (see the file comment), else
 * undefined. `keywords` and `run` are what the caller would build it from.
 */
export function loadKeywordAutomaton(
  bytes: Uint8Array | undefined,
  keywords: readonly string[],
  run: RunSpec | undefined,
  digest: AutomatonStore['digest'],
): KeywordAutomaton | undefined {
  if (!bytes || bytes.length < FIXED) return undefined;
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== FORMAT) return undefined;
    const headerLength = view.getUint32(8, true);
    const sumLength = view.getUint32(12, true);
    if (sumLength < 16 || FIXED + sumLength + headerLength > bytes.length) return undefined;
    const stored = bytes.subarray(FIXED, FIXED + sumLength);
    const body = bytes.subarray(FIXED + sumLength);
    const sum = digest(body);
    if (sum.length !== sumLength || sum.some((b, i) => b !== stored[i])) return undefined;
    const fields = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, headerLength))) as [string, Field][];
    const blobsAt = headerLength + ((8 - (headerLength % 8)) % 8);
    const automaton: Record<string, unknown> = {};
    for (const [name, field] of fields) {
      if (name === 'run' && 'run' in field) {
        if (JSON.stringify(field.run) !== JSON.stringify(runSignature(run))) return undefined;
        automaton[name] = run;
        continue;
      }
      const decoded = decode(field, body, blobsAt);
      if (!decoded) return undefined;
      automaton[name] = decoded.value;
    }
    const loaded = automaton as unknown as KeywordAutomaton;
    if (!sameStrings(loaded.keywords, keywords) || loaded.run !== run) return undefined;
    return findsEveryKeyword(loaded) ? loaded : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The loaded automaton, asked through findKeywords itself: each keyword, alone on its line, is
 * reported ending where it ends (the bytes are intact by their digest: this asks whether they
 * are an automaton for these keywords).
 */
function findsEveryKeyword(automaton: KeywordAutomaton): boolean {
  const keywords = automaton.keywords;
  const ends = new Int32Array(keywords.length);
  let text = '';
  keywords.forEach((keyword, id) => {
    text += `${keyword}\n`;
    ends[id] = text.length - 1;
  });
  const found = new Uint8Array(keywords.length);
  for (const { keyword, end } of keywordOccurrences(findKeywords(text, automaton), automaton)) {
    if (keyword < 0 || keyword >= keywords.length) return false;
    if (end === ends[keyword]) found[keyword] = 1;
  }
  return !found.includes(0);
}

/** How a field is stored: typed arrays as bytes, plain objects field by field, the rest as JSON. */
type Field = { run: unknown } | { typed: string; offset: number; bytes: number } | { object: [string, Field][] } | { json: unknown };

interface Blobs {
  list: Uint8Array[];
  bytes: number;
}

/** What identifies a run spec (its startsWell test is code: the build id covers it). */
function runSignature(run: RunSpec | undefined): unknown {
  return run ? [run.chars, run.length, run.startsWell !== undefined] : null;
}

function encode(value: unknown, blobs: Blobs): Field | undefined {
  if (ArrayBuffer.isView(value)) {
    const type = value.constructor.name;
    if (!(type in TYPED) || (value.constructor as unknown) !== TYPED[type]) return undefined;
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const field = { typed: type, offset: blobs.bytes, bytes: bytes.length };
    blobs.list.push(bytes);
    // Each array starts 8-aligned within the blob area.
    blobs.bytes += bytes.length + ((8 - (bytes.length % 8)) % 8);
    return field;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const entries: [string, Field][] = [];
    for (const [name, inner] of Object.entries(value)) {
      const field = encode(inner, blobs);
      if (!field) return undefined;
      entries.push([name, field]);
    }
    return { object: entries };
  }
  if (!isPlainData(value)) return undefined;
  return { json: value === undefined ? { undefined: true } : value };
}

function decode(field: Field, body: Uint8Array, blobsAt: number): { value: unknown } | undefined {
  if ('typed' in field) {
    const Type = TYPED[field.typed];
    const { offset, bytes: length } = field;
    if (!Type || typeof offset !== 'number' || typeof length !== 'number' || length % Type.BYTES_PER_ELEMENT !== 0 || blobsAt + offset + length > body.length) return undefined;
    // A copy: the array owns aligned memory of its own, whatever buffer the caller read.
    const copy = new ArrayBuffer(length);
    new Uint8Array(copy).set(body.subarray(blobsAt + offset, blobsAt + offset + length));
    return { value: new Type(copy) };
  }
  if ('object' in field) {
    if (!Array.isArray(field.object)) return undefined;
    const value: Record<string, unknown> = {};
    for (const [name, inner] of field.object) {
      const decoded = decode(inner, body, blobsAt);
      if (!decoded) return undefined;
      value[name] = decoded.value;
    }
    return { value };
  }
  if ('json' in field) return { value: isUndefinedMark(field.json) ? undefined : revive(field.json) };
  return undefined;
}

function isPlainData(value: unknown): boolean {
  if (value === undefined || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => v === undefined || (v !== null && isPlainData(v)));
  return false;
}

function isUndefinedMark(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Record<string, unknown>)['undefined'] === true;
}

/** JSON turned undefined array entries into null (serialize refused real nulls): back to undefined. */
function revive(value: unknown): unknown {
  if (value === null) return undefined;
  return Array.isArray(value) ? value.map(revive) : value;
}

function sameStrings(a: unknown, b: readonly string[]): boolean {
  if (!Array.isArray(a) || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
