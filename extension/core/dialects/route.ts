// Which dialect a request speaks, from the provider family it was sent to, its method and path.
import { normalizeHost } from './hosts';
import type { DialectId } from './types';

export type ProviderFamily = 'openai' | 'anthropic' | 'ollama' | 'gemini';

/** OpenAI-shaped endpoints, matched on the path's tail so any `/v1` prefix works. */
function openAIDialect(path: string): DialectId | undefined {
  if (/\/chat\/completions$/.test(path)) return 'openai-chat';
  // `/responses/compact` (Codex's history compaction) carries a Responses body.
  if (/\/responses(?:\/compact)?$/.test(path)) return 'openai-responses';
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
    case 'gemini':
      return geminiDialect(clean);
  }
}

/** Gemini methods are a `:verb` suffix on the model (or Code Assist's `/v1internal:verb`). */
function geminiDialect(path: string): DialectId | undefined {
  const verb = /:([A-Za-z]+)$/.exec(path)?.[1];
  if (verb === 'generateContent' || verb === 'streamGenerateContent' || verb === 'countTokens') return 'gemini-generate';
  if (verb === 'embedContent' || verb === 'batchEmbedContents') return 'gemini-embed';
  return undefined;
}

/**
 * JSON endpoints Copilot CLI calls on its API host beside the model call: auto model routing
 * (`/auto`, whose body carries the user's prompt), the model session (`/models/session`) and
 * GitHub's MCP server (`/mcp`, `/mcp/readonly`: JSON-RPC tool calls). No parser attributes their
 * strings, but the body walk reads every one of them by content (role `other`), so they are
 * judged like any body instead of refused as unparseable (which left Copilot without its GitHub
 * tools and sent nothing of `/auto` through inspection).
 */
const COPILOT_SIDE_ENDPOINTS = /^\/(?:auto|models\/session|mcp(?:\/readonly)?)$/;
/** GitHub's MCP server endpoints: a `DELETE` there ends the client's MCP session (MCP over HTTP). */
const COPILOT_MCP = /^\/mcp(?:\/readonly)?$/;

/** GitHub Copilot's API: OpenAI shapes (inline completions under /v1/engines/<engine>/completions), Anthropic messages for Claude models. */
function copilotDialect(path: string): { family: ProviderFamily; dialect: DialectId | undefined } {
  if (/\/v1\/messages(?:\/count_tokens)?$/.test(path)) return { family: 'anthropic', dialect: 'anthropic-messages' };
  if (COPILOT_SIDE_ENDPOINTS.test(path)) return { family: 'openai', dialect: 'metadata' };
  return { family: 'openai', dialect: openAIDialect(path) };
}

export interface HostRoute {
  /** Whose error shape answers refusals. */
  family: ProviderFamily;
  /** Undefined for endpoints no dialect knows (scanned as raw text; `onUnparseable` decides). */
  dialect: DialectId | undefined;
}

/**
 * The dialect of a request addressed to a real AI host (proxy mode), from host, method and path.
 * Unknown hosts and paths speak no known dialect: their POST bodies are scanned as raw text.
 */
export function dialectForHost(host: string, method: string, path: string): HostRoute {
  const h = normalizeHost(host);
  const clean = path.split('?')[0]?.replace(/\/+$/, '') ?? '';
  const bodiless = method === 'GET' || method === 'HEAD';
  if (h === 'api.anthropic.com') return { family: 'anthropic', dialect: dialectFor('anthropic', method, clean) };
  if (h === 'generativelanguage.googleapis.com' || h === 'aiplatform.googleapis.com' || h.endsWith('-aiplatform.googleapis.com') || h === 'cloudcode-pa.googleapis.com') {
    return { family: 'gemini', dialect: bodiless ? 'passthrough' : method === 'POST' ? geminiDialect(clean) : undefined };
  }
  if (bodiless) return { family: 'openai', dialect: 'passthrough' };
  const copilot = h === 'api.githubcopilot.com' || h.endsWith('.githubcopilot.com') || h === 'copilot-proxy.githubusercontent.com';
  // Ending an MCP session carries no body ('passthrough' refuses one); its URL and headers are still read.
  if (copilot && method === 'DELETE' && COPILOT_MCP.test(clean)) return { family: 'openai', dialect: 'passthrough' };
  if (method !== 'POST') return { family: 'openai', dialect: undefined };
  if (copilot) return copilotDialect(clean);
  // Anthropic-compatible endpoints some OpenAI-style hosts also offer (xAI, DeepSeek).
  if (/\/v1\/messages$/.test(clean)) return { family: 'anthropic', dialect: 'anthropic-messages' };
  // Cohere v2 chat carries OpenAI-style messages.
  if ((h === 'api.cohere.com' || h === 'api.cohere.ai') && clean === '/v2/chat') return { family: 'openai', dialect: 'openai-chat' };
  // OpenAI, Codex's ChatGPT backend (/backend-api/codex/responses), Azure OpenAI and OpenAI-compatible hosts.
  return { family: 'openai', dialect: openAIDialect(clean) };
}
