// Node-side policy reading for the CLI (and anything else running in Node): presets compiled
// into the bundle (never read from disk, so the CLI is one file and a preset cannot be
// edited in place), files from disk, https URLs with a timeout and a size cap. Core
// gets this as the injected `read(ref)` and never touches the file system itself.
import { existsSync, promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  BUNDLED_PRESETS,
  DEFAULT_PRESET,
  DEFAULT_WORKSPACE_POLICY_PATH,
  MAX_POLICY_CHARS,
  PRESET_PREFIX,
  refKind,
  type PolicyReader,
} from '../core/policy';
import { createHttpsFetch } from './orgPolicy/fetchHttps';

export interface NodePolicyReaderOptions {
  /** Read presets from this folder instead of the bundled copies (tests of preset edits). */
  presetsDir?: string;
  /** Timeout for https reads, ms. */
  timeoutMs?: number;
  /** Largest accepted policy, bytes. */
  maxBytes?: number;
}

export function createNodePolicyReader(options: NodePolicyReaderOptions = {}): PolicyReader {
  const presetsDir = options.presetsDir;
  const maxBytes = options.maxBytes ?? MAX_POLICY_CHARS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const read: PolicyReader = async (ref) => {
    switch (refKind(ref)) {
      case 'preset': {
        const name = ref.slice(PRESET_PREFIX.length);
        if (presetsDir === undefined) {
          const text = Object.hasOwn(BUNDLED_PRESETS, name) ? BUNDLED_PRESETS[name] : undefined;
          if (text === undefined) throw new Error(`no preset named "${name}" (bundled: ${Object.keys(BUNDLED_PRESETS).map((n) => PRESET_PREFIX + n).join(', ')})`);
          return text;
        }
        const file = join(presetsDir, `${name}.jsonc`);
        if (!existsSync(file)) throw new Error(`no preset named "${name}" (looked in ${presetsDir})`);
        return readFileCapped(file, maxBytes);
      }
      case 'url':
        return readHttps(ref, timeoutMs, maxBytes);
      default:
        return readFileCapped(ref, maxBytes);
    }
  };
  // Fingerprint files (`protected.fingerprints`): binary, and larger than any policy.
  read.readBytes = async (ref) => {
    if (refKind(ref) === 'url') return Buffer.from(await readHttps(ref, timeoutMs, MAX_FINGERPRINT_BYTES, 'binary'), 'latin1');
    const stat = await fs.stat(ref);
    if (!stat.isFile()) throw new Error('not a file');
    if (stat.size > MAX_FINGERPRINT_BYTES) throw new Error(`larger than ${mb(MAX_FINGERPRINT_BYTES)} MB`);
    return fs.readFile(ref);
  };
  return read;
}

const FILE_ERRORS: Record<string, string> = { ENOENT: 'no such file', ENOTDIR: 'no such file', EISDIR: 'is a folder, not a file', EACCES: 'permission denied', EPERM: 'permission denied' };
/** A fingerprint file of ten million lines of code is about 200 MB. */
const MAX_FINGERPRINT_BYTES = 512 * 1024 * 1024;

async function readFileCapped(file: string, maxBytes: number): Promise<string> {
  // One short reason instead of Node's "ENOENT: no such file or directory, stat '…'" (the
  // caller already names the file).
  const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(FILE_ERRORS[error.code ?? ''] ?? error.message);
  });
  if (!stat.isFile()) throw new Error(stat.isDirectory() ? 'is a folder, not a file' : 'not a file');
  // Refuse before reading: a 50 MB "policy" is a mistake and must not cost 50 MB of memory.
  if (stat.size > maxBytes) throw new Error(`policy is too large (${mb(stat.size)} MB; the limit is ${mb(maxBytes)} MB)`);
  return fs.readFile(file, 'utf8');
}

/** A policy (or a file it names) from an https URL: any status but 2xx is an error. */
async function readHttps(url: string, timeoutMs: number, maxBytes: number, encoding: 'utf8' | 'binary' = 'utf8'): Promise<string> {
  const fetch = createHttpsFetch({
    timeoutMs,
    maxBytes,
    tooLarge: (max, declared) => new Error(declared !== undefined ? `policy is too large (${mb(declared)} MB; the limit is ${mb(max)} MB)` : `policy is too large (more than ${mb(max)} MB)`),
  });
  const response = await fetch(url, {});
  const status = response.status;
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`);
  return response.bytes.toString(encoding === 'binary' ? 'latin1' : 'utf8');
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/**
 * The bundled presets: `policies/` beside the bundle's parent (dist/cli.js → policies/), or,
 * when running from sources under tsx, the repository's policies/ folder.
 */
export function defaultPresetsDir(from: string = __dirname): string {
  let dir = resolve(from);
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'policies');
    if (existsSync(join(candidate, 'secrets.jsonc'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(resolve(from), '..', 'policies');
}

/** The workspace policy: `.airlock/policy.jsonc` when it exists, else the `airlock:secrets` preset. */
export function defaultWorkspacePolicyRef(workspaceRoot: string): string {
  const file = join(workspaceRoot, DEFAULT_WORKSPACE_POLICY_PATH);
  return existsSync(file) ? file : DEFAULT_PRESET;
}

/** The environment variable naming the organization policy (a file, an https URL or a preset). */
export const ORG_POLICY_ENV = 'AIRLOCK_ORG_POLICY';

/** A policy reference as given on a command line: files are resolved against `cwd`. */
export function cliPolicyRef(ref: string, cwd: string): string {
  return refKind(ref) === 'file' && !isAbsolute(ref) ? resolve(cwd, ref) : ref;
}

export interface EffectivePolicyRefs {
  /** `--org-policy`; else $AIRLOCK_ORG_POLICY; else no organization layer. */
  orgPolicy?: string;
  /** The workspace layer (already chosen by the command: --policy, .airlock/policy.jsonc, a preset). */
  workspace: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** The organization layer's reference, if any (the flag wins over the environment). */
export function organizationPolicyRef(orgPolicy: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ref = orgPolicy || env[ORG_POLICY_ENV] || undefined;
  return ref ? cliPolicyRef(ref, cwd) : undefined;
}
