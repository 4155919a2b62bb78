// Reads one policy text: JSONC syntax (jsonc-parser) then the schema (zod), every problem
// positioned at the offending text. Pure: no I/O.
import { createScanner, findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { LineIndex, problemAt, type PolicyProblem } from './problems';
import { policySchema, type PolicyDocument } from './schema';
import { closest, knownKeysAt } from './suggest';

/** Policies are small; anything bigger is a mistake (or an attack) and is refused before parsing. */
export const MAX_POLICY_CHARS = 1024 * 1024;
/** Real policies nest about 6 levels; the parsers are recursive, so deep nesting must be refused first. */
export const MAX_POLICY_DEPTH = 64;

export interface ParsedPolicy {
  source: string;
  /** Present when the text is valid JSONC and matches the schema. */
  document?: PolicyDocument;
  problems: PolicyProblem[];
  /** Syntax tree and line index, for positioning later (compile-time) problems. */
  tree?: Node;
  lines?: LineIndex;
}

export function parsePolicyText(text: string, source: string): ParsedPolicy {
  if (text.length > MAX_POLICY_CHARS) {
    const mb = (text.length / (1024 * 1024)).toFixed(1);
    return { source, problems: [problemAt(source, undefined, 0, 0, `policy is too large (${mb} MB; the limit is 1 MB)`)] };
  }
  const lines = new LineIndex(text);
  const tooDeep = firstTooDeepOffset(text);
  if (tooDeep !== undefined) {
    return { source, problems: [problemAt(source, lines, tooDeep, 1, `policy is nested more than ${MAX_POLICY_DEPTH} levels deep`)], lines };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  if (errors.length > 0) {
    const problems = errors.map((e) => problemAt(source, lines, e.offset, e.length, `syntax error: ${describeParseError(e)}`));
    return { source, problems, tree, lines };
  }
  if (!tree || tree.type !== 'object') {
    const offset = tree?.offset ?? 0;
    return { source, problems: [problemAt(source, lines, offset, tree?.length ?? 0, 'a policy must be a JSON object')], tree, lines };
  }
  const value: unknown = valueOf(tree);
  // jitless: zod's fast path first compiles a parser per object schema with `new Function`
  // (14+ ms at every CLI start for the one parse a policy gets); the checks are the same.
  const result = policySchema.safeParse(value, { jitless: true });
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => issueProblems(issue, tree, source, lines));
    return { source, problems, tree, lines };
  }
  return { source, document: result.data, problems: [], tree, lines };
}

// jsonc-parser's SyntaxKind is a const enum, which isolatedModules cannot read: its values.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** Offset of the first bracket nested deeper than MAX_POLICY_DEPTH, found with the (iterative) scanner. */
function firstTooDeepOffset(text: string): number | undefined {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token: number = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (++depth > MAX_POLICY_DEPTH) return scanner.getTokenOffset();
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

function describeParseError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  // `InvalidSymbol` → `invalid symbol`
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Builds the plain value of a syntax tree (jsonc-parser's getNodeValue, without the dependency on its offsets). */
function valueOf(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [key, val] = prop.children ?? [];
        // defineProperty: a `__proto__` key must stay a plain key, never a prototype.
        if (key && val) Object.defineProperty(out, key.value as string, { value: valueOf(val), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(valueOf);
    default:
      return node.value;
  }
}

/** Renders a path like `egress[0].when.destinations`. */
export function renderPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(policy)';
}

function issueProblems(issue: z.core.$ZodIssue, tree: Node, source: string, lines: LineIndex): PolicyProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const valueNode = findNodeAtLocation(tree, [...path, key]);
      const keyNode = valueNode?.parent?.children?.[0] ?? nodeFor(tree, path);
      const suggestion = closest(key, knownKeysAt(path));
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      return problemAt(source, lines, keyNode.offset, keyNode.length, `${renderPath(path)}: unknown key "${key}"${hint}`);
    });
  }
  if (issue.code === 'invalid_key') {
    // A record key (destination group name) is wrong: point at the key itself.
    const valueNode = findNodeAtLocation(tree, path);
    const keyNode = valueNode?.parent?.children?.[0] ?? nodeFor(tree, path);
    return [problemAt(source, lines, keyNode.offset, keyNode.length, `${renderPath(path)}: invalid name: ${issue.issues[0]?.message ?? issue.message}`)];
  }
  const node = nodeFor(tree, path);
  return [problemAt(source, lines, node.offset, node.length, `${renderPath(path)}: ${issue.message}`)];
}

/** The deepest existing node on `path` (a missing property is reported at its parent object). */
export function nodeFor(tree: Node, path: readonly (string | number)[]): Node {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n) as (string | number)[]);
    if (node) return node;
  }
  return tree;
}
