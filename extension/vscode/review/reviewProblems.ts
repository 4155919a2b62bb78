// AI code under a `forbid` rule shows up in the Problems panel: it cannot stay, approved or not.
import * as vscode from 'vscode';
import type { ReviewService } from './reviewService';

export function registerReviewProblems(context: vscode.ExtensionContext, reviews: ReviewService): void {
  // Created on first change, not at activation.
  let collection: vscode.DiagnosticCollection | undefined;
  context.subscriptions.push(
    { dispose: () => collection?.dispose() },
    reviews.onDidChange(() => {
      const diagnostics = (collection ??= vscode.languages.createDiagnosticCollection('airlock-review'));
      diagnostics.clear();
      const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
      for (const hunk of reviews.hunks()) {
        if (hunk.status !== 'forbidden') continue;
        const d = new vscode.Diagnostic(
          new vscode.Range(hunk.startLine - 1, 0, hunk.endLine - 1, Number.MAX_SAFE_INTEGER),
          `AI-written code (${hunk.tool}${hunk.model ? `, ${hunk.model}` : ''}) is not allowed here: ${hunk.ruleMessage}`,
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'Airlock';
        d.code = hunk.rule;
        const entry = byUri.get(hunk.uri.toString()) ?? { uri: hunk.uri, list: [] };
        entry.list.push(d);
        byUri.set(hunk.uri.toString(), entry);
      }
      for (const { uri, list } of byUri.values()) diagnostics.set(uri, list);
    }),
  );
}
