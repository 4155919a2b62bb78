// GitHub Copilot CLI hooks (`.github/hooks/*.json`, version 1): preToolUse gets
// `{toolName, toolArgs}` (toolArgs a JSON string in the documented payload, an object in some
// builds) and answers `{"permissionDecision":"deny","permissionDecisionReason":…}` on stdout;
// postToolUse gets the same plus toolResult. userPromptSubmitted cannot block (its output is
// ignored): prompts are guarded by the gateway. No payload names the model (see parse).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { classifyTool } from '../tools';
import { str, type HookAdapter, type HookEvent, type HookInput } from '../events';

export const copilotCliAdapter: HookAdapter = {
  parse(payload) {
    const tool = str(payload.toolName) ?? '';
    // The hook command tells us the event (`airlock hook copilot-cli preToolUse`); the payload does not.
    const eventName = str(payload.hookEventName) ?? str(payload.hook_event_name) ?? (payload.toolResult !== undefined ? 'postToolUse' : tool ? 'preToolUse' : payload.prompt !== undefined ? 'userPromptSubmitted' : '');
    let event: HookEvent = { phase: 'other' };
    if (eventName === 'preToolUse') event = { phase: 'pre-tool', tool, action: classifyTool(tool, payload.toolArgs) };
    else if (eventName === 'postToolUse') event = { phase: 'post-tool', tool, action: classifyTool(tool, payload.toolArgs) };
    else if (eventName === 'userPromptSubmitted') event = { phase: 'prompt', text: str(payload.prompt) ?? '', attachments: [] };
    const input: HookInput = { agent: 'copilot-cli', eventName, event };
    if (str(payload.cwd)) input.cwd = str(payload.cwd)!;
    if (tool) input.pairKey = `${tool}:${typeof payload.toolArgs === 'string' ? payload.toolArgs : JSON.stringify(payload.toolArgs ?? null)}`;
    const session = str(payload.sessionId);
    if (session) {
      input.sessionId = session;
      // No payload names the model. The session's events.jsonl does (agentStop names this file
      // as transcriptPath); Copilot writes it at the end of a turn, so it is there from a
      // continued session's first tool call on. COPILOT_MODEL is the fallback (record.ts).
      const transcript = str(payload.transcriptPath) ?? copilotTranscript(session);
      if (transcript) input.transcriptPath = transcript;
    }
    return input;
  },
  answer(input, decision) {
    if (decision.outcome === 'deny' && input.event.phase === 'pre-tool') {
      return { exitCode: 0, stdout: `${JSON.stringify({ permissionDecision: 'deny', permissionDecisionReason: decision.message })}\n`, stderr: `${decision.message}\n` };
    }
    if (decision.outcome === 'deny') return { exitCode: 2, stderr: `${decision.message}\n` };
    return { exitCode: 0 };
  },
  failure(message) {
    return { exitCode: 2, stdout: `${JSON.stringify({ permissionDecision: 'deny', permissionDecisionReason: message })}\n`, stderr: `${message}\n` };
  },
};

/** `$COPILOT_HOME/session-state/<session>/events.jsonl` (COPILOT_HOME defaults to ~/.copilot). */
function copilotTranscript(session: string): string | undefined {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(session)) return undefined;
  return join(process.env.COPILOT_HOME || join(homedir(), '.copilot'), 'session-state', session, 'events.jsonl');
}
