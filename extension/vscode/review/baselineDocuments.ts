// Read-only virtual documents holding a file as it was before one AI edit, so `vscode.diff`
// can show baseline ↔ current in the real diff editor. URI: airlock-baseline:/<path>?id=<hunk id>.
import * as vscode from 'vscode';
import type { PendingHunk } from './model';
import { splitLines, withBaseline } from './panelDiff';
import type { ReviewService } from './reviewService';

export const BASELINE_SCHEME = 'airlock-baseline';

export function baselineUri(hunk: Pick<PendingHunk, 'id' | 'path'>): vscode.Uri {
  return vscode.Uri.from({ scheme: BASELINE_SCHEME, path: `/${hunk.path}`, query: new URLSearchParams({ id: hunk.id }).toString() });
}

class BaselineDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Last text served per URI: a decided hunk leaves the model, but its open diff should not go blank. */
  private readonly served = new Map<string, string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: ReviewService) {
    this.subscription = model.onDidChange(() => {
      for (const key of this.served.keys()) this.changed.fire(vscode.Uri.parse(key));
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string | undefined> {
    const id = new URLSearchParams(uri.query).get('id');
    const hunk = id ? this.model.hunks().find((h) => h.id === id) : undefined;
    // Already decided (or never pending): what this URI showed last, if anything.
    if (!hunk) return this.served.get(uri.toString());
    const document = await vscode.workspace.openTextDocument(hunk.uri);
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const text = document.getText();
    const lines = withBaseline(splitLines(text), hunk.startLine, hunk.endLine, hunk.baseline);
    const baseline = lines.join(eol) + (text.endsWith('\n') || lines.length === 0 ? eol : '');
    this.served.set(uri.toString(), lines.length === 0 ? '' : baseline);
    return this.served.get(uri.toString());
  }

  /** Forgets documents the editor closed. */
  forget(uri: vscode.Uri): void {
    this.served.delete(uri.toString());
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.served.clear();
  }
}

/** Serves `airlock-baseline:` documents from the window's review state. */
export function registerBaselineDocuments(context: Pick<vscode.ExtensionContext, 'subscriptions'>, model: ReviewService): vscode.Disposable {
  const provider = new BaselineDocuments(model);
  const registration = vscode.Disposable.from(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(BASELINE_SCHEME, provider),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === BASELINE_SCHEME) provider.forget(d.uri);
    }),
  );
  context.subscriptions.push(registration);
  return registration;
}
