// Response framing: a JSON body, an SSE stream (OpenAI, Anthropic) or an NDJSON stream (Ollama)
// → the JSON objects it carries, in order. Pieces that are not JSON are skipped (keep-alive
// comments, `data: [DONE]`, a truncated last line).

export type ResponseFraming = 'json' | 'sse' | 'ndjson';

export interface ResponseEvent {
  /** SSE `event:` name, when the stream names its events (Anthropic, Responses). */
  event?: string;
  data: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How a response body is framed, from its Content-Type, else by sniffing its first bytes. */
export function framingOf(body: string, contentType?: string): ResponseFraming {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('event-stream')) return 'sse';
  if (type.includes('ndjson') || type.includes('jsonl')) return 'ndjson';
  const start = body.trimStart();
  if (/^(?:data|event|id|retry)\s*:|^:/.test(start)) return 'sse';
  if (start.startsWith('{') || start.startsWith('[')) {
    // One JSON document, unless it is several lines of them.
    return parseJson(start) !== undefined ? 'json' : 'ndjson';
  }
  return type.includes('json') ? 'json' : 'ndjson';
}

export function sseEvents(body: string): ResponseEvent[] {
  const out: ResponseEvent[] = [];
  let event: string | undefined;
  let data: string[] = [];
  const dispatch = () => {
    if (data.length > 0) {
      const text = data.join('\n');
      const parsed = text === '[DONE]' ? undefined : parseJson(text);
      if (parsed !== undefined) out.push(event ? { event, data: parsed } : { data: parsed });
    }
    event = undefined;
    data = [];
  };
  for (const raw of body.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      dispatch();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  dispatch();
  return out;
}

export function ndjsonEvents(body: string): ResponseEvent[] {
  const out: ResponseEvent[] = [];
  for (const line of body.split('\n')) {
    const text = line.trim();
    if (!text) continue;
    const parsed = parseJson(text);
    if (parsed !== undefined) out.push({ data: parsed });
  }
  return out;
}

/** The JSON objects a response carries, whatever its framing. */
export function responseEvents(body: string, contentType?: string): ResponseEvent[] {
  const framing = framingOf(body, contentType);
  if (framing === 'sse') return sseEvents(body);
  if (framing === 'ndjson') return ndjsonEvents(body);
  const parsed = parseJson(body);
  return parsed === undefined ? ndjsonEvents(body) : [{ data: parsed }];
}
