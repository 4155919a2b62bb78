// evaluateEgress: findings, messages, redaction with stable placeholders, path/marker/
// destination/assistant/role conditions, and printable forms that never carry values.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { loadPolicy, type AirlockPolicy } from '../../../extension/core/policy';
import type { EgressRequest } from '../../../extension/core/egress/types';
import { AWS_KEY, memoryReader, STRIPE_KEY } from './memoryReader';

async function policyOf(text: string): Promise<AirlockPolicy> {
  const { policy, problems, ok } = await loadPolicy('/ws/p.jsonc', memoryReader({ '/ws/p.jsonc': text }));
  assert.deepEqual(problems, []);
  assert.ok(ok);
  return policy;
}

const OPENAI = 'https://api.openai.com/v1/chat/completions';
const req = (over: Partial<EgressRequest>): EgressRequest => ({ destination: OPENAI, segments: [], referencedPaths: [], ...over });

const ACME = `{
  "extends": ["airlock:secrets"],
  "protected": { "paths": ["src/core/", "*.pem", "!src/core/public/**"], "markers": ["ACME CONFIDENTIAL"] },
  "destinations": { "internal": ["llm.acme.internal", "https://gw.acme.com/ai/"] },
  "egress": [
    { "id": "protected-internal-only", "when": { "protected": true, "destinations": ["!internal"] }, "action": "block", "message": "Protected code stays internal." },
    { "id": "warn-copilot", "when": { "assistants": ["copilot*"] }, "action": "warn", "message": "Copilot is discouraged." },
    { "id": "audit-tool-results", "when": { "detectors": ["*"], "segmentRoles": ["tool-result"] }, "action": "audit" }
  ]
}`;

test('secrets are redacted with stable placeholders; same value, same number', async () => {
  const policy = await policyOf('{ "extends": ["airlock:secrets"] }');
  const other = ['AKIA', 'QQ3RT7YW2KX5ZV4M'].join('');
  const v = policy.evaluateEgress(
    req({
      segments: [
        { id: 'm0', role: 'user', text: `key ${AWS_KEY} and ${other}` },
        { id: 'm1', role: 'file', path: 'a.env', text: `AWS=${AWS_KEY}\nSTRIPE=${STRIPE_KEY}\n` },
      ],
    }),
  );
  assert.equal(v.action, 'redact');
  assert.equal(v.rule, 'secrets');
  assert.equal(v.message, 'Airlock removed secrets from this request before it left.');
  assert.deepEqual(
    v.redactedSegments!.map((s) => s.text),
    ['key [REDACTED:aws-access-key-id#1] and [REDACTED:aws-access-key-id#2]', 'AWS=[REDACTED:aws-access-key-id#1]\nSTRIPE=[REDACTED:stripe-secret-key#1]\n'],
  );
  const f = v.findings.find((x) => x.segment === 'm1' && x.detector === 'stripe-secret-key')!;
  assert.deepEqual(
    { kind: f.kind, action: f.action, path: f.path, start: f.start, end: f.end, preview: f.preview, placeholder: f.placeholder },
    { kind: 'secret', action: 'redact', path: 'a.env', start: 32, end: 32 + STRIPE_KEY.length, preview: 'sk_l…c0aF'.replace('c0aF', STRIPE_KEY.slice(-4)), placeholder: '[REDACTED:stripe-secret-key#1]' },
  );
  // Printable forms carry neither the secrets nor the prompt text.
  for (const printed of [JSON.stringify(v), inspect(v, { depth: 10 })]) {
    assert.ok(!printed.includes(AWS_KEY) && !printed.includes(other) && !printed.includes(STRIPE_KEY));
    assert.ok(!printed.includes('STRIPE='));
    assert.match(printed, /aws-access-key-id/);
  }
  // The gateway still gets the rewritten segments as data.
  assert.equal(v.redactedSegments!.length, 2);
});

test('a clean request is allowed with no findings', async () => {
  const policy = await policyOf(ACME);
  const v = policy.evaluateEgress(req({ segments: [{ id: 'm', role: 'user', text: 'How do I sort a list?' }] }));
  assert.deepEqual({ action: v.action, findings: v.findings, message: v.message }, { action: 'allow', findings: [], message: '' });
});

test('protected paths are anchored like .gitignore, with negation', async () => {
  const policy = await policyOf(ACME);
  // The content of a file under a protected path (an attachment, a labelled file block) is protected code leaving.
  const file = (path: string, over: Partial<EgressRequest> = {}) => req({ segments: [{ id: 'f', role: 'file', path, text: 'code()\n' }], ...over });
  const decide = (path: string) => policy.evaluateEgress(file(path)).action;
  assert.equal(decide('src/core/engine.ts'), 'block');
  assert.equal(decide('./src/core/deep/x.ts'), 'block');
  assert.equal(decide('lib/src/core/engine.ts'), 'allow', 'src/core/ is anchored at the root');
  assert.equal(decide('keys/deploy.pem'), 'block', '*.pem matches at any depth');
  assert.equal(decide('src/core/public/api.ts'), 'allow', '! re-includes');
  assert.equal(decide('src/ui/button.ts'), 'allow');
  // Absolute paths: relative to a known workspace root, else tried at every depth (fail closed).
  assert.equal(policy.evaluateEgress(file('/home/me/repo/src/core/x.ts', { workspaceRoots: ['/home/me/repo'] })).action, 'block');
  assert.equal(policy.evaluateEgress(file('/home/me/repo/lib/src/core/x.ts', { workspaceRoots: ['/home/me/repo'] })).action, 'allow');
  assert.equal(decide('/somewhere/else/src/core/x.ts'), 'block');
  assert.equal(decide('C:\\work\\repo\\src\\core\\x.ts'), 'block');
  const v = policy.evaluateEgress(req({ segments: [{ id: 'f', role: 'file', path: 'src/core/a.ts', text: 'x' }] }));
  assert.deepEqual(v.findings.map((f) => [f.rule, f.kind, f.segment, f.path]), [['protected-internal-only', 'protected-path', 'f', 'src/core/a.ts']]);
  assert.equal(v.message, 'Protected code stays internal.');
  assert.deepEqual(policy.isProtectedPath('src/core/a.ts'), { rule: 'protected-internal-only', message: 'Protected code stays internal.' });
  assert.equal(policy.isProtectedPath('README.md'), undefined);
});

test('content markers match case-insensitively, with a span and a preview', async () => {
  const policy = await policyOf(ACME);
  const text = 'int main() {}\n// Acme Confidential — do not share\n';
  const v = policy.evaluateEgress(req({ segments: [{ id: 'u', role: 'user', text }] }));
  assert.equal(v.action, 'block');
  const f = v.findings[0]!;
  assert.equal(f.kind, 'protected-content');
  assert.equal(text.slice(f.start, f.end), 'Acme Confidential');
});

test('destinations: internal groups by host and URL prefix; `!internal` covers the rest', async () => {
  const policy = await policyOf(ACME);
  const to = (destination: string) => policy.evaluateEgress(req({ destination, segments: [{ id: 'f', role: 'file', path: 'src/core/a.ts', text: 'code()' }] })).action;
  assert.equal(to('https://llm.acme.internal/v1/chat'), 'allow');
  assert.equal(to('https://gw.acme.com/ai/v1/messages'), 'allow');
  assert.equal(to('https://gw.acme.com/aix/v1'), 'block', 'a URL prefix ends at a path boundary');
  assert.equal(to('https://llm.acme.internal.evil.com/v1'), 'block');
  assert.equal(to('https://api.anthropic.com/v1/messages'), 'block');
  assert.equal(to('not a url'), 'block', 'an unparseable destination is in no group, so `!internal` holds');
});

test('assistant conditions and segment roles', async () => {
  const policy = await policyOf(ACME);
  const copilot = policy.evaluateEgress(req({ assistant: 'copilot-chat', segments: [{ id: 'u', role: 'user', text: 'hi' }] }));
  assert.deepEqual([copilot.action, copilot.rule, copilot.findings[0]!.kind], ['warn', 'warn-copilot', 'assistant']);
  assert.equal(policy.evaluateEgress(req({ assistant: 'claude-code' })).action, 'allow');
  const tool = policy.evaluateEgress(req({ segments: [{ id: 't', role: 'tool-result', text: `out: ${AWS_KEY}` }] }));
  assert.deepEqual([...new Set(tool.findings.map((f) => f.rule))].sort(), ['audit-tool-results', 'secrets']);
  assert.equal(tool.action, 'redact', 'the strongest action wins');
  const user = policy.evaluateEgress(req({ segments: [{ id: 'u', role: 'user', text: `out: ${AWS_KEY}` }] }));
  assert.deepEqual([...new Set(user.findings.map((f) => f.rule))], ['secrets']);
});

test('custom detectors, allowlists and disabled built-ins', async () => {
  const policy = await policyOf(`{
    "detectors": {
      "disable": ["stripe-secret-key"],
      "allowlist": ["${AWS_KEY}"],
      "custom": [{ "id": "acme-token", "regex": "acme_[a-z0-9]{12}", "keywords": ["acme_"], "description": "ACME internal token" }]
    },
    "egress": [{ "id": "no-secrets", "when": { "detectors": ["*"] }, "action": "block" }]
  }`);
  const v = policy.evaluateEgress(req({ segments: [{ id: 'u', role: 'user', text: `acme_k2j4h5g6f7d8 ${AWS_KEY} ${STRIPE_KEY}` }] }));
  assert.equal(v.action, 'block');
  assert.deepEqual(v.findings.map((f) => [f.detector, f.kind]), [['acme-token', 'custom-detector']]);
  assert.equal(v.message, 'Blocked by Airlock policy rule "no-secrets".');
});

test('a catastrophic custom regex runs in linear time under RE2', async () => {
  const policy = await policyOf(`{
    "detectors": { "builtin": false, "custom": [{ "id": "evil", "regex": "(a+)+$" }] },
    "egress": [{ "id": "r", "when": { "detectors": ["evil"] }, "action": "warn" }]
  }`);
  const text = `${'a'.repeat(50_000)}!`;
  const started = performance.now();
  const v = policy.evaluateEgress(req({ segments: [{ id: 'u', role: 'user', text }] }));
  const ms = performance.now() - started;
  assert.equal(v.action, 'allow');
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('regexes RE2 cannot run in linear time are rejected at load, positioned, with the reason', async () => {
  const text = '{\n  "detectors": { "custom": [\n    { "id": "bad", "regex": "(a)\\\\1" }\n  ] },\n  "egress": [{ "id": "r", "when": { "detectors": ["bad"] }, "action": "block" }]\n}';
  const { problems, ok } = await loadPolicy('/ws/p.jsonc', memoryReader({ '/ws/p.jsonc': text }));
  assert.equal(ok, false);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /custom detector "bad": backreferences .* linear time/);
  assert.equal(problems[0]!.line, 3);
});

test('compile-time mistakes are positioned problems', async () => {
  const text = `{
  "egress": [
    { "id": "a", "when": { "protected": true }, "action": "redact" },
    { "id": "b", "when": { "destinations": ["nowhere"] }, "action": "block" },
    { "id": "c", "when": { "detectors": ["no-such-detector"] }, "action": "warn" }
  ]
}`;
  const { problems } = await loadPolicy('/ws/p.jsonc', memoryReader({ '/ws/p.jsonc': text }));
  assert.deepEqual(
    problems.map((p) => [p.line, p.severity, p.message.replace(/\(.*$/, '').trim()]),
    [
      [3, 'error', 'egress rule "a": "redact" needs when.detectors'],
      [4, 'error', 'egress rule "b": unknown destination group "nowhere"'],
      [5, 'warning', 'egress rule "c": unknown detector "no-such-detector"'],
    ],
  );
});

test('review rules: forbid and require-approval', async () => {
  const policy = await policyOf('{ "extends": ["airlock:meta-style"] }');
  assert.equal(policy.reviewFor('test/a.ts').forbidden?.rule, 'no-ai-code-in-tests');
  assert.equal(policy.reviewFor('src/a.test.tsx').forbidden?.rule, 'no-ai-code-in-tests');
  assert.equal(policy.reviewFor('src/a.ts').forbidden, undefined);
  assert.deepEqual(policy.reviewFor('src/a.ts').requireApproval?.rule, 'human-approval');
});

test('unparseable requests follow onUnparseable (default block); engine faults block', async () => {
  const policy = await policyOf('{}');
  const v = policy.unparseableVerdict('invalid JSON body');
  assert.deepEqual([v.action, v.findings[0]!.kind], ['block', 'unparseable']);
  const lenient = await policyOf('{ "onUnparseable": "warn" }');
  assert.equal(lenient.unparseableVerdict('x').action, 'warn');
  // A request that makes the engine throw is blocked, and the error text is not echoed.
  const secrets = await policyOf('{ "extends": ["airlock:secrets"] }');
  const broken = secrets.evaluateEgress({ destination: OPENAI, segments: [{ id: 'x', role: 'user', text: 42 as never }], referencedPaths: [] });
  assert.equal(broken.action, 'block');
});

test('markers match whole words only', async () => {
  const policy = await policyOf(ACME);
  const decide = (text: string) => policy.evaluateEgress(req({ segments: [{ id: 'u', role: 'user', text }] })).action;
  assert.equal(decide('const acmeConfidentialFlag = 1; // XACME CONFIDENTIALITY'), 'allow');
  assert.equal(decide('/* ACME CONFIDENTIAL */'), 'block');
  assert.equal(decide('acme confidential:'), 'block');
});
