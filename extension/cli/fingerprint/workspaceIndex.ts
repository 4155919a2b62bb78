// The workspace's fingerprint index, as the gateway, `airlock scan` and the editor hold it:
// built in the background from the workspace's own protected files, public code (the
// workspace's node_modules) excluded, cached on disk (hashes and line numbers only, in the
// user's state folder, never in the repository) and kept current by a file watcher.
//
// The index is usable while it builds (matching sees what is indexed so far); `ready` tells
// when the first full build is done.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { deserializeIndex, FingerprintIndex, serializeIndex, FINGERPRINT_FORMAT } from '../../core/fingerprint';
import { isIgnored, parseGitignore, type IgnoreLayer } from '../scan/gitignore';
import { findGitRoot } from '../scan/walk';
import { listOwnFiles, listPublicFiles, MAX_SOURCE_BYTES, outsideOwnCode, readText } from './sources';

export interface WorkspaceIndexOptions {
  /** Absolute workspace folder; source ids are POSIX paths relative to it. */
  root: string;
  /** Whether a workspace-relative path is protected code (the policy's `isProtectedPath`). */
  isProtected: (path: string) => boolean;
  /** Folder for the cache; `null` for none. Default: `<state dir>/fingerprints/<hash of root>`. */
  cacheDir?: string | null;
  /** Public code whose fingerprints never match. Default: `<root>/node_modules` when present. */
  publicDirs?: string[];
  /** Write the cache (default true); false reads a cache others wrote (one-shot runs like `airlock scan`). */
  writeCache?: boolean;
  /** False: the policy protects no paths; the index stays empty and nothing is walked or watched. */
  enabled?: boolean;
  /** Keep the index current with a file watcher (default true). */
  watch?: boolean;
  /** Told about problems (never file content). */
  onWarning?: (message: string) => void;
}

export interface WorkspaceIndexStats {
  files: number;
  fingerprints: number;
  excluded: number;
  /** Files (re)read in the last build (the rest came from the cache). */
  indexedFiles: number;
  buildMs: number;
  publicFiles: number;
}

interface CacheMeta {
  format: number;
  root: string;
  files: Record<string, [number, number]>;
  publicSignature: string;
}

/** Where per-user state lives: $AIRLOCK_STATE_DIR or ~/.airlock (as for the audit salt). */
export function airlockStateDir(): string {
  return process.env['AIRLOCK_STATE_DIR'] || join(homedir(), '.airlock');
}

/** Whether any layer of the policy protects paths (else there is nothing to index and no walk is needed). */
export function protectsPaths(policy: { compiledLayers?: readonly { protectedPaths: { empty: boolean } }[] }): boolean {
  return (policy.compiledLayers ?? []).some((layer) => !layer.protectedPaths.empty);
}

export function defaultCacheDir(root: string): string {
  return join(airlockStateDir(), 'fingerprints', createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16));
}

export class WorkspaceIndex {
  index = new FingerprintIndex();
  readonly ready: Promise<WorkspaceIndexStats>;
  readonly root: string;
  private readonly files = new Map<string, [number, number]>();
  private watcher: FSWatcher | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly cacheDir: string | null;
  private ignoreCache = new Map<string, IgnoreLayer['rules'] | null>();
  private publicSignature = '';

  private constructor(private readonly options: WorkspaceIndexOptions) {
    this.root = resolve(options.root);
    this.cacheDir = options.cacheDir === undefined ? defaultCacheDir(this.root) : options.cacheDir;
    this.ready = this.build();
    this.ready.catch(() => undefined);
  }

  /** Starts building in the background; returns at once. */
  static start(options: WorkspaceIndexOptions): WorkspaceIndex {
    return new WorkspaceIndex(options);
  }

  /**
   * The index a gateway or editor last cached for `root`, without walking the workspace: for
   * short-lived processes (agent hooks) that cannot wait for a build. Undefined when there is
   * no cache; it may lag the files by the last few seconds of edits.
   */
  static async loadCached(root: string, cacheDir: string = defaultCacheDir(root)): Promise<FingerprintIndex | undefined> {
    try {
      const meta = JSON.parse(await fs.readFile(join(cacheDir, 'index.json'), 'utf8')) as CacheMeta;
      if (meta.format !== FINGERPRINT_FORMAT || meta.root !== resolve(root)) return undefined;
      return deserializeIndex(await fs.readFile(join(cacheDir, 'index.alfp')));
    } catch {
      return undefined;
    }
  }

  private warn(message: string): void {
    try {
      this.options.onWarning?.(message);
    } catch {
      // a failing listener must not stop indexing
    }
  }

  private async build(): Promise<WorkspaceIndexStats> {
    const started = performance.now();
    if (this.options.enabled === false) return { files: 0, fingerprints: 0, excluded: 0, indexedFiles: 0, buildMs: 0, publicFiles: 0 };
    this.index.building = true;
    const cached = await this.loadCache();
    if (cached) {
      cached.index.building = true;
      this.index = cached.index;
    }
    const cachedFiles = cached?.meta.files ?? {};
    const listed = await listOwnFiles(this.root, { isProtected: this.options.isProtected, stopped: () => this.closed });
    let indexed = 0;
    let lastYield = performance.now();
    const present = new Set<string>();
    for (const file of listed) {
      if (this.closed) break;
      present.add(file.path);
      const known = cachedFiles[file.path];
      if (known && known[0] === file.mtimeMs && known[1] === file.size && this.index.has(file.path)) {
        this.files.set(file.path, known);
        continue;
      }
      const text = await readText(file.absolutePath);
      if (text === undefined) {
        this.index.remove(file.path);
        continue;
      }
      this.index.add(file.path, text);
      this.files.set(file.path, [file.mtimeMs, file.size]);
      indexed++;
      // Yield now and then so requests are answered while a large workspace indexes.
      if (performance.now() - lastYield > 20) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    if (!this.closed) for (const path of this.index.sources()) if (!present.has(path)) this.index.remove(path);

    const publicDirs = this.options.publicDirs ?? (existsSync(join(this.root, 'node_modules')) ? [join(this.root, 'node_modules')] : []);
    this.publicSignature = await signatureOf(publicDirs);
    let publicFiles = 0;
    // Nothing protected, nothing to exclude: the dependencies are not read at all.
    const stale = indexed > 0 || !cached || cached.meta.publicSignature !== this.publicSignature;
    if (!this.closed && this.index.sourceCount > 0 && stale) {
      publicFiles = await this.excludePublic(publicDirs);
    }
    // Complete: a file it does not have is not protected code (or too small, ignored, binary).
    this.index.building = false;
    if (this.options.watch !== false && !this.closed) this.startWatching();
    if (!this.closed) await this.saveCache();
    return {
      files: this.index.sourceCount,
      fingerprints: this.index.fingerprintCount,
      excluded: this.index.excludedCount,
      indexedFiles: indexed,
      buildMs: performance.now() - started,
      publicFiles,
    };
  }

  private async excludePublic(dirs: readonly string[]): Promise<number> {
    let count = 0;
    let lastYield = performance.now();
    for (const dir of dirs) {
      for (const file of await listPublicFiles(dir)) {
        if (this.closed) return count;
        const text = await readText(file);
        if (text === undefined) continue;
        this.index.excludeText(text);
        count++;
        if (performance.now() - lastYield > 20) {
          await new Promise((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
    }
    return count;
  }

  /** Re-reads one file (workspace-relative or absolute path): indexed, replaced or dropped. */
  async update(path: string): Promise<void> {
    if (this.options.enabled === false) return;
    const rel = (isAbsolute(path) ? relative(this.root, path) : path).split(sep).join('/');
    if (rel.startsWith('..') || rel === '') return;
    if (rel.endsWith('.gitignore')) this.ignoreCache.clear();
    const absolutePath = join(this.root, ...rel.split('/'));
    const drop = () => {
      if (this.index.remove(rel)) this.files.delete(rel);
    };
    if (outsideOwnCode(rel) || !this.options.isProtected(rel) || (await this.ignored(rel))) return drop();
    let stat;
    try {
      stat = await fs.stat(absolutePath);
    } catch {
      return drop();
    }
    if (!stat.isFile() || stat.size === 0 || stat.size > MAX_SOURCE_BYTES) return drop();
    const known = this.files.get(rel);
    if (known && known[0] === stat.mtimeMs && known[1] === stat.size) return;
    const text = await readText(absolutePath);
    if (text === undefined) return drop();
    this.index.add(rel, text);
    this.files.set(rel, [stat.mtimeMs, stat.size]);
    this.scheduleSave();
  }

  /** Whether git ignores `rel` (the .gitignore files on its path, read once and cached until one changes). */
  private async ignored(rel: string): Promise<boolean> {
    const gitRoot = findGitRoot(this.root) ?? this.root;
    const fromGit = relative(gitRoot, join(this.root, ...rel.split('/'))).split(sep).join('/');
    const parts = fromGit.split('/');
    const layers: IgnoreLayer[] = [];
    for (let depth = 0; depth < parts.length; depth++) {
      const base = parts.slice(0, depth).join('/');
      if (depth > 0 && isIgnored(layers, base, true)) return true;
      let rules = this.ignoreCache.get(base);
      if (rules === undefined) {
        try {
          rules = parseGitignore(await fs.readFile(join(gitRoot, ...base.split('/').filter(Boolean), '.gitignore'), 'utf8'));
        } catch {
          rules = null;
        }
        this.ignoreCache.set(base, rules);
      }
      if (rules) layers.push({ base, rules });
    }
    return isIgnored(layers, fromGit, false);
  }

  private startWatching(): void {
    try {
      this.watcher = watch(this.root, { recursive: true, persistent: false }, (_event, filename) => {
        if (!filename || this.closed) return;
        const rel = filename.toString().split(sep).join('/');
        if (outsideOwnCode(rel) && !rel.endsWith('.gitignore')) return;
        // Editors write in bursts (temp file, rename, chmod): act once the burst is over.
        clearTimeout(this.pending.get(rel));
        this.pending.set(
          rel,
          setTimeout(() => {
            this.pending.delete(rel);
            this.update(rel).catch(() => this.warn('a changed file could not be re-indexed'));
          }, 50),
        );
      });
      this.watcher.on('error', () => this.warn('the file watcher stopped; the fingerprint index is no longer kept current'));
    } catch {
      this.warn('cannot watch the workspace; the fingerprint index is not kept current');
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.cacheDir === null) return;
    // Serializing a million-line index takes tens of milliseconds on the event loop: at most
    // twice a minute while files change (and once more on close).
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveCache();
    }, 30_000);
    this.saveTimer.unref();
  }

  private async loadCache(): Promise<{ index: FingerprintIndex; meta: CacheMeta } | undefined> {
    if (this.cacheDir === null) return undefined;
    try {
      const meta = JSON.parse(await fs.readFile(join(this.cacheDir, 'index.json'), 'utf8')) as CacheMeta;
      if (meta.format !== FINGERPRINT_FORMAT || meta.root !== this.root) return undefined;
      const index = deserializeIndex(await fs.readFile(join(this.cacheDir, 'index.alfp')));
      return { index, meta };
    } catch {
      return undefined; // no cache, or a stale/corrupt one: rebuild
    }
  }

  private async saveCache(): Promise<void> {
    // Nothing protected, nothing to remember: no cache folder for every folder ever scanned.
    if (this.cacheDir === null || this.options.writeCache === false || (this.index.sourceCount === 0 && !existsSync(this.cacheDir))) return;
    try {
      await fs.mkdir(this.cacheDir, { recursive: true, mode: 0o700 });
      const meta: CacheMeta = { format: FINGERPRINT_FORMAT, root: this.root, files: Object.fromEntries(this.files), publicSignature: this.publicSignature };
      await writeAtomic(join(this.cacheDir, 'index.alfp'), serializeIndex(this.index));
      await writeAtomic(join(this.cacheDir, 'index.json'), JSON.stringify(meta));
    } catch {
      this.warn('the fingerprint cache could not be written (the index still works)');
    }
  }

  /** Stops watching and building (a build in progress ends at its next file); saves pending updates. */
  async close(): Promise<void> {
    const building = !this.closed;
    this.closed = true;
    this.watcher?.close();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      await this.saveCache();
    }
    if (building) await Promise.race([this.ready.catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}

async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, data, { mode: 0o600 });
  await fs.rename(tmp, file);
}

/** Changes when a dependency is installed, removed or updated (the folder and its package entries). */
async function signatureOf(dirs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    hash.update(dir);
    try {
      const entries = await fs.readdir(dir);
      for (const name of entries.sort()) {
        try {
          hash.update(`${name}:${(await fs.stat(join(dir, name))).mtimeMs}`);
        } catch {
          hash.update(name);
        }
      }
      const lock = join(dirname(dir), 'package-lock.json');
      if (existsSync(lock)) hash.update(String((await fs.stat(lock)).mtimeMs));
    } catch {
      hash.update('missing');
    }
  }
  return hash.digest('hex');
}
