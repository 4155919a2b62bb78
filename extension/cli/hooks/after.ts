// The write side of the hooks: what the work tree looked like before an allowed write, and the
// ledger records after it.
import { existsSync, readFileSync } from 'node:fs';
import type { AgentId } from '../../core/hooks/agents';
import type { HookInput, ToolAction } from './events';
import { realPath } from './paths';
import { recordChanges, recordWrites, type RecordSink } from './record';
import { appendRecords } from '../provenance/ledgerFile';
import { changesSince, claimRecording, heldRecords, holdRecords, loadBefore, pendingWrites, releaseRecording, saveBefore, savePending, takeSnapshot } from './snapshot';
import { invokesApplyPatch, patchTargets, shellPatchTargets } from './tools';
import { modelFromTranscript } from './transcript';
import { callerEnv } from './callerEnv';

function textsBefore(paths: readonly string[], cwd: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of paths) {
    const real = realPath(p, cwd);
    try {
      files.set(real, existsSync(real) ? readFileSync(real, 'utf8') : '');
    } catch {
      // unreadable: recorded from the tool's evidence instead
    }
  }
  return files;
}

/** The model an agent's own setting names, when neither payload nor transcript does. */
function modelFromEnv(agent: AgentId): string | undefined {
  if (agent === 'claude-code') return callerEnv('ANTHROPIC_MODEL') || undefined;
  if (agent === 'copilot-cli') return callerEnv('COPILOT_MODEL') || undefined;
  return undefined;
}

export function rememberBefore(input: HookInput, action: ToolAction, repo: string, cwd: string): void {
  if (!input.pairKey) return;
  releaseRecording(repo, input.pairKey);
  if (action.kind === 'write') {
    saveBefore(repo, input.pairKey, textsBefore(action.paths, cwd));
  } else if (input.agent === 'codex' && action.kind === 'shell' && invokesApplyPatch(action.command) && input.sessionId) {
    // No PostToolUse will come: the patch's files are compared at the session's next hook call (or Stop).
    const shellCwd = action.cwd ? realPath(action.cwd, cwd) : cwd;
    const files = textsBefore(shellPatchTargets(action.command).map((t) => realPath(t, shellCwd)), cwd);
    const model = input.model ?? modelFromTranscript(input.transcriptPath);
    savePending(repo, { key: input.pairKey, session: input.sessionId, tool: input.agent, ...(model ? { model } : {}), cwd, files: Object.fromEntries(files) });
  } else if (action.kind === 'patch' && patchTargets(action.patch).length > 0) {
    // The patch names its files: their text before is exact, whatever else changes meanwhile.
    saveBefore(repo, input.pairKey, textsBefore(patchTargets(action.patch), cwd));
  } else if (action.kind === 'shell' || action.kind === 'patch') {
    takeSnapshot(repo, input.pairKey);
  }
}

export function recordAfter(agent: AgentId, input: HookInput, action: ToolAction, repo: string, cwd: string): void {
  if (action.kind !== 'write' && action.kind !== 'shell' && action.kind !== 'patch') return;
  if (input.pairKey && !claimRecording(repo, input.pairKey)) return;
  const model = input.model ?? modelFromTranscript(input.transcriptPath) ?? modelFromEnv(agent);
  const context = { root: repo, cwd, tool: agent, ...(model ? { model } : {}), ...(input.sessionId ? { session: input.sessionId } : {}) };
  // Copilot CLI writes the model into its session transcript only at the end of the turn: the
  // records wait for it (recordHeld, at agentStop at the latest).
  const session = input.sessionId;
  const sink: RecordSink | undefined = !model && agent === 'copilot-cli' && session ? (records) => holdRecords(repo, { key: input.pairKey ?? '', session, records }) : undefined;
  if (action.kind === 'write') {
    const before = input.pairKey ? loadBefore(repo, input.pairKey) : undefined;
    recordWrites(context, action.evidence, before, sink);
  } else if ((action.kind === 'shell' || action.kind === 'patch') && input.pairKey) {
    const before = action.kind === 'patch' ? loadBefore(repo, input.pairKey) : undefined;
    if (before) {
      recordWrites(context, [...before.keys()].map((path) => ({ path })), before, sink);
      return;
    }
    const changes = changesSince(repo, input.pairKey);
    if (changes) recordChanges(context, changes, sink);
  }
}

/** How long the end of a turn waits for the transcript to name the model, and how often it looks. */
const MODEL_WAIT_MS = 1000;
const MODEL_POLL_MS = 50;

/** Held records older than this are written without a model: nothing is lost to a session that never ended. */
const HELD_MAX_MS = 60 * 60 * 1000;

/**
 * Writes the records held for this session's model once its transcript names one, or at the end
 * of the turn (`final`) with or without it; held batches of any session older than an hour too.
 */
export async function recordHeld(input: HookInput, repo: string, final: boolean): Promise<void> {
  const held = heldRecords(repo);
  if (held.length === 0) return;
  let model = modelFromTranscript(input.transcriptPath) ?? modelFromEnv(input.agent);
  // At the end of the turn Copilot CLI may not have written the turn's model into the transcript
  // yet when the hook runs (a faster hook lost that race in the real-CLI test): give it a moment
  // before recording this session's writes without a model.
  if (final && !model && input.transcriptPath && held.some(({ held: h }) => h.session === input.sessionId)) {
    for (let waited = 0; !model && waited < MODEL_WAIT_MS; waited += MODEL_POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, MODEL_POLL_MS)); // the hook server answers other calls meanwhile
      model = modelFromTranscript(input.transcriptPath);
    }
  }
  for (const { held: h, drop } of held) {
    const ours = h.session === input.sessionId;
    const stale = Date.now() - h.time > HELD_MAX_MS;
    if (!stale && !(ours && (model || final))) continue;
    drop();
    if (!claimRecording(repo, `held:${h.id}`)) continue; // another hook call took it
    const records = h.records.map((r) => (ours && model ? { ...r, model } : r));
    if (records.length > 0) appendRecords(repo, records);
  }
}

/**
 * Records the pending writes of this session whose files changed since (see savePending); at the
 * end of the turn (`final`) the ones that changed nothing are dropped (the patch failed).
 */
export function recordPending(input: HookInput, repo: string, final: boolean): void {
  if (!input.sessionId) return;
  for (const { pending, drop } of pendingWrites(repo, input.sessionId)) {
    if (pending.key === input.pairKey) continue;
    const before = new Map(Object.entries(pending.files));
    const changed = [...before].some(([path, text]) => {
      try {
        return readFileSync(path, 'utf8') !== text;
      } catch {
        return false;
      }
    });
    if (!changed) {
      if (final) drop();
      continue;
    }
    drop();
    if (!claimRecording(repo, pending.key)) continue;
    const model = pending.model ?? input.model;
    const context = { root: repo, cwd: pending.cwd, tool: pending.tool, ...(model ? { model } : {}), session: pending.session };
    recordWrites(context, [...before.keys()].map((path) => ({ path })), before);
  }
}
