// Captures AI-written code as it lands in VS Code and records it through the ReviewService:
// - inline completions: Airlock's own accept commands wrap VS Code's (Tab, Ctrl+Right, …),
//   so the text that lands is attributed whichever extension provided the suggestion;
// - code the gateway saw in a model response, when matching text lands in a document or on
//   disk (agents in the terminal write files directly);
// - a heuristic for large insertions that are none of typing, paste, undo/redo or
//   formatting: recorded with low confidence, switchable off.
import * as vscode from 'vscode';
import type { FingerprintIndex } from '../../core/provenance/fingerprintIndex';
import type { GatewayService } from '../gatewayService';
import type { Logger } from '../log';
import type { ReviewService } from './reviewService';
import { loadEngine } from '../engine';

const INLINE_ACCEPT = {
  commit: 'editor.action.inlineSuggest.commit',
  acceptNextWord: 'editor.action.inlineSuggest.acceptNextWord',
  acceptNextLine: 'editor.action.inlineSuggest.acceptNextLine',
} as const;

/** Lines an inserted text occupies: a trailing newline ends the last one, it adds none. */
function linesOccupied(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Lines of `after` changed by `changes` (1-based inclusive), with the replaced lines' old text. */
function landedLines(before: string, after: vscode.TextDocument, change: vscode.TextDocumentContentChangeEvent): { startLine: number; endLine: number; baseline: string } {
  const startLine = change.range.start.line + 1;
  const insertedLines = change.text.split('\n').length - 1;
  const endLine = startLine + insertedLines;
  // Baseline: the whole old lines the change touched (the line model is per line).
  const oldLines = before.split('\n');
  const baseline = oldLines.slice(change.range.start.line, change.range.end.line + 1).join('\n');
  const lineOnlyInsert = change.range.start.character === 0 && change.text.endsWith('\n') && change.rangeLength === 0;
  return lineOnlyInsert ? { startLine, endLine: endLine - 1, baseline: '' } : { startLine, endLine: Math.min(endLine, after.lineCount), baseline };
}

export class CaptureService implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private accepting = false;
  private index: FingerprintIndex | undefined;
  private diskWatcher: vscode.FileSystemWatcher | undefined;

  constructor(
    private readonly reviews: ReviewService,
    gateway: GatewayService,
    log: Logger,
  ) {
    this.disposables.push(
      ...Object.entries(INLINE_ACCEPT).map(([name, command]) =>
        vscode.commands.registerCommand(`airlock.inlineSuggest.${name}`, () =>
          this.acceptInline(command).catch((error: unknown) => log.error(`could not record an accepted inline suggestion: ${error instanceof Error ? error.message : String(error)}`)),
        ),
      ),
      gateway.onDidObserveCode((observed) => void this.observe(observed)),
      vscode.workspace.onDidChangeTextDocument((e) => void this.onEdit(e)),
    );
    // Airlock's Tab / Ctrl+Right bindings apply only while inline capture is on.
    const setInlineContext = () =>
      void vscode.commands.executeCommand('setContext', 'airlock.captureInline', vscode.workspace.getConfiguration('airlock').get<boolean>('capture.inlineCompletions', true));
    setInlineContext();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('airlock.capture.inlineCompletions')) setInlineContext();
      }),
    );
  }

  /**
   * Files written outside the editor matter only once the gateway has seen code, so the
   * workspace-wide watcher starts then, not at activation.
   */
  private watchDisk(): void {
    if (this.diskWatcher) return;
    this.diskWatcher = vscode.workspace.createFileSystemWatcher('**/*', false, false, true);
    this.disposables.push(
      this.diskWatcher,
      this.diskWatcher.onDidCreate((uri) => void this.onDiskWrite(uri)),
      this.diskWatcher.onDidChange((uri) => void this.onDiskWrite(uri)),
    );
  }

  /** Runs VS Code's own accept command and records the text it lands as AI-written. */
  async acceptInline(command: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void (await vscode.commands.executeCommand(command));
    const document = editor.document;
    const before = document.getText();
    const changes: vscode.TextDocumentContentChangeEvent[] = [];
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === document) changes.push(...e.contentChanges);
    });
    this.accepting = true;
    try {
      await vscode.commands.executeCommand(command);
      // Change events reach the extension host asynchronously; wait until the text moved.
      for (let i = 0; i < 20 && changes.length === 0 && document.getText() === before; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      sub.dispose();
      this.accepting = false;
    }
    const inserted = changes.filter((c) => c.text.length > 0);
    if (inserted.length === 0) return;
    // One accept is one contribution: the lines from the first to the last change.
    const spans = inserted.map((c) => landedLines(before, document, c));
    const startLine = Math.min(...spans.map((s) => s.startLine));
    const endLine = Math.max(...spans.map((s) => s.endLine));
    const text = inserted.map((c) => c.text).join('\n');
    const seen = this.index?.attribute(text, { path: this.reviews.relativePath(document.uri) });
    await this.reviews.recordInsertion({
      document,
      startLine,
      endLine,
      baseline: spans[0]!.baseline,
      tool: seen?.assistant ?? seen?.tool ?? 'inline-completion',
      ...(seen?.model ? { model: seen.model } : {}),
      channel: 'inline-completion',
      confidence: 1,
    });
  }

  private async observe(observed: import('../../core/provenance/observed').ObservedResponse): Promise<void> {
    if (!this.index) {
      const { FingerprintIndex } = loadEngine();
      this.index = new FingerprintIndex();
    }
    if (this.index.addResponse(observed) > 0) this.watchDisk();
  }

  private async onEdit(e: vscode.TextDocumentChangeEvent): Promise<void> {
    if (this.accepting || e.document.uri.scheme !== 'file' || e.contentChanges.length === 0) return;
    if (e.reason === vscode.TextDocumentChangeReason.Undo || e.reason === vscode.TextDocumentChangeReason.Redo) return;
    if (inChatEditingSession(e.document.uri)) return this.recordChatEdits(e);
    if (e.contentChanges.length !== 1) return; // formatters and multi-cursor edits
    const change = e.contentChanges[0]!;
    const lines = linesOccupied(change.text);
    if (lines < 2 && change.text.length < 40) return; // typing
    const path = this.reviews.relativePath(e.document.uri);
    if (path.startsWith('.airlock/')) return;
    const startLine = change.range.start.line + 1;
    const endLine = Math.min(e.document.lineCount, startLine + lines - 1);
    const seen = this.index?.attribute(change.text, { path });
    if (seen) {
      await this.reviews.recordInsertion({
        document: e.document,
        startLine: startLine + seen.startLine - 1,
        endLine: Math.min(endLine, startLine + seen.endLine - 1),
        baseline: '',
        tool: seen.assistant ?? seen.tool,
        ...(seen.model ? { model: seen.model } : {}),
        channel: 'gateway-observed',
        confidence: Math.min(1, 0.6 + seen.ratio * 0.4),
      });
      return;
    }
    if (!vscode.workspace.getConfiguration('airlock').get<boolean>('capture.heuristic', true)) return;
    if (lines < 4 || change.text.trim().length < 120) return;
    // A paste is the engineer's own doing: compare with the clipboard.
    const clipboard = await Promise.resolve(vscode.env.clipboard.readText()).catch(() => '');
    if (clipboard && normalize(clipboard) === normalize(change.text)) return;
    await this.reviews.recordInsertion({ document: e.document, startLine, endLine, baseline: '', tool: 'unknown', channel: 'heuristic', confidence: 0.3 });
  }

  /**
   * VS Code's chat editing applies the model's edits to the real file while it keeps the
   * original in a `chat-editing-*` document for its diff: edits to a file with such a companion
   * are the chat's, not the engineer's.
   */
  private async recordChatEdits(e: vscode.TextDocumentChangeEvent): Promise<void> {
    // The companion holds the file as it was before the session: the baseline for reject.
    const original = vscode.workspace.textDocuments.find((d) => CHAT_EDITING_SCHEMES.has(d.uri.scheme) && d.uri.path === e.document.uri.path);
    for (const change of e.contentChanges) {
      if (change.text.length === 0) continue;
      const startLine = change.range.start.line + 1;
      const endLine = Math.min(e.document.lineCount, startLine + linesOccupied(change.text) - 1);
      const pureInsert = change.rangeLength === 0 && change.range.start.character === 0 && change.text.endsWith('\n');
      const { start, end } = change.range;
      const baseline =
        pureInsert || !original || end.line >= original.lineCount ? '' : original.getText(new vscode.Range(start.line, 0, end.line, original.lineAt(end.line).text.length));
      await this.reviews.recordInsertion({
        document: e.document,
        startLine,
        endLine: Math.max(startLine, endLine),
        baseline,
        tool: 'vscode-chat',
        channel: 'chat-edit',
        confidence: 0.9,
      });
    }
  }

  /** A file written on disk by something else (a terminal agent): attribute what the gateway saw. */
  private async onDiskWrite(uri: vscode.Uri): Promise<void> {
    if (!this.index || this.index.size === 0) return;
    const path = this.reviews.relativePath(uri);
    if (path.startsWith('.airlock/') || path.startsWith('.git/') || path.includes('node_modules/')) return;
    // Open documents are handled through their edits.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
    let text: string;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.length > 2 * 1024 * 1024 || bytes.includes(0)) return;
      text = new TextDecoder().decode(bytes);
    } catch {
      return;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    for (const seen of this.index.attributeAll(text, { path })) {
      if (this.reviews.hunks().some((h) => h.path === path && h.startLine <= seen.endLine && h.endLine >= seen.startLine)) continue;
      await this.reviews.recordInsertion({
        document,
        startLine: seen.startLine,
        endLine: seen.endLine,
        baseline: '',
        tool: seen.assistant ?? seen.tool,
        ...(seen.model ? { model: seen.model } : {}),
        channel: 'gateway-observed',
        confidence: Math.min(1, 0.6 + seen.ratio * 0.4),
      });
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function normalize(text: string): string {
  return text.replace(/\r\n/g, '\n').trim();
}

/** URI schemes of the documents VS Code's chat editing keeps beside a file it is changing. */
const CHAT_EDITING_SCHEMES = new Set(['chat-editing-text-model', 'chat-editing-snapshot-text-model']);

function inChatEditingSession(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => CHAT_EDITING_SCHEMES.has(d.uri.scheme) && d.uri.path === uri.path);
}
