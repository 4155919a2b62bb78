// The "Overview" tree in the Airlock activity-bar container: the policy layers in force and
// their validation state, the gateway, and the gateway's recent decisions.
import * as vscode from 'vscode';
import type { DecisionEvent } from '../gateway';
import type { GatewayService } from './gatewayService';
import type { PolicyService } from './policyService';
import { describeErrors } from './policyStatus';

type Node = vscode.TreeItem & { children?: () => vscode.TreeItem[] | Promise<vscode.TreeItem[]> };

export class OverviewTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly policies: PolicyService,
    private readonly gateway: GatewayService,
  ) {
    const refresh = () => this.changed.fire();
    this.subscriptions = [policies.onDidChange(refresh), gateway.onDidChangeState(refresh), gateway.onDidDecide(refresh)];
  }

  getTreeItem(item: Node): vscode.TreeItem {
    return item;
  }

  async getChildren(parent?: Node): Promise<Node[]> {
    if (parent) return (await parent.children?.()) ?? [];
    return [await this.policyNode(), this.gatewayNode(), this.decisionsNode()];
  }

  private async policyNode(): Promise<Node> {
    // Opening the view is a reason to load the policy.
    const state = await this.policies.current();
    const errors = describeErrors(state.problems);
    const node: Node = new vscode.TreeItem('Policy', vscode.TreeItemCollapsibleState.Expanded);
    node.id = 'airlock.overview.policy';
    node.iconPath = new vscode.ThemeIcon(state.failedClosed ? 'error' : state.usingLastValid ? 'warning' : 'law');
    node.description = state.failedClosed ? 'invalid: blocking all' : state.usingLastValid ? `${errors}: previous policy in force` : 'valid';
    node.tooltip = state.policy.sources.length ? `Layers: ${state.policy.layers.join(', ')}\nFiles: ${state.policy.sources.join(', ')}` : 'No valid policy';
    node.children = () =>
      state.policy.sources.map((source, i) => {
        const layer = state.policy.layers[i] ?? 'layer';
        const item = new vscode.TreeItem(`${layer}: ${source.replace(/^.*[\\/](\.airlock[\\/])/, '$1')}`);
        item.iconPath = new vscode.ThemeIcon('layers');
        if (layer === 'organization' && state.org) {
          // The org policy in force: which version, which exact text, who vouched for it.
          const org = state.org;
          item.description = `${org.version ? `${org.version} · ` : ''}sha256:${org.sha256.slice(0, 12)} · ${org.verifiedBy}`;
          item.tooltip = [`Version: ${org.version ?? '(not declared)'}`, `SHA-256: ${org.sha256}`, `Verified by: ${org.verifiedBy}`, `From: ${org.source}${org.fetchedAt ? ` (confirmed ${org.fetchedAt})` : ''}`, ...(org.problem ? [`Note: ${org.problem}`] : [])].join('\n');
          if (org.problem) item.iconPath = new vscode.ThemeIcon('warning');
        }
        if (!source.startsWith('airlock:') && !/^https?:/.test(source)) item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(source)] };
        return item;
      });
    return node;
  }

  private gatewayNode(): Node {
    const urls = this.gateway.urls;
    const node: Node = new vscode.TreeItem('Gateway', urls ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    node.id = 'airlock.overview.gateway';
    node.iconPath = new vscode.ThemeIcon(urls ? 'radio-tower' : 'circle-slash');
    node.description = urls ? new URL(urls.openai).host : this.gateway.enabled() ? 'not running' : 'off';
    node.command = { command: 'airlock.connectAssistant', title: 'Connect an Assistant…' };
    node.children = () =>
      Object.entries(urls ?? {}).map(([family, url]) => {
        const item = new vscode.TreeItem(family);
        item.description = url;
        item.iconPath = new vscode.ThemeIcon('link');
        return item;
      });
    return node;
  }

  private decisionsNode(): Node {
    const decisions = this.gateway.recentDecisions().filter((d) => d.record.action !== 'allow');
    const node: Node = new vscode.TreeItem('Blocked & redacted', decisions.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    node.id = 'airlock.overview.decisions';
    node.iconPath = new vscode.ThemeIcon('history');
    node.description = decisions.length ? String(decisions.length) : 'none yet';
    node.children = () => decisions.slice(0, 50).map(decisionItem);
    return node;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function decisionItem(event: DecisionEvent): vscode.TreeItem {
  const { record } = event;
  let host = record.destination;
  try {
    host = new URL(record.destination).host;
  } catch {
    // keep as is
  }
  const item = new vscode.TreeItem(`${record.action} · ${host || record.dialect || 'request'}`);
  item.description = `${record.rule ?? record.reason ?? ''} ${new Date(record.time).toLocaleTimeString()}`.trim();
  item.tooltip = `${event.message}\nRules: ${record.rules.join(', ') || '—'}\nDetectors: ${record.detectors.join(', ') || '—'}`;
  item.iconPath = new vscode.ThemeIcon(record.action === 'block' ? 'error' : record.action === 'redact' ? 'eye-closed' : 'warning');
  if (record.rule) item.command = { command: 'airlock.openRule', title: 'Why?', arguments: [record.rule] };
  return item;
}
