// Which assistant sent a request, from the headers assistants set, for assistant-scoped rules.
import type { IncomingHttpHeaders } from 'node:http';

const USER_AGENTS: [RegExp, string][] = [
  [/claude-cli|claude-code/i, 'claude-code'],
  [/codex/i, 'codex'],
  [/aider/i, 'aider'],
  [/continue/i, 'continue'],
  [/roo-?code/i, 'roo-code'],
  [/cline/i, 'cline'],
  [/cursor/i, 'cursor'],
  [/copilot/i, 'copilot'],
  [/GeminiCLI|gemini-cli/i, 'gemini-cli'],
  [/opencode/i, 'opencode'],
];

export function assistantFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const explicit = headers['x-airlock-assistant'];
  if (typeof explicit === 'string' && /^[\w.-]{1,64}$/.test(explicit)) return explicit;
  const agent = headers['user-agent'] ?? '';
  const byAgent = USER_AGENTS.find(([pattern]) => pattern.test(agent))?.[1];
  if (byAgent) return byAgent;
  // GitHub Copilot in the editors (seen in proxy mode) names itself in these headers.
  if (headers['copilot-integration-id'] !== undefined || /copilot/i.test(String(headers['editor-plugin-version'] ?? ''))) return 'copilot';
  return undefined;
}
