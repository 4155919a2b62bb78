// Writes made by a shell command (a heredoc, `sed -i`, a script, Codex apply_patch) are found by
// comparing the work tree before and after it: the pre-tool hook stores the text of every file
// git sees as changed or untracked, keyed by the tool call; the post-tool hook compares again.
// A file unchanged before the command is compared with HEAD; a new untracked file with nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ContributionRecord } from '../../core/ledger/records';
import { git } from '../provenance/git';
import { readHead } from './reach';

const MAX_SNAPSHOT_FILE = 2 * 1024 * 1024;
const MAX_SNAPSHOT_TOTAL = 32 * 1024 * 1024;
const MAX_AGE_MS = 24 * 3600 * 1000;

interface Snapshot {
  time: number;
  /** Changed or untracked paths before the command: their text (or only a hash when large/binary). */
  files: Record<string, { hash: string; text?: string }>;
}

export interface ChangedFile {
  path: string;
  before: string;
  now: string;
}

const snapshotDirs = new Map<string, string>();

/** `<git common dir>/airlock/hook-snapshots`, shared by every worktree of the repository. */
function snapshotDir(root: string): string {
  let dir = snapshotDirs.get(root);
  if (!dir) {
    const gitDir = commonGitDir(root) ?? git(root, ['rev-parse', '--git-common-dir']).stdout.trim() ?? '.git';
    dir = join(isAbsolute(gitDir) ? gitDir : join(root, gitDir || '.git'), 'airlock', 'hook-snapshots');
    snapshotDirs.set(root, dir);
  }
  return dir;
}

/**
 * The common git dir read from the files themselves (a hook that only looks for pending writes
 * must not start a git process): `.git` is the folder, or in a worktree a file naming its gitdir,
 * whose `commondir` names the shared one. Undefined when the layout is anything else.
 */
function commonGitDir(root: string): string | undefined {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!m) return undefined;
    const gitDir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : join(root, m[1]!.trim());
    const common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    return isAbsolute(common) ? common : join(gitDir, common);
  } catch {
    return undefined;
  }
}

function fileName(key: string): string {
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;
}

/** Paths git reports as modified, added or untracked (respecting .gitignore). */
function dirtyPaths(root: string): string[] | undefined {
  const result = git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  if (!result.ok) return undefined;
  const out: string[] = [];
  for (const entry of result.stdout.split('\0')) {
    if (entry.length < 4) continue;
    if (entry[0] === 'D' || entry[1] === 'D') continue;
    out.push(entry.slice(3));
  }
  return out;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function takeSnapshot(root: string, key: string): boolean {
  const paths = dirtyPaths(root);
  if (!paths) return false;
  const snapshot: Snapshot = { time: Date.now(), files: {} };
  let kept = 0;
  for (const path of paths) {
    const text = readHead(join(root, path), MAX_SNAPSHOT_FILE + 1);
    if (text === undefined) continue;
    // Past the budget only hashes are kept: such a file, if the command changes it, is not attributed.
    const keep = text.length <= MAX_SNAPSHOT_FILE && kept + text.length <= MAX_SNAPSHOT_TOTAL;
    if (keep) kept += text.length;
    snapshot.files[path] = keep ? { hash: hashOf(text), text } : { hash: hashOf(text) };
  }
  const dir = snapshotDir(root);
  mkdirSync(dir, { recursive: true });
  pruneOld(dir);
  writeFileSync(join(dir, fileName(key)), JSON.stringify(snapshot));
  return true;
}

/** The files the command changed, with their text before and now; undefined when no snapshot was taken. */
export function changesSince(root: string, key: string): ChangedFile[] | undefined {
  const file = join(snapshotDir(root), fileName(key));
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  } catch {
    return undefined;
  }
  rmSync(file, { force: true });
  const paths = dirtyPaths(root) ?? [];
  const out: ChangedFile[] = [];
  const untracked = new Set(git(root, ['ls-files', '--others', '--exclude-standard', '-z']).stdout.split('\0').filter(Boolean));
  for (const path of paths) {
    const now = readHead(join(root, path), MAX_SNAPSHOT_FILE);
    if (now === undefined) continue;
    const before = snapshot.files[path];
    if (before) {
      if (before.hash === hashOf(now) || before.text === undefined) continue;
      out.push({ path, before: before.text, now });
    } else {
      const head = untracked.has(path) ? '' : git(root, ['show', `HEAD:${path}`]).stdout;
      if (head !== now) out.push({ path, before: head, now });
    }
  }
  return out;
}

function pruneOld(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (Date.now() - statSync(p).mtimeMs > MAX_AGE_MS) rmSync(p, { force: true });
    }
  } catch {
    // best effort
  }
}

/** Before a write tool runs: the text of the files it will write ('' for a file that does not exist yet). */
export function saveBefore(root: string, key: string, files: ReadonlyMap<string, string>): void {
  const dir = snapshotDir(root);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `before-${fileName(key)}`), JSON.stringify({ time: Date.now(), files: Object.fromEntries(files) }));
}

export function loadBefore(root: string, key: string): Map<string, string> | undefined {
  const file = join(snapshotDir(root), `before-${fileName(key)}`);
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, string> };
    rmSync(file, { force: true });
    return new Map(Object.entries(parsed.files));
  } catch {
    return undefined;
  }
}

/**
 * True once per tool call: VS Code runs the hooks in .claude/settings.json beside its own, so
 * the same write can be reported twice (same tool_use_id); only the first report is recorded.
 */
export function claimRecording(root: string, key: string): boolean {
  const dir = snapshotDir(root);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `recorded-${fileName(key)}`), '', { flag: 'wx' });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EEXIST';
  }
}

/** A new call with the same key (Gemini keys by session, tool and arguments) may be recorded again. */
export function releaseRecording(root: string, key: string): void {
  rmSync(join(snapshotDir(root), `recorded-${fileName(key)}`), { force: true });
}

/**
 * A write whose tool reports no after-event (Codex applies an `apply_patch` heredoc sent through
 * exec_command itself, without PostToolUse): the files it will write and their text before,
 * kept until a later hook call of the same session sees them changed.
 */
export interface PendingWrite {
  key: string;
  session: string;
  tool: string;
  model?: string;
  cwd: string;
  files: Record<string, string>;
}

export function savePending(root: string, pending: PendingWrite): void {
  const dir = snapshotDir(root);
  mkdirSync(dir, { recursive: true });
  pruneOld(dir);
  writeFileSync(join(dir, `pending-${fileName(pending.key)}`), JSON.stringify({ time: Date.now(), ...pending }));
}

/** The pending writes of `session`, each with a function that drops it. */
export function pendingWrites(root: string, session: string): { pending: PendingWrite; drop: () => void }[] {
  const dir = snapshotDir(root);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith('pending-'));
  } catch {
    return [];
  }
  const out: { pending: PendingWrite; drop: () => void }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const pending = JSON.parse(readFileSync(file, 'utf8')) as PendingWrite;
      if (pending.session === session) out.push({ pending, drop: () => rmSync(file, { force: true }) });
    } catch {
      // a half-written or foreign file: left to pruneOld
    }
  }
  return out;
}

/** Records finished while their model is not yet known (Copilot CLI names it only at the end of a turn). */
export interface HeldRecords {
  /** Unique per batch: the first hook call to claim it writes it. */
  id: string;
  key: string;
  session: string;
  time: number;
  records: ContributionRecord[];
}

export function holdRecords(root: string, held: Omit<HeldRecords, 'time' | 'id'>): void {
  const dir = snapshotDir(root);
  mkdirSync(dir, { recursive: true });
  const id = createHash('sha256').update(`${held.session}:${held.key}:${Date.now()}:${Math.random()}`).digest('hex').slice(0, 32);
  writeFileSync(join(dir, `held-${id}.json`), JSON.stringify({ ...held, id, time: Date.now() }));
}

/** Every held batch, each with a function that drops it. */
export function heldRecords(root: string): { held: HeldRecords; drop: () => void }[] {
  const dir = snapshotDir(root);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith('held-'));
  } catch {
    return [];
  }
  const out: { held: HeldRecords; drop: () => void }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      out.push({ held: JSON.parse(readFileSync(file, 'utf8')) as HeldRecords, drop: () => rmSync(file, { force: true }) });
    } catch {
      // half-written: read again next time
    }
  }
  return out;
}
