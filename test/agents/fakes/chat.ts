// OpenAI Chat Completions (what Copilot CLI BYOK and OpenAI-compatible providers speak).
import { splitText } from './anthropic';
import type { Dialect, RequestView } from './types';

interface Body { model?: string; stream?: boolean; tools?: { type?: string; function?: { name?: string }; custom?: { name?: string } }[]; messages?: { role?: string; content?: unknown }[] }

function textOf(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p: { text?: string }) => p?.text ?? '').join('\n');
  return '';
}

let counter = 0;

export const chat: Dialect = {
  format: 'chat',
  view(raw): RequestView {
    const body = (raw ?? {}) as Body;
    const toolResults = (body.messages ?? []).filter((m) => m.role === 'tool').map((m) => textOf(m.content));
    const toolNames = (body.tools ?? []).map((t) => t.function?.name ?? t.custom?.name ?? '');
    // Freeform tools (Copilot CLI offers apply_patch so to GPT-5 models) are called with a raw string.
    const customTools = (body.tools ?? []).filter((t) => t.type === 'custom' && t.custom?.name).map((t) => t.custom!.name!);
    return { hasTools: toolNames.length > 0, toolNames, customTools, toolResults, model: body.model ?? 'fake', stream: body.stream === true };
  },
  stream(turn, view, pieces) {
    const id = `chatcmpl-fake${++counter}`;
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: view.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    const end = (finish: string) => chunk({}, finish) + `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: view.model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\ndata: [DONE]\n\n`;
    if (turn.kind === 'text') {
      const parts = splitText(turn.text, pieces);
      return [chunk({ role: 'assistant', content: '' }, null), ...parts.map((p) => chunk({ content: p }, null)), end('stop')];
    }
    if (view.customTools?.includes(turn.name)) {
      const input = typeof turn.input.input === 'string' ? turn.input.input : JSON.stringify(turn.input);
      return [
        chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: `call_fake${counter}`, type: 'custom', custom: { name: turn.name, input: '' } }] }, null),
        chunk({ tool_calls: [{ index: 0, custom: { input } }] }, null),
        end('tool_calls'),
      ];
    }
    return [
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: `call_fake${counter}`, type: 'function', function: { name: turn.name, arguments: '' } }] }, null),
      chunk({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(turn.input) } }] }, null),
      end('tool_calls'),
    ];
  },
  json(turn, view) {
    const call = (name: string, input: Record<string, unknown>) => view.customTools?.includes(name)
      ? { id: `call_fake${++counter}`, type: 'custom', custom: { name, input: typeof input.input === 'string' ? input.input : JSON.stringify(input) } }
      : { id: `call_fake${++counter}`, type: 'function', function: { name, arguments: JSON.stringify(input) } };
    const message = turn.kind === 'text'
      ? { role: 'assistant', content: turn.text }
      : { role: 'assistant', content: null, tool_calls: [call(turn.name, turn.input)] };
    return { id: `chatcmpl-fake${++counter}`, object: 'chat.completion', created: 1, model: view.model, choices: [{ index: 0, message, finish_reason: turn.kind === 'text' ? 'stop' : 'tool_calls' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
  },
  error(status, message) {
    return { error: { message, type: status === 403 ? 'permission_error' : 'invalid_request_error', code: 'airlock_blocked', param: null } };
  },
};
