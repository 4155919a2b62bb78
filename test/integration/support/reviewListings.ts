// What the Needs Review tree and the flagged-diff panel list, in one comparable shape: files in
// path order, each with its hunks as `path:start[-end]` labels in line order.
import { spawnSync } from 'node:child_process';
import type { AirlockApi } from '../../../extension/vscode/extension';
import { hasBrowser, textsOf } from './harness';

export type Listing = { path: string; hunks: string[] }[];

/** The rows of the Needs Review view as the workbench renders them. */
const VIEW_ROWS = '.pane:has(> .pane-header:has-text("Needs Review")) .monaco-list-row';

export function panelListing(view: { files: { path: string; hunks: { label: string }[] }[] }): Listing {
  return view.files.map((f) => ({ path: f.path, hunks: f.hunks.map((h) => h.label) }));
}

/**
 * The Needs Review view's listing: read from the rendered rows when a browser drives the
 * workbench (file rows `name | dir · N hunks`, hunk rows `Lines a–b | tool`), else from the
 * tree's provider, what VS Code renders from (under @vscode/test-electron).
 */
export async function viewListing(api: AirlockApi): Promise<Listing> {
  if (hasBrowser) return parseViewRows((await textsOf(VIEW_ROWS, { parts: '.label-name, .label-description' })).texts);
  const tree = api.needsReview;
  if (!tree) throw new Error('the Needs Review tree is not wired');
  const listing: Listing = [];
  for (const file of await tree.getChildren()) {
    const item = tree.getTreeItem(file);
    const rows = [`${String(item.label)} | ${String(item.description)}`];
    for (const hunk of await tree.getChildren(file)) rows.push(`${String(tree.getTreeItem(hunk).label)} | `);
    listing.push(...parseViewRows(rows));
  }
  return listing;
}

export function parseViewRows(rows: readonly string[]): Listing {
  const listing: Listing = [];
  for (const row of rows) {
    const [label = '', description = ''] = row.split(' | ');
    const lines = /^Lines? (\d+)(?:–(\d+))?$/.exec(label);
    if (lines) {
      const file = listing.at(-1);
      if (!file) throw new Error(`a hunk row before any file row: ${row}`);
      file.hunks.push(`${file.path}:${lines[1]}${lines[2] ? `-${lines[2]}` : ''}`);
      continue;
    }
    const dir = /^(.*) · \d+ hunks?$/.exec(description)?.[1];
    listing.push({ path: dir ? `${dir}/${label}` : label, hunks: [] });
  }
  return listing;
}

/**
 * What `airlock check --all` (the commit and CI gate, another process) says is unreviewed or
 * forbidden in the work tree, as a listing: the view and the panel must agree with it too.
 */
export function checkListing(root: string, cli: string): Listing {
  const run = spawnSync(process.execPath, [cli, 'check', '--all', '--format', 'json'], { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 30_000 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`airlock check exited ${run.status ?? run.signal}: ${run.stderr}`);
  const { violations } = JSON.parse(run.stdout) as { violations: { path: string; startLine: number; endLine: number; kind: string }[] };
  const byPath = new Map<string, { startLine: number; label: string }[]>();
  for (const v of violations) {
    if (v.kind !== 'unreviewed' && v.kind !== 'forbidden') continue;
    const label = `${v.path}:${v.startLine}${v.endLine !== v.startLine ? `-${v.endLine}` : ''}`;
    byPath.set(v.path, [...(byPath.get(v.path) ?? []), { startLine: v.startLine, label }]);
  }
  return [...byPath.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((path) => ({ path, hunks: byPath.get(path)!.sort((a, b) => a.startLine - b.startLine).map((h) => h.label) }));
}
