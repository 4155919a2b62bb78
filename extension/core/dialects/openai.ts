// OpenAI dialects: Chat Completions, Responses, legacy Completions and Embeddings. OpenAI-compatible
// servers (vLLM, LM Studio, OpenRouter, Ollama's /v1) speak the same shapes.
import { SegmentCollector } from './collector';
import { parseArguments, pathsInArguments } from './paths';
import { isObject, optionalArray, requireArray, requireObject, requireTextLike, roleOf, type Json } from './shape';

function firstPath(argumentsText: unknown): string | undefined {
  return typeof argumentsText === 'string' ? pathsInArguments(parseArguments(argumentsText))[0] : undefined;
}

/** Content that is a string or an array of typed parts (`text`, `input_text`, `file`, …). */
function content(c: SegmentCollector, at: (string | number)[], value: unknown, role: ReturnType<typeof roleOf>, path?: string): void {
  if (typeof value === 'string') return c.text(at, value, role, path);
  if (!Array.isArray(value)) return;
  value.forEach((part, j) => {
    if (typeof part === 'string') return c.text([...at, j], part, role, path);
    if (!isObject(part)) return;
    if (typeof part['text'] === 'string') c.text([...at, j, 'text'], part['text'], role, path);
    if (typeof part['output'] === 'string') c.text([...at, j, 'output'], part['output'], role, path);
    // Attached files: the name is a referenced path; inline data is base64 (opaque to detectors).
    const file = isObject(part['file']) ? part['file'] : part;
    if (typeof file['filename'] === 'string') c.reference(file['filename']);
  });
}

export function parseOpenAIChat(body: Json, c: SegmentCollector): void {
  const messages = requireArray(body['messages'], 'messages');
  const toolPaths = new Map<string, string>();
  messages.forEach((raw, i) => {
    const m = requireObject(raw, `messages[${i}]`);
    const role = roleOf(m['role']);
    const toolPath = typeof m['tool_call_id'] === 'string' ? toolPaths.get(m['tool_call_id']) : undefined;
    content(c, ['messages', i, 'content'], m['content'], role, toolPath);
    optionalArray(m['tool_calls'], `messages[${i}].tool_calls`).forEach((call, k) => {
      if (!isObject(call) || !isObject(call['function'])) return;
      const args = call['function']['arguments'];
      c.toolArgumentsString(['messages', i, 'tool_calls', k, 'function', 'arguments'], args);
      const p = firstPath(args);
      if (p && typeof call['id'] === 'string') toolPaths.set(call['id'], p);
    });
    if (isObject(m['function_call'])) c.toolArgumentsString(['messages', i, 'function_call', 'arguments'], m['function_call']['arguments']);
  });
}

export function parseOpenAIResponses(body: Json, c: SegmentCollector): void {
  c.text(['instructions'], body['instructions'], 'system');
  const input = body['input'];
  if (typeof input === 'string') return c.text(['input'], input, 'user');
  const toolPaths = new Map<string, string>();
  optionalArray(input, 'input').forEach((raw, i) => {
    if (typeof raw === 'string') return c.text(['input', i], raw, 'user');
    const item = requireObject(raw, `input[${i}]`);
    const type = item['type'];
    if (type === 'function_call' || type === 'custom_tool_call') {
      const key = type === 'function_call' ? 'arguments' : 'input';
      c.toolArgumentsString(['input', i, key], item[key]);
      const p = firstPath(item[key]);
      if (p && typeof item['call_id'] === 'string') toolPaths.set(item['call_id'], p);
      return;
    }
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const path = typeof item['call_id'] === 'string' ? toolPaths.get(item['call_id']) : undefined;
      return content(c, ['input', i, 'output'], item['output'], 'tool-result', path);
    }
    content(c, ['input', i, 'content'], item['content'], roleOf(item['role']));
  });
}

export function parseOpenAICompletions(body: Json, c: SegmentCollector): void {
  requireTextLike(body['prompt'], 'prompt');
  const prompt = body['prompt'];
  if (Array.isArray(prompt)) prompt.forEach((p, i) => c.text(['prompt', i], p, 'user'));
  else c.text(['prompt'], prompt, 'user');
  c.text(['suffix'], body['suffix'], 'user');
}

export function parseEmbeddings(body: Json, c: SegmentCollector, field = 'input'): void {
  requireTextLike(body[field], field);
  const input = body[field];
  if (Array.isArray(input)) input.forEach((p, i) => c.text([field, i], p, 'user'));
  else c.text([field], input, 'user');
}
