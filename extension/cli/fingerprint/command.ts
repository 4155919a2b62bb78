// `airlock fingerprint build <paths…> --out F [--root DIR] [--exclude-public DIR]…`: writes a
// fingerprint file of the code under the paths (hashes and line numbers, no code), so a
// company can ship the fingerprints of repositories an engineer never cloned; policies name
// it in `protected.fingerprints`. Folders are walked as the workspace index walks them
// (.gitignore honoured, third-party folders and lockfiles skipped).
import { existsSync, promises as fs, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FingerprintIndex, serializeIndex } from '../../core/fingerprint';
import type { CliIO } from '../run';
import { listOwnFiles, listPublicFiles, MAX_SOURCE_BYTES, readText } from './sources';

export const FINGERPRINT_USAGE = `usage: airlock fingerprint build <paths…> --out FILE [--root DIR] [--exclude-public DIR]…

Writes the fingerprints of the code under PATHS to FILE: hashes and line numbers only, no code.
Name the file in a policy's "protected": { "fingerprints": ["./FILE"] } and copies of that code
are blocked wherever they appear, even where the code itself is not checked out.
  --out FILE            the fingerprint file to write (.alfp)
  --root DIR            source names are paths relative to DIR (default: the current folder)
  --exclude-public DIR  public code (e.g. node_modules, a vendored corpus) whose fingerprints
                        are left out, so boilerplate never matches; repeatable
Folders honour .gitignore; node_modules, vendor and other third-party folders are skipped.
`;

interface BuildArgs {
  paths: string[];
  out?: string;
  root?: string;
  publicDirs: string[];
  help: boolean;
}

function parseArgs(argv: readonly string[]): BuildArgs {
  const out: BuildArgs = { paths: [], publicDirs: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--out') out.out = value();
    else if (flag === '--root') out.root = value();
    else if (flag === '--exclude-public') out.publicDirs.push(value());
    else if (flag.startsWith('-')) throw new Error(`unknown option '${flag}'`);
    else out.paths.push(arg);
  }
  return out;
}

export async function fingerprintCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(FINGERPRINT_USAGE);
    return sub ? 0 : 2;
  }
  if (sub === 'org-set') return import('./orgSetCommand').then((m) => m.orgSetCommand(rest, io));
  if (sub === '__org-set-worker') return import('./orgSetCommand').then((m) => m.runOrgSetWorker());
  if (sub !== 'build') {
    io.stderr.write(`airlock fingerprint: unknown subcommand '${sub}'\n${FINGERPRINT_USAGE}`);
    return 2;
  }
  let args: BuildArgs;
  try {
    args = parseArgs(rest);
    if (args.help) {
      io.stdout.write(FINGERPRINT_USAGE);
      return 0;
    }
    if (args.paths.length === 0) throw new Error('give at least one file or folder');
    if (!args.out) throw new Error('--out FILE is required');
  } catch (error) {
    io.stderr.write(`airlock fingerprint build: ${(error as Error).message}\n${FINGERPRINT_USAGE}`);
    return 2;
  }
  const root = resolve(io.cwd, args.root ?? '.');
  const index = new FingerprintIndex();
  let files = 0;
  for (const given of args.paths) {
    const absolute = resolve(io.cwd, given);
    if (!existsSync(absolute)) {
      io.stderr.write(`airlock fingerprint build: no such file or directory: ${given}\n`);
      return 2;
    }
    const targets = statSync(absolute).isDirectory()
      ? (await listOwnFiles(absolute, { isProtected: () => true })).map((f) => f.absolutePath)
      : [absolute];
    for (const file of targets) {
      if (statSync(file).size > MAX_SOURCE_BYTES) continue;
      const text = await readText(file);
      if (text === undefined) continue;
      index.add(sourceName(file, root), text);
      files++;
    }
  }
  let publicFiles = 0;
  for (const dir of args.publicDirs) {
    const absolute = resolve(io.cwd, dir);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
      io.stderr.write(`airlock fingerprint build: --exclude-public ${dir} is not a folder\n`);
      return 2;
    }
    for (const file of await listPublicFiles(absolute)) {
      const text = await readText(file);
      if (text === undefined) continue;
      index.excludeText(text);
      publicFiles++;
    }
  }
  const outFile = resolve(io.cwd, args.out);
  const tmp = `${outFile}.${process.pid}.tmp`;
  await fs.writeFile(tmp, serializeIndex(index));
  await fs.rename(tmp, outFile);
  io.stdout.write(
    `airlock fingerprint: ${files} files, ${index.fingerprintCount} fingerprints${publicFiles ? `, ${index.excludedCount} left out as public (${publicFiles} public files)` : ''} → ${relative(io.cwd, outFile) || outFile}\n`,
  );
  return 0;
}

/** POSIX path relative to the root; outside it, the absolute path. */
function sourceName(file: string, root: string): string {
  const rel = relative(root, file);
  return (rel.startsWith('..') || isAbsolute(rel) ? file : rel).split(sep).join('/');
}
