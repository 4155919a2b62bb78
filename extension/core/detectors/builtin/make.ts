// Builders for the two common kinds of built-in detector: a token with a documented prefix and
// shape (`token`), and a provider key without a distinctive shape that is recognised by the name
// it is assigned to (`named`). Both keep the shape on the spec, so tests generate samples from it.
import { run, shapePrefix, shapeSource } from '../shape';
import type { DetectorSpec, ShapePart } from '../types';
import { END, START, assignment } from './fragments';

type Extra = Partial<Omit<DetectorSpec, 'id' | 'description' | 'shape'>> & {
  /** Regex source placed before / after the shape instead of the default token boundaries. */
  before?: string;
  after?: string;
};

/** A token whose shape starts with a literal prefix (the keyword). */
export function token(id: string, description: string, shape: readonly ShapePart[], extra: Extra = {}): DetectorSpec {
  const { before = START, after = END, ...rest } = extra;
  const prefix = shapePrefix(shape);
  if (!prefix && !rest.keywords) throw new Error(`${id}: a token shape must start with a literal prefix or name its keywords`);
  return {
    id,
    description,
    keywords: [prefix!],
    pattern: new RegExp(`${before}${shapeSource(shape)}${after}`),
    shape,
    minEntropy: 3,
    priority: 20,
    ...rest,
  };
}

/**
 * A key without a distinctive prefix, found where it is assigned to a name that mentions the
 * provider (`MISTRAL_API_KEY = "…"`, `mistral.apiKey: …`). `names` are the lower-case provider
 * words the name starts with; the name must go on to a key/token/secret word.
 */
export function named(id: string, description: string, names: readonly string[], value: readonly ShapePart[], sampleContext: string, extra: Extra = {}): DetectorSpec {
  const { after = END, ...rest } = extra;
  // `foo_bar` is also written foo.bar (properties), foo-bar (YAML, CLI flags) and fooBar.
  // Short joined forms (`ado`, `lob`) would be keywords that occur everywhere; keep those long enough.
  const variants = [...new Set(names.flatMap((n) => (n.includes('_') ? [n, n.replace(/_/g, '.'), n.replace(/_/g, '-'), n.replace(/_/g, '')].filter((v) => v === n || v.replace(/[._-]/g, '').length >= 5 || /[._-]/.test(v)) : [n])))].filter((n) => n.length >= 3);
  names = variants;
  const alternatives = names.map((n) => n.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|');
  return {
    id,
    description,
    keywords: [...names],
    pattern: assignment(`(?:${alternatives})(?:[A-Za-z0-9_.-]{0,24}?(?:key|token|secret|pat|password|credential|sid))?`, `${shapeSource(value)}${after}`),
    secretGroup: 1,
    shape: value,
    sampleContext,
    minEntropy: 3,
    priority: 18,
    ...rest,
  };
}

export { run };
