// What the flagged-diff webview shows, as plain serialisable data built from the review
// model's pending hunks. Pure: the panel gathers the file context lines, this shapes them.
import type { PendingHunk } from './model';
import { hunkDiff, type DiffRow } from './panelDiff';

export interface HunkView {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  /** `src/a.ts:3-7`, used in accessible names and titles. */
  label: string;
  tool: string;
  model?: string;
  channel: string;
  /** Whole percent, 0..100. */
  confidence: number;
  status: PendingHunk['status'];
  rule: string;
  ruleMessage: string;
  mixed: boolean;
  time: string;
  /** `3 min ago`. */
  age: string;
  rows: DiffRow[];
  added: number;
  removed: number;
  omitted: number;
}

export interface FileGroupView {
  path: string;
  hunks: HunkView[];
  forbidden: number;
}

export interface PanelView {
  files: FileGroupView[];
  total: number;
  forbidden: number;
}

/** Lines of a file, or undefined when it cannot be read (deleted, unavailable). */
export type FileLines = (path: string) => readonly string[] | undefined;

export const CONTEXT_LINES = 2;

export function hunkLabel(hunk: Pick<PendingHunk, 'path' | 'startLine' | 'endLine'>): string {
  return hunk.startLine === hunk.endLine ? `${hunk.path}:${hunk.startLine}` : `${hunk.path}:${hunk.startLine}-${hunk.endLine}`;
}

/** `just now`, `3 min ago`, `2 h ago`, `5 days ago`; an unreadable time says so. */
export function formatAge(timeIso: string, now: number): string {
  const then = Date.parse(timeIso);
  if (Number.isNaN(then)) return 'unknown time';
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

export function hunkView(hunk: PendingHunk, fileLines: readonly string[] | undefined, now: number): HunkView {
  const before = fileLines?.slice(Math.max(0, hunk.startLine - 1 - CONTEXT_LINES), Math.max(0, hunk.startLine - 1)) ?? [];
  const after = fileLines?.slice(hunk.endLine, hunk.endLine + CONTEXT_LINES) ?? [];
  const diff = hunkDiff({ baseline: hunk.baseline, current: hunk.current, startLine: hunk.startLine, before, after });
  const view: HunkView = {
    id: hunk.id,
    path: hunk.path,
    startLine: hunk.startLine,
    endLine: hunk.endLine,
    label: hunkLabel(hunk),
    tool: hunk.tool,
    channel: hunk.channel,
    confidence: Math.round(Math.min(1, Math.max(0, hunk.confidence)) * 100),
    status: hunk.status,
    rule: hunk.rule,
    ruleMessage: hunk.ruleMessage,
    mixed: hunk.mixed,
    time: hunk.time,
    age: formatAge(hunk.time, now),
    rows: diff.rows,
    added: diff.added,
    removed: diff.removed,
    omitted: diff.omitted,
  };
  if (hunk.model) view.model = hunk.model;
  return view;
}

/** Hunks grouped by file, files and hunks in path then line order. */
export function panelView(hunks: readonly PendingHunk[], lines: FileLines, now: number): PanelView {
  const byPath = new Map<string, PendingHunk[]>();
  for (const hunk of hunks) {
    const group = byPath.get(hunk.path);
    if (group) group.push(hunk);
    else byPath.set(hunk.path, [hunk]);
  }
  const files: FileGroupView[] = [...byPath.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((path) => {
      const fileLines = lines(path);
      const group = byPath.get(path)!.slice().sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
      const views = group.map((h) => hunkView(h, fileLines, now));
      return { path, hunks: views, forbidden: views.filter((h) => h.status === 'forbidden').length };
    });
  return {
    files,
    total: hunks.length,
    forbidden: files.reduce((n, f) => n + f.forbidden, 0),
  };
}
