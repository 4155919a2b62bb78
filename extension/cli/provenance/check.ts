// `airlock check [--staged | --range A..B | --all] [--format text|json|sarif] [--policy F]`
// Exit 1 when an AI-written line in scope is unreviewed or forbidden; 0 otherwise; 2 when the
// policy cannot be loaded (fail closed: a commit hook then refuses).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateFile, locateSpans, type Violation } from '../../core/ledger/check';
import { indexText } from '../../core/provenance/anchor';
import { VERSION } from '../../core/version';
import type { CliIO } from '../run';
import { flag, guarded, parseArgs, UsageError, workspaceRoot } from './common';
import { changedPaths, git, readBlobs, stagedPaths } from './git';
import { loadLedgerState, spansByCurrentPath } from './ledgerState';
import { loadReviewPolicy } from './policy';

export const CHECK_USAGE = 'airlock check [--staged | --range A..B | --all] [--format text|json|sarif] [--policy F]';

export async function checkCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'check', async () => {
    const parsed = parseArgs(args, ['staged', 'all']);
    const format = flag(parsed, 'format') ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError('--format must be text, json or sarif');
    const range = flag(parsed, 'range');
    const staged = parsed.flags.has('staged');
    if ([staged, range !== undefined, parsed.flags.has('all')].filter(Boolean).length > 1) throw new UsageError('choose one of --staged, --range, --all');
    const root = workspaceRoot(io.cwd);

    const load = await loadReviewPolicy(root, flag(parsed, 'policy'));
    if (!load.ok) {
      io.stderr.write(`airlock check: the policy could not be loaded, refusing (fail closed):\n${load.problems.map((p) => `  ${p}\n`).join('')}`);
      return 2;
    }
    const state = loadLedgerState(root, io);

    // Which files, and where their content comes from.
    let scope: Set<string> | undefined;
    let readContent: (paths: string[]) => Map<string, string | undefined>;
    if (staged) {
      scope = new Set(stagedPaths(root));
      readContent = (paths) => rekey(readBlobs(root, paths.map((p) => `:${p}`)), ':');
    } else if (range !== undefined) {
      const at = range.indexOf('..');
      const from = range.slice(0, at);
      const to = range.slice(at + 2);
      if (at <= 0 || !to || to.startsWith('.')) throw new UsageError('--range takes A..B');
      const paths = changedPaths(root, from, to);
      if (!paths) throw new UsageError(rangeError(root, from, to));
      scope = new Set(paths);
      readContent = (ps) => rekey(readBlobs(root, ps.map((p) => `${to}:${p}`)), `${to}:`);
    } else {
      readContent = () => new Map();
    }
    const exists = range !== undefined ? (p: string) => scope!.has(p) : (p: string) => existsSync(resolve(root, p));
    const byPath = spansByCurrentPath(state, root, exists);
    const paths = [...byPath.keys()].filter((p) => !scope || scope.has(p)).sort();
    // Index and git blobs are fetched in one batch; working-tree files are read one at a time,
    // so a large repository never holds all its text at once.
    const contents = readContent(paths);
    const contentOf = (path: string) => (contents.has(path) ? contents.get(path) : staged || range !== undefined ? undefined : readWorking(root, path));

    const violations: Violation[] = [];
    let aiLines = 0;
    for (const path of paths) {
      const text = contentOf(path);
      if (text === undefined) continue;
      const located = locateSpans(byPath.get(path)!, indexText(text));
      aiLines += located.length;
      violations.push(...evaluateFile(path, located, state, load.policy));
    }
    const ok = violations.length === 0;
    if (format === 'json') io.stdout.write(JSON.stringify({ ok, violations }) + '\n');
    else if (format === 'sarif') io.stdout.write(JSON.stringify(toSarif(violations), null, 2) + '\n');
    else io.stdout.write(textReport(violations, paths.length, aiLines));
    return ok ? 0 : 1;
  });
}

function readWorking(root: string, path: string): string | undefined {
  try {
    return readFileSync(resolve(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

function rekey(map: Map<string, string | undefined>, prefix: string): Map<string, string | undefined> {
  return new Map([...map].map(([k, v]) => [k.slice(prefix.length), v]));
}

function textReport(violations: readonly Violation[], files: number, aiLines: number): string {
  if (violations.length === 0) return `airlock: ok — ${aiLines} AI-written line(s) in ${files} file(s), all reviewed as the policy requires\n`;
  const rows = violations.map((v) => `  ${v.path}:${v.startLine}-${v.endLine}  ${v.kind}  tool=${v.tool}${v.model ? ` model=${v.model}` : ''}  rule=${v.rule}\n`);
  const unreviewed = violations.filter((v) => v.kind === 'unreviewed');
  const hint = unreviewed.length > 0 ? `approve after reading, e.g.: airlock review approve ${unreviewed[0]!.path}:${unreviewed[0]!.startLine}-${unreviewed[0]!.endLine}\n` : '';
  const forbidden = violations.some((v) => v.kind === 'forbidden') ? 'forbidden ranges must be rewritten by a person (or: airlock review reject FILE:A-B)\n' : '';
  return `airlock: ${violations.length} AI-written range(s) need attention:\n${rows.join('')}${hint}${forbidden}`;
}

function toSarif(violations: readonly Violation[]): unknown {
  const rules = [...new Set(violations.map((v) => v.rule))].map((id) => ({ id, shortDescription: { text: `Airlock review rule ${id}` } }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'airlock', version: VERSION, informationUri: 'https://example.invalid/airlock', rules } },
        results: violations.map((v) => ({
          ruleId: v.rule,
          level: 'error',
          message: { text: v.kind === 'forbidden' ? `AI-written code is forbidden here (${v.tool}${v.model ? `, ${v.model}` : ''})` : `AI-written code is not reviewed (${v.tool}${v.model ? `, ${v.model}` : ''})` },
          locations: [{ physicalLocation: { artifactLocation: { uri: v.path }, region: { startLine: v.startLine, endLine: v.endLine } } }],
        })),
      },
    ],
  };
}

/** Why git cannot diff `from..to`, in one line: the end it does not know, or git's own reason. */
function rangeError(root: string, from: string, to: string): string {
  for (const end of [from, to]) {
    if (!git(root, ['rev-parse', '--verify', '--quiet', `${end}^{commit}`]).ok) {
      return `--range ${from}..${to}: git knows no commit '${end}' here (a typo, or a shallow clone: fetch it first, e.g. \`git fetch origin ${end}\` or check out with full history)`;
    }
  }
  const reason = git(root, ['diff', '--name-only', `${from}..${to}`]).stderr.trim().split('\n')[0];
  return `--range ${from}..${to}: git cannot diff it${reason ? ` (${reason})` : ''}`;
}
