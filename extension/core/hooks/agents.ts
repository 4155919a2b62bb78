// The agents Airlock has hook adapters for, and where each sends what it reads when the policy
// does not say otherwise (`agents.<id>.destination`): its public API, so an unnamed destination
// is treated as the strictest one.
export const AGENT_IDS = ['claude-code', 'vscode', 'copilot-cli', 'codex', 'gemini', 'cursor', 'windsurf'] as const;
export type AgentId = (typeof AGENT_IDS)[number];

export const DEFAULT_AGENT_DESTINATIONS: Readonly<Record<AgentId, string>> = {
  'claude-code': 'https://api.anthropic.com/v1/messages',
  vscode: 'https://api.githubcopilot.com/chat/completions',
  'copilot-cli': 'https://api.githubcopilot.com/chat/completions',
  codex: 'https://api.openai.com/v1/responses',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/models',
  cursor: 'https://api2.cursor.sh/',
  windsurf: 'https://server.codeium.com/',
};

export function isAgentId(name: string): name is AgentId {
  return (AGENT_IDS as readonly string[]).includes(name);
}

/** The destination the hooks of `agent` decide for: the policy's, else the agent's public API. */
export function agentDestination(policy: { agentDestination?(agent: string): string | undefined }, agent: AgentId): string {
  return policy.agentDestination?.(agent) ?? DEFAULT_AGENT_DESTINATIONS[agent];
}

/**
 * The destinations to decide for, one per layer's view: a layer sees the destination named by
 * itself or a higher layer, else the public API. A workspace naming an internal endpoint thus
 * cannot loosen an organization's rules about it (layers only add and tighten); the strongest
 * verdict over the views wins.
 */
export function agentDestinationViews(
  policy: { agentDestination?(agent: string): string | undefined; compiledLayers?: readonly { agentDestinations?: ReadonlyMap<string, string> }[] },
  agent: string,
): string[] {
  const fallback = isAgentId(agent) ? DEFAULT_AGENT_DESTINATIONS[agent] : 'https://api.openai.com/v1/chat/completions';
  const layers = policy.compiledLayers;
  if (!layers || layers.length === 0) return [policy.agentDestination?.(agent) ?? fallback];
  const views: string[] = [];
  let named: string | undefined;
  for (const layer of layers) {
    named ??= layer.agentDestinations?.get(agent);
    views.push(named ?? fallback);
  }
  return [...new Set(views)];
}
