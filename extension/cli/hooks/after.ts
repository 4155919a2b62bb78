// The write side of the hooks: what the work tree looked like before an allowed write, and the
// ledger records after it.
import { existsSync, readFileSync } from 'node:fs';
import type { AgentId } from '../../core/hooks/agents';
import type { HookInput, ToolAction } from './events';
import { realPath } from './paths';
import { recordChanges, recordWrites } from './record';
import { changesSince, claimRecording, loadBefore, releaseRecording, saveBefore, takeSnapshot } from './snapshot';
import { modelFromTranscript } from './transcript';

export function rememberBefore(input: HookInput, action: ToolAction, repo: string, cwd: string): void {
  if (!input.pairKey) return;
  releaseRecording(repo, input.pairKey);
  if (action.kind === 'write') {
    const files = new Map<string, string>();
    for (const p of action.paths) {
      const real = realPath(p, cwd);
      try {
        files.set(real, existsSync(real) ? readFileSync(real, 'utf8') : '');
      } catch {
        // unreadable: recorded from the tool's evidence instead
      }
    }
    saveBefore(repo, input.pairKey, files);
  } else if (action.kind === 'shell' || action.kind === 'patch') {
    takeSnapshot(repo, input.pairKey);
  }
}

export function recordAfter(agent: AgentId, input: HookInput, action: ToolAction, repo: string, cwd: string): void {
  if (action.kind !== 'write' && action.kind !== 'shell' && action.kind !== 'patch') return;
  if (input.pairKey && !claimRecording(repo, input.pairKey)) return;
  const model = input.model ?? modelFromTranscript(input.transcriptPath) ?? (agent === 'claude-code' ? process.env.ANTHROPIC_MODEL : undefined) ?? undefined;
  const context = { root: repo, cwd, tool: agent, ...(model ? { model } : {}), ...(input.sessionId ? { session: input.sessionId } : {}) };
  if (action.kind === 'write') {
    const before = input.pairKey ? loadBefore(repo, input.pairKey) : undefined;
    recordWrites(context, action.evidence, before);
  } else if ((action.kind === 'shell' || action.kind === 'patch') && input.pairKey) {
    const changes = changesSince(repo, input.pairKey);
    if (changes) recordChanges(context, changes);
  }
}
