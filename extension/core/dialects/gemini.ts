// Google Gemini API (generativelanguage.googleapis.com and Vertex AI): generateContent,
// streamGenerateContent (the same body; `?alt=sse` asks for SSE), countTokens, embedContent and
// batchEmbedContents. Gemini CLI's Code Assist backend wraps the same body in `request`.
import type { SegmentRole } from '../egress/types';
import { SegmentCollector } from './collector';
import { pathsInArguments } from './paths';
import { isObject, optionalArray, roleOf, type Json } from './shape';

type At = (string | number)[];

/** `parts` of one Content: text, function calls (args object) and function responses. */
function parts(c: SegmentCollector, at: At, content: unknown, role: SegmentRole, toolPaths: Map<string, string>): void {
  if (!isObject(content)) return;
  optionalArray(content['parts'], `${at.join('.')}.parts`).forEach((raw, j) => {
    if (!isObject(raw)) return;
    const here = [...at, 'parts', j];
    c.text([...here, 'text'], raw['text'], role);
    const call = raw['functionCall'] ?? raw['function_call'];
    if (isObject(call)) {
      c.toolArgumentsObject(call['args']);
      const p = pathsInArguments(call['args'])[0];
      if (p && typeof call['name'] === 'string') toolPaths.set(call['name'], p);
    }
    const response = raw['functionResponse'] ?? raw['function_response'];
    if (isObject(response)) {
      const key = raw['functionResponse'] !== undefined ? 'functionResponse' : 'function_response';
      // Gemini pairs a response with its call by function name (and optional id).
      const toolPath = typeof response['name'] === 'string' ? toolPaths.get(response['name']) : undefined;
      collectStrings(c, [...here, key, 'response'], response['response'], toolPath);
    }
    // inlineData / fileData: base64 or URIs, opaque to text detectors.
  });
}

/** Every string inside a function response, attributed to the file the call read (if any). */
function collectStrings(c: SegmentCollector, at: At, value: unknown, path: string | undefined, depth = 0): void {
  if (depth > 16) return;
  if (typeof value === 'string') return c.text(at, value, 'tool-result', path);
  if (Array.isArray(value)) return value.forEach((v, i) => collectStrings(c, [...at, i], v, path, depth + 1));
  if (isObject(value)) for (const [k, v] of Object.entries(value)) collectStrings(c, [...at, k], v, path, depth + 1);
}

function generateRequest(c: SegmentCollector, at: At, body: Json): void {
  const toolPaths = new Map<string, string>();
  for (const key of ['systemInstruction', 'system_instruction']) parts(c, [...at, key], body[key], 'system', toolPaths);
  optionalArray(body['contents'], 'contents').forEach((content, i) => {
    parts(c, [...at, 'contents', i], content, roleOf(isObject(content) ? content['role'] : undefined), toolPaths);
  });
}

/** generateContent / streamGenerateContent / countTokens (also `generateContentRequest` and Code Assist's `request`). */
export function parseGeminiGenerate(body: Json, c: SegmentCollector): void {
  if (isObject(body['request'])) return generateRequest(c, ['request'], body['request']);
  if (isObject(body['generateContentRequest'])) return generateRequest(c, ['generateContentRequest'], body['generateContentRequest']);
  generateRequest(c, [], body);
}

/** embedContent (`content`) and batchEmbedContents (`requests[].content`). */
export function parseGeminiEmbed(body: Json, c: SegmentCollector): void {
  const none = new Map<string, string>();
  parts(c, ['content'], body['content'], 'user', none);
  optionalArray(body['requests'], 'requests').forEach((r, i) => {
    if (isObject(r)) parts(c, ['requests', i, 'content'], r['content'], 'user', none);
  });
}
