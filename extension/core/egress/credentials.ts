// The client's own credential to the destination travels beside the body, in a few headers and
// query parameters. Judged by content, not by name: a value there is a `credential` segment only
// when it has the shape of one (a single token, or an auth scheme and a token, within a size
// bound); anything else in the same header — prose, code, a second value — is `other` and read
// like every other byte. A credential segment is still searched for protected code (fingerprints,
// markers, the company's own custom detectors); the built-in secret detectors skip it, except for
// a credential of another service going to a provider Airlock knows (see `foreignCredential`).
import { hostMatches } from '../dialects/hosts';
import type { SegmentRole } from './types';

/** Headers that carry the client's credential to the destination (lower-case, as Node gives them). */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'x-auth-token',
  'x-access-token',
  'ocp-apim-subscription-key',
  'x-amz-security-token',
  'cookie',
]);

/** Query parameters that carry the client's credential (Gemini's `?key=`, OAuth `access_token`). */
export const CREDENTIAL_QUERY_PARAMS: ReadonlySet<string> = new Set(['key', 'api_key', 'api-key', 'apikey', 'access_token']);

/**
 * The most characters a credential value has. API keys are under 300; OAuth and Entra ID JWTs
 * (group claims make those several KB), AWS session tokens and a provider's cookies
 * (Cloudflare's) are longer, so the headers that carry those get 8 KB (Node refuses a request
 * whose headers pass 16 KB). A longer value is not a credential: it is read in full.
 */
const MAX_KEY = 1024;
const MAX_TOKEN = 8192;
const MAX_CHARS: Readonly<Record<string, number>> = { authorization: MAX_TOKEN, 'proxy-authorization': MAX_TOKEN, cookie: MAX_TOKEN, 'x-amz-security-token': MAX_TOKEN };

/** One token: visible ASCII, no whitespace, no comma (a comma is a second value of a list header). */
const TOKEN = /^[\x21-\x2b\x2d-\x7e]+$/;
/** RFC 9110 credentials: `scheme token68` or `scheme k=v, k=v` (AWS SigV4, Digest). One space after the scheme. */
const AUTHORIZATION = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) (?:[A-Za-z0-9._~+/-]+=*|[A-Za-z0-9!#$%&'*+.^_`|~-]+=(?:[^\s",]+|"[^"\\]*")(?:, ?[A-Za-z0-9!#$%&'*+.^_`|~-]+=(?:[^\s",]+|"[^"\\]*"))*)$/;
/**
 * A Cookie header: `name=value` pairs joined by `; `, values without whitespace, commas or
 * semicolons. Names have no `=`, so each pair splits one way only: the match is linear (with
 * `=` allowed in names, a long cookie that fails to match backtracks exponentially).
 */
const COOKIE = /^[\x21-\x2b\x2d-\x3a\x3c\x3e-\x7e]+=[\x21-\x2b\x2d-\x3a\x3c-\x7e]*(?:; ?[\x21-\x2b\x2d-\x3a\x3c\x3e-\x7e]+=[\x21-\x2b\x2d-\x3a\x3c-\x7e]*)*$/;

/** A provider Airlock knows: its hosts, the detectors that recognise its own keys, the auth schemes it takes. */
interface KnownProvider {
  hosts: readonly string[];
  detectors: readonly string[];
  /** Lower-case `Authorization` schemes the provider accepts (default: bearer only). */
  schemes?: readonly string[];
}

const GITHUB_DETECTORS = ['github-pat-classic', 'github-pat-fine-grained', 'github-oauth-token', 'github-user-to-server-token', 'github-app-installation-token', 'github-legacy-token'];
const OPENAI_DETECTORS = ['openai-api-key', 'openai-project-key', 'openai-service-account-key', 'openai-admin-key'];
const GOOGLE_DETECTORS = ['google-api-key', 'gcp-oauth-access-token'];

/**
 * Providers whose keys Airlock can tell apart. At these hosts the client's own credential is one
 * of the provider's keys or a token no detector names (an OAuth token, a JWT); a key another
 * detector names — a GitHub token sent to OpenAI, an AWS key in an Anthropic `x-api-key`, a
 * Basic password — is not theirs and is judged like any secret. Any other destination (a
 * company's gateway, a local model, a self-hosted proxy) takes credentials Airlock cannot know,
 * so there the credential is not searched for secrets at all.
 */
export const KNOWN_PROVIDERS: readonly KnownProvider[] = [
  { hosts: ['api.openai.com', 'chatgpt.com'], detectors: OPENAI_DETECTORS },
  { hosts: ['api.anthropic.com'], detectors: ['anthropic-api-key', 'anthropic-admin-key'] },
  { hosts: ['generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com', 'aiplatform.googleapis.com', '*.aiplatform.googleapis.com'], detectors: GOOGLE_DETECTORS },
  {
    hosts: ['api.githubcopilot.com', '*.githubcopilot.com', 'copilot-proxy.githubusercontent.com', 'api.github.com', 'models.github.ai'],
    detectors: GITHUB_DETECTORS,
    schemes: ['bearer', 'token'],
  },
  { hosts: ['api.mistral.ai', 'codestral.mistral.ai'], detectors: ['mistral-api-key'] },
  { hosts: ['api.groq.com'], detectors: ['groq-api-key'] },
  { hosts: ['api.x.ai'], detectors: ['xai-api-key'] },
  { hosts: ['api.deepseek.com'], detectors: ['deepseek-api-key'] },
  { hosts: ['openrouter.ai'], detectors: ['openrouter-api-key'] },
  { hosts: ['api.cohere.com', 'api.cohere.ai'], detectors: ['cohere-api-key'] },
  { hosts: ['api.together.xyz'], detectors: ['together-api-key'] },
  { hosts: ['api.fireworks.ai'], detectors: ['fireworks-api-key'] },
  { hosts: ['api.perplexity.ai'], detectors: ['perplexity-api-key'] },
  { hosts: ['api.cerebras.ai'], detectors: ['cerebras-api-key'] },
  { hosts: ['*.openai.azure.com', '*.services.ai.azure.com', '*.cognitiveservices.azure.com'], detectors: ['azure-openai-api-key', 'azure-ai-identifiable-key'] },
  { hosts: ['router.huggingface.co', 'api-inference.huggingface.co'], detectors: ['huggingface-token', 'huggingface-org-token'] },
  { hosts: ['*.amazonaws.com'], detectors: ['aws-access-key-id', 'aws-session-token', 'aws-bedrock-api-key'], schemes: ['bearer', 'aws4-hmac-sha256'] },
];

/**
 * Detectors that match a credential by where it stands (`Authorization: …`, `x-api-key: …`,
 * `Bearer …`, a JWT), not by whose it is: in a credential header they match the client's own key,
 * so they never count there.
 */
export const CREDENTIAL_SHAPE_DETECTORS: ReadonlySet<string> = new Set(['authorization-header-credential', 'api-key-header', 'bearer-token', 'jwt', 'jwt-base64', 'generic-secret-assignment']);

export function knownProvider(hostname: string | undefined): KnownProvider | undefined {
  if (!hostname) return undefined;
  return KNOWN_PROVIDERS.find((p) => p.hosts.some((h) => hostMatches(h, hostname)));
}

/**
 * Whether built-in detector `detector`, matching inside a credential segment of a request to
 * `hostname`, found a credential that is not the client's own to that destination.
 */
export function foreignCredential(detector: string, hostname: string | undefined): boolean {
  if (CREDENTIAL_SHAPE_DETECTORS.has(detector)) return false;
  const provider = knownProvider(hostname);
  return provider !== undefined && !provider.detectors.includes(detector);
}

/**
 * Whether a match of `detector` in a credential segment counts as a finding. `declared`: the
 * detectors of the destination's own keys, when the policy names them (`credentials`); then
 * every other detector counts, custom or built-in. Otherwise the company's custom detectors
 * always count, and a built-in one only for another service's key at a known provider.
 */
export function countsInCredential(detector: string, custom: boolean, hostname: string | undefined, declared?: { matches(id: string): boolean }): boolean {
  if (declared) return !CREDENTIAL_SHAPE_DETECTORS.has(detector) && !declared.matches(detector);
  return custom || foreignCredential(detector, hostname);
}

/**
 * The role of header `name`'s value (`credential` or `other`) in a request to `hostname`. An
 * `Authorization` with a scheme a known provider does not take (Basic or Digest to OpenAI) is no
 * credential of theirs: it is read in full.
 */
export function headerRole(name: string, value: string, hostname?: string): SegmentRole {
  if (!CREDENTIAL_HEADERS.has(name) || value.length > (MAX_CHARS[name] ?? MAX_KEY)) return 'other';
  if (name === 'authorization' || name === 'proxy-authorization') {
    const m = AUTHORIZATION.exec(value);
    // A bare token (no scheme): some gateways take one; it is judged like any credential.
    if (!m) return TOKEN.test(value) ? 'credential' : 'other';
    if (name === 'proxy-authorization') return 'credential';
    const provider = knownProvider(hostname);
    return !provider || (provider.schemes ?? ['bearer']).includes(m[1]!.toLowerCase()) ? 'credential' : 'other';
  }
  if (name === 'cookie') return COOKIE.test(value) ? 'credential' : 'other';
  return TOKEN.test(value) ? 'credential' : 'other';
}

/** The role of query parameter `name`'s decoded value. */
export function queryParamRole(name: string, value: string): SegmentRole {
  return CREDENTIAL_QUERY_PARAMS.has(name) && value.length <= MAX_KEY && TOKEN.test(value) ? 'credential' : 'other';
}
