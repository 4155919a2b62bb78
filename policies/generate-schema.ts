// Writes policies/airlock-policy.schema.json from the zod schema (the single definition).
// Run: node --import tsx policies/generate-schema.ts   (the unit test fails when the file is stale)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyJsonSchemaText } from '../extension/core/policy/jsonSchema';

const target = join(__dirname, 'airlock-policy.schema.json');
writeFileSync(target, policyJsonSchemaText());
console.log(`wrote ${target}`);
