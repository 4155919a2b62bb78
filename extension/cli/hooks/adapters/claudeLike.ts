// Claude Code's hook protocol, which Codex and VS Code's agent hooks follow closely: a JSON
// payload with hook_event_name, tool_name, tool_input (snake_case), and exit code 2 with the
// reason on stderr to block (Claude Code shows it to the model for a tool, to the user for a
// prompt). Exit 1 or 127 would NOT block: every refusal and every failure here is exit 2.
import type { AgentId } from '../../../core/hooks/agents';
import type { HookDecision } from '../../../core/hooks/decide';
import { classifyTool } from '../tools';
import { obj, str, type HookAdapter, type HookAnswer, type HookEvent, type HookInput } from '../events';

export function claudeLikeAdapter(agent: AgentId): HookAdapter {
  return {
    parse(payload) {
      const eventName = str(payload.hook_event_name) ?? str(payload.hookEventName) ?? '';
      const tool = str(payload.tool_name) ?? '';
      const toolInput = payload.tool_input;
      let event: HookEvent = { phase: 'other' };
      if (eventName === 'UserPromptSubmit') event = { phase: 'prompt', text: str(payload.prompt) ?? '', attachments: [] };
      else if (eventName === 'PreToolUse') event = { phase: 'pre-tool', tool, action: classifyTool(tool, toolInput) };
      else if (eventName === 'PostToolUse') event = { phase: 'post-tool', tool, action: withResponse(classifyTool(tool, toolInput), payload.tool_response) };
      const toolUseId = str(payload.tool_use_id);
      const input: HookInput = { agent, eventName, event };
      const cwd = str(payload.cwd);
      if (cwd) input.cwd = cwd;
      const session = str(payload.session_id) ?? str(payload.sessionId);
      if (session) input.sessionId = session;
      const transcript = str(payload.transcript_path);
      if (transcript) input.transcriptPath = transcript;
      const model = str(payload.model);
      if (model) input.model = model;
      if (toolUseId) input.pairKey = toolUseId;
      return input;
    },
    answer(_input, decision) {
      return claudeLikeAnswer(decision);
    },
    failure(message) {
      return claudeLikeAnswer({ outcome: 'deny', message });
    },
  };
}

/** Exit 2 with the reason on stderr refuses any event; a warning goes out as a systemMessage. */
export function claudeLikeAnswer(decision: HookDecision): HookAnswer {
  if (decision.outcome === 'deny') return { exitCode: 2, stderr: `${decision.message}\n` };
  if (decision.warning) return { exitCode: 0, stdout: `${JSON.stringify({ systemMessage: decision.warning })}\n` };
  return { exitCode: 0 };
}

/** Claude Code's PostToolUse carries what the tool did (structuredPatch, originalFile, type). */
function withResponse(action: ReturnType<typeof classifyTool>, responseValue: unknown): ReturnType<typeof classifyTool> {
  if (action.kind !== 'write') return action;
  const response = obj(responseValue);
  for (const e of action.evidence) {
    if (Array.isArray(response.structuredPatch) && response.structuredPatch.length > 0) e.structuredPatch = response.structuredPatch;
    if (typeof response.originalFile === 'string') e.originalFile = response.originalFile;
    if (response.type === 'create') e.created = true;
  }
  return action;
}
