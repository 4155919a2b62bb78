// Anthropic Messages API (what Claude Code speaks): request view and SSE answers.
// Event sequence as documented: message_start, content_block_start/delta/stop, message_delta, message_stop.
import type { AnswerTurn, Dialect, RequestView } from './types';

interface Block { type?: string; content?: unknown; text?: string }
interface Body { model?: string; stream?: boolean; tools?: { name?: string }[]; messages?: { role?: string; content?: unknown }[] }

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: Block) => (typeof c?.text === 'string' ? c.text : textOf(c?.content))).join('\n');
  return '';
}

const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

export function splitText(t: string, pieces: number): string[] {
  const n = Math.max(1, Math.min(pieces, t.length));
  const size = Math.ceil(t.length / n);
  const out: string[] = [];
  for (let i = 0; i < t.length; i += size) out.push(t.slice(i, i + size));
  return out.length ? out : [''];
}

let counter = 0;

export const anthropic: Dialect = {
  format: 'anthropic',
  view(raw): RequestView {
    const body = (raw ?? {}) as Body;
    const toolResults: string[] = [];
    for (const m of body.messages ?? []) {
      if (!Array.isArray(m.content)) continue;
      for (const b of m.content as Block[]) if (b?.type === 'tool_result') toolResults.push(textOf(b.content));
    }
    const toolNames = (body.tools ?? []).map((t) => t.name ?? '');
    return { hasTools: toolNames.length > 0, toolNames, toolResults, model: body.model ?? 'fake', stream: body.stream === true };
  },
  stream(turn, view, pieces) {
    const id = `msg_fake${++counter}`;
    const message = { id, type: 'message', role: 'assistant', model: view.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } };
    const start = event('message_start', { message }) + event('ping', {});
    if (turn.kind === 'text') {
      return [
        start + event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        ...splitText(turn.text, pieces).map((p) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } })),
        event('content_block_stop', { index: 0 }) + event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }) + event('message_stop', {}),
      ];
    }
    const json = JSON.stringify(turn.input);
    return [
      start + event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_fake${counter}`, name: turn.name, input: {} } }),
      event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: json } }),
      event('content_block_stop', { index: 0 }) + event('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 5 } }) + event('message_stop', {}),
    ];
  },
  json(turn: AnswerTurn, view) {
    const content = turn.kind === 'text' ? [{ type: 'text', text: turn.text }] : [{ type: 'tool_use', id: `toolu_fake${++counter}`, name: turn.name, input: turn.input }];
    return { id: `msg_fake${++counter}`, type: 'message', role: 'assistant', model: view.model, content, stop_reason: turn.kind === 'text' ? 'end_turn' : 'tool_use', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 5 } };
  },
  error(status, message) {
    return { type: 'error', error: { type: status === 403 ? 'permission_error' : 'invalid_request_error', message } };
  },
};
