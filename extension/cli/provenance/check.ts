// `airlock check [--staged | --range A..B | --all] [--format text|json|sarif] [--policy F]`
// Exit 1 when an AI-written line in scope is unreviewed or forbidden, rejected code is back, the
// ledger was tampered with, or a commit does not disclose AI lines as the policy asks; 0
// otherwise; 2 when the policy cannot be loaded (fail closed: a commit hook then refuses).
//
// `--range A..B` reads everything from git objects, never the work tree: the ledger at B and at
// the merge base of A and B (which must be a prefix, record for record, of B's), the policy and
// the allowed signers file at A (the change cannot loosen its own check), the files at B, and
// who brought each AI line in from `git blame` at B. So it gives the same verdict in a checkout
// of the PR, a checkout of the base branch and a bare repository.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { appendedFindings, verifyAppendOnly, type TamperFinding } from '../../core/ledger/appendOnly';
import { evaluateFile, locateSpans, rejectedReintroduced, type ApprovalContext, type LocatedLine, type ReviewVerdict, type Violation } from '../../core/ledger/check';
import { foldLedger, spansByPath, type LedgerState } from '../../core/ledger/fold';
import { parseLedger, type ParseProblem, type ReviewRecord } from '../../core/ledger/records';
import { foldLedgerFile } from './ledgerFile';
import type { ReviewRequirement } from '../../core/policy/contract';
import { indexText } from '../../core/provenance/anchor';
import { CopyIndex } from '../../core/provenance/copies';
import { VERSION } from '../../core/version';
import type { CliIO } from '../run';
import { flag, guarded, insideRepo, parseArgs, readWorking, UsageError, workspaceRoot } from './common';
import { git, readBlobs, renames, stagedPaths } from './git';
import { blame, blobBytes, blobInfo, changedSince, isBlobPrefix, commitInfo, commitsBetween, LEDGER_PATH, ledgerAt, mergeBase, renamesIn, resolveCommit, UNCOMMITTED, type CommitInfo } from './gitHistory';
import { followRenames, rejectedByPath } from './ledgerState';
import { loadReviewPolicy } from './policy';
import { identityKey, ReviewVerifier, reviewVerdict } from './signing';
import { disclosureViolations } from './disclosure';
import { gitAiContributions } from './gitAiNotes';

export const CHECK_USAGE = 'airlock check [--staged | --range A..B | --all] [--format text|json|sarif] [--policy F]';

/** Where one check reads from: git objects (range, staged) or the work tree (all). */
interface Source {
  mode: 'range' | 'staged' | 'all';
  /** The ledger checked, folded, with its parse problems. */
  state: LedgerState;
  problems: ParseProblem[];
  /** Tamper findings: the ledger checked must extend the committed one. */
  tamper(problems: readonly ParseProblem[]): TamperFinding[];
  /** The commit whose policy and allowed signers apply (range: A). */
  policyCommit?: string;
  scope?: Set<string>;
  exists(path: string): boolean;
  renames(): Map<string, string>;
  read(paths: string[]): Map<string, string | undefined>;
  /** Commit per 1-based line of `path` (with `text`, its content as checked). */
  blame(path: string, text: string): Map<number, string>;
  /** Range only: the commits in the range, for disclosure. */
  range?: { commits: () => Set<string> };
}

/** A review that did not count, once per record. */
export interface ReviewNote {
  record: string;
  reviewer: string;
  path: string;
  reason: string;
}

export async function checkCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'check', async () => {
    const parsed = parseArgs(args, ['staged', 'all']);
    const format = flag(parsed, 'format') ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError('--format must be text, json or sarif');
    const range = flag(parsed, 'range');
    const staged = parsed.flags.has('staged');
    if ([staged, range !== undefined, parsed.flags.has('all')].filter(Boolean).length > 1) throw new UsageError('choose one of --staged, --range, --all');
    const root = workspaceRoot(io.cwd);
    const source = range !== undefined ? rangeSource(root, range) : staged ? stagedSource(root) : workTreeSource(root);

    const load = await loadReviewPolicy(root, flag(parsed, 'policy'), source.policyCommit);
    if (!load.ok) {
      io.stderr.write(`airlock check: the policy could not be loaded, refusing (fail closed):\n${load.problems.map((p) => `  ${p}\n`).join('')}`);
      return 2;
    }
    const scratch = mkdtempSync(join(tmpdir(), 'airlock-check-'));
    try {
      const result = evaluate(root, source, load.policy, io, scratch);
      const ok = result.violations.length === 0;
      if (format === 'json') io.stdout.write(JSON.stringify({ ok, violations: result.violations, reviews: result.notes }) + '\n');
      else if (format === 'sarif') io.stdout.write(JSON.stringify(toSarif(result.violations), null, 2) + '\n');
      else io.stdout.write(textReport(result.violations, result.notes, result.files, result.aiLines));
      return ok ? 0 : 1;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
}

function rangeSource(root: string, range: string): Source {
  const at = range.indexOf('..');
  const fromRev = range.slice(0, at);
  const toRev = range.slice(at + 2);
  if (at <= 0 || !toRev || toRev.startsWith('.')) throw new UsageError('--range takes A..B');
  const from = resolveCommit(root, fromRev);
  const to = resolveCommit(root, toRev);
  if (!from || !to) throw new UsageError(rangeError(root, fromRev, toRev));
  // Records on the base are compared at the merge base: the base branch may have moved on.
  const base = mergeBase(root, from, to) ?? from;
  const changed = changedSince(root, base, to);
  if (!changed) throw new UsageError(rangeError(root, fromRev, toRev));
  // The head ledger is read once; the base's only when it is not a byte prefix of the head
  // (proven by its blob id, so the common case never inflates the base).
  const headBytes = blobBytes(root, to, LEDGER_PATH);
  const baseBlob = blobInfo(root, base, LEDGER_PATH);
  let baseLines: number | undefined;
  if (baseBlob && headBytes && baseBlob.size > 0 && headBytes[baseBlob.size - 1] === 10 && isBlobPrefix(headBytes, baseBlob.id, baseBlob.size)) {
    baseLines = 0;
    for (let at = headBytes.indexOf(10); at >= 0 && at < baseBlob.size; at = headBytes.indexOf(10, at + 1)) baseLines++;
  }
  const headLedger = headBytes?.toString('utf8');
  const { records, problems } = parseLedger(headLedger ?? '');
  // git-ai authorship notes (refs/notes/ai) count as AI contributions too.
  records.push(...gitAiContributions(root));
  const scope = new Set(changed.paths);
  let historyRenames: Map<string, string> | undefined;
  let commits: Set<string> | undefined;
  return {
    mode: 'range',
    state: foldLedger(records),
    problems,
    // Every new unreadable or wrong-shaped line in a range is tampering.
    tamper: (problems) =>
      baseLines !== undefined ? appendedFindings(baseLines, problems) : verifyAppendOnly(baseBlob ? ledgerAt(root, [base])[0] : undefined, headLedger, problems),
    policyCommit: from,
    scope,
    exists: (p) => scope.has(p),
    renames: () => (historyRenames ??= new Map([...renamesIn(root, to), ...changed.renames])),
    read: (paths) => rekey(readBlobs(root, paths.map((p) => `${to}:${p}`)), `${to}:`),
    blame: (path) => blame(root, path, { rev: to }),
    range: { commits: () => (commits ??= commitsBetween(root, base, to)) },
  };
}

function stagedSource(root: string): Source {
  const scope = new Set(stagedPaths(root));
  return {
    mode: 'staged',
    ...foldedWorkTree(root),
    // What is about to be committed (the index) must keep every committed record (HEAD). A torn
    // last line is a crash artifact locally: a warning, not tampering.
    tamper: () => {
      const [head, index] = readLedgers(root, ['HEAD', '']);
      if (head === undefined && index === undefined) return [];
      return verifyAppendOnly(head, index).filter((f) => f.kind !== 'garbage');
    },
    scope,
    exists: (p) => scope.has(p),
    renames: () => renames(root),
    read: (paths) => rekey(readBlobs(root, paths.map((p) => `:${p}`)), ':'),
    blame: (path, text) => blame(root, path, { contents: text }),
  };
}

function workTreeSource(root: string): Source {
  // The work-tree ledger is streamed, hashing its first bytes as a git blob: when they are HEAD's
  // ledger blob, HEAD's ledger is a prefix and is never read.
  const head = blobInfo(root, 'HEAD', LEDGER_PATH);
  const folded = foldLedgerFile(root, gitDir(root), head ? { size: head.size, algorithm: head.id.length === 64 ? 'sha256' : 'sha1' } : undefined, undefined, gitAiContributions(root));
  return {
    mode: 'all',
    state: folded.state,
    problems: folded.problems,
    tamper: () => {
      if (!head) return [];
      if (!folded.missing && folded.prefixId === head.id && head.size > 0) return [];
      const [committed] = ledgerAt(root, ['HEAD']);
      return verifyAppendOnly(committed, readWorking(root, LEDGER_PATH)).filter((f) => f.kind !== 'garbage');
    },
    exists: (p) => insideRepo(root, p) !== undefined,
    renames: () => renames(root),
    // Working-tree files are read one at a time (see evaluate), so a large repository never
    // holds all its text at once.
    read: () => new Map(),
    blame: (path, content) => blame(root, path, { contents: content }),
  };
}

/** The work-tree ledger streamed into a fold (records are not kept; the fold cache in .git is used). */
function foldedWorkTree(root: string): { state: LedgerState; problems: ParseProblem[] } {
  const { state, problems } = foldLedgerFile(root, gitDir(root), undefined, undefined, gitAiContributions(root));
  return { state, problems };
}

function gitDir(root: string): string | undefined {
  const r = git(root, ['rev-parse', '--absolute-git-dir']);
  return r.ok ? r.stdout.trim() : undefined;
}

/** Ledger blobs at revisions ('' for the index). */
function readLedgers(root: string, revs: string[]): (string | undefined)[] {
  const blobs = readBlobs(root, revs.map((r) => `${r}:${LEDGER_PATH}`));
  return revs.map((r) => blobs.get(`${r}:${LEDGER_PATH}`));
}

interface Evaluation {
  violations: Violation[];
  notes: ReviewNote[];
  files: number;
  aiLines: number;
}

function evaluate(root: string, source: Source, policy: { reviewFor(path: string): ReviewRequirement }, io: CliIO, scratch: string): Evaluation {
  for (const p of source.problems) io.stderr.write(`airlock: warning: ${LEDGER_PATH}:${p.line}: ${p.reason}${p.id ? ` (record ${p.id})` : ''}\n`);
  const state = source.state;
  const violations: Violation[] = source.tamper(source.problems).map((t) => ({
    path: LEDGER_PATH,
    startLine: t.line,
    endLine: t.line,
    kind: 'tampered' as const,
    rule: 'airlock:append-only',
    tool: '',
    model: null,
    ...(t.id !== undefined ? { record: t.id } : {}),
    reason: `${t.kind}: ${t.reason}`,
  }));

  const byPath = followRenames(spansByPath(state, true), source.exists, source.renames);
  const rejected = followRenames(rejectedByPath(state), source.exists, source.renames);
  const inScope = (p: string) => (source.scope ? source.scope.has(p) : true);
  // Files with AI spans, plus (when the scope is known: range, staged) every changed file, so
  // AI code copied or moved into a file with no records is found too.
  const candidates = new Set([...byPath.keys(), ...rejected.keys()].filter(inScope));
  if (source.scope) for (const p of source.scope) candidates.add(p);
  const paths = [...candidates].sort();
  const contents = source.read(paths);
  const contentOf = (path: string) => (contents.has(path) ? contents.get(path) : source.mode === 'all' ? readWorking(root, path) : undefined);

  const notes = new Map<string, ReviewNote>();
  const context = approvalContext(root, source, state, scratch, notes);
  // AI code copied or moved into a file (outside the editor) is found by content: runs of
  // recorded lines, from any file, showing up in a changed file.
  const copies = source.scope ? new CopyIndex([...state.spans.values(), ...state.origins.values()]) : undefined;
  const rejectedCopies = source.scope ? new CopyIndex([...state.rejectedSpans.values()].flat()) : undefined;
  let aiLines = 0;
  let files = 0;
  for (const path of paths) {
    const text = contentOf(path);
    if (text === undefined) continue;
    const file = indexText(text);
    const spans = byPath.get(path) ?? [];
    let located: LocatedLine[] = spans.length > 0 ? locateSpans(spans, file) : [];
    if (copies) located = mergeLocated(located, locateSpans(copies.find(path, file, new Set(located.map((l) => l.line - 1))), file));
    if (located.length > 0) files++;
    aiLines += located.length;
    context.setFile(path, text);
    violations.push(...evaluateFile(path, located, state, policy, context));
    const back = rejectedReintroduced(path, rejected.get(path) ?? [], file, state);
    const backLines = new Set(back.flatMap((v) => Array.from({ length: v.endLine - v.startLine + 1 }, (_, i) => v.startLine + i - 1)));
    if (rejectedCopies) back.push(...rejectedReintroduced(path, rejectedCopies.find(path, file, backLines), file, state));
    violations.push(...back);
    if (source.range) violations.push(...disclosureViolations(path, located, policy.reviewFor(path), source.range, context.commitsOf));
  }
  return { violations, notes: [...notes.values()], files, aiLines };
}

function mergeLocated(a: LocatedLine[], b: LocatedLine[]): LocatedLine[] {
  if (b.length === 0) return a;
  const taken = new Set(a.map((l) => l.line));
  return [...a, ...b.filter((l) => !taken.has(l.line))].sort((x, y) => x.line - y.line);
}

type Context = ApprovalContext & {
  setFile(path: string, text: string): void;
  /** Commit (and its info) per located line of the current file. */
  commitsOf(lines: readonly LocatedLine[]): { line: LocatedLine; commit: string; info?: CommitInfo }[];
};

/** Signature verdicts and git authors for the approval rules. */
function approvalContext(root: string, source: Source, state: LedgerState, scratch: string, notes: Map<string, ReviewNote>): Context {
  const verifiers = new Map<string, { verifier: ReviewVerifier; missing?: string }>();
  const verifierFor = (allowedSigners: string | undefined) => {
    const key = allowedSigners ?? '';
    let entry = verifiers.get(key);
    if (!entry) {
      const { file, missing } = allowedSignersFile(root, source, allowedSigners, scratch, verifiers.size);
      entry = { verifier: new ReviewVerifier(file, scratch), ...(missing ? { missing } : {}) };
      verifiers.set(key, entry);
    }
    return entry;
  };
  const infos = new Map<string, CommitInfo>();
  let current: { path: string; text: string; blame?: Map<number, string> } | undefined;
  const blameOf = () => (current!.blame ??= source.blame(current!.path, current!.text));
  const infoOf = (commits: string[]) => {
    const missing = commits.filter((c) => c !== UNCOMMITTED && !infos.has(c));
    if (missing.length > 0) for (const [sha, info] of commitInfo(root, missing, signersForCommits())) infos.set(sha, info);
  };
  // Commit signatures are verified against the first allowed signers file a rule names.
  const signersForCommits = () => [...verifiers.values()].map((v) => v.verifier.file).find((f) => f !== undefined);
  // A rule's allowed signers file is opened before authors are asked for (judge runs first).

  return {
    setFile(path, text) {
      current = { path, text };
    },
    judge(review: ReviewRecord, requirement): ReviewVerdict {
      const { verifier, missing } = verifierFor(requirement.allowedSigners);
      return reviewVerdict(review, requirement, { present: verifier.file !== undefined, ...(missing ? { missing } : {}) }, () => verifier.verify(review));
    },
    authorsOf(line) {
      const recorded = state.contributions.get(line.span.root)?.recordedBy?.email;
      const commit = blameOf().get(line.line);
      const ids = recorded ? [identityKey(recorded)] : [];
      // Not committed yet (local checks): no commit brought these lines in, so there is no author
      // to be distinct from; the pre-commit check accepts the approval and CI, where every line
      // has its commit, decides. (A pre-commit hook is advisory anyway: --no-verify skips it.)
      if (commit === undefined || commit === UNCOMMITTED) return [];
      infoOf([commit]);
      return [...ids, ...(infos.get(commit)?.identities ?? [])];
    },
    note(review, reason) {
      if (notes.has(review.id)) return;
      notes.set(review.id, { record: review.id, reviewer: review.reviewer.email, path: review.path, reason });
    },
    commitsOf(lines) {
      const byLine = blameOf();
      const commits = lines.map((l) => byLine.get(l.line) ?? UNCOMMITTED);
      infoOf(commits);
      return lines.map((line, i) => ({ line, commit: commits[i]!, info: infos.get(commits[i]!) }));
    },
  };
}

/**
 * The allowed signers file as a file on disk. Repository-relative names are read from the policy
 * commit in --range (the base: a change cannot add its own author's key), else from the work tree.
 */
function allowedSignersFile(root: string, source: Source, name: string | undefined, scratch: string, n: number): { file?: string; missing?: string } {
  if (!name) return {};
  if (isAbsolute(name)) return existsSync(name) ? { file: name } : { missing: `the allowed signers file ${name} does not exist` };
  if (source.policyCommit) {
    const spec = `${source.policyCommit}:${name.replace(/^\.\//, '')}`;
    const text = readBlobs(root, [spec]).get(spec);
    if (text === undefined) return { missing: `the allowed signers file ${name} is not in the base commit ${source.policyCommit.slice(0, 12)}` };
    const file = join(scratch, `allowed_signers.${n}`);
    writeFileSync(file, text);
    return { file };
  }
  const file = resolve(root, name);
  return existsSync(file) ? { file } : { missing: `the allowed signers file ${name} does not exist` };
}

function rekey(map: Map<string, string | undefined>, prefix: string): Map<string, string | undefined> {
  return new Map([...map].map(([k, v]) => [k.slice(prefix.length), v]));
}

function textReport(violations: readonly Violation[], notes: readonly ReviewNote[], files: number, aiLines: number): string {
  const reviewLines = notes.map((n) => `  review ${n.record} by ${n.reviewer} (${n.path}) does not count: ${n.reason}\n`).join('');
  if (violations.length === 0) return `airlock: ok — ${aiLines} AI-written line(s) in ${files} file(s), all reviewed as the policy requires\n${reviewLines}`;
  const rows = violations.map((v) => {
    if (v.kind === 'tampered') return `  ${v.path}:${v.startLine}  tampered${v.record ? `  record=${v.record}` : ''}  ${v.reason ?? ''}\n`;
    if (v.kind === 'undisclosed') return `  ${v.path}:${v.startLine}-${v.endLine}  undisclosed  commit=${v.commit?.slice(0, 12)}  rule=${v.rule}  ${v.reason ?? ''}\n`;
    return `  ${v.path}:${v.startLine}-${v.endLine}  ${v.kind}  tool=${v.tool}${v.model ? ` model=${v.model}` : ''}  rule=${v.rule}\n`;
  });
  const unreviewed = violations.filter((v) => v.kind === 'unreviewed');
  const hint = unreviewed.length > 0 ? `approve after reading, e.g.: airlock review approve ${unreviewed[0]!.path}:${unreviewed[0]!.startLine}-${unreviewed[0]!.endLine}\n` : '';
  const forbidden = violations.some((v) => v.kind === 'forbidden') ? 'forbidden ranges must be rewritten by a person (or: airlock review reject FILE:A-B)\n' : '';
  const reviews = reviewLines ? `reviews that do not count:\n${reviewLines}` : '';
  return `airlock: ${violations.length} problem(s) need attention:\n${rows.join('')}${reviews}${hint}${forbidden}`;
}

const SARIF_TEXT: Record<Violation['kind'], string> = {
  forbidden: 'AI-written code is forbidden here',
  unreviewed: 'AI-written code is not reviewed',
  'rejected-reintroduced': 'AI-written code that a reviewer rejected is back',
  tampered: 'The review ledger was changed, not appended to',
  undisclosed: 'A commit bringing AI-written code does not disclose it',
};

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
          message: { text: `${SARIF_TEXT[v.kind]}${v.tool ? ` (${v.tool}${v.model ? `, ${v.model}` : ''})` : ''}${v.reason && v.kind !== 'unreviewed' ? `: ${v.reason}` : ''}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: v.path }, region: { startLine: Math.max(1, v.startLine), endLine: Math.max(1, v.endLine) } } }],
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
