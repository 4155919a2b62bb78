// `airlock fingerprint org-set --repo NAME=DIR… --out F`: the organization-wide fingerprint set
// of every proprietary repository, built in CI and shipped to laptops like the org policy
// (core/fingerprint/orgSet.ts). Scales by being incremental per repository (a repo whose files
// did not change reuses its cached keys) and parallel across cores (worker processes, each
// streaming one repository's files: only keys stay in memory, never the code).
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { allOrgKeysOf, OrgFingerprintSet, orgKeysOf, serializeOrgSet, type OrgKeys } from '../../core/fingerprint/orgSet';
import { airlockStateDir } from '../orgPolicy/orgPolicyConfig';
import type { CliIO } from '../run';
import { listOwnFiles, listPublicFiles, readText } from './sources';

export const ORG_SET_USAGE = `usage: airlock fingerprint org-set --repo NAME=DIR… [--repos-file F] --out FILE [--exclude-public DIR]… [--jobs N] [--cache DIR]

Writes the organization-wide fingerprint set (.alos) of the repositories: a compact
probabilistic map (binary fuse filter) from k-gram fingerprints to the repository they come
from. Hashes only, no code. Name it in a policy's "protected": { "fingerprints": [...] }: a
request that copies code of any of these repositories is "probable protected code from <repo>",
confirmed with file and lines where the repository is checked out.
  --repo NAME=DIR       a repository (repeatable); --repos-file F: one NAME=DIR (or DIR) per line
  --exclude-public DIR  public code whose k-grams are left out (e.g. node_modules); repeatable
  --jobs N              worker processes (default: the number of cores)
  --cache DIR           per-repository key cache for incremental builds (default ~/.airlock/org-set-cache)
`;

interface Job {
  kind: 'own' | 'public';
  name: string;
  dir: string;
  out: string;
}

function parse(argv: readonly string[], cwd: string): { repos: { name: string; dir: string }[]; out?: string; publicDirs: string[]; jobs: number; cache?: string; reposFile?: string; help: boolean } {
  const repos: { name: string; dir: string }[] = [];
  const publicDirs: string[] = [];
  let out: string | undefined;
  let jobs = availableParallelism();
  let cache: string | undefined;
  let reposFile: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--repo') repos.push(repoSpec(value(), cwd));
    else if (flag === '--repos-file') reposFile = resolve(cwd, value());
    else if (flag === '--out') out = resolve(cwd, value());
    else if (flag === '--exclude-public') publicDirs.push(resolve(cwd, value()));
    else if (flag === '--jobs') jobs = Math.max(1, Number(value()) || 1);
    else if (flag === '--cache') cache = resolve(cwd, value());
    else throw new Error(`unknown option '${flag}'`);
  }
  return { repos, publicDirs, jobs, help, ...(out ? { out } : {}), ...(cache ? { cache } : {}), ...(reposFile ? { reposFile } : {}) };
}

function repoSpec(spec: string, cwd: string): { name: string; dir: string } {
  const eq = spec.indexOf('=');
  const dir = resolve(cwd, eq > 0 ? spec.slice(eq + 1) : spec);
  return { name: eq > 0 ? spec.slice(0, eq) : basename(dir), dir };
}

function writeKeys(file: string, keys: OrgKeys): Promise<void> {
  const buf = Buffer.alloc(keys.hi.length * 8);
  for (let i = 0; i < keys.hi.length; i++) {
    buf.writeUInt32LE(keys.hi[i]!, i * 8);
    buf.writeUInt32LE(keys.lo[i]!, i * 8 + 4);
  }
  return fs.writeFile(file, buf);
}

async function readKeys(file: string): Promise<OrgKeys> {
  const buf = await fs.readFile(file);
  const n = buf.length / 8;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hi[i] = buf.readUInt32LE(i * 8);
    lo[i] = buf.readUInt32LE(i * 8 + 4);
  }
  return { hi, lo };
}

/** Absolute paths of a repository's own files, or of the public code under a folder. */
async function filesOf(kind: 'own' | 'public', dir: string): Promise<string[]> {
  return kind === 'own' ? (await listOwnFiles(dir, { isProtected: () => true })).map((f) => f.absolutePath) : listPublicFiles(dir);
}

/** Keys of one repository (own files, winnowed) or of public code (every k-gram), streamed file by file. */
export async function keysOfDir(kind: 'own' | 'public', dir: string): Promise<OrgKeys> {
  const files = await filesOf(kind, dir);
  const his: Uint32Array[] = [];
  const los: Uint32Array[] = [];
  let total = 0;
  for (const file of files) {
    const text = await readText(file);
    if (text === undefined) continue;
    const keys = kind === 'own' ? orgKeysOf(text) : allOrgKeysOf(text);
    his.push(keys.hi);
    los.push(keys.lo);
    total += keys.hi.length;
  }
  const hi = new Uint32Array(total);
  const lo = new Uint32Array(total);
  let at = 0;
  for (let i = 0; i < his.length; i++) {
    hi.set(his[i]!, at);
    lo.set(los[i]!, at);
    at += his[i]!.length;
  }
  return { hi, lo };
}

/** What identifies a repository's content for the cache: every file's path, size and mtime. */
async function stateKey(kind: 'own' | 'public', dir: string): Promise<string> {
  const h = createHash('sha256').update(`${kind}\0${dir}\0`);
  for (const file of (await filesOf(kind, dir)).sort()) {
    const st = await fs.stat(file).catch(() => undefined);
    h.update(`${file}\0${st?.size ?? -1}\0${st?.mtimeMs ?? -1}\n`);
  }
  return h.digest('hex').slice(0, 32);
}

/** The worker side: `airlock fingerprint __org-set-worker`, jobs over IPC. */
export function runOrgSetWorker(): Promise<number> {
  return new Promise((done) => {
    process.on('message', (job: Job | 'exit') => {
      if (job === 'exit') {
        process.disconnect?.();
        done(0);
        return;
      }
      void keysOfDir(job.kind, job.dir)
        .then((keys) => writeKeys(job.out, keys).then(() => process.send?.({ ok: true, name: job.name, keys: keys.hi.length })))
        .catch((error: unknown) => process.send?.({ ok: false, name: job.name, error: error instanceof Error ? error.message : String(error) }));
    });
    process.send?.('ready');
  });
}

async function runJobs(jobs: Job[], workers: number, io: CliIO): Promise<void> {
  if (jobs.length === 0) return;
  const script = process.argv[1];
  const pool: ChildProcess[] = [];
  let next = 0;
  let failed: string | undefined;
  await new Promise<void>((resolvePool) => {
    let running = 0;
    const give = (child: ChildProcess) => {
      if (next >= jobs.length || failed) {
        child.send('exit');
        if (running === 0 && pool.every((c) => c.exitCode !== null || c.killed || !c.connected)) resolvePool();
        return;
      }
      running++;
      child.send(jobs[next++]!);
    };
    const count = Math.min(workers, jobs.length);
    let exited = 0;
    for (let i = 0; i < count; i++) {
      const child = fork(script!, ['fingerprint', '__org-set-worker'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      pool.push(child);
      child.on('message', (m: 'ready' | { ok: boolean; name: string; error?: string }) => {
        if (m === 'ready') return give(child);
        running--;
        if (!m.ok) failed = `${m.name}: ${m.error}`;
        give(child);
      });
      child.on('exit', () => {
        exited++;
        if (exited === count) resolvePool();
      });
    }
  });
  if (failed) {
    io.stderr.write(`airlock fingerprint org-set: ${failed}\n`);
    throw new Error(failed);
  }
}

export async function orgSetCommand(argv: string[], io: CliIO): Promise<number> {
  let args;
  try {
    args = parse(argv, io.cwd);
    if (args.reposFile) {
      const lines = (await fs.readFile(args.reposFile, 'utf8')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      args.repos.push(...lines.map((l) => repoSpec(l, io.cwd)));
    }
  } catch (error) {
    io.stderr.write(`airlock fingerprint org-set: ${(error as Error).message}\n${ORG_SET_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(ORG_SET_USAGE);
    return 0;
  }
  if (!args.out || args.repos.length === 0) {
    io.stderr.write(`airlock fingerprint org-set: give --out and at least one --repo\n${ORG_SET_USAGE}`);
    return 2;
  }
  for (const r of args.repos) {
    if (!existsSync(r.dir)) {
      io.stderr.write(`airlock fingerprint org-set: no such folder: ${r.dir}\n`);
      return 2;
    }
  }
  const started = performance.now();
  const cache = args.cache ?? join(airlockStateDir(io.env), 'org-set-cache');
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  const entries = [...args.repos.map((r) => ({ kind: 'own' as const, ...r })), ...args.publicDirs.map((dir) => ({ kind: 'public' as const, name: `public:${dir}`, dir }))];
  const planned = await Promise.all(
    entries.map(async (e) => {
      const file = join(cache, `${createHash('sha256').update(e.name).digest('hex').slice(0, 16)}-${await stateKey(e.kind, e.dir)}.keys`);
      return { ...e, file, cached: existsSync(file) };
    }),
  );
  const jobs: Job[] = planned.filter((p) => !p.cached).map((p) => ({ kind: p.kind, name: p.name, dir: p.dir, out: p.file }));
  try {
    await runJobs(jobs, args.jobs, io);
  } catch {
    return 1;
  }
  const own = await Promise.all(planned.filter((p) => p.kind === 'own').map(async (p) => ({ name: p.name, keys: await readKeys(p.file) })));
  const publicParts = await Promise.all(planned.filter((p) => p.kind === 'public').map((p) => readKeys(p.file)));
  const publicKeys = concatKeys(publicParts);
  const set = OrgFingerprintSet.build(own, publicKeys.hi.length ? publicKeys : undefined);
  const bytes = serializeOrgSet(set);
  await fs.writeFile(args.out, bytes);
  const reused = planned.length - jobs.length;
  io.stderr.write(
    `airlock fingerprint org-set: ${own.length} repositories (${reused} unchanged, from the cache), ${set.size} fingerprints, ${(bytes.length / 1024 / 1024).toFixed(1)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s -> ${args.out}\n`,
  );
  return 0;
}

function concatKeys(parts: OrgKeys[]): OrgKeys {
  const total = parts.reduce((n, p) => n + p.hi.length, 0);
  const hi = new Uint32Array(total);
  const lo = new Uint32Array(total);
  let at = 0;
  for (const p of parts) {
    hi.set(p.hi, at);
    lo.set(p.lo, at);
    at += p.hi.length;
  }
  return { hi, lo };
}
