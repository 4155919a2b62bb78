// GitHub's side of Copilot CLI with GitHub-hosted models: what api.github.com and the Copilot API
// host answer before and beside the model call (the model call itself is Chat Completions, see
// chat.ts). Shapes as the real services send them, reduced to the fields the client reads.
//   GET api.github.com/copilot_internal/user   the signed-in user's Copilot plan and, in
//                                              `endpoints.api`, the Copilot API host to use
//   GET <endpoints.api>/models                 the model catalogue (Copilot's own shape)
import type { IncomingHttpHeaders } from 'node:http';

/** The Copilot API host the fake user's plan points at (an individual plan's real host). */
export const COPILOT_API_HOST = 'api.individual.githubcopilot.com';
export const GITHUB_API_HOST = 'api.github.com';
/** The model the fake catalogue offers and the client is told to use. */
export const HOSTED_MODEL = 'gpt-4.1';

export interface FakeAnswer { status: number; headers?: Record<string, string>; body: unknown }

function hostOf(headers: IncomingHttpHeaders): string {
  return String(headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

const copilotUser = (apiHost: string) => ({
  login: 'airlock-test-user',
  access_type_sku: 'free_limited_copilot',
  analytics_tracking_id: '00000000000000000000000000000000',
  assigned_date: null,
  can_signup_for_limited: false,
  chat_enabled: true,
  copilot_plan: 'individual',
  organization_login_list: [],
  organization_list: [],
  endpoints: {
    api: `https://${apiHost}`,
    'origin-tracker': 'https://origin-tracker.individual.githubcopilot.com',
    proxy: 'https://proxy.individual.githubcopilot.com',
    telemetry: 'https://telemetry.individual.githubcopilot.com',
  },
  quota_reset_date: '2027-01-01',
  quota_snapshots: {
    chat: { entitlement: 0, overage_count: 0, overage_permitted: false, percent_remaining: 100, quota_id: 'chat', quota_remaining: 0, remaining: 0, unlimited: true },
    completions: { entitlement: 0, overage_count: 0, overage_permitted: false, percent_remaining: 100, quota_id: 'completions', quota_remaining: 0, remaining: 0, unlimited: true },
    premium_interactions: { entitlement: 0, overage_count: 0, overage_permitted: false, percent_remaining: 100, quota_id: 'premium_interactions', quota_remaining: 0, remaining: 0, unlimited: true },
  },
});

const models = () => ({
  object: 'list',
  data: [{
    id: HOSTED_MODEL,
    name: 'GPT-4.1',
    object: 'model',
    vendor: 'Azure OpenAI',
    version: 'gpt-4.1-2025-04-14',
    preview: false,
    model_picker_enabled: true,
    is_chat_default: true,
    is_chat_fallback: true,
    capabilities: {
      family: 'gpt-4.1',
      type: 'chat',
      object: 'model_capabilities',
      tokenizer: 'o200k_base',
      limits: { max_context_window_tokens: 128000, max_output_tokens: 16384, max_prompt_tokens: 128000 },
      supports: { streaming: true, tool_calls: true, parallel_tool_calls: true, structured_outputs: true, vision: false },
    },
    policy: { state: 'enabled', terms: '' },
    supported_endpoints: ['/chat/completions', '/responses'],
  }],
});

/**
 * The answer for a GitHub-side request, or undefined when the request is not one of these.
 * `apiHost` is the Copilot API host the user's plan names (`endpoints.api`).
 */
export function githubAnswer(method: string, path: string, headers: IncomingHttpHeaders, apiHost = COPILOT_API_HOST): FakeAnswer | undefined {
  const host = hostOf(headers);
  if (host === GITHUB_API_HOST) {
    if (method === 'GET' && path === '/copilot_internal/user') return { status: 200, body: copilotUser(apiHost) };
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  }
  if (host.endsWith('.githubcopilot.com') || host === 'api.githubcopilot.com') {
    if (method === 'GET' && path === '/models') return { status: 200, body: models() };
  }
  return undefined;
}
