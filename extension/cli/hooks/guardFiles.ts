// One policy compiled to every agent's own settings: hook configuration running the committed
// launcher, and ignore/deny files from the policy's protected paths. Rendering is a pure
// function of the policy and a file's current text, and merges: other tools' hooks, settings
// and ignore lines are kept; Airlock's part is a marked block (text files) or entries Airlock
// recognises (its launcher command) or listed in .airlock/agents.json (deny rules). Installing
// twice changes nothing; `agents check` renders again and reports any file that would change.
import { applyEdits, modify, parse } from 'jsonc-parser';
import type { CompiledPolicy } from '../../core/policy/contract';
import { agentDestinationViews } from '../../core/hooks/agents';
import { LAUNCHER_PATH, LAUNCHER_SCRIPT, LOCAL_CLI_POINTER, launcherCommand } from './launcher';

export const MANIFEST_PATH = '.airlock/agents.json';
export const GUARD_AGENTS = ['claude-code', 'vscode', 'copilot-cli', 'codex', 'gemini', 'cursor', 'windsurf', 'aider', 'continue', 'cline', 'roo', 'jetbrains', 'opencode'] as const;
export type GuardAgent = (typeof GUARD_AGENTS)[number];

export interface GuardPolicy {
  policy: CompiledPolicy;
  /** Protected path globs, all layers, in order (`!` re-includes). */
  protectedPaths: string[];
  /** Paths of `forbid` review rules (no AI-written code there). */
  forbidPaths: string[];
}

export interface Manifest {
  version: 1;
  agents: GuardAgent[];
  /** Entries Airlock added inside JSON lists it shares with others, so a later run can replace them. */
  entries: Record<string, string[]>;
}

export interface RenderedFile {
  path: string;
  text: string;
  executable?: boolean;
  /** What Airlock puts there, for previews. */
  summary: string;
}

const BEGIN = '# >>> airlock: generated from the Airlock policy by `airlock agents install`; edit the policy, not this block';
const END = '# <<< airlock';
const GIT_ROOT = '$(git rev-parse --show-toplevel 2>/dev/null || pwd)';
const HOOK_TIMEOUT_S = 30;

const IGNORE_FILES: Partial<Record<GuardAgent, string>> = {
  cursor: '.cursorignore',
  gemini: '.geminiignore',
  windsurf: '.codeiumignore',
  aider: '.aiderignore',
  continue: '.continueignore',
  cline: '.clineignore',
  roo: '.rooignore',
  jetbrains: '.aiignore',
};

/** Every file Airlock writes for `agents`, rendered over `current` (path → text, undefined when absent). */
export function renderGuardFiles(guard: GuardPolicy, agents: readonly GuardAgent[], current: (path: string) => string | undefined, previous?: Manifest): RenderedFile[] {
  const out: RenderedFile[] = [];
  const entries: Record<string, string[]> = {};
  out.push({ path: LAUNCHER_PATH, text: LAUNCHER_SCRIPT, executable: true, summary: 'the hook launcher every agent configuration runs (finds the Airlock CLI, refuses when it cannot)' });
  out.push({ path: '.airlock/.gitignore', text: withBlock(current('.airlock/.gitignore'), ['local/']), summary: 'keeps the machine-local CLI pointer out of git' });
  for (const agent of agents) {
    const protectedFor = protectsFor(guard, agent);
    const ignoreFile = IGNORE_FILES[agent];
    if (ignoreFile) out.push({ path: ignoreFile, text: withBlock(current(ignoreFile), protectedFor), summary: `${protectedFor.length} protected path pattern(s) ${agent} must not index or read` });
    switch (agent) {
      case 'claude-code': {
        const file = '.claude/settings.json';
        const deny = claudeDenyRules(protectedFor, guard.forbidPaths);
        entries[`${file}#permissions.deny`] = deny;
        let text = current(file) ?? '{}\n';
        text = setHooks(text, ['hooks'], claudeHooks(), isAirlockEntry);
        text = setList(text, ['permissions', 'deny'], deny, previous?.entries[`${file}#permissions.deny`] ?? []);
        out.push({ path: file, text, summary: `hooks UserPromptSubmit, PreToolUse, PostToolUse; permissions.deny: ${deny.length} rule(s)` });
        break;
      }
      case 'codex': {
        const file = '.codex/hooks.json';
        const cmd = launcherCommand('codex', GIT_ROOT);
        const hooks: Record<string, unknown[]> = Object.fromEntries(['UserPromptSubmit', 'PreToolUse', 'PostToolUse'].map((e) => [e, [{ hooks: [{ type: 'command', command: cmd, timeout: HOOK_TIMEOUT_S }] }]]));
        // Stop only records (a patch Codex applied from an exec_command heredoc fires no PostToolUse).
        // Exit 2 there would make Codex continue the turn, so this one never refuses, even broken.
        hooks.Stop = [{ hooks: [{ type: 'command', command: `sh "${GIT_ROOT}"/${LAUNCHER_PATH} codex Stop >/dev/null 2>&1; exit 0`, timeout: HOOK_TIMEOUT_S }] }];
        out.push({ path: file, text: setHooks(current(file) ?? '{}\n', ['hooks'], hooks, isAirlockEntry), summary: 'hooks UserPromptSubmit, PreToolUse, PostToolUse; Stop (records only)' });
        break;
      }
      case 'gemini': {
        const file = '.gemini/settings.json';
        const cmd = launcherCommand('gemini', '${GEMINI_PROJECT_DIR:-.}');
        const hooks = Object.fromEntries(['BeforeAgent', 'BeforeModel', 'BeforeTool', 'AfterTool'].map((e) => [e, [{ matcher: e.endsWith('Tool') ? '.*' : '*', hooks: [{ name: 'airlock', type: 'command', command: cmd, timeout: HOOK_TIMEOUT_S * 1000 }] }]]));
        out.push({ path: file, text: setHooks(current(file) ?? '{}\n', ['hooks'], hooks, isAirlockEntry), summary: 'hooks BeforeAgent, BeforeModel (redacts secrets), BeforeTool, AfterTool' });
        break;
      }
      case 'vscode': {
        const cmd = launcherCommand('vscode', GIT_ROOT);
        const hooks = Object.fromEntries(['UserPromptSubmit', 'PreToolUse', 'PostToolUse'].map((e) => [e, [{ type: 'command', command: cmd, timeout: HOOK_TIMEOUT_S }]]));
        out.push({ path: '.github/hooks/airlock-vscode.json', text: `${JSON.stringify({ hooks }, null, 2)}\n`, summary: 'VS Code agent hooks UserPromptSubmit, PreToolUse, PostToolUse' });
        break;
      }
      case 'copilot-cli': {
        const hooks: Record<string, unknown[]> = Object.fromEntries(
          ['userPromptSubmitted', 'preToolUse', 'postToolUse'].map((e) => [e, [{ type: 'command', bash: launcherCommand('copilot-cli', GIT_ROOT, e), cwd: '.', timeoutSec: HOOK_TIMEOUT_S }]]),
        );
        // agentStop and sessionEnd only record (the write's model, which Copilot names at the end of a turn); never refuse there.
        for (const e of ['agentStop', 'sessionEnd']) hooks[e] = [{ type: 'command', bash: `sh "${GIT_ROOT}"/${LAUNCHER_PATH} copilot-cli ${e} >/dev/null 2>&1; exit 0`, cwd: '.', timeoutSec: HOOK_TIMEOUT_S }];
        out.push({ path: '.github/hooks/airlock-copilot-cli.json', text: `${JSON.stringify({ version: 1, hooks }, null, 2)}\n`, summary: 'Copilot CLI hooks preToolUse, postToolUse (userPromptSubmitted cannot block); agentStop, sessionEnd (record only)' });
        break;
      }
      case 'cursor': {
        const file = '.cursor/hooks.json';
        const events = ['beforeSubmitPrompt', 'beforeReadFile', 'beforeShellExecution', 'beforeMCPExecution', 'afterShellExecution', 'afterFileEdit'];
        const hooks = Object.fromEntries(events.map((e) => [e, [{ command: launcherCommand('cursor', GIT_ROOT, e) }]]));
        let text = current(file) ?? '{}\n';
        text = applyEdits(text, modify(text, ['version'], 1, FORMAT));
        out.push({ path: file, text: setHooks(text, ['hooks'], hooks, isAirlockEntry), summary: `hooks ${events.join(', ')}` });
        break;
      }
      case 'windsurf': {
        const file = '.windsurf/hooks.json';
        const events = ['pre_user_prompt', 'pre_read_code', 'pre_write_code', 'pre_run_command', 'pre_mcp_tool_use', 'post_write_code', 'post_run_command'];
        const hooks = Object.fromEntries(events.map((e) => [e, [{ command: launcherCommand('windsurf', GIT_ROOT, e), show_output: true }]]));
        out.push({ path: file, text: setHooks(current(file) ?? '{}\n', ['hooks'], hooks, isAirlockEntry), summary: `Cascade hooks ${events.join(', ')}` });
        break;
      }
      case 'opencode': {
        const file = 'opencode.json';
        const rules = opencodeReadRules(protectedFor);
        const key = `${file}#permission.read`;
        entries[key] = Object.keys(rules);
        let text = current(file) ?? '{\n  "$schema": "https://opencode.ai/config.json"\n}\n';
        for (const old of previous?.entries[key] ?? []) if (!(old in rules)) text = applyEdits(text, modify(text, ['permission', 'read', old], undefined, FORMAT));
        for (const [glob, action] of Object.entries(rules)) text = applyEdits(text, modify(text, ['permission', 'read', glob], action, FORMAT));
        out.push({ path: file, text, summary: `permission.read: ${Object.keys(rules).length} deny rule(s)` });
        break;
      }
      default:
        break;
    }
  }
  const manifest: Manifest = { version: 1, agents: [...new Set(agents)].sort(), entries };
  out.push({ path: MANIFEST_PATH, text: `${JSON.stringify(manifest, null, 2)}\n`, summary: 'what Airlock installed, for `airlock agents check`' });
  return out;
}

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

function claudeHooks(): Record<string, unknown[]> {
  const cmd = launcherCommand('claude-code', '${CLAUDE_PROJECT_DIR:-.}');
  const entry = { hooks: [{ type: 'command', command: cmd, timeout: HOOK_TIMEOUT_S }] };
  return { UserPromptSubmit: [entry], PreToolUse: [{ matcher: '*', ...entry }], PostToolUse: [{ matcher: '*', ...entry }] };
}

/** An entry Airlock wrote: it runs the launcher (or is an older install's absolute `… hook claude-code`). */
function isAirlockEntry(entry: unknown): boolean {
  const text = JSON.stringify(entry);
  return text.includes('airlock-hook') || /cli\.js'? hook claude-code/.test(text);
}

/** Replaces Airlock's entries in each event list under `at`, keeping everyone else's, in order. */
function setHooks(text: string, at: string[], ours: Record<string, unknown[]>, isOurs: (entry: unknown) => boolean): string {
  const tree = (parse(text) ?? {}) as Record<string, unknown>;
  let node: unknown = tree;
  for (const k of at) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  const existing = node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : {};
  let out = text;
  for (const [event, entries] of Object.entries(ours)) {
    const list = Array.isArray(existing[event]) ? (existing[event] as unknown[]) : [];
    const next = [...list.filter((e) => !isOurs(e)), ...entries];
    if (JSON.stringify(next) !== JSON.stringify(list)) out = applyEdits(out, modify(out, [...at, event], next, FORMAT));
  }
  return out;
}

/** Sets Airlock's strings in a shared list: drops the ones it added before, keeps the others. */
function setList(text: string, at: string[], ours: string[], previouslyOurs: string[]): string {
  const tree = (parse(text) ?? {}) as Record<string, unknown>;
  let node: unknown = tree;
  for (const k of at) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  const list = Array.isArray(node) ? node.filter((x): x is string => typeof x === 'string') : [];
  const dropped = new Set(previouslyOurs);
  const kept = list.filter((x) => !dropped.has(x) && !ours.includes(x));
  const next = [...kept, ...ours];
  if (JSON.stringify(next) === JSON.stringify(list)) return text;
  return applyEdits(text, modify(text, at, next, FORMAT));
}

/** A text file with Airlock's block replaced (or appended), everything else kept. */
export function withBlock(current: string | undefined, lines: readonly string[]): string {
  const block = [BEGIN, ...lines, END].join('\n');
  const text = current ?? '';
  const start = text.indexOf(BEGIN);
  const end = start >= 0 ? text.indexOf(END, start) : -1;
  if (start >= 0 && end >= 0) return `${text.slice(0, start)}${block}${text.slice(end + END.length)}`;
  return `${text}${text.length > 0 && !text.endsWith('\n') ? '\n' : ''}${text.length > 0 ? '\n' : ''}${block}\n`;
}

/**
 * The protected patterns an agent must not read: all of them when protected code may not go
 * to the agent's destination (the engine decides, as for any request), none when it may.
 */
function protectsFor(guard: GuardPolicy, agent: GuardAgent): string[] {
  const positives = guard.protectedPaths.filter((p) => !p.startsWith('!'));
  if (positives.length === 0) return [];
  const probe = probePath(positives[0]!);
  // Content, not a bare path: a path alone is a reference, which is not code leaving.
  const blocked = agentDestinationViews(guard.policy, agent).some(
    (destination) => guard.policy.evaluateEgress({ destination, segments: [{ id: 'probe', role: 'file', path: probe, text: 'export const probe = 1;\n' }], referencedPaths: [], assistant: agent }).action === 'block',
  );
  return blocked ? [...guard.protectedPaths] : [];
}

/** A concrete path a glob matches, to ask the engine about it. */
function probePath(glob: string): string {
  let p = glob.replace(/^\//, '').replace(/\*\*/g, 'airlock-probe').replace(/\*/g, 'airlock-probe').replace(/\?/g, 'x').replace(/\[[^\]]*\]/g, 'x');
  if (p.endsWith('/')) p += 'airlock-probe';
  return p || 'airlock-probe';
}

/** Claude Code permission rules: Read denied for protected paths, Edit for `forbid` paths. */
function claudeDenyRules(protectedPaths: string[], forbidPaths: string[]): string[] {
  const toRule = (tool: string, glob: string) => {
    const anchored = glob.startsWith('/') || glob.replace(/\/$/, '').includes('/');
    const path = glob.replace(/^\//, '').replace(/\/$/, '/**');
    return `${tool}(${anchored ? `./${path}` : `**/${path}`})`;
  };
  // Deny rules cannot re-include (`!docs/**`): then only the hooks, which follow the policy exactly, decide.
  const reads = protectedPaths.some((p) => p.startsWith('!')) ? [] : protectedPaths.map((p) => toRule('Read', p));
  const edits = forbidPaths.some((p) => p.startsWith('!')) ? [] : forbidPaths.map((p) => toRule('Edit', p));
  return [...new Set([...reads, ...edits])];
}

function opencodeReadRules(protectedPaths: string[]): Record<string, string> {
  if (protectedPaths.some((p) => p.startsWith('!'))) return {};
  return Object.fromEntries(protectedPaths.map((p) => [p.replace(/^\//, ''), 'deny']));
}

export { LOCAL_CLI_POINTER };
