// The decision, by content and destination, not by label: meta-style's `**` protects README.md
// for a public API but not for an internal model; a symlinked checkout or /proc/self/cwd path
// is the same file; a broken policy refuses; every agent is decided by the same engine call.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { answerHook } from '../../../extension/cli/hooks/command';
import { decideHook } from '../../../extension/core/hooks/decide';
import { loadPolicy } from '../../../extension/core/policy';
import { fixtureRepo, FIXTURE_AWS_KEY, write } from './support';

const cleanup: string[] = [];
after(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

function repo(policy?: string): string {
  const r = fixtureRepo(policy);
  cleanup.push(r);
  return r;
}

const read = (root: string, file: string, agent = 'claude-code', cwd = root) =>
  answerHook([agent], JSON.stringify({ session_id: 's', cwd, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: file } }), cwd);

test('meta-style: README.md is protected code for a public API, and readable for an internal model', async () => {
  const publicRoot = repo('{ "extends": ["airlock:meta-style"] }\n');
  const refused = await read(publicRoot, join(publicRoot, 'README.md'));
  assert.equal(refused.exitCode, 2);
  assert.match(refused.stderr ?? '', /internal model endpoints/);

  const internalRoot = repo(`{
    "extends": ["airlock:meta-style"],
    "destinations": { "internal": ["llm.acme.internal"] },
    "agents": { "claude-code": { "destination": "https://llm.acme.internal/v1/messages" } }
  }\n`);
  assert.equal((await read(internalRoot, join(internalRoot, 'README.md'))).exitCode, 0);
  assert.equal((await read(internalRoot, join(internalRoot, 'src/pricing.ts'))).exitCode, 0, 'protected code may go to the internal model');
  assert.equal((await read(internalRoot, join(internalRoot, 'config/creds.txt'))).exitCode, 2, 'a secret never leaves, internal or not');
  // Writes into tests are refused whatever the destination.
  const w = await answerHook(['claude-code'], JSON.stringify({ cwd: internalRoot, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: join(internalRoot, 'test/x.test.ts'), content: 'x' } }), internalRoot);
  assert.equal(w.exitCode, 2);
  assert.match(w.stderr ?? '', /tests are written by people/);
});

test('a marker-only policy refuses the marked file and nothing else', async () => {
  const root = repo('{ "protected": { "markers": ["ACME CONFIDENTIAL"] }, "egress": [{ "id": "p", "when": { "protected": true }, "action": "block" }] }\n');
  assert.equal((await read(root, join(root, 'README.md'))).exitCode, 0);
  assert.equal((await read(root, join(root, 'src/secret/keys.ts'))).exitCode, 0);
  assert.equal((await read(root, join(root, 'src/pricing.ts'))).exitCode, 2);
  // The marked text moved to an innocent file is still refused: content, not name, decides.
  write(root, 'notes/copy.txt', 'see: ACME CONFIDENTIAL numbers\n');
  assert.equal((await read(root, join(root, 'notes/copy.txt'))).exitCode, 2);
});

test('a symlinked checkout and /proc/self/cwd lead to the same protected file', async () => {
  const root = repo();
  const linkParent = mkdtempSync(join(tmpdir(), 'airlock-link-'));
  cleanup.push(linkParent);
  const checkout = join(linkParent, 'checkout');
  symlinkSync(root, checkout);
  assert.equal((await read(root, join(checkout, 'src/pricing.ts'), 'claude-code', checkout)).exitCode, 2);
  assert.equal((await read(root, 'src/pricing.ts', 'claude-code', checkout)).exitCode, 2);
  assert.equal((await read(root, '/proc/self/cwd/src/pricing.ts', 'claude-code', checkout)).exitCode, 2);
  assert.equal((await read(root, '/proc/thread-self/cwd/../src/pricing.ts', 'claude-code', join(checkout, 'src'))).exitCode, 2);
  assert.equal((await read(root, join(checkout, 'src/ok.ts'), 'claude-code', checkout)).exitCode, 0);
});

test('a policy that does not load refuses reads and prompts (fail closed)', async () => {
  const root = repo('{ "protected": { "paths": [ }\n');
  const r = await read(root, join(root, 'src/ok.ts'));
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr ?? '', /policy could not be loaded/);
  const p = await answerHook(['gemini'], JSON.stringify({ cwd: root, hook_event_name: 'BeforeAgent', prompt: 'hello' }), root);
  assert.equal(p.exitCode, 2);
});

test('an unknown agent, a non-JSON payload and a crash all refuse in the agent format', async () => {
  assert.equal((await answerHook(['nope'], '{}', '/')).exitCode, 2);
  const copilot = await answerHook(['copilot-cli', 'preToolUse'], 'not json', '/');
  assert.equal(copilot.exitCode, 2);
  assert.match(copilot.stdout ?? '', /"permissionDecision":"deny"/);
  const cursor = await answerHook(['cursor', 'beforeSubmitPrompt'], '[1]', '/');
  assert.match(cursor.stdout ?? '', /"continue":false/);
});

test('a search too large to check is refused, not waved through', async () => {
  const root = repo();
  for (let i = 0; i < 30; i++) write(root, `gen/f${i}.txt`, 'plain\n');
  const { checksFor } = await import('../../../extension/cli/hooks/gather');
  const { makeWorkspace } = await import('../../../extension/cli/hooks/paths');
  const checks = checksFor('Grep', { kind: 'search', roots: ['gen'] }, makeWorkspace([root], root), { maxFiles: 10, maxBytes: 1 << 20, maxFileBytes: 1 << 16 });
  const loaded = await loadPolicy(join(root, '.airlock/policy.jsonc'), async (ref) => (await import('node:fs/promises')).readFile(ref.startsWith('airlock:') ? join(__dirname, '../../../policies', `${ref.slice(8)}.jsonc`) : ref, 'utf8'));
  const decision = decideHook(loaded.policy, checks[0]!, { agent: 'claude-code', destination: 'https://api.anthropic.com/v1/messages' });
  assert.equal(decision.outcome, 'deny');
  assert.match(decision.message, /more than 10 files/);
});

test('decideHook: the engine decides a prompt (secrets refused) and a Gemini model request (redacted)', async () => {
  const loaded = await loadPolicy('p.jsonc', async (ref) =>
    ref === 'p.jsonc' ? '{ "extends": ["airlock:secrets"] }' : (await import('node:fs/promises')).readFile(join(__dirname, '../../../policies', `${ref.slice(8)}.jsonc`), 'utf8'),
  );
  const context = { agent: 'gemini', destination: 'https://generativelanguage.googleapis.com/v1beta/models' };
  const prompt = decideHook(loaded.policy, { kind: 'prompt', text: `key ${FIXTURE_AWS_KEY}` }, context);
  assert.equal(prompt.outcome, 'deny');
  assert.ok(!prompt.message.includes(FIXTURE_AWS_KEY));
  const model = decideHook(loaded.policy, { kind: 'model-request', messages: [{ role: 'user', text: `key ${FIXTURE_AWS_KEY} ok` }] }, context);
  assert.equal(model.outcome, 'rewrite');
  assert.match(model.messages![0]!.text, /^key \[REDACTED:aws-access-key-id#1\] ok$/);
  const fine = decideHook(loaded.policy, { kind: 'read', tool: 'Read', files: [{ path: 'src/a.ts', text: 'export const a = 1;' }] }, context);
  assert.equal(fine.outcome, 'allow');
});

test('decideHook refuses when the engine throws', () => {
  const broken = { layers: [], evaluateEgress: () => { throw new Error('boom'); }, reviewFor: () => ({}), isProtectedPath: () => undefined };
  const d = decideHook(broken, { kind: 'read', tool: 'Read', files: [{ path: 'a', text: 'x' }] }, { agent: 'claude-code', destination: 'https://x' });
  assert.equal(d.outcome, 'deny');
});

test('a copy of protected code in an innocent file is refused by fingerprint (no marker, no protected path)', async () => {
  const root = repo('{ "protected": { "paths": ["src/secret/**"] }, "egress": [{ "id": "p", "when": { "protected": true }, "action": "block", "message": "Protected code stays here." }] }\n');
  const engine = Array.from({ length: 30 }, (_, i) => `export function tariff${i}(units: number, region: string): number {\n  return Math.round(units * ${(i * 1.37).toFixed(2)} + region.length * ${i + 3});\n}\n`).join('');
  write(root, 'src/secret/tariffs.ts', engine);
  write(root, 'notes/copied.txt', `scratch notes\n${engine.split('\n').slice(10, 40).join('\n')}\n`);
  write(root, 'notes/own.txt', 'export function greet(name: string) {\n  return `hello ${name}`;\n}\n'.repeat(5));
  const refused = await read(root, join(root, 'notes/copied.txt'));
  assert.equal(refused.exitCode, 2, refused.stderr);
  assert.match(refused.stderr ?? '', /Protected code stays here/);
  assert.equal((await read(root, join(root, 'notes/own.txt'))).exitCode, 0);
});
