// `airlock hook <agent>`: the adapter for each agent id.
import type { AgentId } from '../../../core/hooks/agents';
import type { HookAdapter } from '../events';
import { claudeLikeAdapter } from './claudeLike';
import { copilotCliAdapter } from './copilotCli';
import { cursorAdapter } from './cursor';
import { geminiAdapter } from './gemini';
import { windsurfAdapter } from './windsurf';

export const ADAPTERS: Readonly<Record<AgentId, HookAdapter>> = {
  'claude-code': claudeLikeAdapter('claude-code'),
  codex: claudeLikeAdapter('codex'),
  vscode: claudeLikeAdapter('vscode'),
  gemini: geminiAdapter,
  'copilot-cli': copilotCliAdapter,
  cursor: cursorAdapter,
  windsurf: windsurfAdapter,
};
