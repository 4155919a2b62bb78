// Loads real policies (presets from policies/, files from disk) through the real engine, for
// gateway tests. The fake upstreams run on 127.0.0.1, which the presets count as "internal",
// so the test policy adds one rule that blocks protected code to every destination.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadLayeredPolicy, type AirlockPolicy } from '../../../../extension/core/policy';

const root = join(__dirname, '..', '..', '..', '..');

export async function readPolicyRef(ref: string): Promise<string> {
  if (ref.startsWith('airlock:')) return readFile(join(root, 'policies', `${ref.slice('airlock:'.length)}.jsonc`), 'utf8');
  if (ref === '/test/gateway-policy.jsonc') return GATEWAY_TEST_POLICY;
  return readFile(ref, 'utf8');
}

export const GATEWAY_TEST_POLICY = `{
  "extends": ["airlock:meta-style"],
  "egress": [
    {
      "id": "no-protected-code-anywhere",
      "when": { "protected": true },
      "action": "block",
      "message": "Protected code may not leave this machine in tests."
    }
  ]
}`;

export async function loadPolicyRef(ref: string): Promise<AirlockPolicy> {
  const loaded = await loadLayeredPolicy({ workspace: ref }, readPolicyRef);
  if (!loaded.ok) throw new Error(`test policy ${ref} did not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
  return loaded.policy;
}

/** A policy that blocks protected code (paths under src/, CONFIDENTIAL markers) and redacts secrets. */
export const loadGatewayTestPolicy = () => loadPolicyRef('/test/gateway-policy.jsonc');
