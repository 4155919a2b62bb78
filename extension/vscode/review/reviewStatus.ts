// The status bar counts pending AI hunks; a click opens the flagged-diff panel.
import type * as vscode from 'vscode';
import type { StatusBar } from '../statusBar';
import type { ReviewService } from './reviewService';

export function registerReviewStatus(context: vscode.ExtensionContext, reviews: ReviewService, statusBar: StatusBar): void {
  context.subscriptions.push(
    reviews.onDidChange(() => {
      const hunks = reviews.hunks();
      const forbidden = hunks.filter((h) => h.status === 'forbidden').length;
      if (hunks.length === 0) return statusBar.set('review', undefined);
      statusBar.set('review', {
        text: `${hunks.length} AI hunk${hunks.length === 1 ? '' : 's'} to review`,
        tooltip: `${hunks.length === 1 ? '1 AI-written hunk waits' : `${hunks.length} AI-written hunks wait`} for a human review${forbidden ? `; ${forbidden === 1 ? (hunks.length === 1 ? 'it is' : '1 of them is') : `${forbidden} are`} in a place where AI code is not allowed` : ''}. Run "Airlock: Show Flagged Diff" (Ctrl+Alt+R).`,
        level: forbidden ? 'error' : 'warning',
      });
    }),
  );
}
