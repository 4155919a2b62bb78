// The fold cache file: the folded state of a ledger prefix, so `check --all`/`--staged` fold only
// what was appended since. It is a speed-up that must never decide anything, so it is trusted
// only when all of these hold (else it is ignored and the ledger is folded from scratch):
// - its magic, format version and Airlock version are this build's (the fold may change between
//   versions);
// - its MAC verifies: HMAC-SHA256 under a per-user key kept outside the repository
//   ($AIRLOCK_STATE_DIR or ~/.airlock, owner-only), over the whole file and the ledger's real
//   path. A hand-edited, truncated or corrupt file, one copied from another machine or repository,
//   or one forged by anything that can write .git but cannot read that key, does not verify;
// - the ledger still starts with exactly the bytes it covers (their git blob id; the caller
//   checks that, see ledgerFile.ts).
// Anything running as the same user can read the key and forge a cache — and could as well edit
// the ledger or the CLI. The verdict that counts is CI's `check --range`, which reads git objects
// and never this cache.
//
// Layout: MAGIC, 32-byte MAC, then the body: a 4-byte length, the compact JSON (compactJson.ts)
// of a FoldCache without the replaced ids, and the compact JSON of those ids (most of a large
// ledger's ids, needed only when records were appended since: decoded then). It is
// written to a temporary file and renamed over the old one, so a crash mid-write leaves either
// the old cache or a stray temporary file, never a torn cache.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FolderSnapshot } from '../../core/ledger/fold';
import type { ParseProblem } from '../../core/ledger/records';
import { VERSION } from '../../core/version';
import { CompactJsonError, decodeCompactJson, encodeCompactJson } from './compactJson';

/** Where the fold cache lives (inside .git: local, never committed). */
export const FOLD_CACHE = 'airlock/ledger-fold.bin';
/** Bump when the FolderSnapshot or this layout changes. */
const FORMAT = 2;
const MAGIC = Buffer.from(`airlock-fold-cache ${FORMAT}\n`, 'latin1');
const MAC_BYTES = 32;
const KEY_FILE = 'fold-cache.key';

export interface FoldCache {
  /** Airlock version that wrote it. */
  airlock: string;
  /** Bytes of the ledger the snapshot covers (up to and including a newline). */
  size: number;
  /** Git blob id (sha1) of those bytes. */
  id: string;
  lines: number;
  problems: ParseProblem[];
  /** `replaced` is decoded on first call (see LedgerFolder.restore); it throws CompactJsonError on bad data. */
  folder: Omit<FolderSnapshot, 'replaced'> & { replaced: () => string[] };
}

/** `$AIRLOCK_STATE_DIR` or `~/.airlock`: per-user state (as for the audit salt and the CA). */
function stateDir(): string {
  return process.env['AIRLOCK_STATE_DIR'] || join(homedir(), '.airlock');
}

/** The per-user MAC key, created on first use (undefined when it can be neither read nor made: no cache then). */
export function foldCacheKey(dir = stateDir()): Buffer | undefined {
  const file = join(dir, KEY_FILE);
  const read = (): Buffer | undefined => {
    try {
      const key = readFileSync(file);
      return key.length === 32 ? key : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = read();
  if (existing) return existing;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written whole to a temporary name, then linked into place: a second process racing us
    // either links first (we read its key) or finds ours complete; nobody reads a half-written key.
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, randomBytes(32), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temp, file);
    } catch {
      // Another process made it first, or linking is impossible: use whatever is there.
    } finally {
      rmSync(temp, { force: true });
    }
  } catch {
    return undefined;
  }
  return read();
}

function mac(key: Buffer, ledgerFile: string, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update(MAGIC).update(`${ledgerFile}\0`).update(body).digest();
}

/** The cache for `ledgerFile`, or undefined when it is absent or not to be trusted (see the top). */
export function readFoldCache(cacheFile: string, ledgerFile: string, key: Buffer): FoldCache | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const head = MAGIC.length + MAC_BYTES;
  if (bytes.length <= head || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const body = bytes.subarray(head);
  if (!timingSafeEqual(bytes.subarray(MAGIC.length, head), mac(key, ledgerFile, body))) return undefined;
  try {
    if (body.length < 4) return undefined;
    const mainBytes = body.readUInt32LE(0);
    if (4 + mainBytes > body.length) return undefined;
    const cache = decodeCompactJson(body.subarray(4, 4 + mainBytes)) as FoldCache;
    if (cache.airlock !== VERSION || !Number.isSafeInteger(cache.size) || typeof cache.id !== 'string' || !Number.isSafeInteger(cache.lines)) return undefined;
    // A copy: the rest of the file's bytes are garbage once the main part is decoded.
    const rest = Buffer.from(body.subarray(4 + mainBytes));
    cache.folder.replaced = () => {
      const ids = decodeCompactJson(rest);
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new CompactJsonError('fold cache: replaced ids');
      return ids as string[];
    };
    return cache;
  } catch {
    return undefined;
  }
}

/** Writes the cache (temp + rename). Failures are ignored: a cache that cannot be written is only slower next time. */
export function writeFoldCache(cacheFile: string, ledgerFile: string, key: Buffer, cache: Omit<FoldCache, 'airlock' | 'folder'> & { folder: FolderSnapshot }): void {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    const main = encodeCompactJson({ airlock: VERSION, ...cache, folder: { ...cache.folder, replaced: undefined } });
    const length = Buffer.alloc(4);
    length.writeUInt32LE(main.length);
    const body = Buffer.concat([length, main, encodeCompactJson(cache.folder.replaced)]);
    mkdirSync(dirname(cacheFile), { recursive: true });
    // A fresh file (O_EXCL): a stale temporary file, or a symlink planted under its name, is
    // removed and never written through.
    rmSync(temp, { force: true });
    const fd = openSync(temp, 'wx', 0o600);
    try {
      for (const part of [MAGIC, mac(key, ledgerFile, body), body]) {
        for (let at = 0; at < part.length; ) at += writeSync(fd, part, at, part.length - at);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temp, cacheFile);
    rmSync(join(dirname(cacheFile), 'ledger-fold.json'), { force: true }); // format 1's JSON cache, now dead weight
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // left for the next writer of the same pid to overwrite
    }
  }
}
