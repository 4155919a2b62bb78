// What a fake model upstream records and how a test scripts its answers.
import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  /** 'http' (base-URL wiring) or 'https' (proxy wiring, reached through the gateway's --resolve). */
  scheme: 'http' | 'https';
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw body bytes exactly as they arrived. */
  body: Buffer;
  /** Milliseconds since the fake started. */
  at: number;
}

/** One answer of the model: plain text, or a call of one of the client's own tools. */
export type Turn =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; input: Record<string, unknown> }
  /** An HTTP error answer in the dialect's own error shape (to see what a client shows). */
  | { kind: 'error'; status: number; message: string };

/** What a dialect reads out of a request so a script can decide the next turn. */
export interface RequestView {
  /** The request offers tools (a side request such as a title generation does not). */
  hasTools: boolean;
  /** Names of the tools offered. */
  toolNames: string[];
  /** Tools offered as freeform custom tools (Responses `type: "custom"`, e.g. Codex apply_patch): called with a raw string. */
  customTools?: string[];
  /** Tool results in the conversation so far, oldest first (their text). */
  toolResults: string[];
  /** The model's name as the client sent it. */
  model: string;
  /** The client asked for a stream. */
  stream: boolean;
}

export interface ScriptContext {
  request: RecordedRequest;
  view: RequestView;
  /** 0-based index of this request among the requests this fake answered. */
  index: number;
}

/** A turn the model answers with content (not an HTTP error). */
export type AnswerTurn = Exclude<Turn, { kind: 'error' }>;

export type Script = (ctx: ScriptContext) => Turn;

/** The wire formats the fakes speak. */
export type WireFormat = 'anthropic' | 'responses' | 'chat' | 'gemini';

export interface Dialect {
  format: WireFormat;
  view(body: unknown, url: string): RequestView;
  /** SSE chunks of a streamed answer: [first, ...middle, last]; text turns split into `pieces`. */
  stream(turn: AnswerTurn, view: RequestView, pieces: number): string[];
  /** A non-streamed answer. */
  json(turn: AnswerTurn, view: RequestView): unknown;
  /** The dialect's error body for an invalid request / permission error with `message`. */
  error(status: number, message: string): unknown;
}
