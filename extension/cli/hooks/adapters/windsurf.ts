// Windsurf Cascade hooks (`.windsurf/hooks.json`): `{agent_action_name, trajectory_id,
// execution_id, tool_info}`; pre_read_code `{file_path}`, pre_write_code `{file_path, edits}`,
// pre_run_command `{command_line, cwd}`, pre_mcp_tool_use `{mcp_server_name, mcp_tool_name,
// mcp_tool_arguments}`, pre_user_prompt `{user_prompt}`; post_write_code and post_run_command
// after. A pre-hook blocks with exit 2; stderr is shown (show_output).
import { obj, str, type HookAdapter, type HookEvent, type HookInput, type WriteEvidence } from '../events';

export const windsurfAdapter: HookAdapter = {
  parse(payload) {
    const eventName = str(payload.agent_action_name) ?? '';
    const info = obj(payload.tool_info);
    let event: HookEvent = { phase: 'other' };
    const writeAction = () => {
      const path = str(info.file_path) ?? '';
      const edits = Array.isArray(info.edits) ? info.edits.map(obj) : [];
      const evidence: WriteEvidence = { path, newTexts: edits.filter((e) => typeof e.new_string === 'string').map((e) => ({ newText: e.new_string as string, ...(typeof e.old_string === 'string' ? { oldText: e.old_string } : {}) })) };
      return { kind: 'write' as const, paths: path ? [path] : [], evidence: path ? [evidence] : [] };
    };
    switch (eventName) {
      case 'pre_user_prompt':
        event = { phase: 'prompt', text: str(info.user_prompt) ?? '', attachments: [] };
        break;
      case 'pre_read_code':
        event = { phase: 'pre-tool', tool: 'read_code', action: { kind: 'read', paths: [str(info.file_path) ?? ''].filter(Boolean) } };
        break;
      case 'pre_write_code':
        event = { phase: 'pre-tool', tool: 'write_code', action: writeAction() };
        break;
      case 'post_write_code':
        event = { phase: 'post-tool', tool: 'write_code', action: writeAction() };
        break;
      case 'pre_run_command':
      case 'post_run_command':
        event = { phase: eventName === 'pre_run_command' ? 'pre-tool' : 'post-tool', tool: 'run_command', action: { kind: 'shell', command: str(info.command_line) ?? '', ...(str(info.cwd) ? { cwd: str(info.cwd)! } : {}) } };
        break;
      case 'pre_mcp_tool_use':
        event = { phase: 'pre-tool', tool: `mcp__${str(info.mcp_server_name) ?? 'server'}__${str(info.mcp_tool_name) ?? 'tool'}`, action: { kind: 'generic', input: obj(info.mcp_tool_arguments) } };
        break;
    }
    const input: HookInput = { agent: 'windsurf', eventName, event };
    if (str(info.cwd)) input.cwd = str(info.cwd)!;
    if (str(payload.trajectory_id)) input.sessionId = str(payload.trajectory_id)!;
    if (eventName.endsWith('run_command') || eventName.endsWith('write_code')) input.pairKey = `${eventName.slice(eventName.indexOf('_') + 1)}:${str(payload.trajectory_id) ?? ''}:${str(payload.execution_id) ?? ''}`;
    return input;
  },
  answer(_input, decision) {
    if (decision.outcome === 'deny') return { exitCode: 2, stderr: `${decision.message}\n` };
    return { exitCode: 0 };
  },
  failure(message) {
    return { exitCode: 2, stderr: `${message}\n` };
  },
};
