// The inspected hosts a new CA must be name-constrained to: the built-in list plus the
// `proxy.inspect` hosts of the policy in force here (organization and workspace layers).
import { DEFAULT_INSPECTED_HOSTS } from '../core/dialects/hosts';
import { loadEffectivePolicy } from './orgPolicy/loadCliPolicy';
import { cliPolicyRef, defaultWorkspacePolicyRef } from './policySource';
import type { CliIO } from './run';

export async function inspectedHostsHere(io: CliIO, policy?: string): Promise<readonly string[]> {
  try {
    const workspace = policy ? cliPolicyRef(policy, io.cwd) : defaultWorkspacePolicyRef(io.cwd);
    const loaded = await loadEffectivePolicy({ workspace, cwd: io.cwd, ...(io.env ? { env: io.env } : {}) });
    const extra = loaded.ok ? (loaded.policy.proxy?.inspect ?? []) : [];
    return extra.length ? [...DEFAULT_INSPECTED_HOSTS, ...extra] : DEFAULT_INSPECTED_HOSTS;
  } catch {
    return DEFAULT_INSPECTED_HOSTS;
  }
}
