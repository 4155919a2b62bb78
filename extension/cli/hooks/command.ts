// `airlock hook <agent> [event]`: reads the agent's hook payload on stdin, decides with the
// policy's engine, answers in the agent's format. Fails closed: a payload it cannot read, a
// policy it cannot load, an error or a timeout all refuse, in the agent's own refusal format.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { agentDestination, agentDestinationViews, isAgentId, AGENT_IDS, type AgentId } from '../../core/hooks/agents';
import { decideHook, type HookCheck, type HookDecision, type HookFile } from '../../core/hooks/decide';
import type { CompiledPolicy } from '../../core/policy/contract';
import type { CliIO } from '../run';
import { findGitRoot } from '../scan/walk';
import { ADAPTERS } from './adapters';
import type { HookAdapter, HookAnswer, HookInput } from './events';
import { checksFor, readCheck } from './gather';
import { makeWorkspace, policyPath, realPath, type Workspace } from './paths';
import { DEFAULT_REACH } from './reach';
import { callerEnv } from './callerEnv';

/** Below every agent's own hook timeout (Claude Code 60 s, Copilot 30 s, VS Code 30 s): a timeout there would fail open. */
const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
/** core/policy's DEFAULT_WORKSPACE_POLICY_PATH, written out so this module does not load the engine before it needs it. */
const DEFAULT_WORKSPACE_POLICY_PATH = '.airlock/policy.jsonc';

export const BROKEN_HOOK_HELP = 'Run `airlock agents check` in the repository (or reinstall Airlock) to repair it.';

export async function hookCommand(args: string[], io: CliIO): Promise<number> {
  const timeoutMs = Number(callerEnv('AIRLOCK_HOOK_TIMEOUT_MS')) || DEFAULT_TIMEOUT_MS;
  // An agent that never closes stdin must not keep the hook (and so the action) waiting past its own timeout.
  const stdinTimer = setTimeout(() => {
    const a = failureAnswer(args, `Airlock's hook got no complete payload within ${timeoutMs} ms, so the action was refused (fail closed).`);
    if (a.stdout) io.stdout.write(a.stdout);
    if (a.stderr) io.stderr.write(a.stderr);
    process.exit(a.exitCode);
  }, timeoutMs);
  stdinTimer.unref();
  const raw = await readAll(io.stdin).catch(() => '');
  clearTimeout(stdinTimer);
  const a = await answerHook(args, raw, io.cwd, { exitOnTimeout: true });
  if (a.stdout) io.stdout.write(a.stdout);
  if (a.stderr) io.stderr.write(a.stderr);
  return a.exitCode;
}

/** The refusal for a hook that cannot decide, in the agent's format when the agent is known. */
export function failureAnswer(args: readonly string[], message: string): HookAnswer {
  const name = args[0] ?? '';
  if (!isAgentId(name)) return { exitCode: 2, stderr: `${message}\n` };
  return ADAPTERS[name].failure(message, args[1]);
}

/**
 * One hook call: `args` are `<agent> [event]`, `raw` the payload. Never throws and never
 * answers "allow" for a failure; a timeout refuses (and, standalone, ends the process so the
 * slow check cannot let anything through later).
 */
export async function answerHook(args: readonly string[], raw: string, cwd: string, options: { exitOnTimeout?: boolean } = {}): Promise<HookAnswer> {
  const name = args[0] ?? '';
  if (!isAgentId(name)) {
    return { exitCode: 2, stderr: `Airlock's hook is misconfigured: unknown agent '${name}' (expected one of ${AGENT_IDS.join(', ')}), so the action was refused. ${BROKEN_HOOK_HELP}\n` };
  }
  const adapter = ADAPTERS[name];
  const eventHint = args[1];
  const timeoutMs = Number(callerEnv('AIRLOCK_HOOK_TIMEOUT_MS')) || DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HookAnswer>((resolvePromise) => {
    timer = setTimeout(() => {
      const a = adapter.failure(`Airlock's hook timed out after ${timeoutMs} ms, so the action was refused (fail closed). ${BROKEN_HOOK_HELP}`, eventHint);
      resolvePromise(a);
      if (options.exitOnTimeout) {
        if (a.stdout) process.stdout.write(a.stdout);
        if (a.stderr) process.stderr.write(a.stderr);
        process.exit(a.exitCode);
      }
    }, timeoutMs);
    timer.unref();
  });
  const work = run(name, adapter, eventHint, raw, cwd).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'unknown error';
    return adapter.failure(`Airlock's hook failed (${reason}), so the action was refused (fail closed). ${BROKEN_HOOK_HELP}`, eventHint);
  });
  const answer = await Promise.race([work, timeout]);
  clearTimeout(timer);
  return answer;
}

async function run(agent: AgentId, adapter: HookAdapter, eventHint: string | undefined, raw: string, cwd: string): Promise<HookAnswer> {
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    payload = parsed as Record<string, unknown>;
  } catch {
    return adapter.failure('Airlock could not read the hook payload (not a JSON object), so the action was refused (fail closed).', eventHint);
  }
  // Copilot CLI does not name the event in its payload: the installed command does.
  if (eventHint) {
    payload.hook_event_name ??= eventHint;
    payload.hookEventName ??= eventHint;
    payload.agent_action_name ??= eventHint;
  }
  const input = adapter.parse(payload);
  const decision = await decide(agent, input, { cwd });
  return adapter.answer(input, decision);
}

/** Decides one parsed hook call (exported for tests and the bench). */
export async function decide(agent: AgentId, input: HookInput, io: { cwd: string }): Promise<HookDecision> {
  const event = input.event;
  // Codex writes an apply_patch heredoc run through exec_command without a PostToolUse, and
  // Copilot CLI names a write's model only at the end of the turn: a later hook call of the
  // session (Stop / agentStop at the latest) records what waits.
  const pendingWrites = (agent === 'codex' || agent === 'copilot-cli') && input.sessionId !== undefined;
  if (event.phase === 'other' && !pendingWrites) return { outcome: 'allow', message: '' };
  const cwd = realCwd(input.cwd ?? io.cwd);
  const root = findGitRoot(cwd) ?? cwd;
  // Roots an agent names (Cursor: its opened folders) count by their git top too: a folder
  // opened below the top is judged by the top's policy and records into the top's ledger,
  // where \`airlock check\` reads, never into a second .airlock of its own.
  const named = input.workspaceRoots && input.workspaceRoots.length > 0 ? input.workspaceRoots.map((r) => findGitRoot(realCwd(r)) ?? r) : [root];
  const workspace = makeWorkspace(named, cwd);
  const repo = workspace.roots[0]!;
  if (pendingWrites) {
    const { recordHeld, recordPending } = await import('./after');
    if (agent === 'codex') recordPending(input, repo, input.eventName === 'Stop');
    else await recordHeld(input, repo, input.eventName === 'agentStop' || input.eventName === 'sessionEnd');
  }
  if (event.phase === 'other') return { outcome: 'allow', message: '' };

  if (event.phase === 'post-tool') {
    const { recordAfter } = await import('./after');
    recordAfter(agent, input, event.action, repo, cwd);
    return { outcome: 'allow', message: '' };
  }

  let checks: HookCheck[];
  if (event.phase === 'prompt') {
    // `@src/file.ts` in a prompt makes Claude Code, Gemini CLI and others attach that file without a tool call.
    const attached = [...event.attachments, ...mentionedPaths(event.text, workspace)];
    const check = attached.length > 0 ? (readCheck('prompt', attached, [], workspace, DEFAULT_REACH) as Extract<HookCheck, { kind: 'read' }>) : undefined;
    if (check?.unchecked) return { outcome: 'deny', rule: 'airlock:hook-unchecked', message: `Airlock refused this prompt: ${check.unchecked}` };
    const files: HookFile[] = check?.files ?? [];
    checks = [{ kind: 'prompt', text: event.text, files }];
  } else if (event.phase === 'model-request') {
    checks = [{ kind: 'model-request', messages: event.messages }];
  } else {
    checks = checksFor(event.tool, event.action, workspace);
  }
  if (checks.length === 0) return beforeTool(input, repo, cwd, { outcome: 'allow', message: '' });

  const policy = await loadPolicy(repo);
  if (!policy.ok) {
    return { outcome: 'deny', rule: 'airlock:policy-error', message: `Airlock's policy could not be loaded (${policy.problem}), so the action was refused (fail closed). Fix .airlock/policy.jsonc (\`airlock policy validate\`).` };
  }
  const { fingerprintIndex } = await import('./fingerprints');
  const protectedIndex = await fingerprintIndex(repo, policy.policy);
  const context = {
    agent,
    destination: agentDestination(policy.policy, agent),
    destinations: agentDestinationViews(policy.policy, agent),
    workspaceRoots: workspace.roots,
    policyFiles: policy.files.map((f) => policyPath(f, workspace)),
    egressOptions: { workspaceRoots: workspace.roots, ...(protectedIndex ? { protectedIndex } : {}) },
  };
  let rewrite: HookDecision | undefined;
  const warnings: string[] = [];
  for (const check of checks) {
    const decision = decideHook(policy.policy, check, context);
    if (decision.outcome === 'deny') return decision;
    if (decision.outcome === 'rewrite') rewrite = decision;
    if (decision.warning) warnings.push(decision.warning);
  }
  const allowed: HookDecision = rewrite ?? { outcome: 'allow', message: '', ...(warnings.length > 0 ? { warning: warnings.join(' ') } : {}) };
  return beforeTool(input, repo, cwd, allowed);
}

/** Existing files and folders a prompt names with `@` (email addresses and @handles that are not paths are ignored). */
function mentionedPaths(text: string, workspace: Workspace): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s(["'])@([-A-Za-z0-9_./~][^\s"'`()\]]*)/g)) {
    const path = m[1]!.replace(/[.,;:!?]+$/, '');
    if (out.length >= 50) break;
    if (existsSync(realPath(path, workspace.cwd))) out.push(path);
  }
  return out;
}

/** An allowed tool call that writes: remember the work tree before it, to record exactly what it wrote. */
async function beforeTool(input: HookInput, repo: string, cwd: string, decision: HookDecision): Promise<HookDecision> {
  const event = input.event;
  if (event.phase !== 'pre-tool' || decision.outcome === 'deny' || !input.pairKey) return decision;
  const kind = event.action.kind;
  if (kind !== 'write' && kind !== 'shell' && kind !== 'patch') return decision;
  const { rememberBefore } = await import('./after');
  rememberBefore(input, event.action, repo, cwd);
  return decision;
}

type PolicyLoad = { ok: true; policy: CompiledPolicy; files: string[] } | { ok: false; problem: string };

/** Compiled policies by workspace, for a long-running hook server; reused while none of their files changed. */
const policyCache = new Map<string, { signature: string; load: PolicyLoad }>();

async function loadPolicy(root: string): Promise<PolicyLoad> {
  const cached = policyCache.get(root);
  if (cached && cached.signature === policySignature(root, cached.load)) return cached.load;
  const load = await loadPolicyFresh(root);
  policyCache.set(root, { signature: policySignature(root, load), load });
  return load;
}

/** What must not change for a compiled policy to stay valid: its files, the workspace policy's existence, the org setting. */
function policySignature(root: string, load: PolicyLoad): string {
  const files = new Set([join(root, DEFAULT_WORKSPACE_POLICY_PATH), ...(load.ok ? load.files : [])]);
  const parts = [process.env.AIRLOCK_ORG_POLICY ?? ''];
  for (const f of files) {
    try {
      const st = statSync(f);
      parts.push(`${f}:${st.mtimeMs}:${st.size}:${st.ino}`);
    } catch {
      parts.push(`${f}:-`);
    }
  }
  // A policy from a URL is fetched again after a minute.
  if (/^https:/.test(process.env.AIRLOCK_ORG_POLICY ?? '')) parts.push(String(Math.floor(Date.now() / 60_000)));
  return parts.join('|');
}

async function loadPolicyFresh(root: string): Promise<PolicyLoad> {
  const { loadReviewPolicy } = await import('../provenance/policy');
  try {
    const load = await loadReviewPolicy(root);
    if (!load.ok) return { ok: false, problem: load.problems[0] ?? 'policy error' };
    const files = ((load.policy as { files?: readonly string[] }).files ?? []).filter((f) => f.startsWith('/'));
    return { ok: true, policy: load.policy, files };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

function realCwd(cwd: string): string {
  try {
    return realpathSync.native(cwd);
  } catch {
    return resolve(cwd);
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > MAX_PAYLOAD_BYTES) {
        reject(new Error('hook payload too large'));
        return;
      }
      chunks.push(b);
    });
    stream.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

