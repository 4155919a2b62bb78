// Shared plumbing for the provenance commands: arguments, paths, ids, reading files.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { splitLines } from '../../core/provenance/hash';
import type { CliIO } from '../run';
import { repoRoot } from './git';

export type Handler = (args: string[], io: CliIO) => Promise<number>;

/** Thrown for bad usage; the command prints it and exits 2. */
export class UsageError extends Error {}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/** Parses `--name value` and `--name=value`; names in `booleans` take no value. */
export function parseArgs(args: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (eq > 0) flags.set(name, arg.slice(eq + 1));
    else if (booleans.includes(name)) flags.set(name, true);
    else {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
      i++;
    }
  }
  return { flags, positional };
}

export function flag(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** The repository root (or the working folder outside git). */
export function workspaceRoot(cwd: string): string {
  return repoRoot(cwd) ?? resolve(cwd);
}

/** A path given on the command line as a repository-relative POSIX path. */
export function repoPath(root: string, cwd: string, file: string): string {
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(root, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`${file} is outside the repository`);
  return rel.split(sep).join('/');
}

/** `A-B` or `A` as 1-based inclusive lines. */
export function parseLineRange(text: string): { startLine: number; endLine: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) throw new UsageError(`expected lines as A-B, got '${text}'`);
  const startLine = Number(m[1]);
  const endLine = Number(m[2] ?? m[1]);
  if (startLine < 1 || endLine < startLine) throw new UsageError(`bad line range '${text}'`);
  return { startLine, endLine };
}

/** `path:A-B`; the path may itself contain colons. */
export function parseTarget(text: string): { file: string; startLine: number; endLine: number } {
  const at = text.lastIndexOf(':');
  if (at <= 0) throw new UsageError(`expected FILE:A-B, got '${text}'`);
  return { file: text.slice(0, at), ...parseLineRange(text.slice(at + 1)) };
}

export { newRecordId } from '../../core/ledger/records';

/**
 * The real location of a repository path, or undefined when it does not exist or leads outside
 * the repository (`..`, absolute, or through a symlink): paths come from ledger records, which
 * are data anyone can write, and must never make Airlock read or write files elsewhere.
 */
export function insideRepo(root: string, path: string): string | undefined {
  if (isAbsolute(path) || path.split(/[\\/]/).includes('..')) return undefined;
  let real: string;
  let realRoot: string;
  try {
    // The C library's realpath: one call, where fs.realpathSync lstat()s every component of
    // every path (check --all asks for thousands of files). Same answer.
    real = realpathSync.native(resolve(root, path));
    realRoot = realpathSync.native(root);
  } catch {
    return undefined;
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] === '.git') return undefined;
  return real;
}

/** The real path of a file named on the command line, or a usage error: missing, or leading outside the repository. */
export function requireInsideRepo(root: string, path: string, shown: string): string {
  const real = insideRepo(root, path);
  if (real) return real;
  if (!existsSync(resolve(root, path))) throw new UsageError(`no such file: ${shown}`);
  throw new UsageError(`${shown} leads outside the repository (through a symlink)`);
}

/** A working-tree file inside the repository, or undefined (missing, or outside: see insideRepo). */
export function readWorking(root: string, path: string): string | undefined {
  const file = insideRepo(root, path);
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Lines of a working-tree file, or undefined when it does not exist (or is outside the repository). */
export function readWorkingLines(root: string, path: string): string[] | undefined {
  const text = readWorking(root, path);
  return text === undefined ? undefined : splitLines(text);
}

/**
 * Runs a command body, turning usage errors and files that cannot be read (a missing file is
 * bad input, not a crash) into exit 2 with a one-line message, and other errors into exit 3.
 */
export async function guarded(io: CliIO, name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const file = fileErrorMessage(error, io.cwd);
    const message = file ?? (error instanceof Error ? error.message : String(error));
    io.stderr.write(`airlock ${name}: ${message}\n`);
    return error instanceof UsageError || file !== undefined ? 2 : 3;
  }
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a folder)',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** "no such file: src/a.ts" for a Node file-system error, relative to `cwd`; else undefined. */
export function fileErrorMessage(error: unknown, cwd: string): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  const what = e?.code ? FILE_ERRORS[e.code] : undefined;
  if (!what || typeof e?.path !== 'string') return undefined;
  const rel = relative(cwd, e.path);
  return `${what}: ${rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : e.path}`;
}
