// Ollama's native API: /api/chat, /api/generate, /api/embed(dings). Its /v1 API is OpenAI's.
import { SegmentCollector } from './collector';
import { isObject, optionalArray, requireArray, requireObject, roleOf, type Json } from './shape';

export function parseOllamaChat(body: Json, c: SegmentCollector): void {
  const messages = requireArray(body['messages'], 'messages');
  messages.forEach((raw, i) => {
    const m = requireObject(raw, `messages[${i}]`);
    const role = roleOf(m['role']);
    c.text(['messages', i, 'content'], m['content'], role);
    c.text(['messages', i, 'thinking'], m['thinking'], role);
    optionalArray(m['tool_calls'], `messages[${i}].tool_calls`).forEach((call) => {
      if (isObject(call) && isObject(call['function'])) {
        c.toolArgumentsObject(call['function']['arguments']);
      }
    });
  });
}

export function parseOllamaGenerate(body: Json, c: SegmentCollector): void {
  c.text(['system'], body['system'], 'system');
  c.text(['template'], body['template'], 'system');
  c.text(['prompt'], body['prompt'], 'user');
  c.text(['suffix'], body['suffix'], 'user');
}
