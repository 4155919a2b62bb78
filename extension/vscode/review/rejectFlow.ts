// Rejecting AI code changes the file, so every way to reject (panel key, CodeLens, hover, tree)
// asks first, saying exactly what will happen to which lines, and afterwards offers Undo: the
// lines come back still marked for review (as they do with Ctrl+Z in the file).
import * as vscode from 'vscode';
import type { PendingHunk } from './model';
import { hunkLabel } from './panelView';
import { splitLines } from './panelDiff';

export interface RejectQuestion {
  hunk: PendingHunk;
  message: string;
  detail: string;
  /** The label of the confirming button. */
  confirm: string;
}

export type ConfirmReject = (question: RejectQuestion) => Thenable<boolean>;

/** What rejecting `hunk` will do, in words. */
export function rejectQuestion(hunk: PendingHunk): RejectQuestion {
  const count = hunk.endLine - hunk.startLine + 1;
  const lines = count === 1 ? 'the AI-written line' : `the ${count} AI-written lines`;
  const restored = splitLines(hunk.baseline).length;
  const effect =
    restored === 0
      ? `${count === 1 ? 'It is' : 'They are'} deleted from the file (the AI added ${count === 1 ? 'it' : 'them'}; nothing was there before).`
      : `${count === 1 ? 'It is' : 'They are'} replaced by the ${restored === 1 ? 'line' : `${restored} lines`} the AI replaced.`;
  return {
    hunk,
    message: `Reject ${lines} at ${hunkLabel(hunk)}?`,
    detail: `${effect} Undo (or Ctrl+Z in the file) brings them back, still marked for review.`,
    confirm: 'Reject',
  };
}

/** The modal warning dialog. */
export const modalConfirmReject: ConfirmReject = async (question) =>
  (await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.confirm)) === question.confirm;

/** After a reject: says what happened, with Undo. */
export function announceReject(hunk: PendingHunk, undo: (() => Promise<boolean>) | undefined): void {
  const text = `Airlock: rejected the AI-written lines at ${hunkLabel(hunk)}.`;
  if (!undo) {
    void vscode.window.showInformationMessage(text);
    return;
  }
  void vscode.window.showInformationMessage(text, 'Undo').then(async (choice) => {
    if (choice !== 'Undo') return;
    if (!(await undo())) void vscode.window.showWarningMessage(`Airlock: ${hunkLabel(hunk)} changed since the reject; use Ctrl+Z in the file instead.`);
  });
}
