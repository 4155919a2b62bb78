// Layers: a workspace policy can add rules and tighten, but never loosen or disable a rule of
// the organization policy above it, whichever way it tries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadLayeredPolicy, runPolicyTests, type LoadedPolicy } from '../../../extension/core/policy';
import type { EgressRequest } from '../../../extension/core/egress/types';
import { AWS_KEY, memoryReader } from './memoryReader';

const ORG = `{
  "extends": ["airlock:secrets"],
  "protected": { "paths": ["src/**"], "markers": ["ACME CONFIDENTIAL"] },
  "detectors": { "custom": [{ "id": "acme-token", "regex": "acme_[a-z0-9]{12}", "keywords": ["acme_"] }] },
  "destinations": { "internal": ["llm.acme.internal"] },
  "onUnparseable": "block",
  "egress": [
    { "id": "org-protected", "when": { "protected": true, "destinations": ["!internal"] }, "action": "block", "message": "ORG: protected code stays internal." },
    { "id": "org-no-aws", "when": { "detectors": ["aws-access-key-id", "acme-token"] }, "action": "block", "message": "ORG: no AWS keys." }
  ],
  "review": [{ "id": "org-no-ai-tests", "paths": ["test/**"], "action": "forbid" }]
}`;

async function layered(workspace: string): Promise<LoadedPolicy> {
  return loadLayeredPolicy(
    { organization: 'https://policies.acme.com/org.jsonc', workspace: '/ws/.airlock/policy.jsonc' },
    memoryReader({ 'https://policies.acme.com/org.jsonc': ORG, '/ws/.airlock/policy.jsonc': workspace }),
  );
}

const OPENAI = 'https://api.openai.com/v1/chat/completions';
const withKey: EgressRequest = { destination: 'https://llm.acme.internal/v1', segments: [{ id: 'u', role: 'user', text: `key ${AWS_KEY}` }], referencedPaths: [] };
const withAcmeToken: EgressRequest = { destination: 'https://llm.acme.internal/v1', segments: [{ id: 'u', role: 'user', text: 'acme_k2j4h5g6f7d8' }], referencedPaths: [] };
const withProtected: EgressRequest = { destination: OPENAI, segments: [{ id: 'f', role: 'file', path: 'src/main.ts', text: 'main()' }], referencedPaths: ['src/main.ts'] };

async function expectOrgHolds(workspace: string): Promise<void> {
  const { policy, problems, ok } = await layered(workspace);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  assert.ok(ok);
  assert.deepEqual(policy.layers, ['organization', 'workspace']);
  const key = policy.evaluateEgress(withKey);
  assert.deepEqual([key.action, key.rule, key.message], ['block', 'org-no-aws', 'ORG: no AWS keys.']);
  assert.equal(policy.evaluateEgress(withAcmeToken).rule, 'org-no-aws');
  const prot = policy.evaluateEgress(withProtected);
  assert.deepEqual([prot.action, prot.rule], ['block', 'org-protected']);
  assert.equal(policy.reviewFor('test/a.ts').forbidden?.rule, 'org-no-ai-tests');
  assert.equal(policy.unparseableVerdict('bad json').action, 'block');
}

test('an allow-everything workspace rule does not loosen the organization', async () => {
  await expectOrgHolds('{ "egress": [{ "id": "ws-allow-all", "when": {}, "action": "allow" }] }');
});

test('disabling or turning off built-in detectors in the workspace does not affect org findings', async () => {
  await expectOrgHolds('{ "detectors": { "builtin": false, "disable": ["aws-access-key-id"] } }');
});

test('allowlisting the org-detected value in the workspace does not affect org findings', async () => {
  await expectOrgHolds(`{ "detectors": { "allowlist": ["${AWS_KEY}"], "allowlistPatterns": [".*"] } }`);
});

test('redefining a detector id the org relies on does not affect org findings', async () => {
  await expectOrgHolds('{ "detectors": { "custom": [{ "id": "acme-token", "regex": "zzzz-never" }] }, "egress": [{ "id": "ws", "when": { "detectors": ["acme-token"] }, "action": "audit" }] }');
});

test('widening a destination group or un-protecting paths in the workspace does not loosen org rules', async () => {
  await expectOrgHolds('{ "destinations": { "internal": ["*"] }, "protected": { "paths": ["!**"] }, "onUnparseable": "allow" }');
});

test('the workspace cannot remove an org review rule', async () => {
  await expectOrgHolds('{ "review": [{ "id": "ws-approve-tests", "paths": ["test/**"], "action": "require-approval" }] }');
});

test('reusing an org rule id is a positioned problem, and the broken policy fails closed', async () => {
  const text = '{\n  "egress": [\n    { "id": "org-no-aws", "when": {}, "action": "allow" }\n  ]\n}';
  const { problems, ok, policy } = await layered(text);
  assert.equal(ok, false);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.source, '/ws/.airlock/policy.jsonc');
  assert.deepEqual([problems[0]!.line, problems[0]!.column], [3, 13]);
  assert.match(problems[0]!.message, /rule id "org-no-aws" is already defined by the organization policy/);
  assert.equal(policy.evaluateEgress({ destination: OPENAI, segments: [], referencedPaths: [] }).action, 'block');
});

test('both layers extending the same preset is not a conflict', async () => {
  const { problems, ok, policy } = await layered('{ "extends": ["airlock:secrets"] }');
  assert.deepEqual(problems, []);
  assert.ok(ok);
  // The same inherited rule firing in both layers is reported once per span.
  const v = policy.evaluateEgress({ ...withKey, destination: 'https://llm.acme.internal/v1' });
  assert.equal(v.findings.filter((f) => f.rule === 'secrets').length, 1);
});

test('the workspace can tighten: add rules and stronger actions', async () => {
  const { policy, ok } = await layered(
    '{ "destinations": { "openai": ["api.openai.com"] }, "egress": [{ "id": "ws-no-openai", "when": { "destinations": ["openai"] }, "action": "block", "message": "WS: not OpenAI." }] }',
  );
  assert.ok(ok);
  const v = policy.evaluateEgress({ destination: OPENAI, segments: [{ id: 'u', role: 'user', text: 'hello' }], referencedPaths: [] });
  assert.deepEqual([v.action, v.rule, v.message], ['block', 'ws-no-openai', 'WS: not OpenAI.']);
});

test('each layer’s embedded tests run against that layer and the layers above it', async () => {
  const orgWithTest = ORG.replace(
    /}\s*$/,
    ', "tests": [{ "name": "openai question allowed", "request": { "destination": "https://api.openai.com/v1/x", "text": "hi" }, "expect": { "action": "allow" } }] }',
  );
  const loaded = await loadLayeredPolicy(
    { organization: '/org.jsonc', workspace: '/ws/p.jsonc' },
    memoryReader({
      '/org.jsonc': orgWithTest,
      '/ws/p.jsonc': '{ "egress": [{ "id": "ws-block", "when": {}, "action": "block" }], "tests": [{ "name": "all blocked", "request": { "destination": "https://api.openai.com/v1/x", "text": "hi" }, "expect": { "action": "block" } }] }',
    }),
  );
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  assert.deepEqual(
    runPolicyTests(loaded.policy).map((r) => [r.layer, r.name, r.passed]),
    [
      ['organization', 'openai question allowed', true],
      ['workspace', 'all blocked', true],
    ],
  );
});

test('extending the org policy and overriding its rule inside the workspace is still a conflict', async () => {
  const text = '{\n  "extends": ["https://policies.acme.com/org.jsonc"],\n  "egress": [{ "id": "org-protected", "when": {}, "action": "allow" }]\n}';
  const { problems, ok } = await layered(text);
  assert.equal(ok, false);
  assert.deepEqual(problems.map((p) => [p.source, p.line]), [['/ws/.airlock/policy.jsonc', 3]]);
  assert.match(problems[0]!.message, /"org-protected" is already defined by the organization policy/);
  // Extending it without overriding is fine: the org rules then simply apply twice.
  await expectOrgHolds('{ "extends": ["https://policies.acme.com/org.jsonc"] }');
});
