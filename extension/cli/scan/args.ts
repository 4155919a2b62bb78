// Parses the arguments of `airlock scan`. Pure: argv in, options or a usage error out.
import { SCAN_FORMATS, type ScanFormat } from './formats';

/**
 * Scanning answers "what would happen if these files were sent to a public model?", so the
 * default destination is a public model API: rules that allow protected code towards an
 * internal endpoint must not hide it from a scan.
 */
export const DEFAULT_DESTINATION = 'https://api.openai.com/v1/chat/completions';

/** Larger files are almost never source or config (bundles, dumps, datasets); skip and report them. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ScanOptions {
  policy?: string;
  /** Organization policy above the workspace one (default $AIRLOCK_ORG_POLICY). */
  orgPolicy?: string;
  destination: string;
  format: ScanFormat;
  maxFileBytes: number;
  /** Path to report (and to match policy globs against) for stdin input. */
  stdinName?: string;
  /** Worker threads for large scans; undefined = one per core. */
  jobs?: number;
  /** Workspace whose protected files are fingerprinted (default: the policy's workspace root). */
  workspace?: string;
  paths: string[];
  help: boolean;
}

export class ScanUsageError extends Error {}

export const SCAN_USAGE = `usage: airlock scan [--policy FILE] [--org-policy FILE] [--destination URL] [--format text|json|sarif]
                   [--max-file-size BYTES] [--stdin-name PATH] [--workspace DIR] [--jobs N] [paths…|-]

Scans files, folders (recursively, honouring .gitignore; .git/ is skipped) or stdin ('-') as if
each file were sent to DESTINATION, and reports what the policy would do.
  --policy FILE        policy to apply (default: .airlock/policy.jsonc of the workspace,
                       searched from the current folder up to the git root, else airlock:secrets)
  --org-policy FILE    organization policy above it (default $AIRLOCK_ORG_POLICY)
  --destination URL    where the traffic would go (default: ${DEFAULT_DESTINATION},
                       a public model API: "what if this went to a public model?")
  --format FORMAT      text (default), json or sarif (SARIF 2.1.0, for GitHub code scanning)
  --max-file-size N    skip files larger than N bytes (default ${DEFAULT_MAX_FILE_BYTES})
  --stdin-name PATH    path to report for stdin input and to match path rules against
  --workspace DIR      workspace whose protected files are fingerprinted, so copies of them are
                       found in any scanned file (default: the policy's workspace folder)
  --jobs N             threads scanning large inputs (4 MB or more; default: one per core
                       but one, which V8's compiler and collector use; 1 = main thread only).
                       AIRLOCK_SCAN_READER=on reads a folder's files on a second thread
                       while one thread scans (off by default: it did not pay on 2 cores)
Exit status: 1 when the verdict is block, 2 on usage errors or an invalid policy, else 0.
`;

const VALUE_OPTIONS = ['--policy', '--org-policy', '--destination', '--format', '--max-file-size', '--stdin-name', '--workspace', '--jobs'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

export function parseScanArgs(argv: readonly string[]): ScanOptions {
  const options: ScanOptions = {
    destination: DEFAULT_DESTINATION,
    format: 'text',
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    paths: [],
    help: false,
  };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPaths || arg === '-' || !arg.startsWith('-')) {
      options.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      options.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) throw new ScanUsageError(`unknown option '${name}'`);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new ScanUsageError(`option '${name}' needs a value`);
      value = argv[++i]!;
    }
    applyOption(options, name as ValueOption, value);
  }
  if (options.paths.length === 0) options.paths.push('.');
  if (options.paths.filter((p) => p === '-').length > 1) throw new ScanUsageError("stdin ('-') can be given only once");
  return options;
}

function applyOption(options: ScanOptions, name: ValueOption, value: string): void {
  switch (name) {
    case '--policy':
      if (value === '') throw new ScanUsageError('--policy needs a file or preset');
      options.policy = value;
      return;
    case '--org-policy':
      if (value === '') throw new ScanUsageError('--org-policy needs a file or preset');
      options.orgPolicy = value;
      return;
    case '--destination':
      options.destination = checkDestination(value);
      return;
    case '--format':
      if (!(SCAN_FORMATS as readonly string[]).includes(value)) {
        throw new ScanUsageError(`unknown format '${value}' (expected ${SCAN_FORMATS.join(', ')})`);
      }
      options.format = value as ScanFormat;
      return;
    case '--max-file-size': {
      if (!/^\d+$/.test(value) || Number(value) <= 0) throw new ScanUsageError(`--max-file-size needs a positive number of bytes`);
      options.maxFileBytes = Number(value);
      return;
    }
    case '--stdin-name':
      if (value === '') throw new ScanUsageError('--stdin-name needs a path');
      options.stdinName = value;
      return;
    case '--jobs':
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) throw new ScanUsageError('--jobs needs a number of threads from 1 to 64');
      options.jobs = Number(value);
      return;
    case '--workspace':
      if (value === '') throw new ScanUsageError('--workspace needs a folder');
      options.workspace = value;
      return;
  }
}

function checkDestination(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ScanUsageError(`--destination is not a URL: '${value}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ScanUsageError(`--destination must be an http(s) URL (got ${url.protocol})`);
  }
  return url.href;
}
