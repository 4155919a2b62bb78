// Marks on pending AI lines in editors: a gutter icon and a subtle background, overview-ruler
// marks, a hover saying who wrote it and which rule applies, and a CodeLens above each hunk
// (Approve · Reject · Show diff). Colours are theme colours contributed in package.json, so
// light, dark and high-contrast themes each get readable values.
import * as vscode from 'vscode';
import type { PendingHunk } from './model';
import type { ReviewService } from './reviewService';

export function registerMarks(context: vscode.ExtensionContext, reviews: ReviewService): void {
  const pendingType = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('airlock.aiLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('airlock.aiLineOverviewRuler'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'ai-gutter.svg'),
    gutterIconSize: 'contain',
  });
  const forbiddenType = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('airlock.aiForbiddenLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('airlock.aiForbiddenOverviewRuler'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'ai-gutter-forbidden.svg'),
    gutterIconSize: 'contain',
  });
  context.subscriptions.push(pendingType, forbiddenType);

  const paint = (editor: vscode.TextEditor) => {
    const path = reviews.relativePath(editor.document.uri);
    const hunks = reviews.hunks().filter((h) => h.path === path);
    const forbiddenRoots = new Set(hunks.filter((h) => h.status === 'forbidden').map((h) => h.contribution));
    // Live ranges follow every keystroke; hunks (status, rule) follow after the recompute.
    const live = reviews.liveRanges(editor.document);
    const toRange = (r: { startLine: number; endLine: number }) => new vscode.Range(r.startLine - 1, 0, r.endLine - 1, 0);
    const ranges = live.length > 0 ? live : hunks.map((h) => ({ id: h.contribution, startLine: h.startLine, endLine: h.endLine }));
    editor.setDecorations(pendingType, ranges.filter((r) => !forbiddenRoots.has(r.id)).map(toRange));
    editor.setDecorations(forbiddenType, ranges.filter((r) => forbiddenRoots.has(r.id)).map(toRange));
  };
  const paintAll = () => vscode.window.visibleTextEditors.forEach(paint);
  const codeLensChanged = new vscode.EventEmitter<void>();

  context.subscriptions.push(
    codeLensChanged,
    reviews.onDidChange(() => {
      paintAll();
      codeLensChanged.fire();
    }),
    reviews.onDidChangeMarks((document) => {
      for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) paint(editor);
    }),
    vscode.window.onDidChangeVisibleTextEditors(paintAll),
    vscode.languages.registerHoverProvider({ scheme: 'file' }, {
      provideHover(document, position) {
        const hunk = reviews.hunkAt(document, position.line + 1);
        return hunk ? new vscode.Hover(hoverText(hunk)) : undefined;
      },
    }),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, {
      onDidChangeCodeLenses: codeLensChanged.event,
      provideCodeLenses(document) {
        const path = reviews.relativePath(document.uri);
        return reviews
          .hunks()
          .filter((h) => h.path === path)
          .flatMap((h) => {
            const range = new vscode.Range(h.startLine - 1, 0, h.startLine - 1, 0);
            const label = h.status === 'forbidden' ? `$(error) AI code not allowed here (${h.rule})` : `$(sparkle) AI · ${h.tool}${h.model ? ` · ${h.model}` : ''}`;
            return [
              new vscode.CodeLens(range, { title: label, command: 'airlock.showFlaggedDiff', arguments: [h.id] }),
              ...(h.status === 'needs-approval' ? [new vscode.CodeLens(range, { title: 'Approve', command: 'airlock.approveHunk', arguments: [h.id] })] : []),
              new vscode.CodeLens(range, { title: 'Reject', command: 'airlock.rejectHunk', arguments: [h.id] }),
              new vscode.CodeLens(range, { title: 'Show diff', command: 'airlock.showHunkDiff', arguments: [h.id] }),
            ];
          });
      },
    }),
  );
  paintAll();
}

function hoverText(hunk: PendingHunk): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: ['airlock.approveHunk', 'airlock.rejectHunk', 'airlock.showHunkDiff'] };
  const when = new Date(hunk.time);
  md.appendMarkdown(`**$(sparkle) AI-written code** — ${hunk.status === 'forbidden' ? '**not allowed here**' : 'needs a human review'}\n\n`);
  md.appendMarkdown(`| | |\n|---|---|\n| Tool | ${escape(hunk.tool)} |\n| Model | ${escape(hunk.model ?? 'unknown')} |\n| Via | ${hunk.channel}${hunk.confidence < 1 ? ` (confidence ${Math.round(hunk.confidence * 100)}%)` : ''} |\n| When | ${when.toLocaleString()} |\n| Rule | \`${escape(hunk.rule)}\` — ${escape(hunk.ruleMessage)} |\n\n`);
  const arg = encodeURIComponent(JSON.stringify([hunk.id]));
  const actions = [
    ...(hunk.status === 'needs-approval' ? [`[Approve](command:airlock.approveHunk?${arg})`] : []),
    `[Reject](command:airlock.rejectHunk?${arg})`,
    `[Show diff](command:airlock.showHunkDiff?${arg})`,
  ];
  md.appendMarkdown(actions.join(' · '));
  return md;
}

function escape(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
}
