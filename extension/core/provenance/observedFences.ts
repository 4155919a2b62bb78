// Code in an answer's text: fenced blocks (```lang path … ```), with the file they are for when
// the fence label or the line before names one (Aider, Continue), and XML-style tool uses that
// Cline and Roo Code write into the text (<write_to_file><path>…</path><content>…</content>).
import { cleanPathLabel, looksLikePath } from '../dialects/paths';
import { splitLines } from './hash';
import { addedRuns, hasSearchReplace, isPatch, replaceSections, type PatchPiece } from './observedPatch';
import type { ObservedCode } from './observedTypes';

const OPEN = /^\s*(`{3,}|~{3,})\s*([^`]*?)\s*$/;
const TEXT_TOOLS = /<(write_to_file|replace_in_file|insert_content|apply_diff|search_and_replace|create_file|edit_file)>([\s\S]*?)<\/\1>/g;
const DIFF_LANGUAGES = new Set(['diff', 'patch', 'udiff']);

function asPath(candidate: string): string | undefined {
  const cleaned = cleanPathLabel(candidate.replace(/^(?:path|file|filename|title)=/i, ''));
  return looksLikePath(cleaned) ? cleaned : undefined;
}

/** Language and path from a fence info string: `ts`, `ts src/a.ts`, `python:app/main.py`, `src/a.ts`. */
export function parseFenceInfo(info: string): { language?: string; path?: string } {
  const tokens = info.split(/\s+/).filter(Boolean);
  let language: string | undefined;
  let path: string | undefined;
  for (const [i, token] of tokens.entries()) {
    const colon = /^([\w+#.-]+):(.+)$/.exec(token);
    if (i === 0 && colon && asPath(colon[2]!)) {
      language = colon[1];
      path = asPath(colon[2]!);
      continue;
    }
    const asFile = asPath(token);
    if (asFile && !path && (i > 0 || /[/\\]/.test(token) || /\.\w+$/.test(token))) path = asFile;
    else if (i === 0) language = token.replace(/^\{?\.?/, '').replace(/\}$/, '');
  }
  return { ...(language ? { language: language.toLowerCase() } : {}), ...(path ? { path } : {}) };
}

/** A path on the line before a fence (`src/a.py`, `**src/a.py**`, `File: src/a.py`), if that is all the line says. */
function pathOnLine(line: string | undefined): string | undefined {
  if (!line) return undefined;
  const text = line.trim().replace(/^#+\s*/, '').replace(/^(?:file|path|filename)\s*:\s*/i, '').replace(/:$/, '');
  if (/\s/.test(text)) return undefined;
  return asPath(text);
}

function piecesOfBlock(body: string, language: string | undefined, path: string | undefined): PatchPiece[] {
  if (hasSearchReplace(body)) return replaceSections(body, path);
  if ((language && DIFF_LANGUAGES.has(language)) || isPatch(body)) return addedRuns(body, path);
  return [{ text: body, ...(path ? { path } : {}) }];
}

/** Fenced code blocks in markdown text. An unclosed fence (a truncated answer) runs to the end. */
export function fencedBlocks(text: string): ObservedCode[] {
  const lines = splitLines(text);
  const out: ObservedCode[] = [];
  let lastNonBlank: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim()) lastNonBlank = lines[i];
      continue;
    }
    const marker = open[1]!;
    const info = parseFenceInfo(open[2] ?? '');
    const close = new RegExp(`^\\s*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    const body = lines.slice(i + 1, end).join('\n');
    const path = info.path ?? pathOnLine(lastNonBlank);
    for (const piece of piecesOfBlock(body, info.language, path)) {
      out.push({ kind: 'fence', tool: 'assistant', text: piece.text, ...(piece.path ? { path: piece.path } : {}), ...(info.language ? { language: info.language } : {}) });
    }
    i = end;
    lastNonBlank = undefined;
  }
  return out;
}

function tag(inner: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>\\n?([\\s\\S]*?)\\n?</${name}>`).exec(inner);
  return match?.[1];
}

/** XML-style tool uses in the text, and the text with them cut out (so their content is not read twice). */
export function textToolUses(text: string): { code: ObservedCode[]; rest: string } {
  const code: ObservedCode[] = [];
  const rest = text.replace(TEXT_TOOLS, (_all, tool: string, inner: string) => {
    const path = asPath(tag(inner, 'path')?.trim() ?? '');
    const content = tag(inner, 'content');
    const diff = tag(inner, 'diff') ?? tag(inner, 'replace');
    const pieces: PatchPiece[] = [];
    if (content !== undefined) pieces.push({ text: content, ...(path ? { path } : {}) });
    if (diff !== undefined) pieces.push(...(hasSearchReplace(diff) ? replaceSections(diff, path) : [{ text: diff, ...(path ? { path } : {}) }]));
    for (const p of pieces) code.push({ kind: 'text-tool', tool, text: p.text, ...(p.path ? { path: p.path } : {}) });
    return '\n';
  });
  return { code, rest };
}

/** All code in an answer's text: XML-style tool uses first, then fenced blocks in what remains. */
export function codeInText(text: string): ObservedCode[] {
  if (!text.includes('```') && !text.includes('~~~') && !text.includes('</')) return [];
  const tools = textToolUses(text);
  return [...tools.code, ...fencedBlocks(tools.rest)];
}
