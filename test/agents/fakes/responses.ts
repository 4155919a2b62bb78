// OpenAI Responses API (what Codex and opencode's openai provider speak): request view and SSE.
// Event names and shapes as in the Responses streaming reference (response.created …
// response.output_text.delta … response.completed; function_call items with argument deltas).
import { splitText } from './anthropic';
import type { AnswerTurn, Dialect, RequestView } from './types';

interface Item { type?: string; role?: string; output?: unknown; content?: unknown }
interface Body { model?: string; stream?: boolean; tools?: { type?: string; name?: string; function?: { name?: string } }[]; input?: unknown }

const OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output', 'mcp_call_output']);

function outputText(o: unknown): string {
  if (typeof o === 'string') return o;
  if (Array.isArray(o)) return o.map((p: { text?: string }) => p?.text ?? '').join('\n');
  return JSON.stringify(o ?? '');
}

let counter = 0;
const sse = (data: { type: string; [k: string]: unknown }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

function usage() {
  return { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
}

/** A custom (freeform) tool such as Codex's apply_patch takes one raw string: the turn's `input.input`. */
function customInput(turn: AnswerTurn, view: RequestView): string | undefined {
  if (turn.kind !== 'tool' || !view.customTools?.includes(turn.name)) return undefined;
  return typeof turn.input.input === 'string' ? turn.input.input : JSON.stringify(turn.input);
}

function itemFor(turn: AnswerTurn, id: string, view: RequestView): Record<string, unknown> {
  if (turn.kind === 'text') return { type: 'message', id, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: turn.text, annotations: [] }] };
  const input = customInput(turn, view);
  if (input !== undefined) return { type: 'custom_tool_call', id, call_id: `call_${id}`, name: turn.name, input, status: 'completed' };
  return { type: 'function_call', id, call_id: `call_${id}`, name: turn.name, arguments: JSON.stringify(turn.input), status: 'completed' };
}

export const responses: Dialect = {
  format: 'responses',
  view(raw): RequestView {
    const body = (raw ?? {}) as Body;
    const items = Array.isArray(body.input) ? (body.input as Item[]) : [];
    const toolResults = items.filter((i) => OUTPUT_TYPES.has(i?.type ?? '')).map((i) => outputText(i.output));
    const toolNames = (body.tools ?? []).map((t) => t.name ?? t.function?.name ?? t.type ?? '');
    const customTools = (body.tools ?? []).filter((t) => t.type === 'custom' && t.name).map((t) => t.name!);
    return { hasTools: toolNames.length > 0, toolNames, customTools, toolResults, model: body.model ?? 'fake', stream: body.stream === true };
  },
  stream(turn, view, pieces) {
    const n = ++counter;
    const respId = `resp_fake${n}`;
    const itemId = turn.kind === 'text' ? `msg_fake${n}` : `fc_fake${n}`;
    const base = { id: respId, object: 'response', created_at: 1, model: view.model, output: [] as unknown[] };
    let seq = 0;
    const ev = (type: string, data: object) => sse({ type, sequence_number: seq++, ...data });
    const done = itemFor(turn, itemId, view);
    const first = ev('response.created', { response: { ...base, status: 'in_progress' } }) + ev('response.in_progress', { response: { ...base, status: 'in_progress' } });
    const last = ev('response.completed', { response: { ...base, status: 'completed', output: [done], usage: usage() } });
    if (turn.kind === 'text') {
      const parts = splitText(turn.text, pieces);
      return [
        first + ev('response.output_item.added', { output_index: 0, item: { type: 'message', id: itemId, status: 'in_progress', role: 'assistant', content: [] } }) +
          ev('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
        ...parts.map((p) => ev('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: p })),
        ev('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: turn.text }) +
          ev('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: turn.text, annotations: [] } }) +
          ev('response.output_item.done', { output_index: 0, item: done }) + last,
      ];
    }
    const custom = customInput(turn, view);
    if (custom !== undefined) {
      return [
        first + ev('response.output_item.added', { output_index: 0, item: { ...done, input: '', status: 'in_progress' } }),
        ev('response.custom_tool_call_input.delta', { item_id: itemId, output_index: 0, delta: custom }),
        ev('response.custom_tool_call_input.done', { item_id: itemId, output_index: 0, input: custom }) + ev('response.output_item.done', { output_index: 0, item: done }) + last,
      ];
    }
    const args = JSON.stringify(turn.input);
    return [
      first + ev('response.output_item.added', { output_index: 0, item: { ...done, arguments: '', status: 'in_progress' } }),
      ev('response.function_call_arguments.delta', { item_id: itemId, output_index: 0, delta: args }),
      ev('response.function_call_arguments.done', { item_id: itemId, output_index: 0, arguments: args }) + ev('response.output_item.done', { output_index: 0, item: done }) + last,
    ];
  },
  json(turn, view) {
    const n = ++counter;
    return { id: `resp_fake${n}`, object: 'response', created_at: 1, status: 'completed', model: view.model, output: [itemFor(turn, `item_fake${n}`, view)], usage: usage() };
  },
  error(status, message) {
    return { error: { message, type: status === 403 ? 'permission_error' : 'invalid_request_error', code: 'airlock_blocked', param: null } };
  },
};
