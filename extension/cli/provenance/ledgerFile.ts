// The ledger file on disk, shared by the CLI, the agent hooks and the editor (vscode/ loads it
// through the engine bundle); core/ledger stays pure: it parses and folds, this module does the I/O.
// The ledger on disk: `.airlock/ledger/ledger.jsonl`, appended with one O_APPEND write per batch.
// On a local file system each write(2) to an O_APPEND file lands whole at the end, so two VS Code
// windows and any number of CLI processes can append at once without interleaving. A crash can
// still tear the LAST write; readers skip a torn line, and the next writer starts on a fresh
// line (see records.ts), so every completed record survives.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, realpathSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { LedgerFolder, type LedgerState } from '../../core/ledger/fold';
import { LedgerParser, serializeRecord, type LedgerRecord, type ParsedLedger, type ParseProblem } from '../../core/ledger/records';
import { CompactJsonError } from './compactJson';
import { FOLD_CACHE, foldCacheKey, readFoldCache, writeFoldCache, type FoldCache } from './foldCache';

/** Ledgers smaller than this are folded from scratch (the cache would cost more than it saves). */
const FOLD_CACHE_MIN_BYTES = 4 << 20;

export const LEDGER_DIR = '.airlock/ledger';
export const LEDGER_FILE = 'ledger.jsonl';

const GITATTRIBUTES = `# Airlock ledger: append-only JSONL with unique record ids, so a union merge is always right.
${LEDGER_FILE} merge=union
`;

const README = `# Airlock ledger

\`${LEDGER_FILE}\` records which lines AI assistants wrote and which a human reviewed.
One JSON record per line, append-only, ordered by time when read. Do not edit by hand; use
\`airlock review approve|reject FILE:A-B\` or the Airlock view in VS Code. Merges use git's
union driver (see .gitattributes): both sides' records are kept.
`;

export function ledgerPath(root: string): string {
  return join(root, LEDGER_DIR, LEDGER_FILE);
}

/** Creates the ledger folder with its .gitattributes and README (idempotent). */
export function ensureLedger(root: string): string {
  const dir = join(root, LEDGER_DIR);
  mkdirSync(dir, { recursive: true });
  const attributes = join(dir, '.gitattributes');
  if (!existsSync(attributes)) writeFileSync(attributes, GITATTRIBUTES);
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) writeFileSync(readme, README);
  return ledgerPath(root);
}

/** Appends records in one write. */
export function appendRecords(root: string, records: readonly LedgerRecord[]): void {
  if (records.length === 0) return;
  const file = ensureLedger(root);
  let text = records.map(serializeRecord).join('');
  const fd = openSync(file, 'a');
  try {
    // Start on a fresh line if an earlier writer died mid-record.
    const size = fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rfd = openSync(file, 'r');
      try {
        readSync(rfd, last, 0, 1, size - 1);
      } finally {
        closeSync(rfd);
      }
      if (last[0] !== 10) text = `\n${text}`;
    }
    const bytes = Buffer.from(text, 'utf8');
    const written = writeSync(fd, bytes, 0, bytes.length);
    if (written !== bytes.length) throw new Error(`short write to the ledger (${written}/${bytes.length} bytes)`);
  } finally {
    closeSync(fd);
  }
}

/** Reads the ledger (an absent ledger is empty). */
export function readLedger(root: string): ParsedLedger {
  return streamLedger(root)?.parsed ?? { records: [], problems: [] };
}

export interface StreamedLedger {
  /** Records (empty when they were handed to `onRecord`) and problems. */
  parsed: ParsedLedger;
  /** Size in bytes. */
  size: number;
  /** Git's blob id (sha1 of "blob <n>\\0" + bytes) of the first `prefix.size` bytes, when asked. */
  prefixId?: string;
}

const CHUNK = 1 << 20;

/**
 * Reads and parses the ledger in 1 MB chunks (a 100 MB ledger is never one string or buffer),
 * and optionally hashes its first `prefixSize` bytes as a git blob, so the caller can prove the
 * committed ledger is a prefix of this one without reading the committed one. Undefined when
 * there is no ledger.
 */
export function streamLedger(root: string, prefix?: { size: number; algorithm: 'sha1' | 'sha256' }, onRecord?: (record: LedgerRecord) => void): StreamedLedger | undefined {
  const prefixSize = prefix?.size;
  const file = ledgerPath(root);
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const parser = new LedgerParser(onRecord);
    const decoder = new StringDecoder('utf8');
    const hash = prefixSize !== undefined && prefixSize <= size ? createHash(prefix!.algorithm).update(`blob ${prefixSize}\0`) : undefined;
    const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
    let at = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, at);
      if (n <= 0) break;
      const chunk = buffer.subarray(0, n);
      if (hash && at < prefixSize!) hash.update(chunk.subarray(0, Math.min(n, prefixSize! - at)));
      parser.push(decoder.write(chunk));
      at += n;
    }
    parser.push(decoder.end());
    return { parsed: parser.end(), size, ...(hash ? { prefixId: hash.digest('hex') } : {}) };
  } finally {
    closeSync(fd);
  }
}

export interface FoldedLedger {
  state: LedgerState;
  problems: ParseProblem[];
  /** Blob id of the first `prefix.size` bytes, when asked (see streamLedger). */
  prefixId?: string;
  /** True when the ledger does not exist. */
  missing: boolean;
}

export interface FoldOptions {
  /** The .git folder: the fold cache is kept there (see foldCache.ts). */
  cacheDir?: string;
  /** Also hash the ledger's first `size` bytes as a git blob (FoldedLedger.prefixId). */
  prefix?: { size: number; algorithm: 'sha1' | 'sha256' };
  /** Ledgers smaller than this are folded from scratch (the cache would cost more than it saves). */
  minCacheBytes?: number;
  /** Records from elsewhere (git-ai notes) folded in too, never cached. */
  extra?: readonly LedgerRecord[];
  /** The cache's MAC key; default: the per-user key (foldCacheKey). */
  cacheKey?: Buffer;
}

/**
 * Folds the work-tree ledger, streamed. With `cacheDir` (the .git folder), the state of the
 * ledger up to its last newline is cached there with the blob id of those bytes; the next run
 * hashes that many bytes (no parsing) and, when they are unchanged — the ledger only grew —
 * folds only what was appended. An index, not a compaction: the ledger itself is never rewritten.
 */
export function foldLedgerFile(root: string, options: FoldOptions = {}): FoldedLedger {
  const { cacheDir, prefix, minCacheBytes = FOLD_CACHE_MIN_BYTES, extra = [] } = options;
  const file = ledgerPath(root);
  if (!existsSync(file)) {
    const empty = new LedgerFolder();
    for (const r of extra) empty.push(r);
    return { state: empty.result(), problems: [], missing: true };
  }
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    // The cache is looked at only for a ledger large enough to have one, so small repositories
    // never make the per-user key.
    const key = cacheDir && size >= minCacheBytes ? (options.cacheKey ?? foldCacheKey()) : undefined;
    const cacheFile = key ? join(cacheDir!, FOLD_CACHE) : undefined;
    const identity = cacheFile ? realpathSync(file) : '';
    let cache = cacheFile ? readFoldCache(cacheFile, identity, key!) : undefined;
    if (cache && cache.size > size) cache = undefined;
    const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
    // Pass 1 (hashing only, one read): is the cached prefix still the ledger's start? And the caller's prefix id.
    const wanted = prefix && prefix.size <= size ? prefix : undefined;
    const [cacheId, prefixId] = blobIds(fd, buffer, [cache ? { size: cache.size, algorithm: 'sha1' } : undefined, wanted]);
    if (cache && cacheId !== cache.id) cache = undefined;
    const foldFrom = (cache: FoldCache | undefined): FoldedLedger => {
      const folder = cache ? LedgerFolder.restore(cache.folder) : new LedgerFolder();
      const parser = new LedgerParser((r) => folder.push(r), cache ? { lines: cache.lines, problems: cache.problems } : undefined);
      const decoder = new StringDecoder('utf8');
      // Pass 2: parse what the cache does not cover, remembering where the last complete line ended.
      let at = cache?.size ?? 0;
      let lastNewline = -1;
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, at);
        if (n <= 0) break;
        const chunk = buffer.subarray(0, n);
        const nl = chunk.lastIndexOf(10);
        if (nl >= 0) lastNewline = at + nl;
        parser.push(decoder.write(chunk));
        at += n;
      }
      parser.push(decoder.end());
      // Everything up to the last newline has been folded: cache it before the torn tail (if any).
      const covered = lastNewline + 1;
      if (cacheFile && covered >= minCacheBytes && covered > (cache?.size ?? 0) && covered === size && at === size) {
        // The id of exactly these bytes may be at hand already (the ledger is HEAD's).
        const id = wanted?.size === size && wanted.algorithm === 'sha1' ? prefixId! : blobIds(fd, buffer, [{ size, algorithm: 'sha1' }])[0];
        if (id) writeFoldCache(cacheFile, identity, key!, { size, id, ...parser.progress(), folder: folder.snapshot() });
      }
      const problems = parser.end().problems;
      for (const r of extra) folder.push(r);
      return { state: folder.result(), problems, ...(prefixId ? { prefixId } : {}), missing: false };
    };
    try {
      return foldFrom(cache);
    } catch (error) {
      if (!cache || !(error instanceof CompactJsonError)) throw error;
      return foldFrom(undefined); // the cache's lazily read part is bad: fold everything
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Git blob ids (hex) of the file's first `size` bytes, for each request (undefined where none),
 * in one read: requests of the same size and algorithm share a hash.
 */
function blobIds(fd: number, buffer: Buffer, requests: readonly ({ size: number; algorithm: 'sha1' | 'sha256' } | undefined)[]): (string | undefined)[] {
  const hashes = new Map<string, { size: number; hash: Hash }>();
  for (const r of requests) {
    const k = `${r?.algorithm} ${r?.size}`;
    if (r && !hashes.has(k)) hashes.set(k, { size: r.size, hash: createHash(r.algorithm).update(`blob ${r.size}\0`) });
  }
  const want = Math.max(0, ...[...hashes.values()].map((h) => h.size));
  let at = 0;
  while (at < want) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, want - at), at);
    if (n <= 0) break;
    for (const h of hashes.values()) if (at < h.size) h.hash.update(buffer.subarray(0, Math.min(n, h.size - at)));
    at += n;
  }
  const ids = new Map([...hashes].map(([k, h]) => [k, at >= h.size ? h.hash.digest('hex') : undefined]));
  return requests.map((r) => (r ? ids.get(`${r.algorithm} ${r.size}`) : undefined));
}
