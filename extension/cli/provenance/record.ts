// `airlock record --file F --lines A-B --tool T [--model M] [--session S] [--channel C]`
import { buildContribution } from '../../core/ledger/contribution';
import { CHANNELS, type Channel } from '../../core/provenance/types';
import { splitLines } from '../../core/provenance/hash';
import type { CliIO } from '../run';
import { baselineFromDiff } from './baseline';
import { flag, guarded, newRecordId, parseArgs, parseLineRange, readWorking, repoPath, requireInsideRepo, UsageError, workspaceRoot } from './common';
import { git, identity } from './git';
import { appendRecords } from './ledgerFile';

export const RECORD_USAGE = 'airlock record --file F --lines A-B --tool T [--model M] [--session S] [--channel C]';

export async function recordCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'record', async () => {
    const parsed = parseArgs(args);
    const file = flag(parsed, 'file');
    const lines = flag(parsed, 'lines');
    const tool = flag(parsed, 'tool');
    if (!file || !lines || !tool) throw new UsageError(`usage: ${RECORD_USAGE}`);
    const channel = (flag(parsed, 'channel') ?? 'cli') as Channel;
    if (!CHANNELS.includes(channel)) throw new UsageError(`--channel must be one of ${CHANNELS.join(', ')}`);
    const root = workspaceRoot(io.cwd);
    const path = repoPath(root, io.cwd, file);
    requireInsideRepo(root, path, file);
    const text = readWorking(root, path) ?? '';
    const { startLine, endLine } = parseLineRange(lines);
    // Count lines as an editor does: a final newline ends the last line, it does not start one.
    const lineCount = text === '' ? 0 : splitLines(text).length - (text.endsWith('\n') ? 1 : 0);
    if (endLine > lineCount) throw new UsageError(`lines ${startLine}-${endLine} are outside ${path}, which has ${lineCount} line${lineCount === 1 ? '' : 's'}`);
    const head = git(root, ['show', `HEAD:${path}`]);
    const who = identity(root);
    const record = buildContribution({
      id: newRecordId(),
      time: new Date().toISOString(),
      path,
      fileLines: splitLines(text),
      startLine,
      endLine,
      tool,
      model: flag(parsed, 'model'),
      session: flag(parsed, 'session'),
      channel,
      confidence: 1,
      baseline: baselineFromDiff(head.ok ? head.stdout : undefined, text, startLine, endLine),
      recordedBy: who.email ? who : undefined,
    });
    appendRecords(root, [record]);
    io.stdout.write(`recorded ${path}:${startLine}-${endLine} as AI-written (${tool}${record.model ? `, ${record.model}` : ''})\n`);
    return 0;
  });
}
