// Which dialect a request speaks, from the provider family it was sent to, its method and path.
import type { DialectId } from './types';

export type ProviderFamily = 'openai' | 'anthropic' | 'ollama';

/** OpenAI-shaped endpoints, matched on the path's tail so any `/v1` prefix works. */
function openAIDialect(path: string): DialectId | undefined {
  if (/\/chat\/completions$/.test(path)) return 'openai-chat';
  if (/\/responses$/.test(path)) return 'openai-responses';
  if (/\/completions$/.test(path)) return 'openai-completions';
  if (/\/embeddings$/.test(path)) return 'openai-embeddings';
  return undefined;
}

/**
 * The dialect for a request. Reads without a body (GET/HEAD: model listings, versions) pass
 * through; unknown POST endpoints return undefined and are treated as unparseable (fail closed).
 */
export function dialectFor(family: ProviderFamily, method: string, path: string): DialectId | undefined {
  const clean = path.replace(/\/+$/, '').split('?')[0] ?? '';
  if (method === 'GET' || method === 'HEAD') return 'passthrough';
  if (method !== 'POST') return undefined;
  switch (family) {
    case 'openai':
      return openAIDialect(clean);
    case 'anthropic':
      if (/\/messages(?:\/count_tokens)?$/.test(clean)) return 'anthropic-messages';
      if (/\/complete$/.test(clean)) return 'anthropic-complete';
      return undefined;
    case 'ollama':
      if (clean === '/api/chat') return 'ollama-chat';
      if (clean === '/api/generate') return 'ollama-generate';
      if (clean === '/api/embed' || clean === '/api/embeddings') return 'ollama-embed';
      if (clean === '/api/show') return 'metadata';
      if (clean.startsWith('/v1/')) return openAIDialect(clean);
      return undefined;
  }
}
