// GitHub Copilot CLI hooks (`.github/hooks/*.json`, version 1): preToolUse gets
// `{toolName, toolArgs}` (toolArgs a JSON string in the documented payload, an object in some
// builds) and answers `{"permissionDecision":"deny","permissionDecisionReason":…}` on stdout;
// postToolUse gets the same plus toolResult. userPromptSubmitted cannot block (its output is
// ignored): prompts are guarded by the gateway.
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
    if (process.env.COPILOT_MODEL) input.model = process.env.COPILOT_MODEL;
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
