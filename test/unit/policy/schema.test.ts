// The committed JSON schema is exactly what the zod schema generates, and is usable by VS Code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPolicyJsonSchema, policyJsonSchemaText } from '../../../extension/core/policy';
import { PRESETS_DIR } from './memoryReader';

test('policies/airlock-policy.schema.json is up to date (regenerate: npm run build)', () => {
  const committed = readFileSync(join(PRESETS_DIR, 'airlock-policy.schema.json'), 'utf8');
  assert.equal(committed, policyJsonSchemaText());
});

interface SchemaNode {
  [key: string]: unknown;
  description?: string;
  enum?: unknown[];
  additionalProperties?: boolean | SchemaNode;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

test('the schema is draft-07 with descriptions, enums and closed objects', () => {
  const schema = buildPolicyJsonSchema() as SchemaNode;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.additionalProperties, false);
  const egressItem = schema.properties!.egress!.items!;
  const props = egressItem.properties!;
  assert.equal(egressItem.additionalProperties, false);
  assert.deepEqual(props.action!.enum, ['block', 'redact', 'warn', 'audit', 'allow']);
  assert.match(props.action!.description!, /strongest action/);
  assert.equal(props.when!.additionalProperties, false);
  // Every property documented: descriptions become hover docs.
  const missing: string[] = [];
  const walk = (node: SchemaNode | undefined, path: string) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node.properties ?? {})) {
      if (!value.description) missing.push(`${path}.${key}`);
      walk(value, `${path}.${key}`);
    }
    if (node.items) walk(node.items, `${path}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`);
  };
  walk(schema, '');
  assert.deepEqual(missing, []);
});
