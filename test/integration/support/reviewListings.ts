// What the Needs Review tree and the flagged-diff panel list, in one comparable shape: files in
// path order, each with its hunks as `path:start[-end]` labels in line order.
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
