// Generates real-looking proprietary projects (TypeScript, Python, Go, Java) for the
// fingerprint tests and benchmark: each project has its own domain vocabulary, files mix
// classes, functions, configuration and control flow of varied shape, so that the token
// streams are as varied as a company's code base. Also: the "renamed and reformatted copy"
// transformation a careless (or evasive) engineer would apply to a snippet.
import { normalizedTokens, IDENT } from '../../extension/core/fingerprint';

export type Rng = () => number;

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_WORDS = (
  'account order invoice payment session cache token config request response handler client server key value item list map count index error result status ' +
  'customer ledger tariff quote discount margin rebate shipment carrier route parcel warehouse stock sku vendor contract clause premium policy claim risk score ' +
  'tenant region shard replica lease lock queue worker batch job schedule window bucket quota limit retry backoff metric sample trace span event stream ' +
  'user profile role grant audit report summary total subtotal tax currency rate fee balance transfer settlement refund dispute chargeback merchant terminal'
).split(' ');
const SYLLABLES = 'ka lo mi ne ra su te vo zi pa qu ly gr st tr pl fl ax ox ul en or ic'.split(' ');

interface Vocabulary {
  words: string[];
  r: Rng;
}

function vocabulary(r: Rng): Vocabulary {
  const words = [...BASE_WORDS].sort(() => r() - 0.5).slice(0, 40);
  // Project-specific coinages: product names, abbreviations.
  for (let i = 0; i < 20; i++) words.push(Array.from({ length: 2 + Math.floor(r() * 2) }, () => SYLLABLES[Math.floor(r() * SYLLABLES.length)]).join(''));
  return { words, r };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, n: number) => Math.floor(r() * n);
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

function camel(v: Vocabulary, parts = 1 + int(v.r, 2)): string {
  const ws = Array.from({ length: parts }, () => pick(v.r, v.words));
  return ws[0]! + ws.slice(1).map(cap).join('');
}
function pascal(v: Vocabulary): string {
  return cap(camel(v, 1 + int(v.r, 2)));
}
function snake(v: Vocabulary): string {
  return Array.from({ length: 1 + int(v.r, 2) }, () => pick(v.r, v.words)).join('_');
}

type Lang = 'ts' | 'py' | 'go' | 'java';

interface Style {
  lang: Lang;
  name: (v: Vocabulary) => string;
  type: (v: Vocabulary) => string;
}

const STYLES: Record<Lang, Style> = {
  ts: { lang: 'ts', name: camel, type: (v) => pick(v.r, ['string', 'number', 'boolean', `${pascal(v)}`, `${pascal(v)}[]`, `Map<string, ${pascal(v)}>`]) },
  java: { lang: 'java', name: camel, type: (v) => pick(v.r, ['String', 'int', 'long', 'boolean', 'double', pascal(v), `List<${pascal(v)}>`]) },
  go: { lang: 'go', name: camel, type: (v) => pick(v.r, ['string', 'int', 'int64', 'bool', 'float64', `*${pascal(v)}`, `[]${pascal(v)}`]) },
  py: { lang: 'py', name: snake, type: () => '' },
};

function literal(v: Vocabulary): string {
  const r = v.r;
  switch (int(r, 5)) {
    case 0:
      return String(int(r, 1000));
    case 1:
      return `"${pick(r, v.words)}${pick(r, ['', '-', '.', ':'])}${pick(r, v.words)}"`;
    case 2:
      return (r() * 100).toFixed(2);
    case 3:
      return `'${pick(r, v.words)}'`;
    default:
      return String(int(r, 10));
  }
}

function expr(v: Vocabulary, s: Style, depth = 0): string {
  const r = v.r;
  const n = s.name;
  const self = s.lang === 'py' ? 'self' : 'this';
  const choice = depth > 2 ? int(r, 3) : int(r, 9);
  switch (choice) {
    case 0:
      return n(v);
    case 1:
      return literal(v);
    case 2:
      return `${n(v)}.${n(v)}`;
    case 3:
      return `${n(v)}(${Array.from({ length: int(r, 3) }, () => expr(v, s, depth + 1)).join(', ')})`;
    case 4:
      return `${expr(v, s, depth + 1)} ${pick(r, ['+', '-', '*', '/', '%'])} ${expr(v, s, depth + 1)}`;
    case 5:
      return `${s.lang === 'go' ? n(v) : `${self}.${n(v)}`}.${n(v)}(${expr(v, s, depth + 1)})`;
    case 6:
      return `${n(v)}[${expr(v, s, depth + 1)}]`;
    case 7:
      return s.lang === 'py' ? `[${n(v)} for ${n(v)} in ${n(v)} if ${cond(v, s, depth + 1)}]` : `${n(v)}.${pick(r, ['filter', 'map', 'find', 'some'])}((${n(v)}) => ${cond(v, s, depth + 1)})`;
    default:
      return `(${expr(v, s, depth + 1)} ${pick(r, ['+', '*'])} ${literal(v)})`;
  }
}

function cond(v: Vocabulary, s: Style, depth = 0): string {
  const r = v.r;
  const ops = s.lang === 'py' ? ['==', '!=', '<', '>', '<=', '>=', 'in', 'is not'] : ['===', '!==', '<', '>', '<=', '>=', '=='];
  const base = `${expr(v, s, depth + 1)} ${pick(r, ops)} ${expr(v, s, depth + 1)}`;
  if (depth < 2 && r() < 0.3) return `${base} ${s.lang === 'py' ? pick(r, ['and', 'or']) : pick(r, ['&&', '||'])} ${cond(v, s, depth + 1)}`;
  return r() < 0.15 ? (s.lang === 'py' ? `not ${s.name(v)}` : `!${s.name(v)}`) : base;
}

/** Statements of a function body, indented by `ind`. */
function statements(v: Vocabulary, s: Style, ind: string, count: number, depth = 0): string[] {
  const r = v.r;
  const out: string[] = [];
  const step = s.lang === 'go' ? '\t' : s.lang === 'py' ? '    ' : '  ';
  const block = (head: string, body: string[], tail?: string) => {
    if (s.lang === 'py') out.push(`${ind}${head}:`, ...body);
    else out.push(`${ind}${head} {`, ...body, `${ind}}${tail ?? ''}`);
  };
  for (let i = 0; i < count; i++) {
    const kind = depth > 1 ? int(r, 4) : int(r, 10);
    const n = s.name(v);
    switch (kind) {
      case 0:
      case 1:
        if (s.lang === 'py') out.push(`${ind}${n} = ${expr(v, s)}`);
        else if (s.lang === 'go') out.push(`${ind}${n} := ${expr(v, s)}`);
        else if (s.lang === 'java') out.push(`${ind}${s.type(v)} ${n} = ${expr(v, s)};`);
        else out.push(`${ind}${pick(r, ['const', 'let'])} ${n} = ${expr(v, s)};`);
        break;
      case 2:
        out.push(`${ind}${expr(v, s)}${s.lang === 'py' || s.lang === 'go' ? '' : ';'}`);
        break;
      case 3:
        out.push(`${ind}${s.lang === 'py' ? '' : ''}${n} ${pick(r, ['+=', '-=', '='])} ${expr(v, s)}${s.lang === 'py' || s.lang === 'go' ? '' : ';'}`);
        break;
      case 4:
      case 5: {
        const head = s.lang === 'py' ? `if ${cond(v, s)}` : s.lang === 'go' ? `if ${cond(v, s)}` : `if (${cond(v, s)})`;
        const body = statements(v, s, ind + step, 1 + int(r, 3), depth + 1);
        if (r() < 0.4) {
          if (s.lang === 'py') {
            out.push(`${ind}${head}:`, ...body, `${ind}else:`, ...statements(v, s, ind + step, 1 + int(r, 2), depth + 1));
          } else {
            out.push(`${ind}${head} {`, ...body, `${ind}} else {`, ...statements(v, s, ind + step, 1 + int(r, 2), depth + 1), `${ind}}`);
          }
        } else block(head, body);
        break;
      }
      case 6: {
        const item = s.name(v);
        const coll = s.name(v);
        const head = s.lang === 'py' ? `for ${item} in ${coll}` : s.lang === 'go' ? `for _, ${item} := range ${coll}` : s.lang === 'java' ? `for (${s.type(v)} ${item} : ${coll})` : `for (const ${item} of ${coll})`;
        block(head, statements(v, s, ind + step, 1 + int(r, 3), depth + 1));
        break;
      }
      case 7: {
        if (s.lang === 'go') {
          out.push(`${ind}${n}, err := ${expr(v, s)}`, `${ind}if err != nil {`, `${ind}${step}return nil, fmt.Errorf("${pick(r, v.words)} %s: %w", ${s.name(v)}, err)`, `${ind}}`);
        } else if (s.lang === 'py') {
          out.push(`${ind}try:`, ...statements(v, s, ind + step, 1 + int(r, 2), depth + 1), `${ind}except ${pascal(v)}Error as exc:`, `${ind}${step}logger.warning("${pick(r, v.words)} failed: %s", exc)`, `${ind}${step}raise`);
        } else {
          out.push(`${ind}try {`, ...statements(v, s, ind + step, 1 + int(r, 2), depth + 1), `${ind}} catch (${s.lang === 'java' ? `${pascal(v)}Exception ` : ''}e) {`, `${ind}${step}${s.lang === 'java' ? 'log.warn' : 'logger.warn'}("${pick(r, v.words)} failed", e);`, `${ind}${step}throw e;`, `${ind}}`);
        }
        break;
      }
      case 8:
        if (s.lang === 'py') out.push(`${ind}logger.${pick(r, ['info', 'debug'])}("${pick(r, v.words)} %s %d", ${s.name(v)}, ${s.name(v)})`);
        else if (s.lang === 'go') out.push(`${ind}log.Printf("${pick(r, v.words)} %v", ${s.name(v)})`);
        else out.push(`${ind}${s.lang === 'java' ? 'log.info' : 'logger.info'}(\`${pick(r, v.words)} \${${s.name(v)}}\`);`.replace(/`/g, s.lang === 'java' ? '"' : '`'));
        break;
      default:
        out.push(`${ind}return ${expr(v, s)}${s.lang === 'py' || s.lang === 'go' ? '' : ';'}`);
        return out;
    }
  }
  out.push(`${ind}return ${expr(v, s)}${s.lang === 'py' ? '' : s.lang === 'go' ? (r() < 0.5 ? ', nil' : '') : ';'}`);
  return out;
}

function params(v: Vocabulary, s: Style): string {
  return Array.from({ length: int(v.r, 4) }, () => {
    const n = s.name(v);
    if (s.lang === 'py') return n;
    if (s.lang === 'go') return `${n} ${s.type(v)}`;
    if (s.lang === 'java') return `${s.type(v)} ${n}`;
    return `${n}: ${s.type(v)}`;
  }).join(', ');
}

function func(v: Vocabulary, s: Style, ind: string, method: boolean): string[] {
  const r = v.r;
  const name = s.name(v);
  const body = statements(v, s, ind + (s.lang === 'go' ? '\t' : s.lang === 'py' ? '    ' : '  '), 2 + int(r, 7));
  const comment = r() < 0.5 ? [`${ind}${s.lang === 'py' ? '#' : '//'} ${cap(pick(r, v.words))} the ${pick(r, v.words)} for each ${pick(r, v.words)}${r() < 0.5 ? `, unless ${pick(r, v.words)} is set` : ''}.`] : [];
  switch (s.lang) {
    case 'py':
      return [...comment, `${ind}def ${name}(${method ? 'self' + (r() < 0.7 ? ', ' : '') : ''}${params(v, s)}):`, ...(r() < 0.4 ? [`${ind}    """${cap(pick(r, v.words))} ${pick(r, v.words)}."""`] : []), ...body, ''];
    case 'go':
      return [...comment, `func ${method ? `(s *${pascal(v)}) ` : ''}${cap(name)}(${params(v, s)}) (${s.type(v)}, error) {`, ...body, '}', ''];
    case 'java':
      return [...comment, `${ind}${pick(r, ['public', 'private', 'protected'])} ${r() < 0.3 ? 'static ' : ''}${s.type(v)} ${name}(${params(v, s)}) {`, ...body, `${ind}}`, ''];
    default:
      return [...comment, `${ind}${method ? '' : 'export '}${r() < 0.4 ? 'async ' : ''}${method ? '' : 'function '}${name}(${params(v, s)}): ${s.type(v)} {`, ...body, `${ind}}`, ''];
  }
}

function file(v: Vocabulary, s: Style, targetLines: number): string {
  const r = v.r;
  const lines: string[] = [];
  switch (s.lang) {
    case 'py':
      lines.push(`"""${cap(pick(r, v.words))} ${pick(r, v.words)} service."""`, 'import logging', `from .${snake(v)} import ${pascal(v)}, ${pascal(v)}`, '', 'logger = logging.getLogger(__name__)', '');
      break;
    case 'go':
      lines.push(`package ${pick(r, v.words)}`, '', 'import (', '\t"context"', '\t"fmt"', '\t"log"', ')', '');
      break;
    case 'java':
      lines.push(`package com.acme.${pick(r, v.words)}.${pick(r, v.words)};`, '', `import com.acme.${pick(r, v.words)}.${pascal(v)};`, 'import java.util.List;', '');
      break;
    default:
      lines.push(`import { ${pascal(v)}, ${camel(v)} } from './${camel(v)}';`, `import type { ${pascal(v)} } from '../${pick(r, v.words)}/types';`, '');
  }
  while (lines.length < targetLines) {
    if (r() < 0.35) {
      const cls = pascal(v);
      const ind = s.lang === 'py' ? '    ' : s.lang === 'go' ? '' : '  ';
      if (s.lang === 'py') lines.push(`class ${cls}${r() < 0.5 ? `(${pascal(v)})` : ''}:`, `    ${snake(v)} = ${literal(v)}`, '');
      else if (s.lang === 'go') lines.push(`type ${cls} struct {`, ...Array.from({ length: 2 + int(r, 4) }, () => `\t${pascal(v)} ${s.type(v)}`), '}', '');
      else if (s.lang === 'java') lines.push(`public class ${cls} {`, ...Array.from({ length: 1 + int(r, 3) }, () => `  private ${s.type(v)} ${camel(v)};`), '');
      else lines.push(`export class ${cls} {`, ...Array.from({ length: 1 + int(r, 3) }, () => `  private ${camel(v)}: ${s.type(v)} = ${literal(v)};`), '');
      const methods = 1 + int(r, 4);
      for (let m = 0; m < methods; m++) lines.push(...func(v, s, ind, true));
      if (s.lang === 'ts' || s.lang === 'java') lines.push('}', '');
    } else if (s.lang === 'ts' && r() < 0.15) {
      lines.push(`export const ${camel(v).toUpperCase()}_${pick(r, v.words).toUpperCase()} = {`, ...Array.from({ length: 2 + int(r, 6) }, () => `  ${camel(v)}: ${literal(v)},`), '};', '');
    } else {
      lines.push(...func(v, s, '', false));
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface GeneratedFile {
  path: string;
  text: string;
}

/** Projects totalling about `totalLines` lines, each with its own vocabulary and language. */
export function generateProjects(totalLines: number, seed = 1): GeneratedFile[] {
  const r = rng(seed);
  const out: GeneratedFile[] = [];
  let lines = 0;
  let project = 0;
  while (lines < totalLines) {
    const v = vocabulary(r);
    const s = STYLES[pick(r, ['ts', 'py', 'go', 'java'] as const)];
    const name = `${pick(r, v.words)}-${project++}`;
    const files = 10 + int(r, 40);
    for (let f = 0; f < files && lines < totalLines; f++) {
      const text = file(v, s, 40 + int(r, 400));
      const ext = s.lang === 'py' ? 'py' : s.lang;
      out.push({ path: `${name}/src/${pick(r, v.words)}/${camel(v)}${f}.${ext}`, text });
      lines += text.split('\n').length - 1;
    }
  }
  return out;
}

/**
 * A copy with every identifier renamed (consistently) and the layout changed: tokens re-joined
 * with random spacing and line breaks, comments gone. What someone pasting "their own version"
 * of protected code would send.
 */
export function renameAndReformat(text: string, r: Rng): string {
  const tokens = normalizedTokens(text);
  const names = new Map<string, string>();
  let out = '';
  let lineLength = 0;
  for (let i = 0; i < tokens.length; i++) {
    let piece = text.slice(tokens.starts[i], tokens.ends[i]);
    // Statement-ending semicolons are optional in JS/TS/Go: a formatter may drop them.
    if (piece === ';' && /^[ \t]*\n/.test(text.slice(tokens.ends[i]!, tokens.ends[i]! + 8)) && r() < 0.5) continue;
    if (tokens.codes[i] === IDENT) {
      let renamed = names.get(piece);
      if (!renamed) names.set(piece, (renamed = `v${names.size}_${Math.floor(r() * 1e6).toString(36)}`));
      piece = renamed;
    }
    const wordy = /^[\w$]/.test(piece);
    const prevWordy = /[\w$"'`]$/.test(out);
    let sep = '';
    const roll = r();
    if (lineLength > 60 && roll < 0.5) sep = '\n' + ' '.repeat(int(r, 3) * 2);
    else if (roll < 0.08) sep = '\n';
    else if (roll < 0.6 || (wordy && prevWordy)) sep = ' ';
    if (sep === '' && wordy && prevWordy) sep = ' ';
    out += sep + piece;
    lineLength = sep.includes('\n') ? piece.length : lineLength + sep.length + piece.length;
  }
  return out;
}

/** Lines `from` .. `from+count-1` (0-based from) of `text`. */
export function sliceLines(text: string, from: number, count: number): string {
  return text.split('\n').slice(from, from + count).join('\n');
}
