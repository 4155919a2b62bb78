// The schema VS Code's JSON service gets for policy files (package.json `jsonValidation`): the
// full schema's completions and hover docs, without what makes it validate. Airlock validates
// policies itself (with positions, "did you mean", and the rules JSON Schema cannot say), so
// if the JSON service validated too, every typo would be listed twice. What remains makes no
// JSON value wrong: enums become suggestions, types become value skeletons.

/** Keywords that only judge a value; none of them helps completion or hover. */
const VALIDATING = new Set([
  'required',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'propertyNames',
  'format',
  'not',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependencies',
  'const',
]);

/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);

export function hintsOnlySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(hintsOnlySchema);
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (VALIDATING.has(key) || key === 'type' || key === 'markdownEnumDescriptions' || key === 'enumDescriptions') continue;
    if (key === 'additionalProperties' && typeof value !== 'object') continue;
    if (key === 'enum' && Array.isArray(value)) {
      // Suggested values with their descriptions, without rejecting any other value.
      const docs = (obj.markdownEnumDescriptions ?? obj.enumDescriptions) as string[] | undefined;
      out.defaultSnippets = value.map((v, i) => ({ label: JSON.stringify(v), body: v, ...(docs?.[i] ? { markdownDescription: docs[i] } : {}) }));
      continue;
    }
    if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, hintsOnlySchema(schema)]));
      continue;
    }
    out[key === 'oneOf' ? 'anyOf' : key] = hintsOnlySchema(value);
  }
  // A key completed from the schema still gets its brackets.
  if (!out.defaultSnippets && (obj.type === 'object' || obj.type === 'array')) out.defaultSnippets = [{ body: obj.type === 'object' ? {} : [] }];
  return out;
}
