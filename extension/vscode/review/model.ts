// One hunk of AI code waiting for a human, as ReviewService (the provenance engine over the
// ledger, the files and the policy) decides it. Every review surface (the Needs Review tree,
// CodeLens and hover, Problems, the status bar, the flagged-diff panel, baseline documents)
// reads these from the window's one ReviewService, never from a model of its own: a panel fed
// by a stand-in once listed four hunks beside an empty tree.
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
