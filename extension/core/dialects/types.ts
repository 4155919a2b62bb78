// What a dialect parser produces: the engine's request plus where each segment's text lives in
// the JSON body, so a redacted verdict can be written back without touching anything else.
import type { EgressRequest } from '../egress/types';

/** The API dialects Airlock understands. `passthrough` carries no prompt text (model listings). */
export type DialectId =
  | 'openai-chat'
  | 'openai-responses'
  | 'openai-completions'
  | 'openai-embeddings'
  | 'anthropic-messages'
  | 'anthropic-complete'
  | 'ollama-chat'
  | 'ollama-generate'
  | 'ollama-embed'
  | 'gemini-generate'
  | 'gemini-embed'
  | 'metadata'
  | 'passthrough';

/** A path into parsed JSON, as jsonc-parser understands it. */
export type JsonPath = (string | number)[];

/**
 * One JSON string field whose text was handed to the engine. Its text is split into one or
 * more consecutive segments (a file block quoted inside a message becomes its own segment);
 * joining the segments' texts in order gives the field's text back.
 */
export interface FieldRef {
  path: JsonPath;
  segmentIds: string[];
}

export interface ParsedBody {
  request: EgressRequest;
  fields: FieldRef[];
  /** True when the client asked for a streamed answer. */
  stream: boolean;
}

export class UnparseableBodyError extends Error {
  constructor(reason: string) {
    // Only a reason is kept, never body text: errors end up in logs.
    super(`unparseable request body: ${reason}`);
    this.name = 'UnparseableBodyError';
  }
}
