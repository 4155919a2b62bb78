// GitHub's side of Copilot CLI with GitHub-hosted models: what api.github.com and the Copilot API
// host answer before and beside the model call (the model call itself is Chat Completions, see
// chat.ts). Shapes as the real services send them, reduced to the fields the client reads.
//   GET api.github.com/copilot_internal/user   the signed-in user's Copilot plan and, in
//                                              `endpoints.api`, the Copilot API host to use
//   GET <endpoints.api>/models                 the model catalogue (Copilot's own shape)
//   POST <endpoints.api>/mcp/readonly          GitHub's MCP server (one read-only tool)
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

/** The GitHub MCP server's one tool here (Copilot names it `github-mcp-server-search_code`). */
export const MCP_TOOL = 'search_code';

/**
 * GitHub's MCP server on the Copilot API host (`/mcp/readonly`, MCP over HTTP, JSON answers):
 * initialize, the initialized notification, tools/list with one tool, tools/call. Copilot's
 * newer `server/discover` gets "method not found", so it falls back to initialize.
 */
function mcpAnswer(body: Buffer): FakeAnswer {
  let rpc: { id?: number | string; method?: string; params?: { protocolVersion?: string } };
  try {
    rpc = JSON.parse(body.toString('utf8')) as typeof rpc;
  } catch {
    return { status: 400, body: { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } } };
  }
  const result = (value: unknown): FakeAnswer => ({ status: 200, headers: { 'mcp-session-id': 'fake-mcp-session' }, body: { jsonrpc: '2.0', id: rpc.id, result: value } });
  switch (rpc.method) {
    case 'initialize':
      return result({ protocolVersion: rpc.params?.protocolVersion ?? '2025-06-18', capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'github-mcp-server', version: 'fake' } });
    case 'notifications/initialized':
      return { status: 202, body: '' };
    case 'tools/list':
      return result({ tools: [{ name: MCP_TOOL, description: 'Search for code across GitHub repositories.', inputSchema: { type: 'object', properties: { query: { type: 'string', description: 'Search query' } }, required: ['query'] }, annotations: { readOnlyHint: true } }] });
    case 'tools/call':
      return result({ content: [{ type: 'text', text: 'No code matched the query.' }], isError: false });
    default:
      return { status: 200, body: { jsonrpc: '2.0', id: rpc.id ?? null, error: { code: -32601, message: `Method not found: ${String(rpc.method)}` } } };
  }
}

/**
 * The answer for a GitHub-side request, or undefined when the request is not one of these.
 * `apiHost` is the Copilot API host the user's plan names (`endpoints.api`).
 */
export function githubAnswer(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer, apiHost = COPILOT_API_HOST): FakeAnswer | undefined {
  const host = hostOf(headers);
  if (host === GITHUB_API_HOST) {
    if (method === 'GET' && path === '/copilot_internal/user') return { status: 200, body: copilotUser(apiHost) };
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  }
  if (host.endsWith('.githubcopilot.com') || host === 'api.githubcopilot.com') {
    if (method === 'GET' && path === '/models') return { status: 200, body: models() };
    if (method === 'POST' && path === '/mcp/readonly') return mcpAnswer(body);
  }
  return undefined;
}
