// What the review UI (tree, CodeLens, flagged-diff panel) needs to know about AI code waiting
// for a human. The lead adapts the provenance ledger to this; the UI depends on this only.
import type * as vscode from 'vscode';

export interface PendingHunk {
  /** Stable id within the current state (contribution and first line). */
  id: string;
  /** The recorded contribution (ledger root id) the lines belong to: approvals and rejects apply to it. */
  contribution: string;
  /** Workspace-relative POSIX path. */
  path: string;
  uri: vscode.Uri;
  /** 1-based inclusive line range in the current file. */
  startLine: number;
  endLine: number;
  /** Text the AI replaced (baseline captured at record time); '' for a pure insertion. */
  baseline: string;
  /** The AI-written text as it is now. */
  current: string;
  tool: string;
  model?: string;
  /** How it arrived: inline-completion, chat-edit, agent-hook, gateway-observed, heuristic, cli. */
  channel: string;
  /** ISO time it was recorded. */
  time: string;
  /** 0..1. */
  confidence: number;
  /** What the policy says: `forbidden` (may not stay even if approved) or `needs-approval`. */
  status: 'needs-approval' | 'forbidden';
  rule: string;
  ruleMessage: string;
  /** True when a human partly edited the lines (still needs review). */
  mixed: boolean;
}

export interface ReviewModel {
  /** Every pending hunk in the workspace, sorted by path then line. */
  hunks(): readonly PendingHunk[];
  readonly onDidChange: vscode.Event<void>;
  approve(id: string): Promise<void>;
  /**
   * Restores the baseline text in the file and records the rejection; may resolve to an Undo
   * that brings the lines back still marked (false when the file changed since).
   */
  reject(id: string): Promise<(() => Promise<boolean>) | void>;
  /** Approves every pending hunk of one file (the caller asks for confirmation first). */
  approveFile(path: string): Promise<number>;
}
