// The schema VS Code's JSON service gets (policies/airlock-policy.hints.schema.json): up to
// date, keeps every key and value suggestion of the full schema, and judges nothing, so a
// typo in a policy is reported once (by Airlock) instead of twice.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPolicyJsonSchema } from '../../../extension/core/policy';
import { policyHintsSchemaText } from '../../../extension/core/policy/jsonSchema';
import { PRESETS_DIR } from './memoryReader';

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (n: Node, path: string) => void, path = '#'): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, visit, `${path}/${i}`));
  if (!node || typeof node !== 'object') return;
  visit(node as Node, path);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' || k === '$defs' || k === 'definitions' || k === 'patternProperties') for (const [name, s] of Object.entries(v as Node)) walk(s, visit, `${path}/${k}/${name}`);
    else if (typeof v === 'object') walk(v, visit, `${path}/${k}`);
  }
}

const hints = JSON.parse(policyHintsSchemaText()) as Node;

test('policies/airlock-policy.hints.schema.json is up to date (regenerate: npm run build), and package.json points VS Code at it', () => {
  assert.equal(readFileSync(join(PRESETS_DIR, 'airlock-policy.hints.schema.json'), 'utf8'), policyHintsSchemaText());
  const manifest = JSON.parse(readFileSync(join(PRESETS_DIR, '..', 'package.json'), 'utf8')) as { contributes: { jsonValidation: { url: string }[] } };
  assert.deepEqual(manifest.contributes.jsonValidation.map((v) => v.url), ['./policies/airlock-policy.hints.schema.json']);
});

test('it judges nothing: no keyword that can make a JSON value invalid', () => {
  const judging = ['type', 'enum', 'const', 'required', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minItems', 'maxItems', 'propertyNames', 'oneOf', 'not'];
  walk(hints, (n, path) => {
    for (const k of judging) assert.ok(!(k in n), `${path} has ${k}`);
    assert.ok(n.additionalProperties === undefined || typeof n.additionalProperties === 'object', `${path} forbids unknown keys`);
  });
  assert.equal(hints.allowComments, true);
});

test('every documented key and every enum value of the full schema is still suggested', () => {
  const keys = (schema: unknown) => {
    const out = new Set<string>();
    walk(schema, (n, path) => {
      if (typeof n.description === 'string') out.add(path);
    });
    return out;
  };
  assert.deepEqual([...keys(hints)].sort(), [...keys(buildPolicyJsonSchema())].sort());
  const enums: string[] = [];
  walk(buildPolicyJsonSchema(), (n) => {
    if (Array.isArray(n.enum)) enums.push(...n.enum.map(String));
  });
  const suggested: string[] = [];
  walk(hints, (n) => {
    for (const s of (n.defaultSnippets as { body: unknown }[] | undefined) ?? []) if (typeof s.body === 'string') suggested.push(s.body);
  });
  assert.deepEqual([...new Set(suggested)].sort(), [...new Set(enums)].sort());
});
