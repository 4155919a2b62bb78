// body text → the engine's EgressRequest, for one dialect.
import { SegmentCollector } from './collector';
import { parseAnthropicComplete, parseAnthropicMessages } from './anthropic';
import { parseGeminiEmbed, parseGeminiGenerate } from './gemini';
import { parseOllamaChat, parseOllamaGenerate } from './ollama';
import { parseEmbeddings, parseOpenAIChat, parseOpenAICompletions, parseOpenAIResponses } from './openai';
import { requireObject, streamFlag, type Json } from './shape';
import { UnparseableBodyError, type DialectId, type ParsedBody } from './types';

const PARSERS: Record<DialectId, (body: Json, c: SegmentCollector) => void> = {
  'openai-chat': parseOpenAIChat,
  'openai-responses': parseOpenAIResponses,
  'openai-completions': parseOpenAICompletions,
  'openai-embeddings': (body, c) => parseEmbeddings(body, c, 'input'),
  'anthropic-messages': parseAnthropicMessages,
  'anthropic-complete': parseAnthropicComplete,
  'ollama-chat': parseOllamaChat,
  'ollama-generate': parseOllamaGenerate,
  'ollama-embed': (body, c) => parseEmbeddings(body, c, body['input'] === undefined ? 'prompt' : 'input'),
  'gemini-generate': parseGeminiGenerate,
  'gemini-embed': parseGeminiEmbed,
  metadata: () => undefined,
  passthrough: () => undefined,
};

export interface ParseContext {
  destination: string;
  assistant?: string;
}

/** Parses a request body of `dialect`. Throws UnparseableBodyError (never echoing the body). */
export function parseBody(dialect: DialectId, text: string, context: ParseContext): ParsedBody {
  const c = new SegmentCollector();
  let stream = false;
  if (dialect !== 'passthrough' && !(dialect === 'metadata' && text.trim() === '')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UnparseableBodyError('not valid JSON');
    }
    const body = requireObject(json, 'body');
    PARSERS[dialect](body, c);
    stream = streamFlag(body) || (dialect.startsWith('ollama-') && dialect !== 'ollama-embed' && body['stream'] !== false);
  }
  const request = {
    destination: context.destination,
    segments: c.segments,
    referencedPaths: c.referencedPaths,
    dialect,
    ...(context.assistant ? { assistant: context.assistant } : {}),
  };
  return { request, fields: c.fields, stream };
}
