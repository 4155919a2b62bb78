// The "Needs review" tree: pending AI hunks grouped by file, with counts. Clicking a hunk opens
// the file at its lines.
import * as vscode from 'vscode';
import type { PendingHunk } from './model';
import type { ReviewService } from './reviewService';

type Node = { kind: 'file'; path: string; hunks: PendingHunk[] } | { kind: 'hunk'; hunk: PendingHunk };

export class NeedsReviewTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly reviews: ReviewService) {
    this.subscription = reviews.onDidChange(() => this.changed.fire());
  }

  async getChildren(parent?: Node): Promise<Node[]> {
    if (parent?.kind === 'file') return parent.hunks.map((hunk) => ({ kind: 'hunk', hunk }));
    if (parent) return [];
    await this.reviews.ready();
    const byPath = new Map<string, PendingHunk[]>();
    for (const h of this.reviews.hunks()) byPath.set(h.path, [...(byPath.get(h.path) ?? []), h]);
    return [...byPath.entries()].map(([path, hunks]) => ({ kind: 'file', path, hunks }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(vscode.Uri.joinPath(node.hunks[0]!.uri, '..'), vscode.TreeItemCollapsibleState.Expanded);
      item.label = node.path.split('/').pop();
      item.resourceUri = node.hunks[0]!.uri;
      item.description = `${node.path.includes('/') ? node.path.slice(0, node.path.lastIndexOf('/')) + ' · ' : ''}${node.hunks.length} hunk${node.hunks.length === 1 ? '' : 's'}`;
      item.iconPath = vscode.ThemeIcon.File;
      item.id = `file:${node.path}`;
      item.contextValue = 'airlockReviewFile';
      return item;
    }
    const h = node.hunk;
    const item = new vscode.TreeItem(h.startLine === h.endLine ? `Line ${h.startLine}` : `Lines ${h.startLine}–${h.endLine}`, vscode.TreeItemCollapsibleState.None);
    item.id = `hunk:${h.id}`;
    item.description = `${h.tool}${h.model ? ` · ${h.model}` : ''}${h.status === 'forbidden' ? ' · not allowed' : ''}`;
    item.tooltip = `${h.ruleMessage}\n${h.channel}, ${new Date(h.time).toLocaleString()}`;
    item.iconPath = new vscode.ThemeIcon(h.status === 'forbidden' ? 'error' : 'sparkle', new vscode.ThemeColor(h.status === 'forbidden' ? 'errorForeground' : 'airlock.aiLineOverviewRuler'));
    item.contextValue = h.status === 'forbidden' ? 'airlockHunkForbidden' : 'airlockHunk';
    item.command = { command: 'vscode.open', title: 'Open', arguments: [h.uri, { selection: new vscode.Range(h.startLine - 1, 0, h.endLine - 1, 0) }] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
