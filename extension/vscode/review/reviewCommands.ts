// Review commands: the flagged-diff panel, and approve / reject / diff for one hunk (CodeLens,
// hover and tree use these).
import * as vscode from 'vscode';
import { baselineUri, registerBaselineDocuments } from './baselineDocuments';
import { FlaggedDiffPanel } from './flaggedDiffPanel';
import { completeWalkthroughStep } from '../createPolicy';
import { announceReject, modalConfirmReject, rejectQuestion } from './rejectFlow';
import type { ReviewService } from './reviewService';

export function registerReviewCommands(context: vscode.ExtensionContext, reviews: ReviewService): void {
  registerBaselineDocuments(context, reviews);
  const guarded = (action: (id: string) => Promise<unknown>) => async (id?: unknown) => {
    if (typeof id !== 'string') return;
    try {
      await action(id);
    } catch (error) {
      void vscode.window.showErrorMessage(`Airlock: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  context.subscriptions.push(
    // Resolves to the panel (tests drive it); it shows `reviews`, as the Needs Review tree does.
    vscode.commands.registerCommand('airlock.showFlaggedDiff', async () => {
      await reviews.ready();
      await reviews.refreshIfNotesMoved();
      completeWalkthroughStep('reviewOpened');
      return FlaggedDiffPanel.show(context, reviews);
    }),
    // The panel listens to `reviews`: it goes when the extension does.
    { dispose: () => FlaggedDiffPanel.instance?.dispose() },
    vscode.commands.registerCommand('airlock.approveHunk', guarded((id) => reviews.approve(id))),
    // CodeLens, hover and tree pass the hunk id; `{ confirmed: true }` (scripts, tests) skips the question.
    vscode.commands.registerCommand('airlock.rejectHunk', async (id?: unknown, options?: unknown) =>
      guarded(async (hunkId) => {
        const hunk = reviews.hunks().find((h) => h.id === hunkId);
        if (!hunk) return false;
        const confirmed = typeof options === 'object' && options !== null && (options as { confirmed?: unknown }).confirmed === true;
        if (!confirmed && !(await modalConfirmReject(rejectQuestion(hunk)))) return false;
        announceReject(hunk, await reviews.reject(hunkId));
        return true;
      })(id),
    ),
    vscode.commands.registerCommand(
      'airlock.showHunkDiff',
      guarded(async (id) => {
        const hunk = reviews.hunks().find((h) => h.id === id);
        if (!hunk) return;
        await vscode.commands.executeCommand('vscode.diff', baselineUri(hunk), hunk.uri, `${hunk.path}: before AI ↔ now (lines ${hunk.startLine}–${hunk.endLine})`);
      }),
    ),
  );
}
