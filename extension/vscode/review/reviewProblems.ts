// AI code under a `forbid` rule shows up in the Problems panel: it cannot stay, approved or not.
import * as vscode from 'vscode';
import type { ReviewService } from './reviewService';

export function registerReviewProblems(context: vscode.ExtensionContext, reviews: ReviewService): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('airlock-review');
  context.subscriptions.push(
    diagnostics,
    reviews.onDidChange(() => {
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
