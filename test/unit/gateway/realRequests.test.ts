// The exact requests the real agent CLIs sent (test/fixtures/agents, captured by the agents
// suite): the decide stage reads every one of them strictly (no false "malformed"), finds no
// secret in clean requests' bodies, URLs or headers, and blocks the protected file once its
// content (marked PROPRIETARY AND CONFIDENTIAL) rides in a tool result, whatever field carries it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { dialectFor, type ProviderFamily } from '../../../extension/core/dialects';
import type { AirlockPolicy } from '../../../extension/core/policy';
import { decide, type Decision } from '../../../extension/gateway';
import { loadPolicyRef } from './support/policy';

interface Captured {
  agent: string;
  case: string;
  requests: { method: string; path: string; headers: Record<string, string>; body: string }[];
}

const dir = join(__dirname, '..', '..', 'fixtures', 'agents');
const FAMILY: Record<string, ProviderFamily> = { claude: 'anthropic', codex: 'openai', opencode: 'openai', copilot: 'openai', gemini: 'gemini' };
const ORIGIN: Record<ProviderFamily, string> = { anthropic: 'https://api.anthropic.com', openai: 'https://api.openai.com', gemini: 'https://generativelanguage.googleapis.com', ollama: 'http://localhost:11434' };

const captures: Captured[] = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => f.endsWith('.json') && !f.includes('hook-payloads')).map((f) => JSON.parse(readFileSync(join(dir, d.name, f), 'utf8')) as Captured));

let secrets: AirlockPolicy;
let metaStyle: AirlockPolicy;
before(async () => {
  secrets = await loadPolicyRef('airlock:secrets');
  metaStyle = await loadPolicyRef('airlock:meta-style');
});

function decideCaptured(policy: AirlockPolicy, agent: string, r: Captured['requests'][number]): Decision {
  const family = FAMILY[agent]!;
  const path = r.path.split('?')[0]!;
  return decide({
    policy,
    dialect: dialectFor(family, r.method, path),
    body: Buffer.from(r.body, 'utf8'),
    destination: `${ORIGIN[family]}${path}`,
    method: r.method,
    url: r.path,
    headers: r.headers,
  });
}

test('every captured request of the real agent CLIs is read strictly and holds no secret', () => {
  assert.ok(captures.length >= 15, `fixtures found: ${captures.length}`);
  for (const c of captures) {
    for (const [i, r] of c.requests.entries()) {
      const d = decideCaptured(secrets, c.agent, r);
      const label = `${c.agent}/${c.case} #${i} ${r.method} ${r.path}`;
      assert.notEqual(d.reason, 'malformed', `${label}: ${d.kind === 'refuse' ? d.error.message : ''}`);
      assert.notEqual(d.reason, 'unparseable', label);
      // The fake project's .env is never read in these cases: nothing here is a secret.
      assert.equal(d.kind, 'forward', `${label}: ${d.kind === 'refuse' ? d.error.message : ''}`);
      assert.ok(d.action === 'allow' || d.action === 'audit', `${label}: ${d.action} ${JSON.stringify(d.verdict?.findings.map((f) => [f.rule, f.detector, f.segment]))}`);
      if (r.method === 'POST') assert.ok((d.request?.segments.length ?? 0) > 0, `${label}: nothing scanned`);
    }
  }
});

test('the protected file read through an agent tool is blocked by its marker, in whatever field it travels', () => {
  const reads = captures.filter((c) => /cat|sed|read|view|at-mention/.test(c.case));
  assert.ok(reads.length >= 8);
  for (const c of reads) {
    // The request after the tool ran carries the file's text (Claude's at-mention inlines it in the first).
    const carrying = c.requests.filter((r) => r.body.includes('PROPRIETARY AND CONFIDENTIAL'));
    assert.ok(carrying.length > 0, `${c.agent}/${c.case}: no request carries the file`);
    for (const r of carrying) {
      const d = decideCaptured(metaStyle, c.agent, r);
      assert.equal(d.kind, 'refuse', `${c.agent}/${c.case}`);
      assert.equal(d.kind === 'refuse' && d.error.status, 400);
      assert.ok(d.verdict?.findings.some((f) => f.kind === 'protected-content'), `${c.agent}/${c.case}: not found by content`);
    }
  }
});

test('every agent’s "Say hi" passes under airlock:meta-style to a public API, headers, URL and tool schemas included', () => {
  const hi = captures.filter((c) => c.case === 'say-hi');
  assert.ok(hi.length >= 5, hi.map((c) => c.agent).join(','));
  for (const c of hi) {
    for (const r of c.requests.filter((x) => x.method === 'POST')) {
      const d = decideCaptured(metaStyle, c.agent, r);
      assert.equal(d.kind, 'forward', `${c.agent}: ${d.kind === 'refuse' ? d.error.message : ''}`);
    }
  }
});
