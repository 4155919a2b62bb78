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
