// `airlock hook claude-code` — Claude Code command hook (JSON payload on stdin).
//  PostToolUse for Edit, MultiEdit, Write: records exactly the lines the agent wrote, from the
//    tool's structuredPatch when present, else by diffing originalFile against the file now,
//    else by finding the new text in the file.
//  PreToolUse for Read, Grep, Glob, LS, NotebookRead: refuses
//    protected paths per policy with exit code 2 and the reason on stderr, which Claude Code
//    shows to the agent. A policy that cannot be loaded refuses every such read (fail closed).
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { buildContribution } from '../../core/ledger/contribution';
import type { ContributionRecord } from '../../core/ledger/records';
import { splitLines } from '../../core/provenance/hash';
import type { CliIO } from '../run';
import { addedRanges, hunksToRanges, type HunkLike } from './baseline';
import { guarded, newRecordId, parseArgs, UsageError } from './common';
import { identity, repoRoot } from './git';
import { loadReviewPolicy } from './policy';
import { appendRecords } from '../../core/ledger/fileStore';

export interface ClaudeHookPayload {
  session_id?: string;
  transcript_path?: string;
  cwd?: string;
  hook_event_name?: string;
  tool_name?: string;
  tool_input?: Record<string, unknown>;
  tool_response?: Record<string, unknown> | string;
}

const WRITE_TOOLS = new Set(['Edit', 'MultiEdit', 'Write']);
const READ_TOOLS = new Set(['Read', 'Grep', 'Glob', 'LS', 'NotebookRead']);

export async function claudeHookCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'hook', async () => {
    const parsed = parseArgs(args);
    if (parsed.positional[0] !== 'claude-code') throw new UsageError('usage: airlock hook claude-code  (reads the hook JSON on stdin)');
    const raw = await readAll(io.stdin);
    let payload: ClaudeHookPayload;
    try {
      payload = JSON.parse(raw) as ClaudeHookPayload;
    } catch {
      io.stderr.write('Airlock: the hook payload is not JSON; refusing.\n');
      return 2;
    }
    const cwd = payload.cwd ?? io.cwd;
    const root = repoRoot(cwd) ?? resolve(cwd);
    const tool = payload.tool_name ?? '';
    if (payload.hook_event_name === 'PreToolUse' && READ_TOOLS.has(tool)) return preToolUse(payload, root, cwd, io);
    if (payload.hook_event_name === 'PostToolUse' && WRITE_TOOLS.has(tool)) return postToolUse(payload, root, cwd);
    return 0;
  });
}

async function preToolUse(payload: ClaudeHookPayload, root: string, cwd: string, io: CliIO): Promise<number> {
  const paths = pathsOf(payload.tool_input ?? {}, root, cwd);
  if (paths.length === 0) return 0;
  let load;
  try {
    load = await loadReviewPolicy(root);
  } catch (error) {
    io.stderr.write(`Airlock: ${error instanceof Error ? error.message : String(error)}; refusing to read (fail closed).\n`);
    return 2;
  }
  if (!load.ok) {
    io.stderr.write('Airlock: the policy could not be loaded; refusing to read (fail closed).\n');
    return 2;
  }
  for (const path of paths) {
    const hit = load.policy.isProtectedPath(path);
    if (hit) {
      io.stderr.write(`Airlock blocked ${payload.tool_name} on ${path}: ${hit.message} (rule ${hit.rule})\n`);
      return 2;
    }
  }
  return 0;
}

/** Repository-relative paths a tool call touches (paths outside the repository are not ours). */
function pathsOf(input: Record<string, unknown>, root: string, cwd: string): string[] {
  const out: string[] = [];
  for (const key of ['file_path', 'path', 'notebook_path']) {
    const value = input[key];
    if (typeof value !== 'string' || value.length === 0) continue;
    const rel = relative(root, isAbsolute(value) ? value : resolve(cwd, value));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    out.push(rel.split(sep).join('/'));
    // A search rooted at a folder reads the files inside it: check a child path too.
    if (key === 'path') out.push(`${rel.split(sep).join('/')}/_`);
  }
  // A Glob/Grep pattern naming files (e.g. `secret/**/*.ts`) is checked as a path too.
  for (const key of ['pattern', 'glob']) {
    const value = input[key];
    if (typeof value === 'string' && value.includes('/') && !value.startsWith('/') && !value.startsWith('..')) {
      const base = out[0] && input.path ? `${out[0]}/` : '';
      out.push(`${base}${value}`.replace(/\*\*\/?|\*/g, 'x').replace(/\/+/g, '/'));
    }
  }
  return out;
}

async function postToolUse(payload: ClaudeHookPayload, root: string, cwd: string): Promise<number> {
  const input = payload.tool_input ?? {};
  const response = typeof payload.tool_response === 'object' && payload.tool_response ? payload.tool_response : {};
  const filePath = String(input.file_path ?? response.filePath ?? '');
  if (!filePath) return 0;
  const abs = isAbsolute(filePath) ? filePath : resolve(cwd, filePath);
  const path = relative(root, abs).split(sep).join('/');
  if (path.startsWith('..')) return 0; // outside the repository
  const text = readFileSync(abs, 'utf8');
  const fileLines = splitLines(text);

  const ranges = writtenRanges(payload.tool_name!, input, response, text);
  if (ranges.length === 0) return 0;
  const who = identity(root);
  const time = new Date().toISOString();
  const records: ContributionRecord[] = ranges.map((r) =>
    buildContribution({
      id: newRecordId(),
      time,
      path,
      fileLines,
      startLine: r.startLine,
      endLine: Math.min(r.endLine, fileLines.length),
      tool: 'claude-code',
      model: typeof input.model === 'string' ? input.model : process.env.ANTHROPIC_MODEL || undefined,
      session: payload.session_id,
      channel: 'agent-hook',
      confidence: r.exact ? 1 : 0.9,
      baseline: r.baseline,
      recordedBy: who.email ? who : undefined,
    }),
  );
  appendRecords(root, records);
  return 0;
}

interface WrittenRange {
  startLine: number;
  endLine: number;
  baseline: string;
  exact: boolean;
}

/** The 1-based line ranges the tool wrote, best evidence first. */
export function writtenRanges(tool: string, input: Record<string, unknown>, response: Record<string, unknown>, now: string): WrittenRange[] {
  const patch = response.structuredPatch;
  if (Array.isArray(patch) && patch.length > 0 && patch.every((h: HunkLike) => typeof h?.newStart === 'number' && Array.isArray(h.lines))) {
    // Claude Code's structuredPatch carries context lines, which hunksToRanges skips.
    return hunksToRanges(patch as HunkLike[]).map((r) => ({ ...r, exact: true }));
  }
  if (typeof response.originalFile === 'string') return addedRanges(response.originalFile, now).map((r) => ({ ...r, exact: true }));
  if (tool === 'Write' && (response.type === 'create' || typeof input.content === 'string')) {
    const lines = splitLines(now);
    const count = now.endsWith('\n') ? lines.length - 1 : lines.length;
    return count > 0 ? [{ startLine: 1, endLine: count, baseline: '', exact: response.type === 'create' }] : [];
  }
  const edits: { old_string?: unknown; new_string?: unknown; replace_all?: unknown }[] =
    tool === 'MultiEdit' && Array.isArray(input.edits) ? (input.edits as []) : [input];
  const out: WrittenRange[] = [];
  for (const edit of edits) {
    if (typeof edit.new_string !== 'string' || edit.new_string.length === 0) continue;
    let from = 0;
    for (;;) {
      const at = now.indexOf(edit.new_string, from);
      if (at < 0) break;
      const startLine = lineAt(now, at);
      const endLine = lineAt(now, at + edit.new_string.length - (edit.new_string.endsWith('\n') ? 1 : 0));
      out.push({ startLine, endLine, baseline: typeof edit.old_string === 'string' ? edit.old_string : '', exact: false });
      if (edit.replace_all !== true) break;
      from = at + edit.new_string.length;
    }
  }
  return out;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
