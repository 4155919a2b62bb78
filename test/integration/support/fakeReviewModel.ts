// An in-memory ReviewModel over real files in the test workspace: the stand-in for the
// provenance ledger when testing the review UI. Reject really restores the baseline text
// through a WorkspaceEdit (and saves), so the UI is tested against a faithful model.
import * as vscode from 'vscode';
import type { PendingHunk, ReviewModel } from '../../../extension/vscode/review/model';

export interface FakeHunkSpec {
  id: string;
  startLine: number;
  endLine: number;
  /** What the AI replaced, whole '\n'-terminated lines; '' for a pure insertion. */
  baseline: string;
  tool: string;
  model?: string;
  channel: string;
  confidence: number;
  status: PendingHunk['status'];
  rule: string;
  ruleMessage: string;
  minutesAgo: number;
  mixed?: boolean;
}

export interface FakeFile {
  /** Workspace-relative POSIX path. */
  path: string;
  text: string;
  hunks: FakeHunkSpec[];
}

export interface Decision {
  decision: 'approve' | 'reject';
  id: string;
  path: string;
  /** True when "another window" recorded it (see recordElsewhere). */
  elsewhere: boolean;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

export class FakeReviewModel implements ReviewModel {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  readonly decisions: Decision[] = [];
  private pending: PendingHunk[];

  private constructor(pending: PendingHunk[]) {
    this.pending = pending;
  }

  /** Writes `files` under `root` and makes a model whose pending hunks point into them. */
  static async create(root: vscode.Uri, files: readonly FakeFile[], now = Date.now()): Promise<FakeReviewModel> {
    const pending: PendingHunk[] = [];
    for (const file of files) {
      const uri = vscode.Uri.joinPath(root, ...file.path.split('/'));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(file.text));
      const lines = file.text.split('\n');
      for (const spec of file.hunks) {
        const hunk: PendingHunk = {
          id: spec.id,
          contribution: spec.id,
          path: file.path,
          uri,
          startLine: spec.startLine,
          endLine: spec.endLine,
          baseline: spec.baseline,
          current: lines.slice(spec.startLine - 1, spec.endLine).map((l) => `${l}\n`).join(''),
          tool: spec.tool,
          channel: spec.channel,
          time: new Date(now - spec.minutesAgo * 60_000).toISOString(),
          confidence: spec.confidence,
          status: spec.status,
          rule: spec.rule,
          ruleMessage: spec.ruleMessage,
          mixed: spec.mixed ?? false,
        };
        if (spec.model) hunk.model = spec.model;
        pending.push(hunk);
      }
    }
    return new FakeReviewModel(pending);
  }

  hunks(): readonly PendingHunk[] {
    return [...this.pending].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
  }

  private take(id: string): PendingHunk {
    const hunk = this.pending.find((h) => h.id === id);
    if (!hunk) throw new Error(`no pending hunk ${id}`);
    this.pending = this.pending.filter((h) => h !== hunk);
    return hunk;
  }

  async approve(id: string): Promise<void> {
    const hunk = this.take(id);
    this.decisions.push({ decision: 'approve', id, path: hunk.path, elsewhere: false });
    this.changed.fire();
  }

  async reject(id: string): Promise<void> {
    const hunk = this.take(id);
    const document = await vscode.workspace.openTextDocument(hunk.uri);
    const start = new vscode.Position(hunk.startLine - 1, 0);
    const end = hunk.endLine < document.lineCount ? new vscode.Position(hunk.endLine, 0) : document.lineAt(document.lineCount - 1).range.end;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(hunk.uri, new vscode.Range(start, end), hunk.baseline);
    if (!(await vscode.workspace.applyEdit(edit))) {
      this.pending.push(hunk);
      throw new Error(`could not restore the baseline of ${hunk.path}`);
    }
    await document.save();
    // Hunks below the restored one move by the change in line count, as ledger spans would.
    const delta = lineCount(hunk.baseline) - (hunk.endLine - hunk.startLine + 1);
    for (const other of this.pending) {
      if (other.path === hunk.path && other.startLine > hunk.endLine) {
        other.startLine += delta;
        other.endLine += delta;
      }
    }
    this.decisions.push({ decision: 'reject', id, path: hunk.path, elsewhere: false });
    this.changed.fire();
  }

  async approveFile(path: string): Promise<number> {
    const ids = this.pending.filter((h) => h.path === path).map((h) => h.id);
    for (const id of ids) {
      this.take(id);
      this.decisions.push({ decision: 'approve', id, path, elsewhere: false });
    }
    if (ids.length > 0) this.changed.fire();
    return ids.length;
  }

  /** Another VS Code window (or the CLI) approved `id`: the ledger changed under us. */
  recordElsewhere(id: string): void {
    const hunk = this.take(id);
    this.decisions.push({ decision: 'approve', id, path: hunk.path, elsewhere: true });
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
