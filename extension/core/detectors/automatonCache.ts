// The compiled keyword automaton as bytes and back, so a command that starts many times (the
// CLI's `airlock scan`, a git hook) need not rebuild it each time: building it is a third of
// compiling the pack (thousands of small Maps, a 1.4 MB table), loading it a copy.
//
// Pure: the caller keeps the bytes (the CLI beside its code cache). Nothing read is trusted:
// `loadKeywordAutomaton` returns undefined, and the caller builds the automaton as before, unless
// the bytes carry the format mark, the same key (the keywords, the run spec, and the caller's
// build id: the engine's own code, so a changed builder never meets another's table), an intact
// checksum, and the loaded automaton then finds every keyword where it is, in both cases, through
// findKeywords itself. A cache can only make a scan start sooner, never find less.
//
// The automaton's fields are stored as they are (typed arrays as bytes, the rest as JSON), so
// this file does not depend on the table's layout; a field it cannot store (a function other
// than the run spec's) means no cache, never a partial one.
import { buildKeywordAutomaton, findKeywords, type KeywordAutomaton, type RunSpec } from './keywordAutomaton';

/** Where the CLI keeps cached automata; all I/O is the caller's. */
export interface AutomatonStore {
  /** Identifies the code that builds and walks automata (the CLI: its bundle's hash). */
  readonly buildId: string;
  load(key: string): Uint8Array | undefined;
  save(key: string, bytes: Uint8Array): void;
}

const MAGIC = 0x414b4c41; // "ALKA"
const FORMAT = 1;
const TYPED: Record<string, { new (buffer: ArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Float64Array,
};

let store: AutomatonStore | undefined;

/** Sets (or, undefined, clears) the store compileDetectors uses for its keyword automaton. */
export function useAutomatonStore(next: AutomatonStore | undefined): void {
  store = next;
}

/** buildKeywordAutomaton, through the store when one is set (a load that fails any check builds). */
export function keywordAutomatonFor(keywords: readonly string[], run: RunSpec | undefined): KeywordAutomaton {
  const current = store;
  if (!current) return buildKeywordAutomaton(keywords, run);
  let key: string | undefined;
  try {
    key = automatonKey(current.buildId, keywords, run);
    const loaded = loadKeywordAutomaton(current.load(key), keywords, run);
    if (loaded) return loaded;
  } catch {
    // An unreadable store is no store.
  }
  const built = buildKeywordAutomaton(keywords, run);
  if (key !== undefined) {
    try {
      const bytes = serializeKeywordAutomaton(built, run);
      if (bytes) current.save(key, bytes);
    } catch {
      // Not saved: the next start builds again.
    }
  }
  return built;
}

/** The cache key: a hash of everything the automaton is built from, and of the code building it. */
export function automatonKey(buildId: string, keywords: readonly string[], run: RunSpec | undefined): string {
  const text = JSON.stringify([FORMAT, buildId, keywords, run ? [run.chars, run.length] : null]);
  return hash64(stringWords(text)).map((h) => h.toString(16).padStart(8, '0')).join('');
}

/**
 * The automaton as bytes: [magic, format, header length, checksum lo, checksum hi] (u32 each),
 * the JSON header (fields in order; typed arrays by type and byte range), then the arrays' bytes.
 * Undefined when a field cannot be stored faithfully.
 */
export function serializeKeywordAutomaton(automaton: KeywordAutomaton, run: RunSpec | undefined): Uint8Array | undefined {
  const fields: [string, unknown][] = [];
  const blobs: Uint8Array[] = [];
  let blobBytes = 0;
  for (const [name, value] of Object.entries(automaton)) {
    if (name === 'run') {
      // The run spec holds a function: it is the caller's, re-attached on load.
      if (value !== run) return undefined;
      fields.push([name, { run: run ? [run.chars, run.length] : null }]);
    } else if (ArrayBuffer.isView(value)) {
      const type = value.constructor.name;
      if (!(type in TYPED) || (value.constructor as unknown) !== TYPED[type]) return undefined;
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      fields.push([name, { typed: type, offset: blobBytes, bytes: bytes.length }]);
      blobs.push(bytes);
      // Each array starts 8-aligned within the blob area.
      blobBytes += bytes.length + ((8 - (bytes.length % 8)) % 8);
    } else {
      if (!isPlainData(value)) return undefined;
      fields.push([name, { json: value === undefined ? { undefined: true } : value }]);
    }
  }
  const header = new TextEncoder().encode(JSON.stringify(fields));
  const headerPadded = header.length + ((8 - (header.length % 8)) % 8);
  const out = new Uint8Array(20 + 4 + headerPadded + blobBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, FORMAT, true);
  view.setUint32(8, header.length, true);
  out.set(header, 24);
  let at = 24 + headerPadded;
  for (const blob of blobs) {
    out.set(blob, at);
    at += blob.length + ((8 - (blob.length % 8)) % 8);
  }
  const [lo, hi] = checksum(out);
  view.setUint32(12, lo, true);
  view.setUint32(16, hi, true);
  return out;
}

/**
 * The automaton stored in `bytes` when every check passes (see the file comment), else
 * undefined. `keywords` and `run` are what the caller would build it from.
 */
export function loadKeywordAutomaton(bytes: Uint8Array | undefined, keywords: readonly string[], run: RunSpec | undefined): KeywordAutomaton | undefined {
  if (!bytes || bytes.length < 24) return undefined;
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== FORMAT) return undefined;
    const headerLength = view.getUint32(8, true);
    if (24 + headerLength > bytes.length) return undefined;
    const [lo, hi] = checksum(bytes);
    if (view.getUint32(12, true) !== lo || view.getUint32(16, true) !== hi) return undefined;
    const fields = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(24, 24 + headerLength))) as [string, Record<string, unknown>][];
    const blobsAt = 24 + headerLength + ((8 - (headerLength % 8)) % 8);
    const automaton: Record<string, unknown> = {};
    for (const [name, field] of fields) {
      if ('run' in field) {
        const stored = field['run'];
        const expected = run ? [run.chars, run.length] : null;
        if (JSON.stringify(stored) !== JSON.stringify(expected)) return undefined;
        automaton[name] = run;
      }
      else if (typeof field['typed'] === 'string') {
        const Type = TYPED[field['typed']];
        const offset = field['offset'];
        const length = field['bytes'];
        if (!Type || typeof offset !== 'number' || typeof length !== 'number' || length % Type.BYTES_PER_ELEMENT !== 0 || blobsAt + offset + length > bytes.length) return undefined;
        // A copy: the array owns aligned memory of its own, whatever buffer the caller read.
        const copy = new ArrayBuffer(length);
        new Uint8Array(copy).set(bytes.subarray(blobsAt + offset, blobsAt + offset + length));
        automaton[name] = new Type(copy);
      } else if ('json' in field) {
        const value = field['json'];
        automaton[name] = isUndefinedMark(value) ? undefined : revive(value);
      } else return undefined;
    }
    const loaded = automaton as unknown as KeywordAutomaton;
    if (!sameStrings(loaded.keywords, keywords) || loaded.run !== run) return undefined;
    return findsEveryKeyword(loaded) ? loaded : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The loaded automaton, asked through findKeywords itself: each keyword, alone on its line,
 * lower and upper case, is reported ending where it ends.
 */
function findsEveryKeyword(automaton: KeywordAutomaton): boolean {
  const keywords = automaton.keywords;
  const ends = new Int32Array(keywords.length);
  let text = '';
  keywords.forEach((keyword, id) => {
    text += `${keyword}\n`;
    ends[id] = text.length - 1;
  });
  for (const probe of [text, text.toUpperCase()]) {
    if (probe.length !== text.length) return false;
    const found = new Uint8Array(keywords.length);
    const hits = findKeywords(probe, automaton);
    for (let h = 0; h < hits.count; h++) {
      const id = hits.keyword[h]!;
      if (id < 0 || id >= keywords.length) return false;
      if (hits.end[h] === ends[id]) found[id] = 1;
    }
    if (found.includes(0)) return false;
  }
  return true;
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

/** UTF-16 code units as 32-bit words (two per word). */
function stringWords(text: string): Uint32Array {
  const words = new Uint32Array((text.length + 1) >> 1);
  for (let i = 0; i < text.length; i++) words[i >> 1]! |= text.charCodeAt(i) << ((i & 1) * 16);
  return words;
}

/** Checksum of everything but the checksum's own 8 bytes (offsets 12..19, read as 0). */
function checksum(bytes: Uint8Array): [number, number] {
  const whole = bytes.length >> 2;
  // In place when aligned (a large file read by Node is); else one copy.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, whole);
  const [a, b] = hash64(words, bytes.length, 3, 5);
  let tail = 0;
  for (let i = whole * 4; i < bytes.length; i++) tail |= bytes[i]! << ((i % 4) * 8);
  return hash64(Uint32Array.of(a, b, tail), bytes.length);
}

/**
 * Two independent 32-bit multiply-xorshift lanes over the words, words [skipFrom, skipTo) read
 * as 0 (not cryptographic: it catches damage, the key catches staleness).
 */
function hash64(words: Uint32Array, length = words.length, skipFrom = 0, skipTo = 0): [number, number] {
  let a = 0x9e3779b9 ^ length;
  let b = 0x85ebca6b ^ Math.imul(length, 0x27d4eb2f);
  for (let i = 0; i < words.length; i++) {
    const w = i >= skipFrom && i < skipTo ? 0 : words[i]!;
    a = Math.imul(a ^ w, 0x01000193);
    a ^= a >>> 15;
    b = Math.imul(b + w, 0xc2b2ae35) ^ (b >>> 13);
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 16), 0x27d4eb2f);
  return [(a ^ (a >>> 13)) >>> 0, (b ^ (b >>> 15)) >>> 0];
}
