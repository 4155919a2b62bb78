// The policy language and engine, for everyone else: the gateway, agent hooks, the CLI and
// the editor import from here only.
export type { CompiledPolicy, ReviewRequirement } from './contract';
export type { PolicyProblem } from './problems';
export { formatProblem, hasErrors } from './problems';
export { parsePolicyText, MAX_POLICY_CHARS, type ParsedPolicy } from './parse';
export { resolvePolicy, type PolicyReader, type ResolvedPolicy } from './resolve';
export { resolveRef, refKind, PRESET_PREFIX, type PolicyRefKind } from './refs';
export {
  loadLayeredPolicy,
  loadPolicy,
  failClosedPolicy,
  type AirlockPolicy,
  type LayerRefs,
  type LoadedPolicy,
  type PolicyTestCase,
} from './layered';
export { runPolicyTests, toRequest, type PolicyTestResult } from './tests';
export { buildPolicyJsonSchema, policyJsonSchemaText, POLICY_SCHEMA_ID } from './jsonSchema';
export { policySchema, EGRESS_ACTIONS, SEGMENT_ROLES, type PolicyDocument } from './schema';
export { BUNDLED_PRESETS } from './bundledPresets';
export { printableVerdict } from '../egress/printable';
export { unparseableVerdict } from '../egress/evaluate';

/** The policy a workspace gets when it has no `.airlock/policy.jsonc`. */
export const DEFAULT_WORKSPACE_POLICY_PATH = '.airlock/policy.jsonc';
export const DEFAULT_PRESET = 'airlock:secrets';
