// Converts between Airlock's live spans and Agent Trace records, both ways.
import { contentHash } from '../provenance/hash';
import { trackLine } from '../provenance/anchor';
import type { AiSpan, Channel } from '../provenance/types';
import { CHANNELS } from '../provenance/types';
import type { ContributionRecord } from '../ledger/records';
import { AGENT_TRACE_VERSION, type TraceConversation, type TraceFile, type TraceRecord } from './types';

/** Airlock-specific details kept in each conversation's `related` entries and record metadata. */
const AIRLOCK_META = 'dev.airlock';

interface ExportOptions {
  id: string;
  timestamp: string;
  revision?: string;
  toolVersion: string;
  /** Current lines of a file, to hash the exported ranges; undefined when the file is gone. */
  readLines(path: string): readonly string[] | undefined;
}

/** One Agent Trace record describing every live AI span. */
export function exportAgentTrace(spans: readonly AiSpan[], options: ExportOptions): TraceRecord {
  const files = new Map<string, Map<string, TraceConversation>>();
  const tools: Record<string, { tool: string; channel: Channel; session?: string; confidence: number; time: string }> = {};
  for (const span of [...spans].sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine)) {
    let conversations = files.get(span.path);
    if (!conversations) files.set(span.path, (conversations = new Map()));
    const key = `${span.root}`;
    let conversation = conversations.get(key);
    if (!conversation) {
      conversation = { contributor: { type: 'ai', ...(span.model ? { model_id: span.model } : {}) }, ranges: [] };
      if (span.session) conversation.url = `session:${span.session}`;
      conversation.related = [{ type: AIRLOCK_META, url: `airlock:contribution/${span.root}` }];
      conversations.set(key, conversation);
    }
    const lines = options.readLines(span.path);
    const text = lines ? lines.slice(span.startLine - 1, span.endLine) : undefined;
    const mixed = span.lines.some((l) => l.m);
    conversation.ranges.push({
      start_line: span.startLine,
      end_line: span.endLine,
      ...(text ? { content_hash: contentHash(text) } : {}),
      ...(mixed ? { contributor: { type: 'mixed', ...(span.model ? { model_id: span.model } : {}) } } : {}),
    });
    tools[span.root] = { tool: span.tool, channel: span.channel, confidence: span.confidence, time: span.time, ...(span.session ? { session: span.session } : {}) };
  }
  const traceFiles: TraceFile[] = [...files.entries()].map(([path, conversations]) => ({ path, conversations: [...conversations.values()] }));
  const record: TraceRecord = {
    version: AGENT_TRACE_VERSION,
    id: options.id,
    timestamp: options.timestamp,
    tool: { name: 'airlock', version: options.toolVersion },
    files: traceFiles,
    metadata: { [AIRLOCK_META]: { contributions: tools } },
  };
  if (options.revision) record.vcs = { type: 'git', revision: options.revision };
  return record;
}

export interface ImportOptions {
  now: string;
  newId(): string;
  readLines(path: string): readonly string[] | undefined;
}

export interface ImportResult {
  contributions: ContributionRecord[];
  /** Ranges skipped, with why (file missing, human contributor, hash mismatch…). */
  skipped: { path: string; startLine: number; endLine: number; reason: string }[];
}

/** Turns an Agent Trace record (ours or another tool's) into contribution records. */
export function importAgentTrace(trace: TraceRecord, options: ImportOptions): ImportResult {
  if (!trace || typeof trace !== 'object' || !Array.isArray(trace.files)) throw new Error('not an Agent Trace record (no files[])');
  const meta = (trace.metadata?.[AIRLOCK_META] as { contributions?: Record<string, { tool?: string; channel?: string; session?: string; confidence?: number; time?: string }> } | undefined)?.contributions ?? {};
  const out: ImportResult = { contributions: [], skipped: [] };
  for (const file of trace.files) {
    const lines = options.readLines(file.path);
    for (const conversation of file.conversations ?? []) {
      const root = conversation.related?.find((r) => r.type === AIRLOCK_META)?.url.replace('airlock:contribution/', '');
      const known = root ? meta[root] : undefined;
      for (const range of conversation.ranges ?? []) {
        const contributor = range.contributor ?? conversation.contributor;
        const where = { path: file.path, startLine: range.start_line, endLine: range.end_line };
        if (contributor?.type === 'human') {
          out.skipped.push({ ...where, reason: 'human contributor' });
          continue;
        }
        if (!lines || range.start_line < 1 || range.end_line > lines.length || range.end_line < range.start_line) {
          out.skipped.push({ ...where, reason: lines ? 'range outside the file' : 'file not found' });
          continue;
        }
        const text = lines.slice(range.start_line - 1, range.end_line);
        const hash = contentHash(text);
        if (range.content_hash?.startsWith('fnv1a64:') && range.content_hash !== hash) {
          out.skipped.push({ ...where, reason: 'content changed since the trace was written' });
          continue;
        }
        const model = contributor?.model_id;
        const channel = CHANNELS.includes(known?.channel as Channel) ? (known!.channel as Channel) : 'agent-hook';
        const session = known?.session ?? (conversation.url?.startsWith('session:') ? conversation.url.slice(8) : undefined);
        const record: ContributionRecord = {
          airlock: 1,
          type: 'contribution',
          id: options.newId(),
          time: known?.time ?? trace.timestamp ?? options.now,
          tool: known?.tool ?? trace.tool?.name ?? 'unknown',
          channel,
          confidence: known?.confidence ?? (contributor?.type === 'ai' ? 0.9 : 0.5),
          path: file.path,
          startLine: range.start_line,
          endLine: range.end_line,
          lines: text.map((l) => trackLine(l, contributor?.type === 'mixed')),
          contentHash: hash,
        };
        if (model) record.model = model;
        if (session) record.session = session;
        // Airlock's own traces keep the contribution they came from, so approvals still match.
        if (root && known) record.root = root;
        out.contributions.push(record);
      }
    }
  }
  return out;
}
