// Protected code by content on the real wire shapes of five agent CLIs (test/fixtures/agents,
// captured from the real clients against a fake upstream), under airlock:meta-style towards a
// public API, with the workspace index of the captured project (test/agents/project). The
// marker lines are taken out of the bodies first, so only the fingerprints can recognise the
// code: a protected file read with cat/sed, the Read/view tools or an @-mention is blocked by
// content and named; "Say hi" (Codex's environment context, opencode's "@config.json" title
// prompt), a hook refusal and a Write pass.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNodePolicyReader } from '../../../extension/cli/policySource';
import { dialectFor, parseBody, type ProviderFamily } from '../../../extension/core/dialects';
import { FingerprintIndex } from '../../../extension/core/fingerprint';
import { loadLayeredPolicy, type AirlockPolicy } from '../../../extension/core/policy';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'agents');
const PROJECT = join(__dirname, '..', '..', 'agents', 'project');
const WORKDIR = '/tmp/airlock-capture/acme-quotes';
const FAMILY: Record<string, ProviderFamily> = { claude: 'anthropic', codex: 'openai', opencode: 'openai', copilot: 'openai', gemini: 'gemini' };

interface Captured {
  requests: { method: string; path: string; body?: string }[];
}

function withoutMarkers(text: string): string {
  return text.replace(/PROPRIETARY AND CONFIDENTIAL/g, 'notes').replace(/Do not share outside Acme/g, 'notes');
}

/** The verdict of each captured request (skipping bodiless probes), as the gateway would decide it. */
function verdicts(policy: AirlockPolicy, index: FingerprintIndex, agent: string, name: string) {
  const captured = JSON.parse(readFileSync(join(FIXTURES, agent, `${name}.json`), 'utf8')) as Captured;
  return captured.requests
    .filter((r) => r.body)
    .map((r) => {
      const family = FAMILY[agent]!;
      const dialect = dialectFor(family, r.method, family === 'openai' ? r.path.replace(/^\/v1/, '') : r.path);
      assert.ok(dialect, `${agent}/${name} ${r.path}`);
      const parsed = parseBody(dialect, withoutMarkers(r.body!), { destination: 'https://api.example.com/v1' });
      return policy.evaluateEgress({ ...parsed.request, destination: 'https://api.openai.com/v1/responses' }, { protectedIndex: index, workspaceRoots: [WORKDIR] });
    });
}

async function setup(): Promise<{ policy: AirlockPolicy; index: FingerprintIndex }> {
  const loaded = await loadLayeredPolicy({ workspace: 'airlock:meta-style' }, createNodePolicyReader());
  assert.ok(loaded.ok);
  const index = new FingerprintIndex();
  for (const file of ['src/pricing.ts', 'src/greet.ts']) index.add(file, withoutMarkers(readFileSync(join(PROJECT, file), 'utf8')));
  return { policy: loaded.policy, index };
}

test('a protected file leaving through a shell tool, a read tool or an @-mention is blocked by content, and named', async () => {
  const { policy, index } = await setup();
  const cases: [string, string][] = [
    ['claude', 'bash-cat'],
    ['claude', 'bash-sed'],
    ['claude', 'read'],
    ['claude', 'at-mention'],
    ['codex', 'shell-cat'],
    ['opencode', 'bash-cat'],
    ['opencode', 'read'],
    ['copilot', 'bash-cat'],
    ['copilot', 'view'],
    ['gemini', 'read-file'],
    ['gemini', 'shell-cat'],
  ];
  for (const [agent, name] of cases) {
    const all = verdicts(policy, index, agent, name);
    const last = all[all.length - 1]!;
    assert.equal(last.action, 'block', `${agent}/${name}`);
    const f = last.findings.find((x) => x.kind === 'protected-content' && x.source);
    assert.ok(f, `${agent}/${name}: a fingerprint finding`);
    assert.equal(f.source, 'src/pricing.ts');
    assert.ok(f.sourceLines![1] > f.sourceLines![0]);
    assert.ok(!JSON.stringify(last).includes('acmeVolumeFactor'), 'the verdict never carries the code');
  }
});

test('requests that only name files pass: Say hi, a hook refusal, a Write, opencode\'s title prompt', async () => {
  const { policy, index } = await setup();
  for (const [agent, name] of [
    ['claude', 'say-hi'],
    ['claude', 'hook-refusal'],
    ['claude', 'write'],
    ['claude', 'bash-grep'], // one matching comment line: no code
    ['codex', 'say-hi'],
    ['opencode', 'say-hi'],
    ['copilot', 'say-hi'],
    ['gemini', 'say-hi'],
  ] as const) {
    for (const v of verdicts(policy, index, agent, name)) assert.notEqual(v.action, 'block', `${agent}/${name}: ${v.rule} ${JSON.stringify(v.findings.map((f) => f.kind))}`);
  }
});
