// Loads the review policy for the provenance commands. Fails closed: when the policy cannot be
// loaded the caller gets `ok: false` and must refuse (commit, read) rather than guess.
import { formatProblem, type CompiledPolicy } from '../../core/policy';
import { loadEffectivePolicy } from '../orgPolicy/loadCliPolicy';
import { defaultWorkspacePolicyRef } from '../policySource';

export interface ReviewPolicyLoad {
  policy: CompiledPolicy;
  ok: boolean;
  /** Printable problems (positions and messages only: policies hold no secrets, but no content either). */
  problems: string[];
}

/** `explicit` (a --policy value) replaces the workspace layer; the org layer comes from AIRLOCK_ORG_POLICY. */
export async function loadReviewPolicy(root: string, explicit?: string): Promise<ReviewPolicyLoad> {
  try {
    const loaded = await loadEffectivePolicy({ workspace: explicit ?? defaultWorkspacePolicyRef(root), cwd: process.cwd() });
    return { policy: loaded.policy, ok: loaded.ok, problems: loaded.problems.map((p) => formatProblem(p)) };
  } catch (error) {
    throw new Error(`policy could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
}
