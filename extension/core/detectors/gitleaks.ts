// Imports a gitleaks-format TOML configuration (`.gitleaks.toml`) as custom detectors, so a
// security team keeps the rules it already has. Supported: [[rules]] id, description, regex,
// secretGroup, entropy, keywords, tags, their allowlists ([rules.allowlist] and
// [[rules.allowlists]]: regexes, regexTarget, stopwords, condition), the global allowlists
// ([allowlist] and [[allowlists]] with targetRules), and [extend] useDefault / disabledRules
// (useDefault = the built-in pack). Regexes run on re2js (RE2: linear time), as gitleaks' Go
// regexes do. Everything else is reported with its line and ignored: file paths (text sent to
// a model has no file name to test), commits, rules without a regex, composite rules.
import { RE2JS } from 're2js';
import { parse, TomlError } from 'smol-toml';
import { compileCustomDetector, type CompiledAllowlist, type CustomDetector } from './custom';
import { DetectorCompileError } from './types';

export interface GitleaksProblem {
  /** 1-based line in the TOML text. */
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface GitleaksImport {
  detectors: CustomDetector[];
  /** `[extend] useDefault = true`: the built-in pack stays on beside these rules. */
  useDefault: boolean;
  /** `[extend] disabledRules`: built-in detector ids to turn off. */
  disabledRules: string[];
  /**
   * The global allowlists that apply to every rule (no targetRules, target the secret, OR), as
   * RE2 patterns, so they also silence the built-in pack as they do gitleaks' defaults.
   */
  globalSecretPatterns: string[];
  problems: GitleaksProblem[];
}

type Table = Record<string, unknown>;

const RULE_FIELDS = new Set(['id', 'description', 'regex', 'secretGroup', 'entropy', 'keywords', 'tags', 'allowlist', 'allowlists', 'path']);
const ALLOWLIST_FIELDS = new Set(['description', 'condition', 'regexTarget', 'regexes', 'stopwords', 'targetRules', 'paths', 'commits']);
const TOP_FIELDS = new Set(['title', 'description', 'minVersion', 'extend', 'rules', 'allowlist', 'allowlists']);
const EXTEND_FIELDS = new Set(['useDefault', 'disabledRules', 'path', 'url']);

/** Where each `key =` and `[table]` line is, so problems point at the line that wrote them. */
class TomlLines {
  private readonly entries: { table: string; index: number; key: string; line: number }[] = [];
  private readonly headers: { table: string; index: number; line: number }[] = [];

  constructor(text: string) {
    const counts = new Map<string, number>();
    let table = '';
    let index = 0;
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      const header = /^\[\[?\s*([A-Za-z0-9_.]+)\s*\]\]?/.exec(line);
      if (header) {
        table = header[1]!;
        const array = line.startsWith('[[');
        // Sub-tables of the last [[rules]] keep its index.
        const root = table.split('.')[0]!;
        if (array && table === root) counts.set(root, (counts.get(root) ?? -1) + 1);
        index = counts.get(root) ?? 0;
        this.headers.push({ table, index, line: i + 1 });
        return;
      }
      const key = /^([A-Za-z0-9_-]+)\s*=/.exec(line);
      if (key) this.entries.push({ table, index, key: key[1]!, line: i + 1 });
    });
  }

  /** Line of `key` in table `table` (e.g. `rules`, `rules.allowlist`) of array entry `index`. */
  keyLine(table: string, index: number, key: string): number {
    return this.entries.find((e) => e.table === table && e.index === index && e.key === key)?.line ?? this.tableLine(table, index);
  }

  tableLine(table: string, index: number): number {
    return this.headers.find((h) => h.table === table && h.index === index)?.line ?? 1;
  }
}

export function importGitleaksConfig(text: string): GitleaksImport {
  const out: GitleaksImport = { detectors: [], useDefault: false, disabledRules: [], globalSecretPatterns: [], problems: [] };
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (error) {
    const line = error instanceof TomlError ? error.line : 1;
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    out.problems.push({ line, message: `not a valid TOML file: ${message}`, severity: 'error' });
    return out;
  }
  const lines = new TomlLines(text);
  const warn = (line: number, message: string) => out.problems.push({ line, message, severity: 'warning' });
  const fail = (line: number, message: string) => out.problems.push({ line, message, severity: 'error' });

  for (const key of Object.keys(doc)) if (!TOP_FIELDS.has(key)) warn(lines.keyLine('', 0, key), `unsupported gitleaks field "${key}" (ignored)`);

  const extend = doc.extend as Table | undefined;
  if (extend) {
    out.useDefault = extend.useDefault === true;
    if (Array.isArray(extend.disabledRules)) out.disabledRules = extend.disabledRules.filter((r): r is string => typeof r === 'string');
    for (const key of Object.keys(extend)) {
      if (!EXTEND_FIELDS.has(key)) warn(lines.keyLine('extend', 0, key), `unsupported gitleaks field "extend.${key}" (ignored)`);
      else if (key === 'path' || key === 'url') warn(lines.keyLine('extend', 0, key), `"extend.${key}" is not supported: list each config in detectors.import instead (ignored)`);
    }
  }

  // Global allowlists: [allowlist] (older configs) and [[allowlists]] (with targetRules).
  const globals: { allow: CompiledAllowlist; targetRules?: string[] }[] = [];
  const globalTables: [Table, string, number][] = [];
  if (doc.allowlist && typeof doc.allowlist === 'object') globalTables.push([doc.allowlist as Table, 'allowlist', 0]);
  if (Array.isArray(doc.allowlists)) (doc.allowlists as Table[]).forEach((t, i) => globalTables.push([t, 'allowlists', i]));
  for (const [table, name, index] of globalTables) {
    const allow = compileAllowlist(table, name, index, lines, warn, fail);
    if (!allow) continue;
    const targets = Array.isArray(table.targetRules) ? table.targetRules.filter((r): r is string => typeof r === 'string') : undefined;
    globals.push({ allow, ...(targets ? { targetRules: targets } : {}) });
    if (!targets && allow.target === 'secret' && allow.condition === 'OR') {
      out.globalSecretPatterns.push(...allow.regexes.map((r) => r.pattern()), ...allow.stopwords.map((w) => `(?i)${RE2JS.quote(w)}`));
    }
  }

  const rules = Array.isArray(doc.rules) ? (doc.rules as Table[]) : [];
  rules.forEach((rule, index) => {
    const ruleLine = lines.tableLine('rules', index);
    for (const key of Object.keys(rule)) if (!RULE_FIELDS.has(key)) warn(lines.keyLine('rules', index, key), `unsupported gitleaks field "rules.${key}" (ignored)`);
    const id = typeof rule.id === 'string' ? rule.id : '';
    if (rule.path !== undefined) warn(lines.keyLine('rules', index, 'path'), `rule "${id}": "path" is not supported (text sent to a model has no file name); the rule runs on all text`);
    if (typeof rule.regex !== 'string') {
      warn(ruleLine, `rule "${id}": a rule without a regex (path-only) is not supported (ignored)`);
      return;
    }
    const allowlists: CompiledAllowlist[] = [];
    const ruleAllowTables: [Table, string, number][] = [];
    if (rule.allowlist && typeof rule.allowlist === 'object') ruleAllowTables.push([rule.allowlist as Table, 'rules.allowlist', index]);
    if (Array.isArray(rule.allowlists)) for (const t of rule.allowlists as Table[]) ruleAllowTables.push([t, 'rules.allowlists', index]);
    for (const [table, name, i] of ruleAllowTables) {
      const allow = compileAllowlist(table, name, i, lines, warn, fail);
      if (allow) allowlists.push(allow);
    }
    for (const g of globals) if (!g.targetRules || g.targetRules.includes(id)) allowlists.push(g.allow);
    const keywords = Array.isArray(rule.keywords) ? rule.keywords.filter((k): k is string => typeof k === 'string') : [];
    try {
      const compiled = compileCustomDetector({
        id,
        description: typeof rule.description === 'string' ? rule.description : `gitleaks rule ${id}`,
        regex: rule.regex,
        keywords,
        ...(typeof rule.entropy === 'number' ? { minEntropy: rule.entropy } : {}),
        ...(typeof rule.secretGroup === 'number' && rule.secretGroup > 0 ? { secretGroup: rule.secretGroup } : {}),
      });
      out.detectors.push({
        ...compiled,
        firstNonEmptyGroup: !(typeof rule.secretGroup === 'number' && rule.secretGroup > 0),
        ...(allowlists.length > 0 ? { allowlists } : {}),
      });
    } catch (error) {
      const reason = error instanceof DetectorCompileError ? error.reason : String(error);
      fail(lines.keyLine('rules', index, reason.includes('regex') || reason.includes('look') ? 'regex' : 'id'), `rule "${id}": ${reason}`);
    }
  });
  return out;
}

function compileAllowlist(
  table: Table,
  name: string,
  index: number,
  lines: TomlLines,
  warn: (line: number, message: string) => void,
  fail: (line: number, message: string) => void,
): CompiledAllowlist | undefined {
  for (const key of Object.keys(table)) {
    if (!ALLOWLIST_FIELDS.has(key)) warn(lines.keyLine(name, index, key), `unsupported gitleaks field "${name}.${key}" (ignored)`);
    else if (key === 'paths' || key === 'commits') warn(lines.keyLine(name, index, key), `"${name}.${key}" is not supported (text sent to a model has no file name or commit); ignored`);
  }
  const target = table.regexTarget === 'match' || table.regexTarget === 'line' ? table.regexTarget : 'secret';
  if (table.regexTarget !== undefined && table.regexTarget !== target) warn(lines.keyLine(name, index, 'regexTarget'), `unknown regexTarget "${String(table.regexTarget)}"; using "secret"`);
  const regexes: RE2JS[] = [];
  for (const source of Array.isArray(table.regexes) ? table.regexes : []) {
    if (typeof source !== 'string') continue;
    try {
      regexes.push(RE2JS.compile(source));
    } catch (error) {
      fail(lines.keyLine(name, index, 'regexes'), `allowlist regex "${source.slice(0, 40)}" is not valid RE2: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const stopwords = (Array.isArray(table.stopwords) ? table.stopwords : []).filter((w): w is string => typeof w === 'string' && w.length > 0).map((w) => w.toLowerCase());
  if (regexes.length === 0 && stopwords.length === 0) return undefined;
  return { target, regexes, stopwords, condition: table.condition === 'AND' ? 'AND' : 'OR' };
}
