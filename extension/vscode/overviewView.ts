// The "Overview" tree in the Airlock activity-bar container. For now it shows where the
// policy comes from; review queues and gateway decisions join it as they are built.
import * as vscode from 'vscode';

export class OverviewTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  getChildren(parent?: vscode.TreeItem): vscode.TreeItem[] {
    if (parent) return [];
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return [];
    const item = new vscode.TreeItem('Policy', vscode.TreeItemCollapsibleState.None);
    item.id = 'airlock.overview.policy';
    item.description = vscode.workspace.getConfiguration('airlock', folder.uri).get<string>('policy.path', '.airlock/policy.jsonc');
    item.iconPath = new vscode.ThemeIcon('law');
    item.command = { command: 'airlock.openPolicy', title: 'Open Workspace Policy' };
    return [item];
  }

  refresh(): void {
    this.changed.fire();
  }
}
