// AI hosts by name: which ones proxy mode decrypts and inspects, and which provider family a
// request to each one speaks. Pure data and matching; the policy adds hosts (`proxy.inspect`).

/**
 * Hosts whose HTTPS traffic Airlock decrypts and inspects by default. `*.x` means every name
 * below x (not x itself). Each entry also becomes a name constraint of the local CA, so the CA
 * can only ever vouch for these names.
 */
export const DEFAULT_INSPECTED_HOSTS: readonly string[] = [
  'api.openai.com',
  'chatgpt.com',
  'api.anthropic.com',
  'generativelanguage.googleapis.com',
  'cloudcode-pa.googleapis.com',
  'aiplatform.googleapis.com',
  'api.githubcopilot.com',
  '*.githubcopilot.com',
  'copilot-proxy.githubusercontent.com',
  'api.mistral.ai',
  'codestral.mistral.ai',
  'api.groq.com',
  'api.x.ai',
  'api.deepseek.com',
  'openrouter.ai',
  'api.cohere.com',
  'api.cohere.ai',
  'api.together.xyz',
  'api.fireworks.ai',
  'api.perplexity.ai',
  'api.cerebras.ai',
  '*.openai.azure.com',
  '*.services.ai.azure.com',
];

/**
 * AI API hosts whose names hold the customer's tenant, region or resource, so no default list
 * can name them, and whose parent domains are far too wide for a CA name constraint
 * (amazonaws.com, googleapis.com). When the policy does not inspect one, proxy mode refuses it
 * instead of tunnelling AI traffic blind, and says which entry to add; a policy that wants it
 * uninspected names it in `proxy.tunnel`.
 */
export const AI_HOST_FAMILIES: readonly { what: string; pattern: RegExp }[] = [
  { what: 'GitHub Copilot on GHE.com', pattern: /^copilot-api\.[a-z0-9-]+\.ghe\.com$/ },
  { what: 'Amazon Bedrock', pattern: /^bedrock-runtime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com$/ },
  { what: 'Google Vertex AI', pattern: /^[a-z0-9-]+-aiplatform\.googleapis\.com$/ },
  { what: 'Azure AI services', pattern: /^[a-z0-9-]+\.cognitiveservices\.azure\.com$/ },
];

/** The AI host family `host` belongs to (see AI_HOST_FAMILIES), if any. */
export function aiHostFamily(host: string): string | undefined {
  const h = normalizeHost(host);
  return AI_HOST_FAMILIES.find((f) => f.pattern.test(h))?.what;
}

/** A host entry is an exact DNS name or `*.` followed by one. */
export const HOST_ENTRY = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

export function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** True when `host` is named by `entry` (exact, or strictly below a `*.` entry). */
export function hostMatches(entry: string, host: string): boolean {
  const h = normalizeHost(host);
  if (entry.startsWith('*.')) return h.endsWith(entry.slice(1)) && h.length > entry.length - 1;
  return h === entry;
}

export function isInspectedHost(host: string, entries: readonly string[]): boolean {
  return entries.some((e) => hostMatches(e, host));
}

/** The DNS subtree a CA name constraint needs for an entry: `*.x` and `x` both become `x`. */
export function constraintFor(entry: string): string {
  return entry.startsWith('*.') ? entry.slice(2) : entry;
}
