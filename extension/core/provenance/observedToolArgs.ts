// Code in a tool call's arguments: the fields edit tools put new file content in
// (Claude Code Write/Edit/MultiEdit, Anthropic's text editor tool, Cline/Continue/Aider-style
// tools, Codex apply_patch), each with the file it targets when the arguments name one.
import { cleanPathLabel, looksLikePath, parseArguments } from '../dialects/paths';
import { addedRuns, patchPieces, type PatchPiece } from './observedPatch';
import type { ObservedCode, ObservedToolCall } from './observedTypes';

/** Fields whose string value is new code as it lands. */
const CODE_KEYS = /^(?:new_?string|new_?str|new_?text|new_?content|new_?source|new_?code|content|contents|code|file_?text|file_?content|replacement|replace|updated_?code)$/i;
/** Fields whose string value is a patch (apply_patch input, a diff). */
const PATCH_KEYS = /^(?:patch|diff|input|changes)$/i;
/** Fields naming the target file. */
const PATH_KEYS = /^(?:path|file|file_?path|filename|file_?name|target_?file|target_?path|absolute_?path|relative_?path|notebook_?path|uri)$/i;

const MAX_DEPTH = 6;

function pathOf(value: Record<string, unknown>): string | undefined {
  for (const [key, child] of Object.entries(value)) {
    if (!PATH_KEYS.test(key) || typeof child !== 'string') continue;
    const cleaned = cleanPathLabel(child.replace(/^file:\/\//, ''));
    if (looksLikePath(cleaned)) return cleaned;
  }
  return undefined;
}

/** True when every non-empty line is a diff line and some are additions (a header-less V4A diff). */
function isBareDiff(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.some((l) => l.startsWith('+')) && lines.every((l) => /^[+\- @]/.test(l));
}

function piecesOfPatchField(key: string, text: string, path: string | undefined): PatchPiece[] {
  const pieces = patchPieces(text, path);
  if (pieces) return pieces;
  if (/^(?:diff|patch)$/i.test(key) && isBareDiff(text)) return addedRuns(text, path);
  return [];
}

function walk(value: unknown, inherited: string | undefined, depth: number, out: PatchPiece[]): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) {
      // `["apply_patch", "*** Begin Patch…"]`: a shell call running apply_patch.
      if (typeof item === 'string') out.push(...(patchPieces(item, inherited) ?? []));
      else walk(item, inherited, depth + 1, out);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  const path = pathOf(record) ?? inherited;
  for (const [key, child] of Object.entries(record)) {
    if (typeof child === 'string') {
      if (CODE_KEYS.test(key)) out.push(...(patchPieces(child, path) ?? [{ text: child, ...(path ? { path } : {}) }]));
      else if (PATCH_KEYS.test(key)) out.push(...piecesOfPatchField(key, child, path));
      else if (child.includes('*** Begin Patch')) out.push(...(patchPieces(child, path) ?? []));
    } else {
      walk(child, path, depth + 1, out);
    }
  }
}

/** The code pieces in one tool call; none when it writes no code. */
export function codeInToolCall(call: ObservedToolCall): ObservedCode[] {
  const parsed = parseArguments(call.arguments);
  const pieces: PatchPiece[] = [];
  if (parsed !== null && typeof parsed === 'object') walk(parsed, undefined, 0, pieces);
  // Custom tools (Codex's apply_patch) take free text, not JSON.
  else if (typeof parsed !== 'string') pieces.push(...(patchPieces(call.arguments) ?? []));
  else pieces.push(...(patchPieces(parsed) ?? []));
  return pieces.map((p) => ({ kind: 'tool-call', tool: call.name, text: p.text, ...(p.path ? { path: p.path } : {}) }));
}
