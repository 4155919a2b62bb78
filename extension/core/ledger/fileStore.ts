// The one module of core that touches the disk: the CLI and the editor both append to and read
// the same ledger file, and data flows one way (cli/ and vscode/ call core), so it lives here.
// The ledger on disk: `.airlock/ledger/ledger.jsonl`, appended with one O_APPEND write per batch.
// On a local file system each write(2) to an O_APPEND file lands whole at the end, so two VS Code
// windows and any number of CLI processes can append at once without interleaving. A crash can
// still tear the LAST write; readers skip a torn line, and the next writer starts on a fresh
// line (see records.ts), so every completed record survives.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseLedger, serializeRecord, type LedgerRecord, type ParsedLedger } from './records';

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
  const file = ledgerPath(root);
  if (!existsSync(file)) return { records: [], problems: [] };
  return parseLedger(readFileSync(file, 'utf8'));
}
