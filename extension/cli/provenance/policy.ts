// Loads the review policy for the provenance commands. Fails closed: when the policy cannot be
// loaded the caller gets `ok: false` and must refuse (commit, read) rather than guess.
import { isAbsolute, join, relative, sep } from 'node:path';
import { DEFAULT_PRESET, DEFAULT_WORKSPACE_POLICY_PATH, formatProblem, refKind, type CompiledPolicy, type PolicyReader } from '../../core/policy';
import { loadEffectivePolicy } from '../orgPolicy/loadCliPolicy';
import { createNodePolicyReader, defaultWorkspacePolicyRef } from '../policySource';
import { readBlobs } from './git';

export interface ReviewPolicyLoad {
  policy: CompiledPolicy;
  ok: boolean;
  /** Printable problems (positions and messages only: policies hold no secrets, but no content either). */
  problems: string[];
}

/**
 * `explicit` (a --policy value) replaces the workspace layer; the org layer comes from
 * AIRLOCK_ORG_POLICY. With `atCommit`, the workspace policy and every file it extends inside the
 * repository are read from that commit instead of the work tree: `check --range A..B` judges a
 * change by the base's rules, so the change cannot loosen its own check.
 */
export async function loadReviewPolicy(root: string, explicit?: string, atCommit?: string): Promise<ReviewPolicyLoad> {
  try {
    let workspace = explicit ?? defaultWorkspacePolicyRef(root);
    let read: PolicyReader | undefined;
    if (atCommit !== undefined) {
      read = gitPolicyReader(root, atCommit, createNodePolicyReader());
      if (explicit === undefined) {
        const committed = readBlobs(root, [`${atCommit}:${DEFAULT_WORKSPACE_POLICY_PATH}`]).get(`${atCommit}:${DEFAULT_WORKSPACE_POLICY_PATH}`);
        workspace = committed !== undefined ? join(root, DEFAULT_WORKSPACE_POLICY_PATH) : DEFAULT_PRESET;
      }
    }
    const loaded = await loadEffectivePolicy({ workspace, cwd: process.cwd(), ...(read ? { read } : {}) });
    return { policy: loaded.policy, ok: loaded.ok, problems: loaded.problems.map((p) => formatProblem(p)) };
  } catch (error) {
    throw new Error(`policy could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Reads files inside the repository from `commit`; presets, URLs and files outside it as usual. */
function gitPolicyReader(root: string, commit: string, fallback: PolicyReader): PolicyReader {
  return async (ref) => {
    if (refKind(ref) !== 'file') return fallback(ref);
    const rel = relative(root, ref);
    if (rel.startsWith('..') || isAbsolute(rel)) return fallback(ref);
    const spec = `${commit}:${rel.split(sep).join('/')}`;
    const text = readBlobs(root, [spec]).get(spec);
    if (text === undefined) throw new Error(`not in commit ${commit.slice(0, 12)}`);
    return text;
  };
}
