// Gemini API (what Gemini CLI speaks): generateContent / streamGenerateContent?alt=sse.
import { splitText } from './anthropic';
import type { Dialect, RequestView } from './types';

interface Part { text?: string; functionResponse?: { name?: string; response?: unknown } }
interface Body { model?: string; tools?: { functionDeclarations?: { name?: string }[] }[]; contents?: { role?: string; parts?: Part[] }[] }

export const gemini: Dialect = {
  format: 'gemini',
  view(raw, url): RequestView {
    const body = (raw ?? {}) as Body;
    const toolResults: string[] = [];
    for (const c of body.contents ?? []) for (const p of c.parts ?? []) if (p.functionResponse) toolResults.push(JSON.stringify(p.functionResponse.response ?? ''));
    const toolNames = (body.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name ?? ''));
    const model = /models\/([^:/?]+)/.exec(url)?.[1] ?? 'fake';
    return { hasTools: toolNames.length > 0, toolNames, toolResults, model, stream: url.includes(':streamGenerateContent') };
  },
  stream(turn, view, pieces) {
    const usage = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
    const chunk = (parts: object[], finish?: string) =>
      `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: finish } : {}) }], usageMetadata: usage, modelVersion: view.model })}\r\n\r\n`;
    if (turn.kind === 'text') {
      const parts = splitText(turn.text, pieces);
      return parts.map((p, i) => chunk([{ text: p }], i === parts.length - 1 ? 'STOP' : undefined));
    }
    return [chunk([{ functionCall: { name: turn.name, args: turn.input } }], 'STOP')];
  },
  json(turn, view) {
    const parts = turn.kind === 'text' ? [{ text: turn.text }] : [{ functionCall: { name: turn.name, args: turn.input } }];
    return { candidates: [{ content: { role: 'model', parts }, index: 0, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 }, modelVersion: view.model };
  },
  error(status, message) {
    return { error: { code: status, message, status: status === 403 ? 'PERMISSION_DENIED' : 'INVALID_ARGUMENT' } };
  },
};
