// The review state of this workspace, backed by the ledger in .airlock/ledger/ (shared with the
// CLI and other windows) and git-ai's notes (refs/notes/ai), as `airlock check` reads them. It
// records AI code as it lands, follows open documents through edits with a ProvenanceTracker
// each (cheap per keystroke), and answers the review UI's questions: which hunks are pending,
// approve, reject. The engine loads on first need, not at activation.
import * as vscode from 'vscode';
import type { LedgerState } from '../../core/ledger';
import type { AiSpan, Channel } from '../../core/provenance';
import type { ProvenanceTracker, TrackedRange } from '../../core/provenance/tracker';
import type { Logger } from '../log';
import type { PolicyService } from '../policyService';
import { gitIdentity, type Identity } from './gitIdentity';
import type { PendingHunk } from './model';
import { loadEngine } from '../engine';
import { repoRelativePath, type RepoFolder } from '../workspaceRepo';

export interface AiInsertion {
  document: vscode.TextDocument;
  /** 1-based inclusive lines of the AI text in the document now. */
  startLine: number;
  endLine: number;
  /** The text of those lines before the AI changed them ('' when it inserted whole lines). */
  baseline: string;
  tool: string;
  model?: string;
  channel: Channel;
  confidence: number;
}

type Core = typeof import('../../core/ledger') & typeof import('../../core/provenance') & typeof import('../../cli/provenance/ledgerFile');
type ReviewDecision = typeof import('../../cli/provenance/reviewDecision');

const RECOMPUTE_DELAY_MS = 120;

export class ReviewService implements vscode.Disposable {
  private core: Core | undefined;
  private decisions: ReviewDecision | undefined;
  /** Counts an approval only when `airlock check` would (signatures verified in the background). */
  private judge: InstanceType<ReviewDecision['BackgroundReviewJudge']> | undefined;
  /**
   * What this window itself saw each AI write replace, by contribution id: a baseline a reject
   * may restore even though git never saw it (typed, unsaved text an inline completion finished).
   * The ledger's own copy is data anyone (or any agent) can write, so it alone is never enough.
   */
  private readonly observedBaselines = new Map<string, string>();
  private state: LedgerState | undefined;
  private pending: PendingHunk[] = [];
  private pendingRoots = new Set<string>();
  /** Paths with AI spans to locate: a change to one of these files on disk changes the verdict. */
  private spanPaths = new Set<string>();
  private readonly trackers = new Map<string, ProvenanceTracker>();
  private recomputeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly marksChanged = new vscode.EventEmitter<vscode.TextDocument>();
  private readonly disposables: vscode.Disposable[] = [];
  private loaded: Promise<void> | undefined;
  /** The last reject per file, so Undo or Ctrl+Z can bring its lines back still marked. */
  private readonly rejected = new Map<string, RejectMemory>();
  readonly onDidChange = this.changed.event;
  /** Fires on every tracked edit, before the (debounced) full recompute. */
  readonly onDidChangeMarks = this.marksChanged.event;

  constructor(
    /** The repository's top (where `airlock check` reads .airlock/), not necessarily the opened folder. */
    private readonly root: RepoFolder,
    private readonly policies: PolicyService,
    private readonly log: Logger,
  ) {
    // Watch the whole .airlock folder: a watcher on a file whose folder does not exist yet
    // (no ledger so far) may never fire when the first record creates both.
    // (Created after activation: a watcher costs tens of milliseconds in the extension host.)
    const onLedger = (uri: vscode.Uri) => {
      if (uri.path.endsWith('/.airlock/ledger/ledger.jsonl') || uri.path.endsWith('/.airlock/ledger')) void this.reload();
      // Another .airlock file (the allowed signers file, usually) may change which approvals count.
      else this.scheduleRecompute();
    };
    // git-ai's notes ref moves when a note is added or fetched (a loose ref file; git writes it
    // anew after a gc packed it). A glob, not the file itself: before the first note there is
    // no refs/notes folder, and a watcher on a path that does not exist may never fire.
    const onNotes = (uri: vscode.Uri) => {
      if (uri.path.endsWith('/.git/refs/notes/ai')) void this.reload();
    };
    // A file with AI lines changed on disk by another program (formatter, git checkout, agent)
    // while no document for it is open here: nothing else would tell the review state (an open
    // document reports the change itself, through onDidChangeTextDocument).
    const onFile = (uri: vscode.Uri) => {
      if (this.spanPaths.has(this.relativePath(uri)) && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.scheduleRecompute();
    };
    const startWatching = setTimeout(() => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root.uri, '.airlock/**'));
      const notes = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root.uri, '.git/refs/notes/**'));
      // The opened folder, which VS Code watches anyway: a recursive watcher over a whole
      // monorepo above it would cost more than a late refresh of a file outside it.
      const files = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root.folder, '**/*'));
      this.disposables.push(watcher, watcher.onDidChange(onLedger), watcher.onDidCreate(onLedger), notes, notes.onDidChange(onNotes), notes.onDidCreate(onNotes), notes.onDidDelete(onNotes));
      this.disposables.push(files, files.onDidChange(onFile), files.onDidCreate(onFile), files.onDidDelete(onFile));
    }, 0);
    this.disposables.push(
      { dispose: () => clearTimeout(startWatching) },
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.onEdit(e);
        this.onUndoOfReject(e);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.ensureTracker(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.trackers.delete(d.uri.toString())),
      vscode.workspace.onDidSaveTextDocument(() => this.scheduleRecompute()),
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused) void this.refreshIfNotesMoved();
      }),
      policies.onDidChange(() => this.scheduleRecompute()),
      this.changed,
      this.marksChanged,
    );
  }

  /** Loads the ledger on first need. */
  ready(): Promise<void> {
    this.loaded ??= this.reload();
    return this.loaded;
  }

  hunks(): readonly PendingHunk[] {
    return this.pending;
  }

  /** Pending AI line ranges of an open document, live (tracker-based, updated on every edit). */
  liveRanges(document: vscode.TextDocument): TrackedRange[] {
    const tracker = this.trackers.get(document.uri.toString());
    if (!tracker) return [];
    return tracker.ranges().filter((r) => this.pendingRoots.has(r.id));
  }

  hunkAt(document: vscode.TextDocument, line: number): PendingHunk | undefined {
    const path = this.relativePath(document.uri);
    return this.pending.find((h) => h.path === path && line >= h.startLine && line <= h.endLine);
  }

  /** The path from the repository's top, as the ledger and `airlock check` name files. */
  relativePath(uri: vscode.Uri): string {
    return repoRelativePath(this.root, uri);
  }

  private async engine(): Promise<Core> {
    if (!this.core) {
      const { ledger, provenance, ledgerFile, reviewDecision } = loadEngine();
      this.core = { ...ledger, ...provenance, ...ledgerFile };
      this.decisions = reviewDecision;
      this.judge = new reviewDecision.BackgroundReviewJudge(this.root.uri.fsPath, () => this.scheduleRecompute());
    }
    return this.core;
  }

  /** Where git-ai's notes ref pointed at the last reload. */
  private notesHead: string | undefined;

  /**
   * Reloads if git-ai's notes moved since the last reload (one git call). The notes ref's file
   * watcher can report late or not at all (a ref folder created by the first note; packed refs),
   * so the panel asks this when it opens and the window when it regains focus.
   */
  async refreshIfNotesMoved(): Promise<void> {
    if (!this.state) return;
    if (loadEngine().gitAiNotes.gitAiNotesHead(this.root.uri.fsPath) !== this.notesHead) await this.reload();
  }

  /** Re-reads the ledger (another window or the CLI may have written) and recomputes. */
  async reload(): Promise<void> {
    const core = await this.engine();
    const parsed = core.readLedger(this.root.uri.fsPath);
    for (const problem of parsed.problems) this.log.warn(`ledger: ${typeof problem === 'string' ? problem : JSON.stringify(problem)}`);
    // AI lines git-ai attested in git notes count as contributions, as they do for `airlock check`.
    this.notesHead = loadEngine().gitAiNotes.gitAiNotesHead(this.root.uri.fsPath);
    const noted = loadEngine().gitAiNotes.gitAiContributions(this.root.uri.fsPath);
    this.state = core.foldLedger([...parsed.records, ...noted]);
    this.trackers.clear();
    for (const document of vscode.workspace.textDocuments) this.ensureTracker(document);
    await this.recompute();
  }

  private spansFor(path: string): AiSpan[] {
    if (!this.state) return [];
    return [...this.state.spans.values()].filter((s) => s.path === path);
  }

  private ensureTracker(document: vscode.TextDocument): ProvenanceTracker | undefined {
    if (!this.core || !this.state || document.uri.scheme !== 'file') return undefined;
    const key = document.uri.toString();
    let tracker = this.trackers.get(key);
    if (tracker) return tracker;
    const spans = this.spansFor(this.relativePath(document.uri));
    if (spans.length === 0) return undefined;
    tracker = this.core.trackerFor(spans, document.getText());
    this.trackers.set(key, tracker);
    return tracker;
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const tracker = this.trackers.get(e.document.uri.toString());
    if (!tracker) return;
    // Changes in one event do not overlap and refer to the text before the event: apply
    // them from the end of the document backwards so earlier offsets stay valid.
    const changes = [...e.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset);
    for (const c of changes) tracker.applyChange({ offset: c.rangeOffset, deletedLength: c.rangeLength, insertedText: c.text });
    this.marksChanged.fire(e.document);
    this.scheduleRecompute();
  }

  private scheduleRecompute(): void {
    if (this.recomputeTimer) clearTimeout(this.recomputeTimer);
    this.recomputeTimer = setTimeout(() => {
      this.recomputeTimer = undefined;
      void this.recompute();
    }, RECOMPUTE_DELAY_MS);
  }

  /**
   * Which AI lines are pending review now, from the ledger, the files and the policy. The
   * verdict is core's evaluateFile over the lines locateSpans finds, the very functions
   * `airlock check` runs, so the editor never decides by a simpler rule of its own.
   */
  private async recompute(): Promise<void> {
    if (!this.state || !this.core) return;
    const core = this.core;
    const state = this.state;
    const { policy } = await this.policies.current();
    const judge = this.judge!.pass();
    const hunks: PendingHunk[] = [];
    const toLocate = this.spansToLocate();
    this.spanPaths = new Set(toLocate.keys());
    for (const [path, spans] of toLocate) {
      const lines = await this.currentLines(path);
      if (!lines) continue;
      const located = core.locateSpans(spans, core.indexFile(lines));
      const requirement = policy.reviewFor(path);
      // Why an approval of a contribution does not count (unsigned where signatures are
      // required, a key not in the allowed signers file): said beside the rule, in check's words.
      const notCounted = new Map<string, string>();
      const note = (review: { reviewer: { email: string }; lines: { root: string }[] }, reason: string) => {
        for (const { root } of review.lines) if (!notCounted.has(root)) notCounted.set(root, `An approval by ${review.reviewer.email} does not count: ${reason}.`);
      };
      for (const v of core.evaluateFile(path, located, state, policy, { judge, note })) {
        if (v.kind !== 'forbidden' && v.kind !== 'unreviewed') continue;
        const inHunk = located.filter((l) => l.line >= v.startLine && l.line <= v.endLine);
        const span = inHunk[0]!.span;
        const contribution = state.contributions.get(span.root);
        const why = v.kind === 'unreviewed' ? notCounted.get(span.root) : undefined;
        const ruleMessage = `${(v.kind === 'forbidden' ? requirement.forbidden?.message : requirement.requireApproval?.message) ?? ''}${why ? ` ${why}` : ''}`;
        hunks.push({
          id: `${span.root}@${v.startLine}`,
          contribution: span.root,
          path,
          uri: vscode.Uri.joinPath(this.root.uri, path),
          startLine: v.startLine,
          endLine: v.endLine,
          baseline: contribution?.baseline ?? '',
          // Whole '\n'-terminated lines, like the baseline: a blank last line stays a line.
          current: lines.slice(v.startLine - 1, v.endLine).map((l) => `${l}\n`).join(''),
          tool: span.tool,
          ...(span.model ? { model: span.model } : {}),
          channel: span.channel,
          time: contribution?.time ?? span.time,
          confidence: span.confidence,
          status: v.kind === 'forbidden' ? 'forbidden' : 'needs-approval',
          rule: v.rule,
          ruleMessage,
          mixed: inHunk.some((l) => l.mixed),
        });
      }
    }
    this.pending = hunks.sort((a, b) => (a.path === b.path ? a.startLine - b.startLine : a.path < b.path ? -1 : 1));
    this.pendingRoots = new Set(hunks.map((h) => h.contribution));
    this.changed.fire();
  }

  /**
   * The spans to look for, by path: live spans and each live root's recorded spans, as
   * `airlock check` locates them (an update record, which anyone can write, cannot make AI
   * code that is still there stop being AI).
   */
  private spansToLocate(): Map<string, AiSpan[]> {
    return this.state && this.core ? this.core.spansByPath(this.state, true) : new Map();
  }

  /** A file's lines: the open document's (unsaved edits count) or the file on disk. */
  private async currentLines(path: string): Promise<string[] | undefined> {
    const uri = vscode.Uri.joinPath(this.root.uri, path);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    if (open) text = open.getText();
    else {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        return undefined;
      }
    }
    return this.core!.splitLines(text);
  }

  private async identity(): Promise<Identity> {
    const who = await gitIdentity(this.root.uri.fsPath);
    if (!who) throw new Error('set git user.name and user.email: Airlock records who reviewed AI code');
    return who;
  }

  /** Records AI-written lines that just landed in a document. */
  async recordInsertion(insertion: AiInsertion): Promise<void> {
    await this.ready();
    const core = await this.engine();
    const document = insertion.document;
    const path = this.relativePath(document.uri);
    const recordedBy = await gitIdentity(this.root.uri.fsPath);
    const id = core.newRecordId();
    const record = core.buildContribution({
      id,
      time: new Date().toISOString(),
      path,
      fileLines: core.splitLines(document.getText()),
      startLine: insertion.startLine,
      endLine: insertion.endLine,
      tool: insertion.tool,
      ...(insertion.model ? { model: insertion.model } : {}),
      channel: insertion.channel,
      confidence: insertion.confidence,
      baseline: insertion.baseline,
      ...(recordedBy ? { recordedBy } : {}),
    });
    core.appendRecords(this.root.uri.fsPath, [record]);
    this.observedBaselines.set(id, record.baseline ?? '');
    this.log.info(`recorded ${insertion.channel} lines ${path}:${insertion.startLine}-${insertion.endLine} (${insertion.tool})`);
    await this.reload();
  }

  private async locatedFor(hunk: PendingHunk) {
    const core = await this.engine();
    const lines = (await this.currentLines(hunk.path)) ?? [];
    // The same spans recompute located the hunk with.
    const located = core.locateSpans(this.spansToLocate().get(hunk.path) ?? [], core.indexFile(lines));
    return { core, lines, located };
  }

  async approve(id: string): Promise<void> {
    const warning = await this.approveOne(id);
    if (warning) this.warnAboutSignature(warning);
  }

  /**
   * Records an approval, signed exactly as `airlock review approve` signs (git's SSH signing
   * key): always where the policy requires signatures (refused, recording nothing, when no key is
   * set up), and whenever a key is set up. Resolves to why `airlock check` will not count the
   * signature (the key is not in the allowed signers file), if so.
   */
  private async approveOne(id: string): Promise<string | undefined> {
    const hunk = this.pending.find((h) => h.id === id);
    if (!hunk) return undefined;
    // Approving cannot make forbidden code allowed; recording it would only mislead.
    if (hunk.status === 'forbidden') throw new Error(`${hunk.path}:${hunk.startLine}-${hunk.endLine} is where AI code is forbidden (${hunk.rule}): reject it or remove it; approving cannot allow it`);
    const reviewer = await this.identity();
    const { core, lines, located } = await this.locatedFor(hunk);
    const selected = located.filter((l) => l.line >= hunk.startLine && l.line <= hunk.endLine);
    if (selected.length === 0) return undefined;
    const requirement = await this.requirement(hunk.path);
    const root = this.root.uri.fsPath;
    const record = await this.decisions!.reviewRecord(root, { decision: 'approve', reviewer, path: hunk.path, lines: selected, fileLines: lines, requirement, terminal: false });
    core.appendRecords(root, [record]);
    this.log.info(`approved ${hunk.path}:${hunk.startLine}-${hunk.endLine} as ${reviewer.email}${record.signature ? ' (signed)' : ''}`);
    await this.judge!.prime(record, requirement);
    await this.reload();
    return this.decisions!.ownSignatureProblem(root, record, requirement);
  }

  /** The policy's approval rule for `path` (whether reviews there must be signed). */
  private async requirement(path: string) {
    const { policy } = await this.policies.current();
    return policy.reviewFor(path).requireApproval;
  }

  private warnAboutSignature(problem: string): void {
    this.log.warn(`review signature: ${problem}`);
    void vscode.window.showWarningMessage(`Airlock: approval recorded, but ${problem}.`);
  }

  async approveFile(path: string): Promise<number> {
    const hunks = this.pending.filter((h) => h.path === path && h.status === 'needs-approval');
    const warnings = new Set<string>();
    for (const h of hunks) {
      const warning = await this.approveOne(h.id);
      if (warning) warnings.add(warning);
    }
    for (const warning of warnings) this.warnAboutSignature(warning);
    return hunks.length;
  }

  /**
   * Rejects a hunk: its contribution's lines go back to what the AI replaced, and the reject
   * is recorded. Resolves to an Undo that puts the lines back, still marked (false when the
   * file changed since); callers ask the reviewer first (rejectFlow.ts).
   */
  async reject(id: string): Promise<(() => Promise<boolean>) | undefined> {
    const hunk = this.pending.find((h) => h.id === id);
    if (!hunk) return undefined;
    const reviewer = await this.identity();
    const document = await vscode.workspace.openTextDocument(hunk.uri);
    const { core, lines, located } = await this.locatedFor(hunk);
    const before = document.getText();
    const version = document.version;
    const root = hunk.contribution;
    // What the reject puts back must be text git had in this file before the AI write, or text
    // this window saw the AI replace; a forged ledger baseline must not plant code (the CLI's rule).
    const untrusted = this.decisions!.untrustedBaselines(this.root.uri.fsPath, hunk.path, before, located, this.state!, [root], (id, baseline) => this.observedBaselines.get(id) === baseline);
    if (untrusted.length > 0) throw new Error(this.decisions!.untrustedBaselineMessage(hunk.path, untrusted));
    // Signed (or refused) before the file changes: a refusal leaves file and ledger as they were.
    const record = await this.decisions!.reviewRecord(this.root.uri.fsPath, {
      decision: 'reject',
      reviewer,
      path: hunk.path,
      lines: located.filter((l) => l.span.root === root),
      fileLines: lines,
      requirement: await this.requirement(hunk.path),
      terminal: false,
    });
    // Signing waits on ssh-keygen (and ssh-agent): lines typed meanwhile would move the hunk.
    if (document.version !== version) throw new Error(`${hunk.path} changed while the reject was being signed; nothing was changed or recorded, reject again`);
    const replacements = core.rejectReplacements(located, this.state!, [root]);
    const contribution = this.state!.contributions.get(root);
    const memory: RejectMemory = {
      before,
      after: undefined,
      runs: lineRuns(located.filter((l) => l.span.root === root).map((l) => l.line)),
      tool: hunk.tool,
      ...(hunk.model ? { model: hunk.model } : {}),
      channel: hunk.channel as Channel,
      confidence: hunk.confidence,
      baseline: contribution?.baseline ?? hunk.baseline,
    };
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const edit = new vscode.WorkspaceEdit();
    for (const r of replacements) {
      const lastLine = r.endLine >= document.lineCount;
      const start = new vscode.Position(r.startLine - 1, 0);
      const end = lastLine ? document.lineAt(document.lineCount - 1).range.end : new vscode.Position(r.endLine, 0);
      const text = r.lines.length === 0 ? '' : r.lines.join(eol) + (lastLine ? '' : eol);
      edit.replace(hunk.uri, new vscode.Range(start, end), text);
    }
    core.appendRecords(this.root.uri.fsPath, [record]);
    await vscode.workspace.applyEdit(edit);
    await document.save();
    memory.after = document.getText();
    this.rejected.set(hunk.uri.toString(), memory);
    await this.reload();
    return () => this.undoReject(hunk.uri);
  }

  /** Undo of the last reject in `uri`: the text before it, and the lines marked again. */
  async undoReject(uri: vscode.Uri): Promise<boolean> {
    const memory = this.rejected.get(uri.toString());
    const document = await vscode.workspace.openTextDocument(uri);
    if (!memory || document.getText() !== memory.after) return false;
    this.rejected.delete(uri.toString());
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), memory.before);
    await vscode.workspace.applyEdit(edit);
    await document.save();
    await this.remark(document, memory);
    return true;
  }

  /** Ctrl+Z right after a reject brings back exactly the text before it: mark it again. */
  private onUndoOfReject(e: vscode.TextDocumentChangeEvent): void {
    if (e.reason !== vscode.TextDocumentChangeReason.Undo) return;
    const memory = this.rejected.get(e.document.uri.toString());
    if (!memory || e.document.getText() !== memory.before) return;
    this.rejected.delete(e.document.uri.toString());
    void this.remark(e.document, memory).catch((error: unknown) => this.log.error(`could not mark the restored AI lines again: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Records the restored lines as the AI contribution they were (same tool, model, baseline). */
  private async remark(document: vscode.TextDocument, memory: RejectMemory): Promise<void> {
    const core = await this.engine();
    const path = this.relativePath(document.uri);
    const recordedBy = await gitIdentity(this.root.uri.fsPath);
    const fileLines = core.splitLines(document.getText());
    const records = memory.runs.map((run, i) => {
      const time = new Date();
      return core.buildContribution({
        id: core.newRecordId(time),
        time: time.toISOString(),
        path,
        fileLines,
        startLine: run.startLine,
        endLine: run.endLine,
        tool: memory.tool,
        ...(memory.model ? { model: memory.model } : {}),
        channel: memory.channel,
        confidence: memory.confidence,
        // What the AI replaced belongs to its first block; later blocks were pure additions.
        baseline: i === 0 ? memory.baseline : '',
        ...(recordedBy ? { recordedBy } : {}),
      });
    });
    core.appendRecords(this.root.uri.fsPath, records);
    // The baseline was verified when the reject restored it; this window saw it.
    for (const record of records) this.observedBaselines.set(record.id, record.baseline ?? '');
    this.log.info(`reject undone: ${path} lines ${memory.runs.map((r) => `${r.startLine}-${r.endLine}`).join(', ')} marked as AI-written again (${memory.tool})`);
    await this.reload();
  }

  dispose(): void {
    if (this.recomputeTimer) clearTimeout(this.recomputeTimer);
    this.judge?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

interface RejectMemory {
  /** The file's text before the reject, and right after it. */
  before: string;
  after: string | undefined;
  /** The contribution's lines in `before`, as contiguous runs. */
  runs: { startLine: number; endLine: number }[];
  tool: string;
  model?: string;
  channel: Channel;
  confidence: number;
  baseline: string;
}

/** Sorted line numbers as contiguous runs: [3,4,5,9] → 3-5, 9-9. */
function lineRuns(lines: readonly number[]): { startLine: number; endLine: number }[] {
  const runs: { startLine: number; endLine: number }[] = [];
  for (const line of [...lines].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && line === last.endLine + 1) last.endLine = line;
    else if (!last || line > last.endLine) runs.push({ startLine: line, endLine: line });
  }
  return runs;
}
