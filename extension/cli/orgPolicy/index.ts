// Org policy delivery (verified, cached, refreshed), shared by the CLI and the editor.
export { createOrgPolicyReader, sha256Hex, ORG_POLICY_NAMESPACE, OrgPolicyError, type OrgPolicyReader, type OrgPolicyStatus, type OrgPolicyTrust } from './orgPolicyReader';
export { airlockStateDir, orgPolicyReaderFor, orgPolicySettingsFromEnv, type OrgPolicySettings } from './orgPolicyConfig';
export { loadEffectivePolicy, orgPolicyLabel, type CliPolicyLoad, type EffectivePolicyRefs } from './loadCliPolicy';
export { createHttpsFetch, type HttpsFetch } from './fetchHttps';
