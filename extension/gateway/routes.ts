// Maps gateway URLs to upstreams. Each provider family gets a prefix under which its official
// client's base URL works unchanged:
//   /openai/v1/…  → <openai upstream>/…      (new OpenAI({ baseURL: …/openai/v1 }))
//   /anthropic/…  → <anthropic upstream>/…   (new Anthropic({ baseURL: …/anthropic }))
//   /ollama/…     → <ollama upstream>/…      (new Ollama({ host: …/ollama }), also its /v1 API)
//   /gemini/…     → <gemini upstream>/…      (GOOGLE_GEMINI_BASE_URL=…/gemini, @google/genai baseUrl)
import { dialectFor, type DialectId, type ProviderFamily } from '../core/dialects';

export type Upstreams = Record<ProviderFamily, string>;

export const DEFAULT_UPSTREAMS: Upstreams = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  ollama: 'http://localhost:11434',
  gemini: 'https://generativelanguage.googleapis.com',
};

export const CLIENT_PREFIXES: Record<ProviderFamily, string> = {
  openai: '/openai/v1',
  anthropic: '/anthropic',
  ollama: '/ollama',
  gemini: '/gemini',
};

export interface Route {
  family: ProviderFamily;
  /** Path below the family prefix (what the upstream sees after its base URL), with the query. */
  subpath: string;
  target: URL;
  /** Undefined for endpoints Airlock does not know (treated as unparseable). */
  dialect: DialectId | undefined;
}

/** The family a URL is addressed to, by prefix, or undefined. Used for error shapes too. */
export function familyOf(url: string | undefined): ProviderFamily | undefined {
  const path = url ?? '';
  for (const family of Object.keys(CLIENT_PREFIXES) as ProviderFamily[]) {
    const prefix = CLIENT_PREFIXES[family];
    if (path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`)) return family;
  }
  return undefined;
}

export function routeRequest(method: string, url: string | undefined, upstreams: Upstreams): Route | undefined {
  const family = familyOf(url);
  if (!family || !url) return undefined;
  const subpath = url.slice(CLIENT_PREFIXES[family].length) || '/';
  // Refuse path tricks: the upstream must see a plain path below its base URL.
  const pathOnly = subpath.split('?')[0] ?? '';
  if (/(^|\/)\.\.?(\/|$)|\\|%2e|%2f|%5c/i.test(pathOnly) || !subpath.startsWith('/')) return undefined;
  const target = new URL(upstreams[family].replace(/\/+$/, '') + subpath);
  return { family, subpath, target, dialect: dialectFor(family, method, pathOnly) };
}
