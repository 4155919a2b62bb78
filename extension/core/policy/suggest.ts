// "Did you mean …?" for misspelt keys: the keys the schema allows at a path, and the closest one.
import { z } from 'zod';
import { policySchema } from './schema';

/** Keys allowed in the object at `path` of a policy, or [] when there is no object there. */
export function knownKeysAt(path: readonly (string | number)[]): string[] {
  let schema: z.ZodType = policySchema;
  for (const part of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject && typeof part === 'string') schema = (schema.shape as Record<string, z.ZodType>)[part] ?? z.never();
    else if (schema instanceof z.ZodArray && typeof part === 'number') schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

/** The closest candidate within a small edit distance, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
