// Reassembles the assistant's output (text and tool calls) from a response's JSON objects, per
// dialect. One reducer per dialect handles both the whole JSON body and stream deltas: a whole
// message is just one big delta.
import type { DialectId } from '../dialects/types';
import type { ResponseEvent } from './observedFrames';
import type { AssistantOutput } from './observedTypes';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) ? v : fallback);
const jsonText = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** Collects text and tool calls under stable keys (choice, block or output index), in first-seen order. */
class OutputBuilder {
  model: string | undefined;
  private readonly texts = new Map<string, string>();
  private readonly calls = new Map<string, { name: string; args: string; fallback: string }>();

  setModel(value: unknown): void {
    const model = str(value);
    if (model) this.model = model;
  }

  appendText(key: string, piece: unknown): void {
    const text = str(piece);
    if (text) this.texts.set(key, (this.texts.get(key) ?? '') + text);
  }

  /** A complete text (a whole message, a `.done` event): replaces the deltas, unless it is empty. */
  setText(key: string, full: unknown): void {
    const text = str(full);
    if (text) this.texts.set(key, text);
  }

  private call(key: string) {
    let call = this.calls.get(key);
    if (!call) this.calls.set(key, (call = { name: '', args: '', fallback: '' }));
    return call;
  }

  /** A tool call seen whole or started: name, and its arguments when already complete. */
  setCall(key: string, name: unknown, args?: unknown, fallbackOnly = false): void {
    const call = this.call(key);
    if (str(name)) call.name = str(name)!;
    const text = jsonText(args);
    if (text && text !== '{}') {
      if (fallbackOnly) call.fallback = text;
      else call.args = text;
    }
  }

  appendArgs(key: string, piece: unknown): void {
    const text = str(piece);
    if (text) this.call(key).args += text;
  }

  result(): AssistantOutput {
    const toolCalls = [...this.calls.values()]
      .map((c) => ({ name: c.name || 'tool', arguments: c.args || c.fallback }))
      .filter((c) => c.arguments !== '');
    return { ...(this.model ? { model: this.model } : {}), texts: [...this.texts.values()], toolCalls };
  }
}

function openAIChat(data: Obj, b: OutputBuilder): void {
  b.setModel(data['model']);
  for (const [i, raw] of arr(data['choices']).entries()) {
    const choice = obj(raw);
    if (!choice) continue;
    const index = num(choice['index'], i);
    b.appendText(`c${index}`, choice['text']); // legacy completions
    const message = obj(choice['message']) ?? obj(choice['delta']);
    if (!message) continue;
    const content = message['content'];
    if (typeof content === 'string') b.appendText(`c${index}`, content);
    else for (const part of arr(content)) b.appendText(`c${index}`, obj(part)?.['text']);
    for (const [j, rawCall] of arr(message['tool_calls']).entries()) {
      const call = obj(rawCall);
      const fn = obj(call?.['function']);
      if (!call || !fn) continue;
      const key = `c${index}t${num(call['index'], j)}`;
      b.setCall(key, fn['name']);
      b.appendArgs(key, fn['arguments']);
    }
    const legacy = obj(message['function_call']);
    if (legacy) {
      b.setCall(`c${index}f`, legacy['name']);
      b.appendArgs(`c${index}f`, legacy['arguments']);
    }
  }
}

function responsesItem(item: Obj | undefined, index: number, b: OutputBuilder): void {
  if (!item) return;
  const key = `o${index}`;
  switch (item['type']) {
    case 'message':
      for (const [j, part] of arr(item['content']).entries()) b.setText(`${key}:${j}`, obj(part)?.['text']);
      break;
    case 'function_call':
      b.setCall(key, item['name'], item['arguments']);
      break;
    case 'custom_tool_call':
      b.setCall(key, item['name'], item['input']);
      break;
    case 'apply_patch_call':
      b.setCall(key, 'apply_patch', item['operation']);
      break;
  }
}

function openAIResponses(data: Obj, b: OutputBuilder): void {
  const type = str(data['type']) ?? '';
  const whole = type === '' ? data : obj(data['response']);
  if (whole) {
    b.setModel(whole['model']);
    for (const [i, item] of arr(whole['output']).entries()) responsesItem(obj(item), i, b);
  }
  const index = num(data['output_index'], 0);
  switch (type) {
    case 'response.output_text.delta':
      b.appendText(`o${index}:${num(data['content_index'], 0)}`, data['delta']);
      break;
    case 'response.output_text.done':
      b.setText(`o${index}:${num(data['content_index'], 0)}`, data['text']);
      break;
    case 'response.output_item.added':
    case 'response.output_item.done':
      responsesItem(obj(data['item']), index, b);
      break;
    case 'response.function_call_arguments.delta':
    case 'response.custom_tool_call_input.delta':
      b.appendArgs(`o${index}`, data['delta']);
      break;
    case 'response.function_call_arguments.done':
      b.setCall(`o${index}`, data['name'], data['arguments']);
      break;
    case 'response.custom_tool_call_input.done':
      b.setCall(`o${index}`, undefined, data['input']);
      break;
  }
}

function anthropicMessages(data: Obj, b: OutputBuilder): void {
  const type = data['type'];
  if (type === 'message') {
    b.setModel(data['model']);
    for (const [j, raw] of arr(data['content']).entries()) {
      const block = obj(raw);
      if (block?.['type'] === 'text') b.setText(`b${j}`, block['text']);
      else if (block?.['type'] === 'tool_use' || block?.['type'] === 'server_tool_use') b.setCall(`b${j}`, block['name'], block['input']);
    }
    return;
  }
  if (type === 'message_start') b.setModel(obj(data['message'])?.['model']);
  if (type === 'completion') {
    b.setModel(data['model']);
    b.appendText('completion', data['completion']); // legacy /v1/complete
  }
  const key = `b${num(data['index'], 0)}`;
  if (type === 'content_block_start') {
    const block = obj(data['content_block']);
    if (block?.['type'] === 'text') b.appendText(key, block['text']);
    // The input on start is usually `{}`; the real one arrives as input_json_delta pieces.
    else if (block?.['type'] === 'tool_use' || block?.['type'] === 'server_tool_use') b.setCall(key, block['name'], block['input'], true);
  } else if (type === 'content_block_delta') {
    const delta = obj(data['delta']);
    if (delta?.['type'] === 'text_delta') b.appendText(key, delta['text']);
    else if (delta?.['type'] === 'input_json_delta') b.appendArgs(key, delta['partial_json']);
  }
}

function ollama(data: Obj, b: OutputBuilder, calls: { n: number }): void {
  b.setModel(data['model']);
  b.appendText('response', data['response']);
  const message = obj(data['message']);
  if (!message) return;
  b.appendText('message', message['content']);
  // Ollama sends each tool call whole, in one chunk.
  for (const raw of arr(message['tool_calls'])) {
    const fn = obj(obj(raw)?.['function']);
    if (fn) b.setCall(`t${calls.n++}`, fn['name'], fn['arguments']);
  }
}

/** Dialects whose responses carry model output worth fingerprinting. */
export function hasModelOutput(dialect: DialectId | undefined): dialect is DialectId {
  return dialect !== undefined && ['openai-chat', 'openai-responses', 'openai-completions', 'anthropic-messages', 'anthropic-complete', 'ollama-chat', 'ollama-generate'].includes(dialect);
}

/** The assistant's output in a response of `dialect`, from its JSON objects; undefined for dialects without output. */
export function assembleOutput(dialect: DialectId, events: readonly ResponseEvent[]): AssistantOutput | undefined {
  if (!hasModelOutput(dialect)) return undefined;
  const b = new OutputBuilder();
  const calls = { n: 0 };
  for (const event of events) {
    const data = obj(event.data);
    if (!data) continue;
    if (dialect === 'openai-chat' || dialect === 'openai-completions') openAIChat(data, b);
    else if (dialect === 'openai-responses') openAIResponses(data, b);
    else if (dialect === 'anthropic-messages' || dialect === 'anthropic-complete') anthropicMessages(data, b);
    else ollama(data, b, calls);
  }
  return b.result();
}
