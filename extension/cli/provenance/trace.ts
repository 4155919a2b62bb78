// `airlock trace export [--out F]` and `airlock trace import F` — Agent Trace v0.1.0 interop.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportAgentTrace, importAgentTrace } from '../../core/agentTrace/convert';
import type { TraceRecord } from '../../core/agentTrace/types';
import { locateSpans } from '../../core/ledger/check';
import { indexFile } from '../../core/provenance/anchor';
import type { AiSpan } from '../../core/provenance/types';
import { VERSION } from '../../core/version';
import type { CliIO } from '../run';
import { flag, guarded, insideRepo, newRecordId, parseArgs, readWorkingLines, UsageError, workspaceRoot } from './common';
import { headRevision } from './git';
import { loadLedgerState, spansByCurrentPath } from './ledgerState';
import { appendRecords, readLedger } from './ledgerFile';

export async function traceCommand(args: string[], io: CliIO): Promise<number> {
  return guarded(io, 'trace', async () => {
    const parsed = parseArgs(args);
    const [verb, file] = parsed.positional;
    const root = workspaceRoot(io.cwd);
    if (verb === 'export') {
      const state = loadLedgerState(root, io);
      // Export where the lines are now, not where they were recorded.
      const spans: AiSpan[] = [];
      for (const [path, list] of spansByCurrentPath(state, root, (p) => insideRepo(root, p) !== undefined)) {
        const lines = readWorkingLines(root, path);
        if (!lines) continue;
        for (const group of groupRuns(locateSpans(list, indexFile(lines)))) spans.push(group);
      }
      const trace = exportAgentTrace(spans, {
        id: crypto.randomUUID(),
        timestamp: new Date().toISOString(),
        revision: headRevision(root),
        toolVersion: VERSION,
        readLines: (p) => readWorkingLines(root, p),
      });
      const json = JSON.stringify(trace, null, 2) + '\n';
      const out = flag(parsed, 'out');
      if (out) {
        writeFileSync(resolve(io.cwd, out), json);
        io.stderr.write(`airlock trace: wrote ${spans.length} range(s) in ${trace.files.length} file(s) to ${out}\n`);
      } else io.stdout.write(json);
      return 0;
    }
    if (verb === 'import' && file) {
      const trace = JSON.parse(readFileSync(resolve(io.cwd, file), 'utf8')) as TraceRecord;
      const result = importAgentTrace(trace, { now: new Date().toISOString(), newId: newRecordId, readLines: (p) => readWorkingLines(root, p) });
      // Importing the same trace again adds nothing: a range already in the ledger with the
      // same lines (or continuing the same contribution) is skipped.
      const known = new Set<string>();
      for (const r of readLedger(root).records) if (r.type === 'contribution') known.add(contributionKey(r)).add(r.root ?? r.id);
      const fresh = result.contributions.filter((c) => {
        if (!known.has(contributionKey(c)) && !(c.root && known.has(c.root))) return true;
        result.skipped.push({ path: c.path, startLine: c.startLine, endLine: c.endLine, reason: 'already in the ledger' });
        return false;
      });
      result.contributions = fresh;
      appendRecords(root, result.contributions);
      for (const s of result.skipped) io.stderr.write(`airlock trace: skipped ${s.path}:${s.startLine}-${s.endLine}: ${s.reason}\n`);
      io.stdout.write(`imported ${result.contributions.length} AI range(s)${result.skipped.length ? `, skipped ${result.skipped.length}` : ''}\n`);
      return 0;
    }
    throw new UsageError('usage: airlock trace export [--out F] | airlock trace import F');
  });
}

function contributionKey(c: { path: string; startLine: number; endLine: number; contentHash: string }): string {
  return `${c.path}:${c.startLine}-${c.endLine}:${c.contentHash}`;
}

/** Located lines regrouped into contiguous spans (same contribution, consecutive lines). */
function groupRuns(located: ReturnType<typeof locateSpans>): AiSpan[] {
  const out: AiSpan[] = [];
  let open: AiSpan | undefined;
  for (const l of located) {
    if (open && open.root === l.span.root && open.endLine === l.line - 1) {
      open.endLine = l.line;
      open.lines.push({ a: '', x: l.x, ...(l.mixed ? { m: true } : {}) });
      continue;
    }
    open = { ...l.span, startLine: l.line, endLine: l.line, lines: [{ a: '', x: l.x, ...(l.mixed ? { m: true } : {}) }] };
    out.push(open);
  }
  return out;
}
