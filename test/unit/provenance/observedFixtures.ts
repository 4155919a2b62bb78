// Model responses with code in them, in every dialect, whole (JSON) and streamed (SSE / NDJSON,
// split into small deltas), for the provenance and gateway-tap tests.

/** Code the model writes in a fenced block of its answer. */
export const FENCED_CODE = [
  'export function applyDiscount(order: Order, rate: number): number {',
  '  if (rate < 0 || rate > 1) {',
  "    throw new RangeError('discount rate must be between 0 and 1');",
  '  }',
  '  const subtotal = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);',
  '  return Math.round(subtotal * (1 - rate) * 100) / 100;',
  '}',
].join('\n');

/** Code the model writes through an edit tool. */
export const TOOL_CODE = [
  'def parse_invoice_line(raw: str) -> InvoiceLine:',
  '    sku, qty, price = raw.split(";")',
  '    if not sku.strip():',
  '        raise ValueError("empty sku")',
  '    return InvoiceLine(sku=sku.strip(), quantity=int(qty), unit_price=Decimal(price))',
].join('\n');

export const FENCE_PATH = 'src/pricing/discount.ts';
export const TOOL_PATH = 'src/billing/invoice.py';

export const ANSWER_TEXT = `Here is the function you asked for:\n\n\`\`\`ts ${FENCE_PATH}\n${FENCED_CODE}\n\`\`\`\n\nIt rounds to cents.`;

export const APPLY_PATCH = ['*** Begin Patch', `*** Add File: ${TOOL_PATH}`, ...TOOL_CODE.split('\n').map((l) => `+${l}`), '*** End Patch'].join('\n');

export type FixtureDialect = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'ollama-chat' | 'ollama-generate';

export interface ResponseFixture {
  contentType: string;
  /** One element per write: the whole body, or stream chunks in order. */
  chunks: string[];
}

/** Splits text into small pieces, as a model streams tokens. */
export function pieces(text: string, size = 9): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const sse = (data: object, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

function openAIChat(stream: boolean, model: string): ResponseFixture {
  const args = JSON.stringify({ file_path: TOOL_PATH, old_string: 'pass', new_string: TOOL_CODE });
  if (!stream) {
    const body = {
      id: 'chatcmpl-1', object: 'chat.completion', created: 1, model,
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: ANSWER_TEXT, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Edit', arguments: args } }] } }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    return { contentType: 'application/json', chunks: [JSON.stringify(body)] };
  }
  const chunk = (delta: object, finish: string | null = null) => sse({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  return {
    contentType: 'text/event-stream',
    chunks: [
      chunk({ role: 'assistant', content: '' }),
      ...pieces(ANSWER_TEXT).map((p) => chunk({ content: p })),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'Edit', arguments: '' } }] }),
      ...pieces(args).map((p) => chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
      chunk({}, 'tool_calls') + 'data: [DONE]\n\n',
    ],
  };
}

function openAIResponses(stream: boolean, model: string): ResponseFixture {
  const args = JSON.stringify({ input: APPLY_PATCH });
  const message = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: ANSWER_TEXT, annotations: [] }] };
  const call = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'apply_patch', arguments: args, status: 'completed' };
  const response = (output: object[], status: string) => ({ id: 'resp_1', object: 'response', created_at: 1, status, model, output, usage: null });
  if (!stream) return { contentType: 'application/json', chunks: [JSON.stringify(response([message, call], 'completed'))] };
  let seq = 0;
  const ev = (type: string, data: object) => sse({ type, sequence_number: seq++, ...data }, type);
  return {
    contentType: 'text/event-stream',
    chunks: [
      ev('response.created', { response: response([], 'in_progress') }),
      ev('response.output_item.added', { output_index: 0, item: { ...message, content: [], status: 'in_progress' } }),
      ...pieces(ANSWER_TEXT).map((p) => ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: p })),
      ev('response.output_item.added', { output_index: 1, item: { ...call, arguments: '', status: 'in_progress' } }),
      ...pieces(args).map((p) => ev('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta: p })),
      // The completed event without its output: the deltas alone must be enough.
      ev('response.completed', { response: response([], 'completed') }),
    ],
  };
}

function anthropic(stream: boolean, model: string): ResponseFixture {
  const input = { command: 'create', path: TOOL_PATH, file_text: TOOL_CODE };
  const message = { id: 'msg_1', type: 'message', role: 'assistant', model, stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };
  if (!stream) {
    const body = { ...message, content: [{ type: 'text', text: ANSWER_TEXT }, { type: 'tool_use', id: 'toolu_1', name: 'str_replace_based_edit_tool', input }] };
    return { contentType: 'application/json', chunks: [JSON.stringify(body)] };
  }
  const ev = (type: string, data: object) => sse({ type, ...data }, type);
  return {
    contentType: 'text/event-stream',
    chunks: [
      ev('message_start', { message: { ...message, content: [], stop_reason: null } }),
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ...pieces(ANSWER_TEXT).map((p) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } })),
      ev('content_block_stop', { index: 0 }),
      ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'str_replace_based_edit_tool', input: {} } }),
      ...pieces(JSON.stringify(input)).map((p) => ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: p } })),
      ev('content_block_stop', { index: 1 }),
      ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } }) + ev('message_stop', {}),
    ],
  };
}

function ollama(stream: boolean, model: string, generate: boolean): ResponseFixture {
  const base = { model, created_at: '2026-01-01T00:00:00Z' };
  const toolCalls = [{ function: { name: 'write_file', arguments: { path: TOOL_PATH, content: TOOL_CODE } } }];
  const piece = (content: string, extra: object = {}) => (generate ? { ...base, response: content, done: false } : { ...base, message: { role: 'assistant', content, ...extra }, done: false });
  if (!stream) {
    const body = generate ? { ...base, response: ANSWER_TEXT, done: true, done_reason: 'stop' } : { ...base, message: { role: 'assistant', content: ANSWER_TEXT, tool_calls: toolCalls }, done: true, done_reason: 'stop' };
    return { contentType: 'application/json; charset=utf-8', chunks: [JSON.stringify(body)] };
  }
  const line = (o: object) => `${JSON.stringify(o)}\n`;
  return {
    contentType: 'application/x-ndjson',
    chunks: [
      ...pieces(ANSWER_TEXT).map((p) => line(piece(p))),
      ...(generate ? [] : [line(piece('', { tool_calls: toolCalls }))]),
      line({ ...piece(''), done: true, done_reason: 'stop' }),
    ],
  };
}

export function responseFixture(dialect: FixtureDialect, stream: boolean, model = `${dialect}-model`): ResponseFixture {
  switch (dialect) {
    case 'openai-chat':
      return openAIChat(stream, model);
    case 'openai-responses':
      return openAIResponses(stream, model);
    case 'anthropic-messages':
      return anthropic(stream, model);
    case 'ollama-chat':
      return ollama(stream, model, false);
    case 'ollama-generate':
      return ollama(stream, model, true);
  }
}

/** A file as it lands on disk: the fenced code re-indented inside a class, among other code. */
export function landedFile(code: string, indent = '    '): string {
  return [
    "import { Order } from './order';",
    '',
    'export class PricingService {',
    '  constructor(private readonly currency: string) {}',
    '',
    ...code.split('\n').map((l) => (l ? indent + l : l)),
    '',
    '  describe(): string {',
    '    return `PricingService(${this.currency})`;',
    '  }',
    '}',
  ].join('\n');
}
