// Captures the exact requests the real agent CLIs send, as fixtures for unit tests that need
// real wire shapes (egress inspection, fingerprints, hooks). Each case runs one real CLI
// directly against the fake upstream (no gateway), in a fixed working directory so paths in the
// bodies are stable, and writes test/fixtures/agents/<agent>/<case>.json.
//
//   node esbuild.mjs && node --import tsx test/agents/capture.ts [agent…]
//
// Bodies are stored as the exact strings received; headers minus credentials.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENTS, CODEX_WRITING_MODEL, COPILOT_PATCHING_MODEL, codexOn, copilotOn, type AgentClient, type AgentName } from './clients';
import { startFake } from './fakes/server';
import { steps, text, tool } from './fakes/script';
import type { Turn } from './fakes/types';
import { AGENTS } from './install.mjs';
import { REPO, makeWorkdir, runAgent } from './runner';

/** Where captures run: fixed paths, so the bodies do not change with a random temp name. */
export const CAPTURE_ROOT = '/tmp/airlock-capture';
export const CAPTURE_WORKDIR = join(CAPTURE_ROOT, 'acme-quotes');
const OUT = join(REPO, 'test', 'fixtures', 'agents');
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'proxy-authorization', 'cookie', 'api-key']);

interface Case {
  name: string;
  description: string;
  prompt: (workdir: string) => string;
  turns: (c: AgentClient, workdir: string) => Turn[];
  /** Extra files committed into the project before the run. */
  files?: (hookScript: string) => Record<string, string>;
  /** Hook commands by the client's own event name (written by clients.ts into its config). */
  hooks?: (hookScript: string) => Record<string, string>;
  /** Runs another wiring of the client (e.g. Codex on a model that offers apply_patch). */
  client?: AgentClient;
}

/** Recording hooks for `events`; the ones in `refuse` exit 2. */
const record = (events: string[], refuse: string[] = []) => (script: string) =>
  Object.fromEntries(events.map((e) => [e, `${script} ${e}${refuse.includes(e) ? ' refuse' : ''}`]));

const abs = (w: string) => join(w, 'src', 'pricing.ts');
const DISCOUNT = 'export const discount = (c: number) => Math.round(c * 0.9);\nexport const none = 0;\n';
const GREET_OLD = '  return `Hello, ${name}!`;\n';
const GREET_NEW = '  const who = name.trim();\n  return `Hello, ${who}!`;\n';
const SHELL_PATCH = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: src/discount.ts\n+export const discount = (c: number) => Math.round(c * 0.9);\n+export const none = 0;\n*** End Patch\nEOF";

// A hook recorder for Claude Code: logs each payload into the hook-log folder; `refuse` exits 2.
const HOOK_SCRIPT = (log: string) => `#!/bin/sh
f="${log}/$(date +%s%N)-$1.json"
cat > "$f"
if [ "$2" = refuse ]; then echo "Airlock test hook: $1 refused (this hook always refuses)" >&2; exit 2; fi
exit 0
`;

function claudeHooks(script: string, refusePreToolUse: boolean): Record<string, string> {
  const cmd = (event: string, refuse = false) => ({ type: 'command', command: `${script} ${event}${refuse ? ' refuse' : ''}` });
  return {
    '.claude/settings.json': JSON.stringify({
      hooks: {
        UserPromptSubmit: [{ hooks: [cmd('UserPromptSubmit')] }],
        PreToolUse: [{ matcher: '*', hooks: [cmd('PreToolUse', refusePreToolUse)] }],
        PostToolUse: [{ matcher: '*', hooks: [cmd('PostToolUse')] }],
      },
    }, null, 2),
  };
}

const CASES: Partial<Record<AgentName, Case[]>> = {
  claude: [
    { name: 'say-hi', description: 'A plain prompt, no tool use.', prompt: () => 'Say hi', turns: () => [text('Hi!')] },
    { name: 'bash-cat', description: 'The model reads the protected file with `Bash cat src/pricing.ts`; the second request carries its content as a tool_result.', prompt: () => 'What does the pricing code do?', turns: (c, w) => [tool(c.shell('cat src/pricing.ts', w).name, c.shell('cat src/pricing.ts', w).input), text('It computes quotes.')], files: (s) => claudeHooks(s, false) },
    { name: 'bash-grep', description: 'The model runs `Bash grep -rn price src`.', prompt: () => 'Where is price computed?', turns: (c, w) => [tool(c.shell('grep -rn price src', w).name, c.shell('grep -rn price src', w).input), text('In src/pricing.ts.')], files: (s) => claudeHooks(s, false) },
    { name: 'bash-sed', description: 'The model runs `Bash sed -n 1,20p src/pricing.ts`.', prompt: () => 'Show me the top of the pricing code', turns: (c, w) => [tool(c.shell('sed -n 1,20p src/pricing.ts', w).name, c.shell('sed -n 1,20p src/pricing.ts', w).input), text('Here it is.')], files: (s) => claudeHooks(s, false) },
    { name: 'read', description: 'The model uses the Read tool on the absolute path of src/pricing.ts.', prompt: () => 'Read the pricing code', turns: (c, w) => [tool(c.read(abs(w), 'src/pricing.ts').name, c.read(abs(w), 'src/pricing.ts').input), text('Read it.')], files: (s) => claudeHooks(s, false) },
    { name: 'at-mention', description: 'The prompt @-mentions the file by absolute path; Claude Code attaches its content to the first request.', prompt: (w) => `Explain @${abs(w)}`, turns: () => [text('It computes quotes.')] },
    { name: 'write', description: 'The model writes a new file src/discount.ts with the Write tool (its tool_use names the path).', prompt: () => 'Add a discount helper', turns: (c, w) => [tool(c.write!(join(w, 'src', 'discount.ts'), 'export const discount = (c: number) => Math.round(c * 0.9);\n').name, c.write!(join(w, 'src', 'discount.ts'), 'export const discount = (c: number) => Math.round(c * 0.9);\n').input), text('Added src/discount.ts.')], files: (s) => claudeHooks(s, false) },
    { name: 'hook-refusal', description: 'A PreToolUse hook exits 2 on the Read of src/pricing.ts; the request after the refusal carries the hook message as an error tool_result. Hook payloads are in hook-payloads.json.', prompt: () => 'Read the pricing code', turns: (c, w) => [tool(c.read(abs(w), 'src/pricing.ts').name, c.read(abs(w), 'src/pricing.ts').input), text('The read was refused.')], files: (s) => claudeHooks(s, true) },
  ],
  codex: [
    { name: 'say-hi', description: '"Say hi", with the <environment_context> Codex adds to every conversation.', prompt: () => 'Say hi', turns: () => [text('Hi!')] },
    { name: 'shell-cat', description: 'The model calls exec_command `cat src/pricing.ts`; the second request carries the output as function_call_output. Hook payloads (config.toml [hooks], features.codex_hooks) in shell-cat.hook-payloads.json.', prompt: () => 'What does the pricing code do?', turns: (c, w) => [tool(c.shell('cat src/pricing.ts', w).name, c.shell('cat src/pricing.ts', w).input), text('It computes quotes.')], hooks: record(['UserPromptSubmit', 'PreToolUse', 'PostToolUse']) },
    { name: 'hook-refusal', description: 'A PreToolUse hook exits 2 on exec_command `cat src/pricing.ts`; the request after the refusal shows what Codex tells the model.', prompt: () => 'What does the pricing code do?', turns: (c, w) => [tool(c.shell('cat src/pricing.ts', w).name, c.shell('cat src/pricing.ts', w).input), text('The command was refused.')], hooks: record(['PreToolUse'], ['PreToolUse']) },
    { name: 'apply-patch-add', description: `On ${CODEX_WRITING_MODEL} (its catalog entry offers apply_patch as a freeform custom tool) the model adds src/discount.ts with apply_patch (a custom_tool_call); PreToolUse and PostToolUse fire with tool_name apply_patch and the patch in tool_input.command.`, prompt: () => 'Add a discount helper', turns: (c, w) => [tool(c.write!(join(w, 'src', 'discount.ts'), DISCOUNT).name, c.write!(join(w, 'src', 'discount.ts'), DISCOUNT).input), text('Added src/discount.ts.')], hooks: record(['PreToolUse', 'PostToolUse']), client: codexOn(CODEX_WRITING_MODEL) },
    { name: 'apply-patch-update', description: `On ${CODEX_WRITING_MODEL}, the model changes src/greet.ts with an apply_patch Update File hunk.`, prompt: () => 'Trim the name in greet', turns: (c, w) => [tool(c.edit!(join(w, 'src', 'greet.ts'), GREET_OLD, GREET_NEW).name, c.edit!(join(w, 'src', 'greet.ts'), GREET_OLD, GREET_NEW).input), text('Done.')], hooks: record(['PreToolUse', 'PostToolUse']), client: codexOn(CODEX_WRITING_MODEL) },
    { name: 'shell-apply-patch', description: `On ${CODEX_WRITING_MODEL}, the model sends an \`apply_patch <<'EOF'\` heredoc through exec_command: Codex applies it itself; PreToolUse sees tool_name Bash, no PostToolUse fires, Stop does.`, prompt: () => 'Add a discount helper', turns: (c, w) => [tool(c.shell(SHELL_PATCH, w).name, c.shell(SHELL_PATCH, w).input), text('Added src/discount.ts.')], hooks: record(['PreToolUse', 'PostToolUse', 'Stop']), client: codexOn(CODEX_WRITING_MODEL) },
  ],
  opencode: [
    { name: 'say-hi', description: 'A normal prompt: opencode first sends a title-generation request (its prompt contains example text such as "@config.json"), then the conversation.', prompt: () => 'Say hi', turns: () => [text('Hi!')] },
    { name: 'read', description: 'The model uses opencode\'s read tool on src/pricing.ts.', prompt: () => 'Read the pricing code', turns: (c, w) => [tool(c.read(abs(w), 'src/pricing.ts').name, c.read(abs(w), 'src/pricing.ts').input), text('Read it.')] },
    { name: 'bash-cat', description: 'The model uses opencode\'s bash tool: `cat src/pricing.ts`.', prompt: () => 'What does the pricing code do?', turns: (c, w) => [tool(c.shell('cat src/pricing.ts', w).name, c.shell('cat src/pricing.ts', w).input), text('It computes quotes.')] },
  ],
  gemini: [
    { name: 'say-hi', description: 'A plain prompt (streamGenerateContent?alt=sse).', prompt: () => 'Say hi', turns: () => [text('Hi!')] },
    { name: 'read-file', description: 'The model calls read_file on src/pricing.ts.', prompt: () => 'Read the pricing code', turns: (c, w) => [tool(c.read(abs(w), 'src/pricing.ts').name, c.read(abs(w), 'src/pricing.ts').input), text('Read it.')] },
    { name: 'shell-cat', description: 'The model calls run_shell_command `cat src/pricing.ts`. Hook payloads (BeforeAgent, BeforeModel, BeforeTool, AfterTool) in shell-cat.hook-payloads.json.', prompt: () => 'What does the pricing code do?', turns: (c, w) => [tool(c.shell('cat src/pricing.ts', w).name, c.shell('cat src/pricing.ts', w).input), text('It computes quotes.')], hooks: record(['BeforeAgent', 'BeforeModel', 'BeforeTool', 'AfterTool']) },
    { name: 'hook-refusal', description: 'A BeforeTool hook exits 2 on read_file src/pricing.ts; the request after the refusal shows what Gemini CLI tells the model.', prompt: () => 'Read the pricing code', turns: (c, w) => [tool(c.read(abs(w), 'src/pricing.ts').name, c.read(abs(w), 'src/pricing.ts').input), text('The read was refused.')], hooks: record(['BeforeTool'], ['BeforeTool']) },
  ],
  copilot: [
    { name: 'say-hi', description: 'A plain prompt over BYOK Chat Completions.', prompt: () => 'Say hi', turns: () => [text('Hi!')] },
    { name: 'view', description: 'The model calls view on src/pricing.ts.', prompt: () => 'Read the pricing code', turns: (c, w) => [tool(c.read(abs(w), 'src/pricing.ts').name, c.read(abs(w), 'src/pricing.ts').input), text('Read it.')] },
    { name: 'bash-cat', description: 'The model calls bash `cat src/pricing.ts`. Hook payloads (.github/hooks/*.json) in bash-cat.hook-payloads.json.', prompt: () => 'What does the pricing code do?', turns: (c, w) => [tool(c.shell('cat src/pricing.ts', w).name, c.shell('cat src/pricing.ts', w).input), text('It computes quotes.')], hooks: record(['userPromptSubmitted', 'preToolUse', 'postToolUse']) },
    { name: 'hook-refusal', description: 'A preToolUse hook exits 2 on view src/pricing.ts; the request after it shows what Copilot CLI did with the refusal.', prompt: () => 'Read the pricing code', turns: (c, w) => [tool(c.read(abs(w), 'src/pricing.ts').name, c.read(abs(w), 'src/pricing.ts').input), text('The read was refused.')], hooks: record(['preToolUse'], ['preToolUse']) },
    { name: 'create', description: 'The model adds src/discount.ts with create {path, file_text}; preToolUse and postToolUse payloads (no model in them).', prompt: () => 'Add a discount helper', turns: (c, w) => [tool(c.write!(join(w, 'src', 'discount.ts'), DISCOUNT).name, c.write!(join(w, 'src', 'discount.ts'), DISCOUNT).input), text('Added src/discount.ts.')], hooks: record(['preToolUse', 'postToolUse']) },
    { name: 'apply-patch', description: `On ${COPILOT_PATCHING_MODEL} Copilot CLI offers apply_patch (a freeform custom tool) instead of create/edit; the model adds src/discount.ts with it and the hook payloads carry the raw patch as toolArgs.`, prompt: () => 'Add a discount helper', turns: (c, w) => [tool(c.write!(join(w, 'src', 'discount.ts'), DISCOUNT).name, c.write!(join(w, 'src', 'discount.ts'), DISCOUNT).input), text('Added src/discount.ts.')], hooks: record(['preToolUse', 'postToolUse']), client: copilotOn(COPILOT_PATCHING_MODEL) },
    { name: 'edit', description: 'The model changes src/greet.ts with edit {path, old_str, new_str}.', prompt: () => 'Trim the name in greet', turns: (c, w) => [tool(c.edit!(join(w, 'src', 'greet.ts'), GREET_OLD, GREET_NEW).name, c.edit!(join(w, 'src', 'greet.ts'), GREET_OLD, GREET_NEW).input), text('Done.')], hooks: record(['preToolUse', 'postToolUse']) },
  ],
};

function publicHeaders(h: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !CREDENTIAL_HEADERS.has(k.toLowerCase())).map(([k, v]) => [k, k === 'host' ? '127.0.0.1:PORT' : v]));
}

async function captureOne(agent: AgentName, c: Case): Promise<void> {
  const client = c.client ?? CLIENTS[agent];
  const fake = await startFake();
  const hookDir = join(CAPTURE_ROOT, 'hooks');
  const hookLog = join(CAPTURE_ROOT, 'hook-log');
  mkdirSync(hookDir, { recursive: true });
  rmSync(hookLog, { recursive: true, force: true });
  mkdirSync(hookLog, { recursive: true });
  const hookScript = join(hookDir, 'record-hook.sh');
  writeFileSync(hookScript, HOOK_SCRIPT(hookLog));
  chmodSync(hookScript, 0o755);
  const workdir = makeWorkdir(c.files?.(hookScript) ?? {}, CAPTURE_WORKDIR);
  fake.script = steps(c.turns(client, workdir), text('Acme quotes'));
  const base = client.format === 'responses' || client.format === 'chat' ? `${fake.url}/v1` : fake.url;
  const prompt = c.prompt(workdir);
  const hooks = c.hooks?.(hookScript);
  rmSync(join(CAPTURE_ROOT, `home-${agent}`), { recursive: true, force: true });
  const run = await runAgent(client, { prompt, wiring: { baseUrl: base }, workdir, home: join(CAPTURE_ROOT, `home-${agent}`), timeoutMs: 120_000, ...(hooks ? { hooks } : {}) });
  const requests = fake.requests.map((r) => ({ scheme: r.scheme, method: r.method, path: r.url, headers: publicHeaders(r.headers as Record<string, unknown>), body: r.body.toString('utf8') }));
  const fixture = {
    agent, package: AGENTS[agent].pkg, version: AGENTS[agent].version, case: c.name, description: c.description,
    capturedAt: new Date().toISOString().slice(0, 10), workdir, prompt,
    exit: run.code, ms: run.ms, requests,
  };
  const dir = join(OUT, agent);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${c.name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  const payloads = readdirSync(hookLog).sort().map((f) => ({ event: f.replace(/^\d+-|\.json$/g, ''), payload: JSON.parse(readFileSync(join(hookLog, f), 'utf8')) as unknown }));
  if (payloads.length) writeFileSync(join(dir, `${c.name}.hook-payloads.json`), `${JSON.stringify({ agent, version: AGENTS[agent].version, case: c.name, config: hooks ?? '(see the case files)', hooks: payloads }, null, 1)}\n`);
  else if (hooks) console.log(`${agent}/${c.name}: NO hook fired (configured: ${Object.keys(hooks).join(', ')})`);
  console.log(`${agent}/${c.name}: exit ${run.code}${run.timedOut ? ' (timed out)' : ''}, ${requests.length} requests, ${run.ms} ms${payloads.length ? `, ${payloads.length} hook payloads (${payloads.map((p) => p.event).join(', ')})` : ''}`);
  if (run.code !== 0) console.log(run.stderr.slice(-800));
  await fake.close();
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [agent, cases] of Object.entries(CASES) as [AgentName, Case[]][]) {
    if (only.length && !only.includes(agent) && !cases.some((c) => only.includes(`${agent}/${c.name}`))) continue;
    for (const c of cases) {
      if (only.length && !only.includes(agent) && !only.includes(`${agent}/${c.name}`)) continue;
      await captureOne(agent, c);
    }
  }
}

void main();
