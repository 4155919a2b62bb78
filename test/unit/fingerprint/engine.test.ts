// Protected code by content in the engine: fingerprint matches become `protected-content`
// findings naming the source file and lines (never the text); mentions of protected paths
// count only as `protected.references` says; labelled content still counts; fingerprint files
// named by the policy are loaded (and bad ones fail the policy closed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import type { EgressRequest, EgressSegment } from '../../../extension/core/egress/types';
import { FingerprintIndex, serializeIndex } from '../../../extension/core/fingerprint';
import { loadPolicy, type AirlockPolicy, type PolicyReader } from '../../../extension/core/policy';
import { renameAndReformat, rng, sliceLines } from '../../support/codeGenerator';
import { memoryReader } from '../policy/memoryReader';
import { PRICING } from './samples';

const OPENAI = 'https://api.openai.com/v1/chat/completions';
const req = (segments: Omit<EgressSegment, 'id'>[], referencedPaths: string[] = []): EgressRequest => ({
  destination: OPENAI,
  segments: segments.map((s, i) => ({ id: `s${i}`, ...s })),
  referencedPaths,
});

const policyText = (references?: string, extra = '') => `{
  "protected": { "paths": ["src/"]${references ? `, "references": "${references}"` : ''}${extra} },
  "egress": [{ "id": "protected-internal-only", "when": { "protected": true }, "action": "block", "message": "Protected code stays internal." }]
}`;

async function policyOf(text: string, read: PolicyReader = memoryReader({ '/ws/.airlock/policy.jsonc': text })): Promise<AirlockPolicy> {
  const { policy, problems, ok } = await loadPolicy('/ws/.airlock/policy.jsonc', read);
  assert.deepEqual(problems, []);
  assert.ok(ok);
  return policy;
}

function workspaceIndex(): FingerprintIndex {
  const index = new FingerprintIndex();
  index.add('src/pricing.ts', PRICING);
  index.add('docs/example.ts', 'export function example(a, b) {\n  const total = a.items.reduce((s, i) => s + i.price * i.qty, 0);\n  return total > b.limit ? b.limit : total;\n}\n');
  return index;
}

const SNIPPET = sliceLines(PRICING, 3, 14);

test('a snippet without path or marker is found in a chat message, a tool result and shell output', async () => {
  const policy = await policyOf(policyText());
  const protectedIndex = workspaceIndex();
  const places: Omit<EgressSegment, 'id'>[] = [
    { role: 'user', text: `Why does this return NaN sometimes?\n\n${SNIPPET}\n` },
    { role: 'tool-result', text: SNIPPET.split('\n').map((l, i) => `${String(i + 4).padStart(6)}\t${l}`).join('\n') },
    { role: 'tool-result', text: `Chunk ID: 1dc8a3\nProcess exited with code 0\nOutput:\n${SNIPPET.split('\n').map((l, i) => `src/pricing.ts:${i + 4}:${l}`).join('\n')}` },
    { role: 'system', text: `<context>${renameAndReformat(SNIPPET, rng(4))}</context>` },
  ];
  for (const place of places) {
    const v = policy.evaluateEgress(req([place]), { protectedIndex });
    assert.equal(v.action, 'block', place.text.slice(0, 40));
    const f = v.findings[0]!;
    assert.equal(f.kind, 'protected-content');
    assert.equal(f.source, 'src/pricing.ts');
    assert.ok(f.sourceLines![0] >= 4 && f.sourceLines![0] <= 6 && f.sourceLines![1] >= 14 && f.sourceLines![1] <= 17, `${f.sourceLines}`);
    assert.ok(f.fingerprints! >= 4);
    assert.equal(f.preview, undefined, 'no preview of protected code');
    assert.ok(f.end! > f.start!);
  }
  // Nothing of the code in the printable verdict.
  const v = policy.evaluateEgress(req([places[0]!]), { protectedIndex });
  for (const printed of [JSON.stringify(v), inspect(v, { depth: 9 })]) assert.ok(!printed.includes('subtotal') && !printed.includes('tariff'), printed);
});

test('only sources under the layer\'s protected paths count; without an index, fingerprints do not apply', async () => {
  const policy = await policyOf(policyText());
  const protectedIndex = workspaceIndex();
  const example = 'export function example(a, b) {\n  const total = a.items.reduce((s, i) => s + i.price * i.qty, 0);\n  return total > b.limit ? b.limit : total;\n}\n';
  assert.equal(policy.evaluateEgress(req([{ role: 'user', text: example }]), { protectedIndex }).action, 'allow', 'docs/ is not protected');
  assert.equal(policy.evaluateEgress(req([{ role: 'user', text: SNIPPET }])).action, 'allow', 'no index given');
});

test('the model\'s own turns are not fingerprinted unless the rule lists their roles', async () => {
  const protectedIndex = workspaceIndex();
  const write = req([
    { role: 'assistant', text: `Here is the new version:\n${SNIPPET}` },
    { role: 'tool-call', text: JSON.stringify({ file_path: 'src/pricing.ts', content: PRICING }), path: 'src/pricing.ts' },
    { role: 'tool-result', text: 'File created successfully at: src/pricing.ts', path: 'src/pricing.ts' },
  ], ['src/pricing.ts']);
  assert.equal((await policyOf(policyText())).evaluateEgress(write, { protectedIndex }).action, 'allow');
  const strict = await policyOf(`{
    "protected": { "paths": ["src/"] },
    "egress": [{ "id": "all-roles", "when": { "protected": true, "segmentRoles": ["user", "assistant", "tool-call", "tool-result", "file", "system"] }, "action": "block" }]
  }`);
  const v = strict.evaluateEgress(write, { protectedIndex });
  assert.equal(v.action, 'block');
  assert.ok(v.findings.some((f) => f.kind === 'protected-content' && f.segment === 's0'));
});

test('references: ignore (default) / audit / block', async () => {
  const mention = req([{ role: 'user', text: 'what does @src/pricing.ts do?' }, { role: 'tool-call', text: '{"path":"src/pricing.ts"}', path: 'src/pricing.ts' }], ['src/pricing.ts']);
  const ignore = (await policyOf(policyText())).evaluateEgress(mention);
  assert.deepEqual([ignore.action, ignore.findings], ['allow', []]);
  const audit = (await policyOf(policyText('audit'))).evaluateEgress(mention);
  assert.equal(audit.action, 'audit');
  assert.equal(audit.rule, 'protected-internal-only');
  assert.ok(audit.findings.length >= 2 && audit.findings.every((f) => f.kind === 'protected-path' && f.action === 'audit'));
  const block = (await policyOf(policyText('block'))).evaluateEgress(mention);
  assert.equal(block.action, 'block');
  assert.deepEqual(block.findings.map((f) => f.path), ['src/pricing.ts', 'src/pricing.ts']);
  // Content plus a mention under "audit": the content decides, the mention is recorded beside it.
  const both = (await policyOf(policyText('audit'))).evaluateEgress(
    req([{ role: 'user', text: SNIPPET }], ['src/pricing.ts']),
    { protectedIndex: workspaceIndex() },
  );
  assert.equal(both.action, 'block');
  assert.deepEqual(both.findings.map((f) => [f.kind, f.action]), [['protected-content', 'block'], ['protected-path', 'audit']]);
});

test('labelled content still counts: a file segment always, a tool result by content when the index knows the file', async () => {
  const policy = await policyOf(policyText());
  const file = req([{ role: 'file', path: 'src/tiny.ts', text: 'export const x = 1;\n' }]);
  assert.equal(policy.evaluateEgress(file).action, 'block', 'an attached protected file');
  assert.equal(policy.evaluateEgress(file, { protectedIndex: workspaceIndex() }).action, 'block');
  const numbered = PRICING.split('\n').map((l, i) => `${i + 1}\t${l}`).join('\n');
  const read = req([{ role: 'tool-result', path: '/home/me/acme/src/pricing.ts', text: numbered }], ['/home/me/acme/src/pricing.ts']);
  const withIndex = policy.evaluateEgress(read, { protectedIndex: workspaceIndex() });
  assert.equal(withIndex.action, 'block');
  assert.equal(withIndex.findings[0]!.kind, 'protected-content');
  assert.equal(withIndex.findings[0]!.source, 'src/pricing.ts');
  assert.equal(policy.evaluateEgress(read).action, 'block', 'no index: the label decides (fail closed)');
  // Status lines named after the file are not its content.
  for (const text of ['File created successfully at: /home/me/acme/src/pricing.ts', 'PreToolUse:Read hook error: Airlock: src/pricing.ts is protected code.']) {
    const status = req([{ role: 'tool-result', path: '/home/me/acme/src/pricing.ts', text }]);
    assert.equal(policy.evaluateEgress(status).action, 'allow', text);
    assert.equal(policy.evaluateEgress(status, { protectedIndex: workspaceIndex() }).action, 'allow', text);
  }
  // A directory listing (LS of src/): with an index its content decides (no code); without one it counts (fail closed).
  const listing = req([{ role: 'tool-result', path: '/home/me/acme/src', text: 'pricing.ts\ntiny.ts\nutil/\n' }]);
  assert.equal(policy.evaluateEgress(listing, { protectedIndex: workspaceIndex() }).action, 'allow', 'the index judges the content');
  assert.equal(policy.evaluateEgress(listing).action, 'block', 'no index: more than a status line counts');
});

test('policy fingerprint files: loaded relative to the policy, matched without a workspace index', async () => {
  const company = new FingerprintIndex();
  company.add('acme-core/src/pricing.ts', PRICING);
  const bytes = serializeIndex(company);
  const files: Record<string, Uint8Array> = { '/ws/.airlock/fp/acme-core.alfp': bytes };
  const base = memoryReader({ '/ws/.airlock/policy.jsonc': policyText(undefined, ', "fingerprints": ["./fp/acme-core.alfp"]') });
  const reads: string[] = [];
  const read: PolicyReader = Object.assign((ref: string) => base(ref), {
    readBytes: async (ref: string) => {
      reads.push(ref);
      const b = files[ref];
      if (!b) throw new Error(`ENOENT: ${ref}`);
      return b;
    },
  });
  const policy = await policyOf('', read);
  assert.deepEqual(reads, ['/ws/.airlock/fp/acme-core.alfp']);
  const v = policy.evaluateEgress(req([{ role: 'user', text: SNIPPET }]));
  assert.equal(v.action, 'block');
  assert.equal(v.findings[0]!.source, 'acme-core/src/pricing.ts', 'named as recorded in the file, not a workspace path');

  // Missing, corrupt, or a host that cannot read binary files: the policy fails closed, positioned.
  for (const [name, reader] of [
    ['missing', Object.assign((ref: string) => base(ref), { readBytes: async () => Promise.reject(new Error('ENOENT')) })],
    ['corrupt', Object.assign((ref: string) => base(ref), { readBytes: async () => new Uint8Array([1, 2, 3]) })],
    ['no binary reader', base],
  ] as const) {
    const loaded = await loadPolicy('/ws/.airlock/policy.jsonc', reader as PolicyReader);
    assert.equal(loaded.ok, false, name);
    assert.match(loaded.problems[0]!.message, /fingerprint file "\/ws\/\.airlock\/fp\/acme-core\.alfp"/);
    assert.equal(loaded.problems[0]!.line, 2);
    assert.equal(loaded.policy.evaluateEgress(req([{ role: 'user', text: 'hi' }])).action, 'block');
  }
});

test('a protected file attached as itself is one finding (its label), not also a copy of itself', async () => {
  const policy = await policyOf(policyText());
  const v = policy.evaluateEgress(req([{ role: 'file', path: 'src/pricing.ts', text: PRICING }]), { protectedIndex: workspaceIndex() });
  assert.equal(v.action, 'block');
  assert.deepEqual(v.findings.map((f) => [f.kind, f.path]), [['protected-path', 'src/pricing.ts']]);
  // Attached under another (unprotected) name, the copy is found and named.
  const renamed = policy.evaluateEgress(req([{ role: 'file', path: 'docs/notes.ts', text: PRICING }]), { protectedIndex: workspaceIndex() });
  assert.equal(renamed.action, 'block');
  assert.equal(renamed.findings[0]!.source, 'src/pricing.ts');
});

test('while the host is still building its index, a tool result named after a file it lacks keeps counting by its label', async () => {
  const policy = await policyOf(policyText());
  const index = workspaceIndex();
  index.building = true;
  const listing = req([{ role: 'tool-result', path: 'src/not-yet-indexed.ts', text: 'line one\nline two\nline three\n' }]);
  assert.equal(policy.evaluateEgress(listing, { protectedIndex: index }).action, 'block', 'not indexed yet: fail closed');
  const known = req([{ role: 'tool-result', path: 'src/pricing.ts', text: 'File created successfully at: src/pricing.ts\nok\ndone\n' }]);
  assert.equal(policy.evaluateEgress(known, { protectedIndex: index }).action, 'allow', 'a file the index has: its content decides');
  index.building = false;
  assert.equal(policy.evaluateEgress(listing, { protectedIndex: index }).action, 'allow', 'built: the content decides');
});

test('protected code cut into pieces too small to match alone (a few words per message, per field) is found across them', async () => {
  const policy = await policyOf(policyText());
  const protectedIndex = workspaceIndex();
  // Six words per piece: far below the 16-token k-grams a match needs.
  const words = SNIPPET.split(/(?<=\s)/);
  const pairs: string[] = [];
  for (let i = 0; i < words.length; i += 6) pairs.push(words.slice(i, i + 6).join(''));
  // Each piece alone matches nothing.
  for (const piece of pairs) assert.equal(policy.evaluateEgress(req([{ role: 'user', text: piece }]), { protectedIndex }).action, 'allow', piece);
  // One piece per message, with the JSON's own short strings between them (`other`).
  const messages: Omit<EgressSegment, 'id'>[] = pairs.flatMap((text) => [{ role: 'other' as const, text: 'user' }, { role: 'user' as const, text }]);
  const v = policy.evaluateEgress(req(messages), { protectedIndex });
  assert.equal(v.action, 'block');
  const found = v.findings.filter((f) => f.kind === 'protected-content');
  assert.ok(found.length >= 2, 'reported on the pieces it covers');
  assert.ok(found.every((f) => f.source === 'src/pricing.ts' && f.segment && messages[Number(f.segment.slice(1))]!.role === 'user' && f.end! > f.start!));
  // Pieces hidden in unknown fields (role `other`) are joined in their own stream.
  assert.equal(policy.evaluateEgress(req(pairs.map((text) => ({ role: 'other' as const, text }))), { protectedIndex }).action, 'block');
  // Short pieces of public code across messages stay allowed.
  const publicPieces = ['import { join } from "node:path";', 'const dir = join(root, "src");', 'console.log(dir);', 'export default dir;'];
  assert.equal(policy.evaluateEgress(req(publicPieces.map((text) => ({ role: 'user' as const, text }))), { protectedIndex }).action, 'allow');
});
