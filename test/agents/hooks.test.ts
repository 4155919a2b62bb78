// Airlock's own hooks in the real agent CLIs, without the gateway (the hooks are the guard
// here): `airlock agents install <agent>` in a copy of the fake project, then the agent runs
// against a fake model scripted to call its tools. The hook fires, refuses a protected read
// through the read tool and through the shell, refuses a write into test/, records an allowed
// write with tool and model, and after a refusal the session goes on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, before, beforeEach, describe, test } from 'node:test';
import { claude, codexOn, copilot, copilotOn, gemini, CODEX_WRITING_MODEL, COPILOT_PATCHING_MODEL, type AgentClient } from './clients';
import { ensureInstalled } from './environment';
import { startFake, type FakeUpstream } from './fakes/server';
import { steps, text, tool } from './fakes/script';
import { cliPath, makeWorkdir, runAgent, type AgentRun } from './runner';

const PROTECTED_CODE = 'acmeVolumeFactor'; // only in test/agents/project/src/pricing.ts
const REPLY = 'Understood, moving on.';
const POLICY = `{
  "extends": ["airlock:secrets"],
  "protected": { "markers": ["PROPRIETARY AND CONFIDENTIAL"] },
  "egress": [{ "id": "hooks-suite-protected", "when": { "protected": true }, "action": "block", "message": "Protected code stays here." }],
  "review": [{ "id": "no-ai-tests", "paths": ["test/**"], "action": "forbid", "message": "No AI code in tests." }]
}
`;

/** A test file already in the project (committed), for edits the policy forbids. */
const EXISTING_TEST = 'test/unit/greet.test.ts';
const EXISTING_TEST_TEXT = "import test from 'node:test';\nimport { greet } from '../../src/greet';\n";

/** A project copy with Airlock's guard rails for `agent` installed, the launcher pointed at this build. */
function guardedWorkdir(agent: string): string {
  const dir = makeWorkdir({ '.airlock/policy.jsonc': POLICY, [EXISTING_TEST]: EXISTING_TEST_TEXT });
  const r = spawnSync(process.execPath, [cliPath(), 'agents', 'install', agent], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  mkdirSync(join(dir, '.airlock/local'), { recursive: true });
  // The full CLI decides standalone (no hook server outliving the run).
  writeFileSync(join(dir, '.airlock/local/cli-path'), cliPath());
  return dir;
}

/** The tool results in a model request (what the agent told the model its tools returned). */
function toolResults(body: string): string {
  return [...body.matchAll(/"tool_result"[^}]*?"content":("(?:[^"\\]|\\.)*"|\[[^\]]*\])/g)].map((m) => m[1]!.slice(0, 300)).join(' | ');
}

const bodies = (fake: FakeUpstream) => fake.modelRequests().map((q) => q.body.toString('utf8'));
const shown = (r: AgentRun) => `exit ${r.code}${r.timedOut ? ' (timed out)' : ''} after ${r.ms} ms\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;

interface HookAgent {
  client: AgentClient;
  install: string;
  /** The model the run uses, as the ledger must record it (from the payload, the transcript or the agent's env). */
  model: string;
  /** Only the write cases (another model of an agent whose other cases run already). */
  writesOnly?: boolean;
  todo?: string;
}

interface LedgerLine { type: string; path?: string; tool?: string; model?: string; startLine?: number; endLine?: number }

function ledger(workdir: string): LedgerLine[] {
  const file = join(workdir, '.airlock/ledger/ledger.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LedgerLine);
}

/** Claude Code gets an `Edit(./test/**)` deny rule from Airlock too, which refuses first; without it the hook must refuse alone. */
function withoutClaudeDenyRules(workdir: string): void {
  const settingsFile = join(workdir, '.claude/settings.json');
  if (!existsSync(settingsFile)) return;
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { permissions?: unknown };
  delete settings.permissions;
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
}

/**
 * Codex runs a project's hooks only once a person has reviewed and trusted them (/hooks, stored
 * by hash); this suite stands in for that person with the flag Codex documents for automation.
 */
const codexWriting = codexOn(CODEX_WRITING_MODEL);
const codexTrustingHooks: AgentClient = {
  ...codexWriting,
  prepare(opts) {
    // A model whose catalog entry offers apply_patch, so a write goes through Codex's own edit tool.
    const p = codexWriting.prepare(opts);
    return { ...p, args: [...p.args.slice(0, -1), '--dangerously-bypass-hook-trust', p.args.at(-1)!] };
  },
};

/** Copilot CLI loads .github/hooks only in a folder the person trusted (config.json trusted_folders). */
function trustingFolder(client: AgentClient): AgentClient {
  return {
    ...client,
    prepare(opts) {
      const p = client.prepare(opts);
      writeFileSync(join(p.env.COPILOT_HOME!, 'config.json'), JSON.stringify({ trusted_folders: [opts.workdir] }));
      return p;
    },
  };
}
const copilotTrustingFolder = trustingFolder(copilot);

const AGENTS: HookAgent[] = [
  { client: claude, install: 'claude-code', model: 'claude-sonnet-4-5' },
  { client: gemini, install: 'gemini', model: 'gemini-2.5-flash' },
  // Codex puts the model in every hook payload.
  { client: codexTrustingHooks, install: 'codex', model: CODEX_WRITING_MODEL },
  // Copilot CLI's payload has none; the hook reads COPILOT_MODEL (set for BYOK, forwarded to the hook server).
  { client: copilotTrustingFolder, install: 'copilot-cli', model: 'gpt-4.1' },
  // On a GPT-5 model Copilot CLI writes with apply_patch (the raw patch as toolArgs), not create/edit.
  { client: trustingFolder(copilotOn(COPILOT_PATCHING_MODEL)), install: 'copilot-cli', model: COPILOT_PATCHING_MODEL, writesOnly: true },
];

for (const { client, install, model, writesOnly, todo } of AGENTS) {
  describe(`${client.name}${writesOnly ? ` on ${model}` : ''}: Airlock's hooks in the real CLI${todo ? ` (todo: ${todo})` : ''}`, () => {
    let fake: FakeUpstream;
    before(() => {
      if (!todo) ensureInstalled(client.name);
    });
    beforeEach(async () => {
      if (!todo) fake = await startFake();
    });
    afterEach(async () => {
      await fake?.close();
    });
    const base = () => (client.format === 'responses' || client.format === 'chat' ? `${fake.url}/v1` : fake.url);
    const run = (workdir: string, prompt: string) => runAgent(client, { prompt, wiring: { baseUrl: base() }, workdir, timeoutMs: 90_000 });

    if (!writesOnly) for (const via of ['read', 'shell'] as const) {
      test(`a protected read through the ${via} tool is refused by the hook, and the session goes on`, { todo }, async () => {
        const workdir = guardedWorkdir(install);
        const call = via === 'read' ? client.read(join(workdir, 'src/pricing.ts'), 'src/pricing.ts') : client.shell('cat src/pricing.ts', workdir);
        fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Pricing'));
        const r = await run(workdir, 'What does the pricing code do?');
        const sent = bodies(fake);
        assert.ok(sent.every((b) => !b.includes(PROTECTED_CODE)), `the protected code never reached the model\n${shown(r)}`);
        assert.ok(sent.some((b) => b.includes('Airlock refused') && b.includes('Protected code stays here')), `the model was told why (the hook's reason as the tool result)\n${shown(r)}`);
        assert.ok(`${r.stdout}${r.stderr}`.includes(REPLY), `the next request was answered: the session went on\n${shown(r)}`);
      });
    }

    test('a write into test/ is refused before the file exists; an allowed write is recorded with tool and model', { todo }, async () => {
      const workdir = guardedWorkdir(install);
      withoutClaudeDenyRules(workdir);
      const forbidden = client.write!(join(workdir, 'test/unit/price.test.ts'), "import test from 'node:test';\n");
      const allowed = client.write!(join(workdir, 'src/discount.ts'), 'export const discount = (c: number) => Math.round(c * 0.9);\nexport const none = 0;\n');
      fake.script = steps([tool(forbidden.name, forbidden.input), tool(allowed.name, allowed.input), text(REPLY)], text('Discount'));
      const r = await run(workdir, 'Add a discount helper and a test for it');
      assert.ok(!existsSync(join(workdir, 'test/unit/price.test.ts')), `the test file was not written\n${shown(r)}`);
      assert.ok(bodies(fake).some((b) => b.includes('No AI code in tests')), `the model was told the rule\n${bodies(fake).map((b) => toolResults(b)).join('\n')}`);
      assert.ok(existsSync(join(workdir, 'src/discount.ts')), `the allowed file was written: the session went on\n${shown(r)}`);
      const records = ledger(workdir).filter((x) => x.type === 'contribution');
      assert.deepEqual(records.map((x) => [x.path, x.startLine, x.endLine, x.tool, x.model]), [['src/discount.ts', 1, 2, install, model]], JSON.stringify(records));
    });

    test('an edit into an existing test file is refused and leaves it unchanged; an allowed edit records exactly the changed lines', { todo }, async () => {
      const workdir = guardedWorkdir(install);
      withoutClaudeDenyRules(workdir);
      const forbidden = client.edit!(join(workdir, EXISTING_TEST), "import test from 'node:test';\n", "import test from 'node:test';\ntest('greets', () => {});\n");
      const allowed = client.edit!(join(workdir, 'src/greet.ts'), '  return `Hello, ${name}!`;\n', '  const who = name.trim();\n  return `Hello, ${who}!`;\n');
      // Claude Code's Edit refuses a file the session has not read (before any hook runs).
      const reads = client.name === 'claude' ? [EXISTING_TEST, 'src/greet.ts'].map((p) => client.read(join(workdir, p), p)) : [];
      fake.script = steps([...reads.map((c) => tool(c.name, c.input)), tool(forbidden.name, forbidden.input), tool(allowed.name, allowed.input), text(REPLY)], text('Greet'));
      const r = await run(workdir, 'Trim the name in greet and test it');
      assert.equal(readFileSync(join(workdir, EXISTING_TEST), 'utf8'), EXISTING_TEST_TEXT, `the test file is unchanged\n${shown(r)}`);
      assert.ok(bodies(fake).some((b) => b.includes('No AI code in tests')), `the model was told the rule\n${bodies(fake).map((b) => toolResults(b)).join('\n')}`);
      assert.match(readFileSync(join(workdir, 'src/greet.ts'), 'utf8'), /const who = name\.trim\(\);/, `the allowed edit was made\n${shown(r)}`);
      const records = ledger(workdir).filter((x) => x.type === 'contribution');
      assert.deepEqual(records.map((x) => [x.path, x.startLine, x.endLine, x.tool, x.model]), [['src/greet.ts', 2, 3, install, model]], JSON.stringify(records));
    });

    test('a patch applied through the shell into test/ is refused before the file exists; an allowed one is recorded with tool and model', { todo }, async () => {
      const workdir = guardedWorkdir(install);
      // Codex applies an `apply_patch` heredoc sent through exec_command itself (PreToolUse sees Bash,
      // no PostToolUse follows: Airlock records it at the session's next hook call, here Stop); the others run `git apply`.
      const patch = (path: string, lines: string[]) => client.name === 'codex'
        ? `apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: ${path}\n${lines.map((l) => `+${l}`).join('\n')}\n*** End Patch\nEOF`
        : `git apply <<'EOF'\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\nEOF`;
      const forbidden = client.shell(patch('test/unit/price.test.ts', ["import test from 'node:test';"]), workdir);
      const allowed = client.shell(patch('src/discount.ts', ['export const discount = (c: number) => Math.round(c * 0.9);', 'export const none = 0;']), workdir);
      fake.script = steps([tool(forbidden.name, forbidden.input), tool(allowed.name, allowed.input), text(REPLY)], text('Patch'));
      const r = await run(workdir, 'Add a discount helper and a test');
      assert.ok(!existsSync(join(workdir, 'test/unit/price.test.ts')), `the test file was not written\n${shown(r)}`);
      assert.ok(bodies(fake).some((b) => b.includes('No AI code in tests')), `the model was told the rule\n${bodies(fake).map((b) => toolResults(b)).join('\n')}`);
      assert.ok(existsSync(join(workdir, 'src/discount.ts')), `the allowed patch was applied: the session went on\n${shown(r)}`);
      const records = ledger(workdir).filter((x) => x.type === 'contribution');
      assert.deepEqual(records.map((x) => [x.path, x.startLine, x.endLine, x.tool, x.model]), [['src/discount.ts', 1, 2, install, model]], JSON.stringify(records));
    });

    test('a file written by a shell heredoc is recorded (work tree before and after the command)', { todo }, async () => {
      const workdir = guardedWorkdir(install);
      const call = client.shell("cat > src/gen.ts <<'EOF'\nexport const generated = 1;\nexport const more = 2;\nEOF", workdir);
      fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Gen'));
      const r = await run(workdir, 'Generate a module');
      assert.ok(existsSync(join(workdir, 'src/gen.ts')), `the command ran\n${shown(r)}`);
      const records = ledger(workdir).filter((x) => x.type === 'contribution');
      assert.deepEqual(records.map((x) => [x.path, x.startLine, x.endLine, x.tool, x.model]), [['src/gen.ts', 1, 2, install, model]], JSON.stringify(records));
    });

    if (!writesOnly) test('with no Airlock CLI to be found, the hooks refuse (fail closed) and say the hook is broken', { todo }, async () => {
      const workdir = guardedWorkdir(install);
      // What guardedWorkdir pointed the launcher at: now nothing in the workspace, HOME or PATH.
      rmSync(join(workdir, '.airlock/local/cli-path'));
      assert.notEqual(spawnSync('sh', ['-c', 'command -v airlock'], { env: { PATH: process.env.PATH ?? '' } }).status, 0, 'no airlock on PATH');
      const call = client.read(join(workdir, 'README.md'), 'README.md');
      fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Readme'));
      const r = await run(workdir, 'What is this project about?');
      const sent = bodies(fake);
      assert.ok(sent.every((b) => !b.includes('A small fake project')), `the file never reached the model\n${shown(r)}`);
      // Codex exec shows a refused prompt as "hook: UserPromptSubmit Blocked", without the reason.
      const seen = `${r.stdout}${r.stderr}${sent.join('\n')}`;
      assert.ok(seen.includes("Airlock's hook is broken") || (client.name === 'codex' && seen.includes('hook: UserPromptSubmit Blocked')), `the refusal says the hook is broken\n${shown(r)}`);
    });

    if (!writesOnly) test('a prompt carrying a secret never reaches the model', { todo: todo ?? (client.name === 'copilot' ? 'Copilot CLI cannot block prompts' : undefined) }, async () => {
      const workdir = guardedWorkdir(install);
      fake.script = steps([text(REPLY)], text('Keys'));
      const r = await run(workdir, 'Deploy with aws_access_key_id = AKIAZ7K2QW5RT6YX3VB4 please');
      assert.ok(bodies(fake).every((b) => !b.includes('AKIAZ7K2QW5RT6YX3VB4')), `the key never reached the model\n${shown(r)}`);
      // Codex exec prints that the hook blocked the prompt, not the hook's reason.
      const seen = client.name === 'codex' ? 'hook: UserPromptSubmit Blocked' : 'Airlock refused this prompt';
      assert.ok(`${r.stdout}${r.stderr}`.includes(seen), `the user sees "${seen}"\n${shown(r)}`);
    });
  });
}

describe("copilot: the model of a write when no setting names it (Airlock's hooks in the real CLI)", () => {
  /** Copilot CLI with the model chosen by --model only (no COPILOT_MODEL); `resume` continues the last session. */
  const byFlag = (resume: boolean): AgentClient => trustingFolder({
    ...copilot,
    prepare(opts) {
      const p = copilot.prepare(opts);
      delete p.env.COPILOT_MODEL;
      // --continue cannot be combined with --trust-folder; the folder is trusted in config.json.
      const args = p.args.filter((a) => a !== '--trust-folder');
      return { ...p, args: [...args, '--model', 'gpt-4.1', ...(resume ? ['--continue'] : [])] };
    },
  });
  const DISCOUNT = 'export const discount = (c: number) => Math.round(c * 0.9);\n';
  let fake: FakeUpstream;
  let home: string;
  before(() => ensureInstalled('copilot'));
  beforeEach(async () => {
    fake = await startFake();
    home = mkdtempSync(join(tmpdir(), 'airlock-agent-home-copilot-'));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  });

  test("in a session's first turn the write waits for the model Copilot CLI names at agentStop (session events.jsonl)", async () => {
    const workdir = guardedWorkdir('copilot-cli');
    const call = copilot.write!(join(workdir, 'src/discount.ts'), DISCOUNT);
    fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Discount'));
    const r = await runAgent(byFlag(false), { prompt: 'Add a discount helper', wiring: { baseUrl: `${fake.url}/v1` }, workdir, home, keepHome: true, timeoutMs: 90_000 });
    assert.ok(existsSync(join(workdir, 'src/discount.ts')), `the file was written\n${shown(r)}`);
    const records = ledger(workdir).filter((x) => x.type === 'contribution');
    assert.deepEqual(records.map((x) => [x.path, x.startLine, x.endLine, x.tool, x.model]), [['src/discount.ts', 1, 1, 'copilot-cli', 'gpt-4.1']], JSON.stringify(records));
  });

  test('in a continued session the model is read from the session events.jsonl at once', async () => {
    const workdir = guardedWorkdir('copilot-cli');
    fake.script = steps([text('Hi!')], text('Hello'));
    const first = await runAgent(byFlag(false), { prompt: 'Say hi', wiring: { baseUrl: `${fake.url}/v1` }, workdir, home, keepHome: true, timeoutMs: 90_000 });
    assert.equal(first.code, 0, shown(first));
    const call = copilot.write!(join(workdir, 'src/discount.ts'), DISCOUNT);
    fake.script = steps([tool(call.name, call.input), text(REPLY)], text('Discount'));
    const second = await runAgent(byFlag(true), { prompt: 'Add a discount helper', wiring: { baseUrl: `${fake.url}/v1` }, workdir, home, keepHome: true, timeoutMs: 90_000 });
    assert.ok(existsSync(join(workdir, 'src/discount.ts')), `the file was written\n${shown(second)}`);
    const records = ledger(workdir).filter((x) => x.type === 'contribution');
    assert.deepEqual(records.map((x) => [x.path, x.startLine, x.endLine, x.tool, x.model]), [['src/discount.ts', 1, 1, 'copilot-cli', 'gpt-4.1']], JSON.stringify(records));
  });
});

describe("gemini: BeforeModel rewrites the request (Airlock's hooks in the real CLI)", () => {
  test('a secret in context the agent adds itself (GEMINI.md) reaches the model redacted', async () => {
    ensureInstalled('gemini');
    const fake = await startFake();
    try {
      const workdir = guardedWorkdir('gemini');
      writeFileSync(join(workdir, 'GEMINI.md'), '# Project notes\nDeploy key for staging: aws_access_key_id = AKIAZ7K2QW5RT6YX3VB4\n');
      fake.script = steps([text(REPLY)], text('Notes'));
      const r = await runAgent(gemini, { prompt: 'Say hi', wiring: { baseUrl: fake.url }, workdir, timeoutMs: 90_000 });
      const sent = bodies(fake);
      assert.ok(sent.length > 0, `the request went out\n${shown(r)}`);
      assert.ok(sent.every((b) => !b.includes('AKIAZ7K2QW5RT6YX3VB4')), `the key never reached the model\n${shown(r)}`);
      assert.ok(sent.some((b) => b.includes('[REDACTED:aws-access-key-id')), `a placeholder took its place\n${sent.map((b) => b.slice(0, 400)).join('\n')}`);
    } finally {
      await fake.close();
    }
  });
});
