// `airlock agents install --all` then `airlock agents check` in a real repository: every
// agent's hook configuration and ignore/deny files written from the policy, merged with what
// was there, stable on a second run, drift caught for CI; and the committed launcher refuses
// when it cannot find or run the CLI (Claude Code would treat exit 1 or 127 as "go ahead").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'jsonc-parser';
import { fixtureRepo, write } from './support';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const HOOK = join(ROOT, 'dist', 'hook.js');
const cleanup: string[] = [];

before(() => {
  if (!existsSync(HOOK)) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});
after(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

function airlock(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function repo(): string {
  const r = fixtureRepo();
  cleanup.push(r);
  return r;
}

const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

test('install --all writes every agent file, keeps what others wrote, and check round-trips', () => {
  const root = repo();
  write(root, '.claude/settings.json', JSON.stringify({
    permissions: { allow: ['Bash(npm test)'], deny: ['Read(./.env)'] },
    hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/lint-bash.sh' }] }, { matcher: 'Read|Grep', hooks: [{ type: 'command', command: "'/usr/bin/node' '/home/x/.vscode/extensions/airlock/dist/cli.js' hook claude-code" }] }] },
  }, null, 2));
  write(root, '.cursorignore', 'node_modules/\n');
  write(root, '.gemini/settings.json', '{\n  // the team theme\n  "ui": { "theme": "GitHub" }\n}\n');
  write(root, 'opencode.json', '{ "model": "anthropic/claude-sonnet-4-5", "permission": { "edit": "ask" } }\n');

  const installed = airlock(root, 'agents', 'install', '--all');
  assert.equal(installed.status, 0, installed.stderr);
  for (const file of ['.airlock/bin/airlock-hook', '.claude/settings.json', '.codex/hooks.json', '.gemini/settings.json', '.github/hooks/airlock-vscode.json', '.github/hooks/airlock-copilot-cli.json', '.cursor/hooks.json', '.windsurf/hooks.json', '.cursorignore', '.geminiignore', '.codeiumignore', '.aiderignore', '.continueignore', '.clineignore', '.rooignore', '.aiignore', 'opencode.json', '.airlock/agents.json']) {
    assert.ok(existsSync(join(root, file)), `${file} written`);
  }
  // No machine path in anything committed.
  for (const file of ['.claude/settings.json', '.codex/hooks.json', '.gemini/settings.json', '.github/hooks/airlock-vscode.json', '.cursor/hooks.json', '.windsurf/hooks.json', '.airlock/bin/airlock-hook']) {
    assert.ok(!read(root, file).includes(root) && !read(root, file).includes('/home/'), `${file} has no absolute machine path`);
  }
  const claude = JSON.parse(read(root, '.claude/settings.json'));
  assert.deepEqual(claude.permissions.allow, ['Bash(npm test)']);
  assert.ok(claude.permissions.deny.includes('Read(./.env)'), 'the team deny rule stays');
  assert.ok(claude.permissions.deny.includes('Read(./src/secret/**)'));
  assert.ok(claude.permissions.deny.includes('Edit(./test/**)'));
  const pre = claude.hooks.PreToolUse as { matcher?: string; hooks: { command: string }[] }[];
  assert.equal(pre.length, 2, 'the team hook stays, the old absolute Airlock hook is replaced');
  assert.equal(pre[0]!.hooks[0]!.command, './scripts/lint-bash.sh');
  assert.match(pre[1]!.hooks[0]!.command, /airlock-hook claude-code$/);
  assert.match(read(root, '.cursorignore'), /^node_modules\/\n/);
  assert.match(read(root, '.cursorignore'), /# >>> airlock[^\n]*\nsrc\/secret\/\*\*\n# <<< airlock\n$/);
  assert.match(read(root, '.gemini/settings.json'), /\/\/ the team theme/);
  assert.equal((parse(read(root, '.gemini/settings.json')) as { ui: { theme: string } }).ui.theme, 'GitHub');
  const opencode = JSON.parse(read(root, 'opencode.json'));
  assert.equal(opencode.permission.edit, 'ask');
  assert.equal(opencode.permission.read['src/secret/**'], 'deny');
  assert.ok(JSON.parse(read(root, '.github/hooks/airlock-copilot-cli.json')).hooks.preToolUse[0].bash.includes('airlock-hook copilot-cli preToolUse'));

  const checked = airlock(root, 'agents', 'check');
  assert.equal(checked.status, 0, checked.stderr);
  const again = airlock(root, 'agents', 'install', '--all');
  assert.equal(again.status, 0);
  assert.ok(again.stdout.split('\n').filter(Boolean).every((l) => l.startsWith('unchanged')), again.stdout);

  // Hand edits to Airlock's part, and a policy change, are drift.
  write(root, '.cursorignore', read(root, '.cursorignore').replace('src/secret/**\n', ''));
  const drifted = airlock(root, 'agents', 'check');
  assert.equal(drifted.status, 1);
  assert.match(drifted.stderr, /drifted: \.cursorignore/);
  assert.equal(airlock(root, 'agents', 'install').status, 0, 'install with no names re-installs what the manifest lists');
  assert.equal(airlock(root, 'agents', 'check').status, 0);
  write(root, '.airlock/policy.jsonc', read(root, '.airlock/policy.jsonc').replace('"src/secret/**"', '"src/secret/**", "vendor/acme/"'));
  const policyChanged = airlock(root, 'agents', 'check');
  assert.equal(policyChanged.status, 1);
  assert.match(policyChanged.stderr, /\.claude\/settings\.json/);
  assert.equal(airlock(root, 'agents', 'install').status, 0);
  assert.equal(airlock(root, 'agents', 'check').status, 0);
  assert.ok(JSON.parse(read(root, '.claude/settings.json')).permissions.deny.includes('Read(./vendor/acme/**)'));
});

test('check without an install says what to do and fails', () => {
  const root = repo();
  const r = airlock(root, 'agents', 'check');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /agents install/);
});

test('an agent whose destination may receive protected code gets no ignore entries for it', () => {
  const root = repo();
  assert.equal(airlock(root, 'agents', 'install', 'cursor', 'aider').status, 0);
  assert.match(read(root, '.cursorignore'), /src\/secret/);
  write(root, '.airlock/policy.jsonc', read(root, '.airlock/policy.jsonc').replace('"agents": {', '"agents": { "cursor": { "destination": "https://llm.acme.internal/v1" },'));
  assert.equal(airlock(root, 'agents', 'install').status, 0);
  assert.doesNotMatch(read(root, '.cursorignore'), /src\/secret/);
  assert.match(read(root, '.aiderignore'), /src\/secret/);
});

/** Runs the configured hook command as the agent would: `sh -c <command>` with the payload on stdin. */
function runConfigured(root: string, command: string, payload: object, env: Record<string, string>) {
  const r = spawnSync('sh', ['-c', command], { cwd: root, input: JSON.stringify(payload), encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: env.HOME ?? root, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the committed launcher runs the CLI it finds, and refuses when there is none or it crashes', () => {
  const root = repo();
  assert.equal(airlock(root, 'agents', 'install', 'claude-code', 'copilot-cli', 'cursor').status, 0);
  const claudeCommand = JSON.parse(read(root, '.claude/settings.json')).hooks.PreToolUse.at(-1).hooks[0].command as string;
  const copilotCommand = JSON.parse(read(root, '.github/hooks/airlock-copilot-cli.json')).hooks.preToolUse[0].bash as string;
  const payload = (file: string) => ({ session_id: 's', cwd: root, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: join(root, file) } });
  const home = mkdtempSync(join(tmpdir(), 'airlock-home-'));
  cleanup.push(home);
  const found = { CLAUDE_PROJECT_DIR: root, AIRLOCK_CLI: HOOK, AIRLOCK_HOOK_DAEMON: 'off', HOME: home, AIRLOCK_NODE: process.execPath };

  const refused = runConfigured(root, claudeCommand, payload('src/pricing.ts'), found);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /Protected code stays on internal models/);
  assert.equal(runConfigured(root, claudeCommand, payload('src/ok.ts'), found).status, 0);

  // No CLI anywhere: refuse, and say why and how to fix it.
  const none = { CLAUDE_PROJECT_DIR: root, HOME: home, AIRLOCK_NODE: process.execPath };
  const missing = runConfigured(root, claudeCommand, payload('src/ok.ts'), none);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /Airlock's hook is broken \(the Airlock CLI was not found[^)]*\).*refused/);
  const copilotMissing = runConfigured(root, copilotCommand, { cwd: root, toolName: 'view', toolArgs: '{"path":"src/ok.ts"}' }, none);
  assert.equal(copilotMissing.status, 2);
  assert.equal(JSON.parse(copilotMissing.stdout).permissionDecision, 'deny');

  // The CLI crashes (exit 1, which Claude Code would ignore): refused.
  const crash = join(home, 'crash.js');
  writeFileSync(crash, 'process.stderr.write("boom\\n"); process.exit(1);\n');
  const crashed = runConfigured(root, claudeCommand, payload('src/ok.ts'), { ...none, AIRLOCK_CLI: crash });
  assert.equal(crashed.status, 2);
  assert.match(crashed.stderr, /exited with code 1/);

  // No node: refused.
  const noNode = runConfigured(root, claudeCommand, payload('src/ok.ts'), { ...found, AIRLOCK_NODE: 'no-such-node' });
  assert.equal(noNode.status, 2);
  assert.match(noNode.stderr, /node is not on PATH/);

  // The launcher itself deleted: the configured command still refuses.
  unlinkSync(join(root, '.airlock/bin/airlock-hook'));
  const gone = runConfigured(root, claudeCommand, payload('src/ok.ts'), found);
  assert.equal(gone.status, 2);
  assert.match(gone.stderr, /airlock-hook is missing/);
});

test('the launcher finds the CLI recorded for this machine and in the VS Code extension folder', () => {
  const root = repo();
  assert.equal(airlock(root, 'agents', 'install', 'claude-code').status, 0);
  const command = JSON.parse(read(root, '.claude/settings.json')).hooks.PreToolUse.at(-1).hooks[0].command as string;
  const payload = { session_id: 's', cwd: root, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'cat src/pricing.ts' } };
  const home = mkdtempSync(join(tmpdir(), 'airlock-home-'));
  cleanup.push(home);
  const env = { CLAUDE_PROJECT_DIR: root, HOME: home, AIRLOCK_HOOK_DAEMON: 'off', AIRLOCK_NODE: process.execPath };
  write(root, '.airlock/local/cli-path', HOOK);
  assert.equal(runConfigured(root, command, payload, env).status, 2);
  assert.ok(!spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout.includes('local/'), 'the machine-local pointer is not committed');
  rmSync(join(root, '.airlock/local'), { recursive: true });
  const ext = join(home, '.vscode/extensions/airlock-dev.airlock-0.1.0/dist');
  write(ext, 'hook.js', `require(${JSON.stringify(HOOK)});\n`);
  write(ext, 'hook-engine.js', `module.exports = require(${JSON.stringify(join(ROOT, 'dist', 'hook-engine.js'))});\n`);
  chmodSync(join(ext, 'hook.js'), 0o644);
  assert.equal(runConfigured(root, command, payload, env).status, 2);
});

test("Codex's Stop hook records and never refuses: exit 0 and no output, even with no CLI, a crash or no launcher", () => {
  const root = repo();
  assert.equal(airlock(root, 'agents', 'install', 'codex').status, 0);
  const hooks = JSON.parse(read(root, '.codex/hooks.json')).hooks as Record<string, { hooks: { command: string }[] }[]>;
  assert.deepEqual(Object.keys(hooks).sort(), ['PostToolUse', 'PreToolUse', 'Stop', 'UserPromptSubmit']);
  const stopCommand = hooks.Stop![0]!.hooks[0]!.command;
  const payload = { session_id: 's', cwd: root, hook_event_name: 'Stop', model: 'gpt-5.5', stop_hook_active: false };
  const home = mkdtempSync(join(tmpdir(), 'airlock-home-'));
  cleanup.push(home);
  const crash = join(home, 'crash.js');
  writeFileSync(crash, 'process.stderr.write("boom\\n"); process.exit(1);\n');
  const envs: Record<string, string>[] = [
    { AIRLOCK_CLI: HOOK, AIRLOCK_HOOK_DAEMON: 'off', HOME: home, AIRLOCK_NODE: process.execPath },
    { HOME: home, AIRLOCK_NODE: process.execPath },
    { AIRLOCK_CLI: crash, HOME: home, AIRLOCK_NODE: process.execPath },
  ];
  for (const env of envs) {
    const r = runConfigured(root, stopCommand, payload, env);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, '', ''], JSON.stringify(env));
  }
  // A Stop hook's exit 2 would make Codex continue the turn: the PreToolUse one still refuses when broken.
  unlinkSync(join(root, '.airlock/bin/airlock-hook'));
  assert.deepEqual([runConfigured(root, stopCommand, payload, envs[0]!).status], [0]);
  assert.equal(runConfigured(root, hooks.PreToolUse![0]!.hooks[0]!.command, { ...payload, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } }, envs[0]!).status, 2);
});

test("Copilot CLI's agentStop and sessionEnd hooks only record: exit 0 and no output, even with no CLI", () => {
  const root = repo();
  assert.equal(airlock(root, 'agents', 'install', 'copilot-cli').status, 0);
  const hooks = JSON.parse(read(root, '.github/hooks/airlock-copilot-cli.json')).hooks as Record<string, { bash: string }[]>;
  assert.deepEqual(Object.keys(hooks).sort(), ['agentStop', 'postToolUse', 'preToolUse', 'sessionEnd', 'userPromptSubmitted']);
  const home = mkdtempSync(join(tmpdir(), 'airlock-home-'));
  cleanup.push(home);
  for (const event of ['agentStop', 'sessionEnd']) {
    for (const env of [{ AIRLOCK_CLI: HOOK, AIRLOCK_HOOK_DAEMON: 'off', HOME: home, AIRLOCK_NODE: process.execPath }, { HOME: home, AIRLOCK_NODE: process.execPath }] as Record<string, string>[]) {
      const r = runConfigured(root, hooks[event]![0]!.bash, { sessionId: 's', timestamp: 1, cwd: root, stopReason: 'end_turn' }, env);
      assert.deepEqual([r.status, r.stdout, r.stderr], [0, '', ''], `${event} ${JSON.stringify(env)}`);
    }
  }
});
