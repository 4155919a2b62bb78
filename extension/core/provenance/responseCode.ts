// Code the gateway saw in a model response: body (JSON, SSE or NDJSON) → the assistant's
// output → the code in it (fenced blocks, edit arguments of tool calls). Pure: data in, data out.
import type { DialectId } from '../dialects/types';
import { assembleOutput, hasModelOutput } from './observedAssemble';
import { codeInText } from './observedFences';
import { responseEvents } from './observedFrames';
import { codeInToolCall } from './observedToolArgs';
import type { AssistantOutput, ObservedCode, ObservedResponse } from './observedTypes';

export { hasModelOutput } from './observedAssemble';

/** The assistant's output in a response body of `dialect`; undefined for dialects without output. */
export function readAssistantOutput(dialect: DialectId, body: string, contentType?: string): AssistantOutput | undefined {
  if (!hasModelOutput(dialect)) return undefined;
  return assembleOutput(dialect, responseEvents(body, contentType));
}

/** Every piece of code in an output, deduplicated, pieces without any visible character dropped. */
export function codeInOutput(output: AssistantOutput): ObservedCode[] {
  const all = [...output.texts.flatMap((t) => codeInText(t)), ...output.toolCalls.flatMap((c) => codeInToolCall(c))];
  const seen = new Set<string>();
  return all.filter((code) => {
    if (!/\S/.test(code.text)) return false;
    const key = `${code.path ?? ''}\u0000${code.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface ObserveInput {
  dialect: DialectId;
  /** The response body, decoded (no Content-Encoding left). */
  body: string;
  contentType?: string;
  assistant?: string;
  destination?: string;
  /** ISO time; now when absent. */
  time?: string;
}

/** What the gateway saw of one response, or undefined when it carried no code. */
export function observeResponse(input: ObserveInput): ObservedResponse | undefined {
  const output = readAssistantOutput(input.dialect, input.body, input.contentType);
  if (!output) return undefined;
  const code = codeInOutput(output);
  if (code.length === 0) return undefined;
  return {
    dialect: input.dialect,
    ...(output.model ? { model: output.model } : {}),
    ...(input.assistant ? { assistant: input.assistant } : {}),
    time: input.time ?? new Date().toISOString(),
    ...(input.destination ? { destination: input.destination } : {}),
    code,
  };
}
