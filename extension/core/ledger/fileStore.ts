// The one module of core that touches the disk: the CLI and the editor both append to and read
// the same ledger file, and data flows one way (cli/ and vscode/ call core), so it lives here.
// The ledger on disk: `.airlock/ledger/ledger.jsonl`, appended with one O_APPEND write per batch.
// On a local file system each write(2) to an O_APPEND file lands whole at the end, so two VS Code
// windows and any number of CLI processes can append at once without interleaving. A crash can
// still tear the LAST write; readers skip a torn line, and the next writer starts on a fresh
// line (see records.ts), so every completed record survives.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { LedgerParser, serializeRecord, type LedgerRecord, type ParsedLedger } from './records';

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
  parsed: ParsedLedger;
  /** Size in bytes. */
  size: number;
  /** Git's blob id (sha1 of "blob <n>\\0" + bytes) of the first `prefix.size` bytes, when asked. */
  prefixId?: string;
}

const CHUNK = 4 << 20;

/**
 * Reads and parses the ledger in 4 MB chunks (a 100 MB ledger is never one string or buffer),
 * and optionally hashes its first `prefixSize` bytes as a git blob, so the caller can prove the
 * committed ledger is a prefix of this one without reading the committed one. Undefined when
 * there is no ledger.
 */
export function streamLedger(root: string, prefix?: { size: number; algorithm: 'sha1' | 'sha256' }): StreamedLedger | undefined {
  const prefixSize = prefix?.size;
  const file = ledgerPath(root);
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const parser = new LedgerParser();
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
