// What every adapter turns its agent's payload into, and what it answers with. The adapters
// know payload shapes and answer formats; nothing else here knows any agent.
import type { AgentId } from '../../core/hooks/agents';
import type { HookDecision, HookMessage } from '../../core/hooks/decide';

/** Evidence of what a write tool wrote, from its arguments and response. */
export interface WriteEvidence {
  path: string;
  /** The whole new file (Write/create_file/write_file). */
  content?: string;
  /** Replacement texts inserted (Edit new_string, MultiEdit edits, Cursor edits). */
  newTexts?: { oldText?: string; newText: string; replaceAll?: boolean }[];
  /** Claude Code's structuredPatch hunks. */
  structuredPatch?: unknown;
  /** The file before the tool ran, when the agent reports it (Claude Code originalFile). */
  originalFile?: string;
  /** The tool created the file. */
  created?: boolean;
}

export type ToolAction =
  | { kind: 'read'; paths: string[]; content?: string }
  /** A folder search; no roots means the working directory. */
  | { kind: 'search'; roots: string[] }
  | { kind: 'shell'; command: string; cwd?: string }
  | { kind: 'write'; paths: string[]; evidence: WriteEvidence[] }
  /** A patch naming the files it adds, updates or moves (Codex apply_patch). */
  | { kind: 'patch'; patch: string }
  /** Any other tool (MCP, unknown): its path-like arguments are checked. */
  | { kind: 'generic'; input: unknown }
  | { kind: 'none' };

export type HookEvent =
  | { phase: 'prompt'; text: string; attachments: string[] }
  /** `raw`: the agent's own messages, so a rewrite can keep every one it does not change. */
  | { phase: 'model-request'; messages: HookMessage[]; raw?: unknown[] }
  | { phase: 'pre-tool'; tool: string; action: ToolAction }
  | { phase: 'post-tool'; tool: string; action: ToolAction }
  | { phase: 'other' };

export interface HookInput {
  agent: AgentId;
  /** The agent's own name for the event (for answers that must repeat it). */
  eventName: string;
  event: HookEvent;
  cwd?: string;
  workspaceRoots?: string[];
  sessionId?: string;
  transcriptPath?: string;
  model?: string;
  /** Pairs a pre-tool call with its post-tool call (snapshots of shell writes). */
  pairKey?: string;
}

export interface HookAnswer {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export interface HookAdapter {
  parse(payload: Record<string, unknown>): HookInput;
  answer(input: HookInput, decision: HookDecision): HookAnswer;
  /** What the agent gets when the hook itself fails (bad payload, crash, timeout): a refusal. */
  failure(message: string, eventName?: string): HookAnswer;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function obj(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    // Copilot CLI sends toolArgs as a JSON string.
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
