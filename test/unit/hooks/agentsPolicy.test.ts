// `agents.<id>.destination` in the policy language: validated, merged through extends, and
// decided by layer (the organization's setting wins: a workspace cannot declare an org's agent internal).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentDestination } from '../../../extension/core/hooks/agents';
import { loadLayeredPolicy, loadPolicy } from '../../../extension/core/policy';
import { memoryReader } from '../policy/memoryReader';

test('an agent destination is read from the policy, the public API otherwise', async () => {
  const loaded = await loadPolicy('/w/p.jsonc', memoryReader({ '/w/p.jsonc': '{ "agents": { "codex": { "destination": "https://llm.acme.internal/v1/responses" } } }' }));
  assert.equal(loaded.ok, true);
  assert.equal(agentDestination(loaded.policy, 'codex'), 'https://llm.acme.internal/v1/responses');
  assert.equal(agentDestination(loaded.policy, 'claude-code'), 'https://api.anthropic.com/v1/messages');
});

test('a destination that is not a URL, or an unknown key, is a policy error', async () => {
  for (const text of ['{ "agents": { "codex": { "destination": "not a url" } } }', '{ "agents": { "codex": { "dest": "https://x" } } }']) {
    const loaded = await loadPolicy('/w/p.jsonc', memoryReader({ '/w/p.jsonc': text }));
    assert.equal(loaded.ok, false, text);
  }
});

test('extends merges per agent; the organization layer wins over the workspace', async () => {
  const files = {
    '/w/base.jsonc': '{ "agents": { "gemini": { "destination": "https://base.example/v1" }, "cursor": { "destination": "https://cursor.example" } } }',
    '/w/p.jsonc': '{ "extends": ["./base.jsonc"], "agents": { "gemini": { "destination": "https://llm.acme.internal/gemini" }, "claude-code": { "destination": "https://llm.acme.internal/v1/messages" } } }',
    '/org/org.jsonc': '{ "agents": { "claude-code": { "destination": "https://api.anthropic.com/v1/messages" } } }',
  };
  const workspace = await loadPolicy('/w/p.jsonc', memoryReader(files));
  assert.equal(agentDestination(workspace.policy, 'gemini'), 'https://llm.acme.internal/gemini');
  assert.equal(agentDestination(workspace.policy, 'cursor'), 'https://cursor.example');
  const layered = await loadLayeredPolicy({ organization: '/org/org.jsonc', workspace: '/w/p.jsonc' }, memoryReader(files));
  assert.equal(layered.ok, true);
  assert.equal(agentDestination(layered.policy, 'claude-code'), 'https://api.anthropic.com/v1/messages');
  assert.equal(agentDestination(layered.policy, 'gemini'), 'https://llm.acme.internal/gemini');
});

test('a workspace naming an internal destination cannot loosen the organization layer', async () => {
  const { decideHook } = await import('../../../extension/core/hooks/decide');
  const { agentDestinationViews } = await import('../../../extension/core/hooks/agents');
  const files = {
    '/org/org.jsonc': '{ "protected": { "markers": ["ACME CONFIDENTIAL"] }, "destinations": { "internal": ["llm.acme.internal"] }, "egress": [{ "id": "org-internal-only", "when": { "protected": true, "destinations": ["!internal"] }, "action": "block" }] }',
    '/w/p.jsonc': '{ "agents": { "claude-code": { "destination": "https://llm.acme.internal/v1/messages" } } }',
  };
  const read = { kind: 'read' as const, tool: 'Read', files: [{ path: 'src/a.ts', text: '// ACME CONFIDENTIAL\nexport const a = 1;\n' }] };
  const layered = await loadLayeredPolicy({ organization: '/org/org.jsonc', workspace: '/w/p.jsonc' }, memoryReader(files));
  const views = agentDestinationViews(layered.policy, 'claude-code');
  assert.deepEqual(views, ['https://api.anthropic.com/v1/messages', 'https://llm.acme.internal/v1/messages']);
  const d = decideHook(layered.policy, read, { agent: 'claude-code', destination: agentDestination(layered.policy, 'claude-code'), destinations: views });
  assert.equal(d.outcome, 'deny');
  assert.equal(d.rule, 'org-internal-only');
  // The organization naming it: then the internal endpoint is what every layer sees.
  const orgNames = { ...files, '/org/org.jsonc': files['/org/org.jsonc'].replace('"egress"', '"agents": { "claude-code": { "destination": "https://llm.acme.internal/v1/messages" } }, "egress"') };
  const trusted = await loadLayeredPolicy({ organization: '/org/org.jsonc', workspace: '/w/p.jsonc' }, memoryReader(orgNames));
  const allowed = decideHook(trusted.policy, read, { agent: 'claude-code', destination: agentDestination(trusted.policy, 'claude-code'), destinations: agentDestinationViews(trusted.policy, 'claude-code') });
  assert.equal(allowed.outcome, 'allow');
});
