// Where the org policy and its trust settings come from outside VS Code: environment variables
// an MDM profile or CI sets (the editor reads the matching machine-scoped settings instead).
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PolicyReader } from '../../core/policy';
import { createOrgPolicyReader, type OrgPolicyReader, type OrgPolicyTrust } from './orgPolicyReader';

export interface OrgPolicySettings {
  ref: string;
  trust: OrgPolicyTrust;
  refreshSeconds?: number;
}

/** `$AIRLOCK_STATE_DIR` or `~/.airlock`: per-user state (audit salt, CA, org policy cache). */
export function airlockStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['AIRLOCK_STATE_DIR'] || join(homedir(), '.airlock');
}

/** The org policy settings from `AIRLOCK_ORG_POLICY*`, or undefined when no org policy is set. */
export function orgPolicySettingsFromEnv(env: NodeJS.ProcessEnv = process.env, explicitRef?: string): OrgPolicySettings | undefined {
  const ref = (explicitRef ?? env['AIRLOCK_ORG_POLICY'] ?? '').trim();
  if (!ref) return undefined;
  const signers = env['AIRLOCK_ORG_POLICY_SIGNERS']?.trim();
  const sha256 = env['AIRLOCK_ORG_POLICY_SHA256']?.trim();
  const signature = env['AIRLOCK_ORG_POLICY_SIGNATURE']?.trim();
  const refresh = Number(env['AIRLOCK_ORG_POLICY_REFRESH_SECONDS']);
  return {
    ref,
    trust: { ...(signers ? { allowedSignersFile: signers } : {}), ...(sha256 ? { sha256 } : {}), ...(signature ? { signatureRef: signature } : {}) },
    ...(Number.isFinite(refresh) && refresh >= 0 ? { refreshSeconds: refresh } : {}),
  };
}

/** A reader for the org layer with verification and the last-good cache in the user's state dir. */
export function orgPolicyReaderFor(settings: OrgPolicySettings, fallback: PolicyReader, stateDir = airlockStateDir()): OrgPolicyReader {
  return createOrgPolicyReader({
    ref: settings.ref,
    trust: settings.trust,
    cacheDir: join(stateDir, 'org-policy'),
    ...(settings.refreshSeconds !== undefined ? { refreshSeconds: settings.refreshSeconds } : {}),
    fallback,
  });
}
