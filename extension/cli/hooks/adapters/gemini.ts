// Gemini CLI hooks (settings.json `hooks`): BeforeAgent carries the prompt, BeforeModel the
// whole model request (`llm_request`, the only hook that can rewrite it: secrets are redacted
// there, like the gateway does), BeforeTool/AfterTool the tool calls (read_file,
// run_shell_command, write_file, replace, …). Exit 2 blocks with stderr as the reason.
import type { HookMessage } from '../../../core/hooks/decide';
import type { SegmentRole } from '../../../core/egress/types';
import { classifyTool } from '../tools';
import { obj, str, type HookAdapter, type HookAnswer, type HookEvent, type HookInput } from '../events';

interface GeminiMessage {
  role?: string;
  content?: unknown;
}

export const geminiAdapter: HookAdapter = {
  parse(payload) {
    const eventName = str(payload.hook_event_name) ?? '';
    const tool = str(payload.tool_name) ?? '';
    let event: HookEvent = { phase: 'other' };
    if (eventName === 'BeforeAgent') event = { phase: 'prompt', text: str(payload.prompt) ?? '', attachments: [] };
    else if (eventName === 'BeforeModel') {
      const request = obj(payload.llm_request);
      event = { phase: 'model-request', messages: messagesOf(request), ...(Array.isArray(request.messages) ? { raw: request.messages as unknown[] } : {}) };
    }
    else if (eventName === 'BeforeTool') event = { phase: 'pre-tool', tool, action: classifyTool(tool, payload.tool_input) };
    else if (eventName === 'AfterTool') event = { phase: 'post-tool', tool, action: classifyTool(tool, payload.tool_input) };
    const input: HookInput = { agent: 'gemini', eventName, event };
    if (str(payload.cwd)) input.cwd = str(payload.cwd)!;
    if (str(payload.session_id)) input.sessionId = str(payload.session_id)!;
    if (str(payload.transcript_path)) input.transcriptPath = str(payload.transcript_path)!;
    const model = str(obj(payload.llm_request).model);
    if (model) input.model = model;
    if (tool && payload.tool_input !== undefined) input.pairKey = `${input.sessionId ?? ''}:${tool}:${JSON.stringify(payload.tool_input)}`;
    return input;
  },
  answer(input, decision) {
    if (decision.outcome === 'deny') return { exitCode: 2, stderr: `${decision.message}\n` };
    if (decision.outcome === 'rewrite' && input.event.phase === 'model-request' && decision.messages) {
      const raw = input.event.raw ?? [];
      const original = input.event.messages;
      // Only messages whose text changed are replaced (as text); the others, function calls and all, go as they were.
      const request = {
        messages: decision.messages.map((m, i) =>
          raw[i] !== undefined && original[i]?.text === m.text ? raw[i] : { role: m.role === 'assistant' ? 'model' : m.role === 'system' ? 'system' : 'user', content: m.text },
        ),
      };
      return {
        exitCode: 0,
        stdout: `${JSON.stringify({ systemMessage: decision.message, hookSpecificOutput: { hookEventName: 'BeforeModel', llm_request: request } })}\n`,
      };
    }
    if (decision.warning) return { exitCode: 0, stdout: `${JSON.stringify({ systemMessage: decision.warning })}\n` };
    return { exitCode: 0, stdout: '{}\n' };
  },
  failure(message) {
    return { exitCode: 2, stderr: `${message}\n` } satisfies HookAnswer;
  },
};

/** The stable hook request format: messages with a role and string or part-list content. */
function messagesOf(request: Record<string, unknown>): HookMessage[] {
  const list = Array.isArray(request.messages) ? (request.messages as GeminiMessage[]) : [];
  return list.map((m) => ({ role: roleOf(m.role), text: textOf(m.content) }));
}

function roleOf(role: unknown): SegmentRole {
  return role === 'model' ? 'assistant' : role === 'system' ? 'system' : 'user';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : str(obj(p).text) ?? '')).join('');
  return '';
}

