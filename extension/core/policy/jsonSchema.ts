// The JSON schema VS Code uses for completion, hover docs and validation of policy files,
// generated from the zod schema (the single definition). VS Code's JSON language service
// understands draft-07 best, so that is the target; descriptions are also given as
// `markdownDescription` (VS Code renders the backticks) and actions get `enumDescriptions`.
import { z } from 'zod';
import { hintsOnlySchema } from './hintsSchema';
import { policySchema } from './schema';

export const POLICY_SCHEMA_ID = 'https://airlock.dev/schemas/airlock-policy.schema.json';

const ENUM_DESCRIPTIONS: Record<string, string> = {
  block: 'The request does not leave.',
  redact: 'Detected secrets are replaced by placeholders such as `[REDACTED:aws-access-key-id#1]`, then the request leaves.',
  warn: 'The request leaves; the engineer is warned.',
  audit: 'The request leaves; it is recorded in the audit log.',
  allow: 'The request leaves (documents an explicit exception; never weakens another rule).',
  forbid: 'AI-written code is not allowed at these paths, even when approved.',
  'require-approval': 'A human must approve AI-written code at these paths.',
};

export function buildPolicyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  decorate(rest);
  return { $schema, $id: POLICY_SCHEMA_ID, title: 'Airlock policy', ...rest, allowComments: true, allowTrailingCommas: true };
}

function decorate(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(decorate);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.description === 'string') obj.markdownDescription = obj.description;
  if (Array.isArray(obj.enum) && obj.enum.every((v) => typeof v === 'string' && v in ENUM_DESCRIPTIONS)) {
    obj.markdownEnumDescriptions = (obj.enum as string[]).map((v) => ENUM_DESCRIPTIONS[v]!);
  }
  for (const value of Object.values(obj)) decorate(value);
}

/**
 * policies/airlock-policy.hints.schema.json: what VS Code's JSON service gets (completion and
 * hover only; Airlock itself reports problems, each once). See hintsSchema.ts.
 */
export function policyHintsSchemaText(): string {
  const { $id, ...full } = buildPolicyJsonSchema();
  return `${JSON.stringify({ ...(hintsOnlySchema(full) as Record<string, unknown>), $id: String($id).replace(/\.schema\.json$/, '.hints.schema.json') }, null, 2)}\n`;
}

/** The schema file text as committed in policies/airlock-policy.schema.json. */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(buildPolicyJsonSchema(), null, 2)}\n`;
}
