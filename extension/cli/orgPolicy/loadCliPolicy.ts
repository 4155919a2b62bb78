// The one way CLI commands load their policy: the organization layer (from `--org-policy` or
// AIRLOCK_ORG_POLICY, verified and cached per its trust settings) above the workspace layer, the
// same layering the editor uses. Every command (gateway, scan, check, review, hooks) calls this.
import { loadLayeredPolicy, type LoadedPolicy, type PolicyReader } from '../../core/policy';
import { createNodePolicyReader, organizationPolicyRef } from '../policySource';
import { airlockStateDir, orgPolicyReaderFor, orgPolicySettingsFromEnv } from './orgPolicyConfig';
import type { OrgPolicyStatus } from './orgPolicyReader';

export interface CliPolicyLoad extends LoadedPolicy {
  /** The org policy in force (version, hash, where it came from), when there is one. */
  org?: OrgPolicyStatus;
}

export interface EffectivePolicyRefs {
  /** `--org-policy`; else $AIRLOCK_ORG_POLICY; else no organization layer. */
  orgPolicy?: string;
  /** The workspace layer (already chosen by the command: --policy, .airlock/policy.jsonc, a preset). */
  workspace: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** How policy files are read (default: from disk); `check --range` reads the repository's from the base commit. */
  read?: PolicyReader;
}

/**
 * The one way Node-side commands (gateway, scan, check, review, hooks) load their policy: the
 * organization layer (verified and cached per its trust settings, see orgPolicyReader.ts) above
 * the workspace layer, exactly as the editor does with `airlock.policy.organization`. Fails
 * closed like loadLayeredPolicy (`ok: false`).
 */
export async function loadEffectivePolicy(refs: EffectivePolicyRefs): Promise<CliPolicyLoad> {
  const env = refs.env ?? process.env;
  const read = refs.read ?? createNodePolicyReader();
  const organization = organizationPolicyRef(refs.orgPolicy, refs.cwd, env);
  const settings = orgPolicySettingsFromEnv(env, organization);
  if (!settings) return loadLayeredPolicy({ workspace: refs.workspace }, read);
  const org = orgPolicyReaderFor(settings, read, airlockStateDir(env));
  const loaded = await loadLayeredPolicy({ organization: settings.ref, workspace: refs.workspace }, read, { organization: org.read });
  const status = org.status();
  return { ...loaded, ...(status ? { org: status } : {}) };
}

/** One line naming the org policy in force, for stderr and audit records: `2026.12.1 sha256:ab12…` */
export function orgPolicyLabel(status: OrgPolicyStatus | undefined): string | undefined {
  if (!status) return undefined;
  return `${status.version ? `${status.version} ` : ''}sha256:${status.sha256.slice(0, 12)}`;
}
