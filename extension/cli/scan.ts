// `airlock scan [--policy F] [--destination URL] [--format text|json|sarif] [paths…|-]`:
// what would the policy do if these files were sent to an AI model? Exit 1 when the verdict
// is block, 2 on usage errors or an invalid policy (positioned problems on stderr), else 0.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BUILTIN_SECRET_DETECTORS } from '../core/detectors';
import { DEFAULT_PRESET, DEFAULT_WORKSPACE_POLICY_PATH, formatProblem, refKind, type AirlockPolicy, type PolicyReader } from '../core/policy';
import { loadEffectivePolicy } from './orgPolicy/loadCliPolicy';
import type { CliIO } from './run';
import { parseScanArgs, SCAN_USAGE, ScanUsageError, type ScanOptions } from './scan/args';
import { evaluateOne, reportOf, type InputResult } from './scan/evaluate';
import { defaultThreads, POOL_LISTED_FILE_BYTES, poolOptions, ScanPool, type PreparedInput } from './scan/pool';
import { createNodePolicyReader } from './policySource';
import { serializeIndex } from '../core/fingerprint';
import type { EgressOptions } from '../core/egress/types';
import { formatReport } from './scan/formats';
import { ReadAhead, ReaderFailedError } from './scan/readAhead';
import { collectInputs, findGitRoot, MissingPathError, type ListedItem, type ScanInput, type SkippedInput, type WalkResult } from './scan/walk';
import { protectsPaths, WorkspaceIndex } from './fingerprint/workspaceIndex';

export async function scanCommand(args: string[], io: CliIO): Promise<number> {
  let options: ScanOptions;
  try {
    options = parseScanArgs(args);
  } catch (error) {
    if (!(error instanceof ScanUsageError)) throw error;
    io.stderr.write(`airlock scan: ${error.message}\n${SCAN_USAGE}`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(SCAN_USAGE);
    return 0;
  }

  const threads = options.jobs ?? defaultThreads();
  // One scanning thread: a folder's files are read on a second thread from now on, while the
  // policy compiles and the scan goes on (readAhead.ts); it is stopped however the scan ends.
  const reader = threads === 1 && readAheadWanted(io.env ?? process.env) ? ReadAhead.start({ paths: options.paths, cwd: io.cwd, maxFileBytes: options.maxFileBytes }) : undefined;
  try {
    return await scanParsed(options, threads, reader, io);
  } finally {
    reader?.close();
  }
}

async function scanParsed(options: ScanOptions, threads: number, reader: ReadAhead | undefined, io: CliIO): Promise<number> {
  const location = policyLocation(options.policy, io.cwd);
  // Every policy file as read, so scan workers compile exactly what this thread compiled.
  if (io.onLink && refKind(location.ref) === 'file') io.onLink(location.ref);
  const recorded = recordingReader(createNodePolicyReader());
  // The organization layer (--org-policy, else $AIRLOCK_ORG_POLICY) sits above the workspace policy, as everywhere.
  const loaded = await loadEffectivePolicy({ workspace: location.ref, cwd: io.cwd, read: recorded.read, ...(options.orgPolicy ? { orgPolicy: options.orgPolicy } : {}), ...(io.env ? { env: io.env } : {}) });
  if (!loaded.ok) {
    // Fail closed and say where: nothing is scanned against a policy that did not load.
    for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem, displayRef(problem.source, io.cwd))}\n`);
    io.stderr.write(`airlock scan: the policy ${[...new Set(loaded.problems.map((p) => displayRef(p.source, io.cwd)))].join(', ') || displayRef(location.ref, io.cwd)} is invalid\n`);
    return 2;
  }
  for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem, displayRef(problem.source, io.cwd))}\n`);

  const workspaceRoot = options.workspace ? resolve(io.cwd, options.workspace) : location.workspaceRoot;
  // Large folders: every core but one (see defaultThreads). Workers start while the walk is still reading (they take about
  // as long to start as 20 MB take to read). Workspace policies only: an organization layer is
  // verified and cached by its own reader, so those scans stay on the main thread, as do
  // policies naming fingerprint files (up to 512 MB each: not copied into every worker).
  // In the scan server every scan goes through the pool (with no workers where they may not
  // help), whose scanning yields between batches: a caller that left stops it, and a caller
  // that comes meanwhile is told at once to scan itself.
  const workersMayHelp = threads > 1 && !loaded.org && !recorded.readBytes;
  const pool =
    workersMayHelp || poolOptions.keepWorkers
      ? new ScanPool({ policyRef: location.ref, policyTexts: recorded.texts, destination: options.destination, workspaceRoots: [workspaceRoot] }, workersMayHelp ? threads : 1)
      : undefined;
  try {
    return await scanWith(pool);
  } finally {
    await pool?.close();
  }

  async function scanWith(pool: ScanPool | undefined): Promise<number> {
    const missing = options.paths.find((given) => given !== '-' && !existsSync(resolve(io.cwd, given)));
    if (missing !== undefined) return missingPath(new MissingPathError(missing));
    const policy = loaded.policy;
    const resolvedCwd = resolve(io.cwd);
    const evaluateOptions = {
      destination: options.destination,
      displayPath: (absolute: string | undefined) => (absolute ? displayPath(absolute, io.cwd, resolvedCwd) : (options.stdinName ?? '<stdin>')),
      requestPath: (absolute: string | undefined) => (absolute ? workspacePath(absolute, location.workspaceRoot) : options.stdinName),
      onEngineError: (path: string) => io.stderr.write(`airlock scan: the policy engine failed on ${path}; treated as block\n`),
    };
    let report;
    if (!pool) {
      // One thread: each file is evaluated as soon as it is read and its text let go (the
      // fingerprint index, which every evaluation needs, is built first).
      const egressOptions: EgressOptions = { protectedIndex: await fingerprintIndex(), workspaceRoots: [workspaceRoot] };
      let results: InputResult[] = [];
      // Engine failures are told once the scan is done (a failed reader's inputs are scanned again).
      let engineErrors: string[] = [];
      const onEngineError = (path: string) => engineErrors.push(path);
      const consume = (input: ScanInput) => {
        io.signal?.throwIfAborted();
        results.push(evaluateOne(policy, input.text, evaluateOptions.displayPath(input.absolutePath), evaluateOptions.requestPath(input.absolutePath), options.destination, onEngineError, egressOptions));
      };
      let walked: WalkResult | undefined;
      try {
        if (reader) {
          try {
            walked = await reader.consume(consume, (path) => new MissingPathError(path));
            if (walked.inputCount !== results.length) throw new ReaderFailedError('the reader thread miscounted its inputs');
          } catch (error) {
            if (!(error instanceof ReaderFailedError)) throw error;
            // Whatever the reader sent is forgotten: this thread walks and scans everything.
            results = [];
            engineErrors = [];
            walked = undefined;
          }
        }
        walked ??= await collectInputs(options.paths, io.cwd, { maxFileBytes: options.maxFileBytes, readStdin: () => readAll(io.stdin), consume });
      } catch (error) {
        if (!(error instanceof MissingPathError)) throw error;
        return missingPath(error);
      }
      for (const path of engineErrors) evaluateOptions.onEngineError(path);
      report = reportOf(policy, results, walked.inputCount, walked.skipped, evaluateOptions);
    } else {
      // The fingerprint index first, as on one thread: the workers need it with their first batch,
      // and they get batches while the walk is still reading (pool.offer).
      const egressOptions: EgressOptions = { protectedIndex: await fingerprintIndex(), workspaceRoots: [workspaceRoot] };
      pool.configure({ ...(egressOptions.protectedIndex ? { protectedIndex: serializeIndex(egressOptions.protectedIndex) } : {}), maxFileBytes: options.maxFileBytes });
      // Each item in walk order: an input to scan (its text, or a listed file a thread reads), or a skip.
      const items: PreparedInput[] = [];
      const order: (number | SkippedInput)[] = [];
      const prepare = (item: Omit<PreparedInput, 'display' | 'request'>, absolutePath: string | undefined) => {
        const one = { ...item, display: evaluateOptions.displayPath(absolutePath), request: evaluateOptions.requestPath(absolutePath) };
        order.push(items.push(one) - 1);
        return one;
      };
      let bytesRead = 0;
      let walked: WalkResult;
      try {
        walked = await collectInputs(options.paths, io.cwd, {
          maxFileBytes: options.maxFileBytes,
          readStdin: () => readAll(io.stdin),
          ...(io.onLink ? { onLink: io.onLink } : {}),
          ...(poolOptions.keepWorkers
            ? {
                // Warm workers (the scan server): the walk only lists, and the workers get batches of
                // files to read and scan at once; this thread reads and scans too once it has listed.
                list: (item: ListedItem) => {
                  io.signal?.throwIfAborted();
                  if (item.kind === 'skipped') return void order.push(item.skipped);
                  pool.grow((items.length + 1) * POOL_LISTED_FILE_BYTES);
                  pool.offer(item.kind === 'file' ? prepare({ file: item.file }, item.file.absolutePath) : prepare({ text: item.input.text }, item.input.absolutePath));
                },
              }
            : {
                // Workers start now: they are sent batches while this thread reads on.
                consume: (input: ScanInput) => {
                  io.signal?.throwIfAborted();
                  pool.grow((bytesRead += input.text.length));
                  pool.offer(prepare({ text: input.text }, input.absolutePath));
                },
              }),
        });
      } catch (error) {
        if (!(error instanceof MissingPathError)) throw error;
        return missingPath(error);
      }
      // In input order, whichever thread scanned what (this one alone below the pool's threshold).
      const scanned = await pool.evaluate(policy, items, evaluateOptions.onEngineError, egressOptions, io.signal);
      const results: InputResult[] = [];
      // (A walk that reads keeps its skips itself; a listing one hands them over in order.)
      const skipped: SkippedInput[] = [...walked.skipped];
      for (const entry of order) {
        if (typeof entry !== 'number') skipped.push(entry);
        else {
          const result = scanned[entry]!;
          if ('skipped' in result) skipped.push({ absolutePath: items[entry]!.file!.absolutePath, reason: result.skipped });
          else results.push(result);
        }
      }
      report = reportOf(policy, results, results.length, skipped, evaluateOptions);
    }
    report.policy = policySources(policy, io.cwd);
    io.stdout.write(formatReport(report, options.format, { describeDetector }));
    return report.verdict === 'block' ? 1 : 0;
  }

  function missingPath(error: MissingPathError): number {
    io.stderr.write(`airlock scan: ${error.message}\n`);
    return 2;
  }

  /** Copies of the workspace's protected code are found by fingerprint in any scanned file. */
  async function fingerprintIndex(): Promise<EgressOptions['protectedIndex']> {
    const policy = loaded.policy;
    const fingerprints = WorkspaceIndex.start({
      root: workspaceRoot,
      isProtected: (path) => policy.isProtectedPath(path) !== undefined,
      enabled: protectsPaths(policy),
      watch: false,
      writeCache: false,
      onWarning: (message) => io.stderr.write(`airlock scan: ${message}\n`),
    });
    try {
      await fingerprints.ready;
    } catch {
      io.stderr.write('airlock scan: the fingerprint index could not be built; protected code is recognised by path labels and markers only\n');
    }
    await fingerprints.close();
    return fingerprints.index;
  }
}

/**
 * Whether to read on a second thread: only when asked (AIRLOCK_SCAN_READER=on; the bench times
 * it beside the default). Measured on 2 cores, the only case it can apply to (with more, the
 * scan runs on a pool and reads on the main thread): under load the main thread waited for a
 * reader that got no core, and on a quiet machine the scan of the 20 MB bench corpus took 438
 * against 414 ms with 12% more CPU (farm-bench, 15 pairs), since V8's compiler and collector
 * already use the second core.
 */
function readAheadWanted(env: NodeJS.ProcessEnv): boolean {
  return env['AIRLOCK_SCAN_READER'] === 'on';
}

interface RecordingReader {
  read: PolicyReader;
  /** Every text the reader returned, by reference. */
  texts: Record<string, string>;
  /** Whether it read a binary file (a policy's fingerprint file). */
  readBytes: boolean;
}

/** A policy reader that keeps every text it returned (for the scan workers). */
function recordingReader(read: PolicyReader): RecordingReader {
  const recorded: RecordingReader = { read: async (ref) => (recorded.texts[ref] = await read(ref)), texts: {}, readBytes: false };
  const readBytes = read.readBytes;
  if (readBytes) {
    recorded.read.readBytes = (ref) => {
      recorded.readBytes = true;
      return readBytes(ref);
    };
  }
  return recorded;
}

interface PolicyLocation {
  /** Reference to load: a file path or an `airlock:` preset. */
  ref: string;
  /** Root that policy path globs are relative to. */
  workspaceRoot: string;
}

/**
 * The explicit --policy, else the nearest `.airlock/policy.jsonc` from cwd up to the git root
 * (only cwd outside git, so a stray policy in a home folder is never picked up), else the
 * default preset. Path globs apply relative to the folder holding `.airlock/`, else the git root.
 */
export function policyLocation(explicit: string | undefined, cwd: string): PolicyLocation {
  const gitRoot = findGitRoot(cwd);
  const fallbackRoot = gitRoot ?? resolve(cwd);
  if (explicit !== undefined) {
    if (refKind(explicit) !== 'file') return { ref: explicit, workspaceRoot: fallbackRoot };
    return { ref: resolve(cwd, explicit), workspaceRoot: fallbackRoot };
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, DEFAULT_WORKSPACE_POLICY_PATH);
    if (existsSync(candidate)) return { ref: candidate, workspaceRoot: dir };
    if (!gitRoot || dir === gitRoot || dirname(dir) === dir) break;
  }
  return { ref: DEFAULT_PRESET, workspaceRoot: fallbackRoot };
}

/** POSIX path relative to `root` when inside it, else the absolute path (still matchable by globs). */
function relativeInside(absolute: string, root: string): string | undefined {
  // The walker joins every path under an already resolved root: a plain prefix (thousands of
  // files, two paths each) answers what path.relative would.
  const prefix = root.endsWith(sep) ? root : root + sep;
  if (absolute.length > prefix.length && absolute.startsWith(prefix) && !absolute.includes(`${sep}..`) && !absolute.includes(`${sep}.${sep}`)) {
    const rel = absolute.slice(prefix.length);
    return sep === '/' ? rel : rel.split(sep).join('/');
  }
  const rel = relative(root, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function displayPath(absolute: string, cwd: string, resolvedCwd = resolve(cwd)): string {
  return relativeInside(absolute, resolvedCwd) ?? absolute.split(sep).join('/');
}

function workspacePath(absolute: string, workspaceRoot: string): string {
  return relativeInside(absolute, workspaceRoot) ?? absolute.split(sep).join('/');
}

function displayRef(ref: string, cwd: string): string {
  return refKind(ref) === 'file' ? displayPath(ref, cwd) : ref;
}

function policySources(policy: AirlockPolicy, cwd: string): string[] {
  return policy.sources.map((source) => displayRef(source, cwd));
}

const DETECTOR_DESCRIPTIONS = new Map(BUILTIN_SECRET_DETECTORS.map((d) => [d.id, d.description]));

function describeDetector(id: string): string | undefined {
  return DETECTOR_DESCRIPTIONS.get(id);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
