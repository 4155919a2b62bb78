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

/** A path into parsed JSON: object keys and array indices. */
export type JsonPath = (string | number)[];

/**
 * One JSON string of the body whose text was handed to the engine (a value or an object key).
 * Its text is split into one or more consecutive segments (a file block quoted inside a
 * message becomes its own segment); joining the segments' texts in order gives the string
 * back (decoded, for an encoded payload).
 */
export interface FieldRef {
  /** Id of the string: its formatted JSON path (`messages[0].content`; `#key` for a key). */
  id: string;
  /** Offsets of the string literal in the body text, quotes included (-1 until located). */
  start: number;
  end: number;
  segmentIds: string[];
  /**
   * Further places the same text occurs, as [start, end] offset pairs: unattributed strings
   * (`other`) are one segment per distinct text — a key like `role` appears thousands of times —
   * and a redaction rewrites every occurrence.
   */
  more?: number[];
  /** Index of the first of its segments in request.segments (its segments are consecutive). */
  firstSegment: number;
  /** Set when the segments hold the decoded text of an encoded string: it is written back re-encoded after `prefix`. */
  encoding?: { kind: 'base64' | 'percent'; prefix: string };
}

export interface ParsedBody {
  request: EgressRequest;
  fields: FieldRef[];
  /** For each segment (by index), the index of its field in `fields`; undefined for text outside the body (URL, headers). */
  segmentFields: number[];
  /** True when the client asked for a streamed answer. */
  stream: boolean;
}

/**
 * A body a strict reader refuses whatever the policy says about unparseable bodies: duplicate
 * object keys (the decision and the rewrite could read different values), absurd nesting.
 */
export class MalformedBodyError extends Error {
  constructor(readonly reason: string) {
    super(`malformed request body: ${reason}`);
    this.name = 'MalformedBodyError';
  }
}

export class UnparseableBodyError extends Error {
  constructor(reason: string) {
    // Only a reason is kept, never body text: errors end up in logs.
    super(`unparseable request body: ${reason}`);
    this.name = 'UnparseableBodyError';
  }
}
