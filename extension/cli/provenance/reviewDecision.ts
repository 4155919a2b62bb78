// What recording a review decision needs from git, shared by `airlock review` and the editor's
// review panel so both sign and both verify reject baselines the same way (one rule, not a
// simpler second one in the editor): whether to sign (the policy, git's SSH signing setup and the
// reviewer's choice), the signature itself, whether the reviewer's own key will verify against
// the allowed signers file, which recorded approvals count (BackgroundReviewJudge: check's
// verdict, for Needs Review), and whether the text a reject would restore is text git has seen.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { LocatedLine, ReviewVerdict } from '../../core/ledger/check';
import type { LedgerState } from '../../core/ledger/fold';
import { newRecordId, type Person, type ReviewRecord } from '../../core/ledger/records';
import { buildReview } from '../../core/ledger/contribution';
import { baselineInGit } from '../../core/ledger/reject';
import type { ReviewRequirement } from '../../core/policy/contract';
import { git, readBlobs } from './git';
import { blame, UNCOMMITTED } from './gitHistory';
import { ReviewVerifier, reviewVerdict, signingSetup, signReview } from './signing';

type RequireApproval = NonNullable<ReviewRequirement['requireApproval']>;

/** The git config that sets up SSH signing, as a reviewer types it. */
export const SIGNING_SETUP_COMMANDS = 'git config --global gpg.format ssh && git config --global user.signingkey ~/.ssh/id_ed25519.pub';

export type SigningDecision = { sign: boolean } | { refused: string };

/**
 * Sign when the policy requires it, when asked, or when git is set up to sign with SSH; refuse
 * (saying exactly what to configure) when a signature is required or asked for and cannot be
 * made. `path` is the file reviewed, for the message (the merged review rules of several layers
 * decide whether signatures are required, so no single rule id would be the truth).
 */
export function signingDecision(root: string, options: { required: boolean; path?: string; asked?: boolean; refused?: boolean }): SigningDecision {
  const { required, asked = false, refused = false } = options;
  if (asked && refused) return { refused: 'choose one of --sign and --no-sign' };
  if (required && refused) return { refused: 'the policy requires signed reviews here; --no-sign is not allowed' };
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-review-'));
  try {
    const setup = signingSetup(root, scratch);
    if ('problem' in setup) {
      if (!required && !asked) return { sign: false };
      const why = required ? `the policy requires signed reviews ${options.path ? `for ${options.path}` : 'here'}` : '--sign';
      return { refused: `${why}, and no review can be signed: ${setup.problem}. Set up SSH signing the way git does: ${SIGNING_SETUP_COMMANDS} (a key in the allowed signers file; the private half next to it or in ssh-agent). Nothing was recorded.` };
    }
    return { sign: !refused };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Whether this decision must be signed: approvals where the rule requires signatures. A reject is
 * signed whenever a key is set up, but never refused for want of one: it takes AI lines out (what
 * anyone may do by hand), a reject record lifts nothing (lines still there are
 * rejected-reintroduced), and refusing it would only push the reviewer to delete them unrecorded.
 */
export function signatureRequired(decision: 'approve' | 'reject', requirement: RequireApproval | undefined): boolean {
  return decision === 'approve' && requirement?.signatures === 'required';
}

/** Thrown when a review may not be recorded because it cannot be signed as required. */
export class SigningRefused extends Error {}

export interface ReviewInput {
  decision: 'approve' | 'reject';
  reviewer: Person;
  path: string;
  /** The AI lines decided on, located in `fileLines` (the file as the reviewer sees it). */
  lines: readonly LocatedLine[];
  fileLines: readonly string[];
  /** The policy's approval rule for `path`: whether signatures are required. */
  requirement: RequireApproval | undefined;
  time?: Date;
  /** `--sign` / `--no-sign` (the CLI); the editor always takes the default. */
  asked?: boolean;
  refused?: boolean;
  /** False in the editor: ssh-keygen may not prompt for a passphrase (there is no terminal to answer). */
  terminal?: boolean;
}

/**
 * The review record to append, signed when signingDecision says so; the one way both
 * `airlock review` and the editor's panel make it. Throws SigningRefused (nothing to append) when
 * the policy requires a signature that cannot be made, and ssh-keygen's reason when signing fails.
 */
export async function reviewRecord(root: string, input: ReviewInput): Promise<ReviewRecord> {
  const decided = signingDecision(root, {
    required: signatureRequired(input.decision, input.requirement),
    path: input.path,
    ...(input.asked !== undefined ? { asked: input.asked } : {}),
    ...(input.refused !== undefined ? { refused: input.refused } : {}),
  });
  if ('refused' in decided) throw new SigningRefused(decided.refused);
  const time = input.time ?? new Date();
  const record = buildReview(input.decision, input.reviewer, newRecordId(time), time.toISOString(), input.path, input.lines, input.fileLines);
  return decided.sign ? { ...record, signature: await signReview(root, record, input.terminal === false ? { terminal: false } : {}) } : record;
}

/**
 * Why the policy's signature check would not count this freshly signed review, or undefined when
 * it would (or when the rule names no allowed signers file). Read from the work tree, as
 * `airlock check --all` does: in CI the base commit's file decides.
 */
export async function ownSignatureProblem(root: string, record: ReviewRecord, requirement: RequireApproval | undefined): Promise<string | undefined> {
  if (!record.signature || !requirement?.allowedSigners) return undefined;
  const file = isAbsolute(requirement.allowedSigners) ? requirement.allowedSigners : resolve(root, requirement.allowedSigners);
  if (!existsSync(file)) return `the allowed signers file ${requirement.allowedSigners} does not exist, so no signature can count`;
  const verifier = new ReviewVerifier(file);
  try {
    const result = await verifier.verifyAsync(record);
    if (!result.ok) return `${result.reason ?? 'the signature does not verify'} (${requirement.allowedSigners}): airlock check will not count this review until the key is added there`;
    if (result.principal!.trim().toLowerCase() !== record.reviewer.email.trim().toLowerCase()) {
      return `the key is listed for ${result.principal} in ${requirement.allowedSigners}, but git's user.email is ${record.reviewer.email}: airlock check will not count this review`;
    }
    return undefined;
  } finally {
    verifier.dispose();
  }
}

/**
 * The contributions among `roots` whose recorded baseline (the text a reject puts back) is not
 * text git has seen in this file before the AI change, so restoring it could plant anything.
 * `observed(root, baseline)`: true when the caller itself saw that text before the AI write (the
 * editor captured it in this window); the ledger alone is data anyone can write.
 */
export function untrustedBaselines(
  root: string,
  path: string,
  text: string,
  located: readonly LocatedLine[],
  state: LedgerState,
  roots: readonly string[],
  observed: (root: string, baseline: string) => boolean = () => false,
): string[] {
  let versions: Map<string, (string | undefined)[]> | undefined;
  return roots.filter((r) => {
    const baseline = state.contributions.get(r)?.baseline ?? '';
    if (baseline === '' || observed(r, baseline)) return false;
    versions ??= new Map();
    let before = versions.get(r);
    if (!before) versions.set(r, (before = gitVersionsBefore(root, path, located.filter((l) => l.span.root === r).map((l) => l.line), text)));
    return !baselineInGit(baseline, before);
  });
}

/**
 * Review verdicts for the editor's Needs Review and panel: reviewVerdict, the rule `airlock
 * check` applies, over the work tree's allowed signers file (as `check --all` reads it). It never
 * blocks the extension host: a signature not verified yet does not count (the hunk stays pending,
 * fail closed) while ssh-keygen verifies it in the background, and `onVerified` fires when a
 * verdict arrives so the caller recomputes.
 */
export class BackgroundReviewJudge {
  /** One verifier (and its cache) per allowed signers content: an edited file is a new verifier. */
  private readonly verifiers = new Map<string, ReviewVerifier>();
  private scratch: string | undefined;

  constructor(private readonly root: string, private readonly onVerified: () => void) {}

  /** A judge for one computation; each allowed signers file is read once per pass. */
  pass(): (review: ReviewRecord, requirement: RequireApproval) => ReviewVerdict {
    const files = new Map<string, { verifier?: ReviewVerifier; missing?: string }>();
    return (review, requirement) => {
      const name = requirement.allowedSigners ?? '';
      let signers = files.get(name);
      if (!signers) files.set(name, (signers = this.signers(requirement.allowedSigners)));
      const { verifier, missing } = signers;
      return reviewVerdict(review, requirement, { present: verifier !== undefined, ...(missing ? { missing } : {}) }, () => {
        if (!verifier) return { ok: false, reason: 'no allowed signers file' };
        const known = verifier.cached(review);
        if (known) return known;
        void verifier.verifyAsync(review).then(this.onVerified, () => undefined);
        return { ok: false, reason: 'the signature is being verified' };
      });
    };
  }

  /** Verifies a review just recorded, so the next pass already knows its verdict (no flicker). */
  async prime(review: ReviewRecord, requirement: RequireApproval | undefined): Promise<void> {
    if (!review.signature || !requirement) return;
    const { verifier } = this.signers(requirement.allowedSigners);
    if (verifier) await verifier.verifyAsync(review);
  }

  private signers(name: string | undefined): { verifier?: ReviewVerifier; missing?: string } {
    if (!name) return {};
    let text: string;
    try {
      text = readFileSync(isAbsolute(name) ? name : resolve(this.root, name), 'utf8');
    } catch {
      return { missing: `the allowed signers file ${name} does not exist` };
    }
    const hash = createHash('sha256').update(text).digest('hex');
    let verifier = this.verifiers.get(hash);
    if (!verifier) {
      // Verified against a snapshot, so an edit while ssh-keygen runs cannot mix two versions.
      this.scratch ??= mkdtempSync(join(tmpdir(), 'airlock-editor-verify-'));
      const copy = join(this.scratch, `allowed_signers.${hash.slice(0, 16)}`);
      writeFileSync(copy, text);
      verifier = new ReviewVerifier(copy, this.scratch);
      this.verifiers.set(hash, verifier);
    }
    return { verifier };
  }

  dispose(): void {
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
    this.verifiers.clear();
  }
}

/** What a refused reject tells the reviewer; nothing was changed. */
export function untrustedBaselineMessage(path: string, untrusted: readonly string[]): string {
  return (
    `refusing to reject: the text recorded as what the AI replaced (contribution ${untrusted.join(', ')}) is not in git's history of ${path}, so it could be anything; nothing was changed. ` +
    `Restore the lines by hand (e.g. git checkout -p -- ${path}, or delete them), then run the check again.`
  );
}

/**
 * The file as git knew it before the AI lines came in: HEAD (the AI change is not committed
 * yet) and, for committed AI lines, the parent of each commit that `git blame` names for them.
 */
function gitVersionsBefore(root: string, path: string, lines: readonly number[], text: string): (string | undefined)[] {
  const specs = [`HEAD:${path}`];
  const byLine = blame(root, path, { contents: text });
  for (const commit of new Set(lines.map((l) => byLine.get(l)).filter((c): c is string => !!c && c !== UNCOMMITTED))) {
    if (git(root, ['rev-parse', '--verify', '--quiet', `${commit}^`]).ok) specs.push(`${commit}^:${path}`);
  }
  const blobs = readBlobs(root, specs);
  return specs.map((s) => blobs.get(s));
}
