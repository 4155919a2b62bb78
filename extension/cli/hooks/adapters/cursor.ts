// Cursor hooks (`.cursor/hooks.json`, version 1): beforeSubmitPrompt `{prompt, attachments}`
// answers `{continue, user_message}`; beforeReadFile `{file_path, content}`, beforeShellExecution
// `{command, cwd}` and beforeMCPExecution `{tool_name, tool_input}` answer `{permission,
// user_message, agent_message}`; afterFileEdit `{file_path, edits}` is recorded. Common fields:
// conversation_id, generation_id, model, workspace_roots.
import type { HookDecision } from '../../../core/hooks/decide';
import { classifyTool } from '../tools';
import { obj, str, type HookAdapter, type HookAnswer, type HookEvent, type HookInput, type WriteEvidence } from '../events';

export const cursorAdapter: HookAdapter = {
  parse(payload) {
    const eventName = str(payload.hook_event_name) ?? '';
    let event: HookEvent = { phase: 'other' };
    switch (eventName) {
      case 'beforeSubmitPrompt':
        event = { phase: 'prompt', text: str(payload.prompt) ?? '', attachments: attachmentPaths(payload.attachments) };
        break;
      case 'beforeReadFile':
      case 'beforeTabFileRead':
        event = { phase: 'pre-tool', tool: 'Read', action: { kind: 'read', paths: [str(payload.file_path) ?? ''].filter(Boolean), ...(typeof payload.content === 'string' ? { content: payload.content } : {}) } };
        break;
      case 'beforeShellExecution':
        event = { phase: 'pre-tool', tool: 'Shell', action: { kind: 'shell', command: str(payload.command) ?? '', ...(str(payload.cwd) ? { cwd: str(payload.cwd)! } : {}) } };
        break;
      case 'afterShellExecution':
        event = { phase: 'post-tool', tool: 'Shell', action: { kind: 'shell', command: str(payload.command) ?? '' } };
        break;
      case 'beforeMCPExecution':
        event = { phase: 'pre-tool', tool: `mcp__${str(payload.tool_name) ?? 'tool'}`, action: { kind: 'generic', input: obj(payload.tool_input) } };
        break;
      case 'preToolUse':
        event = { phase: 'pre-tool', tool: str(payload.tool_name) ?? '', action: classifyTool(str(payload.tool_name) ?? '', payload.tool_input) };
        break;
      case 'afterFileEdit':
      case 'afterTabFileEdit': {
        const path = str(payload.file_path) ?? '';
        const edits = Array.isArray(payload.edits) ? payload.edits.map(obj) : [];
        const evidence: WriteEvidence = { path, newTexts: edits.filter((e) => typeof e.new_string === 'string').map((e) => ({ newText: e.new_string as string, ...(typeof e.old_string === 'string' ? { oldText: e.old_string } : {}) })) };
        event = { phase: 'post-tool', tool: 'Edit', action: { kind: 'write', paths: path ? [path] : [], evidence: path ? [evidence] : [] } };
        break;
      }
    }
    const input: HookInput = { agent: 'cursor', eventName, event };
    const roots = Array.isArray(payload.workspace_roots) ? payload.workspace_roots.filter((r): r is string => typeof r === 'string') : [];
    if (roots.length > 0) {
      input.workspaceRoots = roots;
      input.cwd = roots[0]!;
    }
    if (str(payload.cwd)) input.cwd = str(payload.cwd)!;
    if (str(payload.conversation_id)) input.sessionId = str(payload.conversation_id)!;
    if (str(payload.model)) input.model = str(payload.model)!;
    if (eventName.endsWith('ShellExecution')) input.pairKey = `${str(payload.conversation_id) ?? ''}:${str(payload.generation_id) ?? ''}:${str(payload.command) ?? ''}`;
    return input;
  },
  answer(input, decision) {
    return cursorAnswer(input.eventName, decision);
  },
  failure(message, eventName) {
    const answer = cursorAnswer(eventName ?? 'beforeShellExecution', { outcome: 'deny', message });
    return { ...answer, exitCode: 2 };
  },
};

function cursorAnswer(eventName: string, decision: HookDecision): HookAnswer {
  const denied = decision.outcome === 'deny';
  if (eventName === 'beforeSubmitPrompt') {
    return { exitCode: 0, stdout: `${JSON.stringify(denied ? { continue: false, user_message: decision.message } : { continue: true })}\n` };
  }
  if (eventName.startsWith('before') || eventName === 'preToolUse') {
    const body = denied ? { permission: 'deny', user_message: decision.message, agent_message: decision.message } : { permission: 'allow' };
    return { exitCode: 0, stdout: `${JSON.stringify(body)}\n` };
  }
  return { exitCode: 0, stdout: '{}\n' };
}

function attachmentPaths(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((a) => str(obj(a).file_path) ?? str(obj(a).filePath) ?? str(obj(a).path)).filter((p): p is string => !!p);
}
