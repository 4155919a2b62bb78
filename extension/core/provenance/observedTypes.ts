// What the gateway saw a model write: the assistant's output reassembled from a response, and
// the code in it (fenced blocks, edit arguments of tool calls), ready to be fingerprinted.
import type { DialectId } from '../dialects/types';

/** One tool call in a model's answer, its arguments as the model wrote them (usually JSON). */
export interface ObservedToolCall {
  name: string;
  /** Raw argument text: JSON for function calls, free text for custom tools (apply_patch). */
  arguments: string;
}

/** The assistant's output in one response, reassembled from a JSON body or stream deltas. */
export interface AssistantOutput {
  model?: string;
  /** Output text, one entry per choice / content block, in order. */
  texts: string[];
  toolCalls: ObservedToolCall[];
}

/** One piece of code the model produced. */
export interface ObservedCode {
  /** `fence` (a ``` block in the text), `tool-call` (edit arguments), `text-tool` (XML-style tool use in the text). */
  kind: 'fence' | 'tool-call' | 'text-tool';
  /** `assistant` for code in the answer text, else the tool's name (`Edit`, `write_file`, `apply_patch`). */
  tool: string;
  /** The code as it would land in a file (patches reduced to their added lines). */
  text: string;
  /** Target file when the answer names one (tool argument, fence label, patch header). */
  path?: string;
  /** Fence info language (`ts`, `python`), when given. */
  language?: string;
}

/** What the gateway hands to `onResponseCode` for one 2xx model response that contained code. */
export interface ObservedResponse {
  dialect: DialectId;
  model?: string;
  /** The client assistant, from its headers (`claude-code`, `codex`, …), when known. */
  assistant?: string;
  /** ISO time the response ended. */
  time: string;
  /** Destination origin and path, as in audit records. */
  destination?: string;
  code: ObservedCode[];
}
