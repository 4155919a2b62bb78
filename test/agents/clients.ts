// How each real agent CLI is wired, run non-interactively, and which of its own tools read a
// file, run a shell command or write a file. Every client gets its own temp HOME (plus the
// XDG_*/CODEX_HOME/COPILOT_HOME it reads) so nothing of the user's leaks in or out.
// Wiring follows each client's documented switches (see /work/shared/notes and each CLI's docs).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentBin } from './install.mjs';
import { base62, crc32 } from '../../extension/core/detectors/checksum';
import type { WireFormat } from './fakes/types';

export type AgentName = 'claude' | 'codex' | 'gemini' | 'copilot' | 'opencode';

/** Where the client's model traffic should go. */
export interface Wiring {
  /** Base URL mode: the URL the client is pointed at (the gateway's family prefix, or the fake). */
  baseUrl?: string;
  /** Proxy mode: http://127.0.0.1:PORT of the gateway, Airlock's CA (NODE_EXTRA_CA_CERTS) and the
   *  system bundle plus that CA (SSL_CERT_FILE replaces the system store, so it needs both). */
  proxy?: { url: string; caFile: string; bundleFile: string };
}

export interface PrepareOptions {
  home: string;
  workdir: string;
  prompt: string;
  wiring: Wiring;
  /** Hook commands by the client's own event name (e.g. PreToolUse, BeforeTool, preToolUse),
   *  written into its native hook configuration. */
  hooks?: Record<string, string>;
}

export interface Prepared { command: string; args: string[]; env: Record<string, string> }

export interface ToolCall { name: string; input: Record<string, unknown> }

export interface AgentClient {
  name: AgentName;
  /** A second way of running the same CLI (e.g. Copilot CLI with GitHub-hosted models), shown in test names. */
  variant?: string;
  /** Hosts the client must reach through a blind tunnel in proxy mode (not AI traffic, not
   *  inspected): the suite's policy tunnels them (`proxy.tunnel`) and asserts nothing else is. */
  tunnels?: readonly string[];
  /** The client's own credential when it is a real secret shape: the suite checks it reaches the
   *  provider it was issued for untouched and appears in no log or audit record. */
  credential?: string;
  /** The wire format its model traffic uses in the wiring this suite drives. */
  format: WireFormat;
  /** Which gateway family prefix serves it in base-URL mode (undefined: no dialect yet). */
  gatewayFamily?: 'openai' | 'anthropic';
  /** Path prefix the client appends to its base URL (what the fake/gateway sees). */
  prepare(opts: PrepareOptions): Prepared;
  read(absPath: string, relPath: string): ToolCall;
  shell(command: string, workdir: string): ToolCall;
  write?(absPath: string, content: string): ToolCall;
  /** The client's own tool that replaces `oldText` by `newText` in an existing file. */
  edit?(absPath: string, oldText: string, newText: string): ToolCall;
  /** The client's own name of the hook event that runs before a tool (none: no command hooks). */
  beforeToolHook?: string;
  /** The client's read tool refuses .env by default, so "the agent reads .env" uses its shell. */
  readsEnvWithShell?: string;
}

const KEY = 'airlock-test-key-not-a-secret';

function baseEnv(home: string, wiring: Wiring): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    USER: process.env.USER ?? 'tester',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    CI: '1',
    TMPDIR: join(home, 'tmp'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    // Loopback must never go through a proxy; everything else does in proxy mode.
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
  };
  mkdirSync(env.TMPDIR!, { recursive: true });
  if (wiring.proxy) {
    Object.assign(env, {
      HTTPS_PROXY: wiring.proxy.url, https_proxy: wiring.proxy.url, HTTP_PROXY: wiring.proxy.url, http_proxy: wiring.proxy.url,
      NODE_EXTRA_CA_CERTS: wiring.proxy.caFile, SSL_CERT_FILE: wiring.proxy.bundleFile,
    });
  }
  return env;
}

export const claude: AgentClient = {
  name: 'claude',
  format: 'anthropic',
  gatewayFamily: 'anthropic',
  prepare({ home, prompt, wiring, hooks }) {
    const env = baseEnv(home, wiring);
    // Written on every run: a reused HOME must not keep an earlier run's hooks.
    mkdirSync(join(home, '.claude'), { recursive: true });
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify({
      hooks: Object.fromEntries(Object.entries(hooks ?? {}).map(([event, command]) => [event, [{ matcher: '*', hooks: [{ type: 'command', command }] }]])),
    }, null, 2));
    Object.assign(env, {
      ANTHROPIC_API_KEY: KEY,
      DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1',
      // Root may only use --dangerously-skip-permissions inside a declared sandbox.
      IS_SANDBOX: '1',
    });
    if (wiring.baseUrl) env.ANTHROPIC_BASE_URL = wiring.baseUrl;
    return {
      command: agentBin('claude'),
      args: ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--include-partial-messages', '--dangerously-skip-permissions', '--model', 'claude-sonnet-4-5'],
      env,
    };
  },
  beforeToolHook: 'PreToolUse',
  read: (abs) => ({ name: 'Read', input: { file_path: abs } }),
  shell: (command) => ({ name: 'Bash', input: { command, description: 'Run a command' } }),
  write: (abs, content) => ({ name: 'Write', input: { file_path: abs, content } }),
  edit: (abs, oldText, newText) => ({ name: 'Edit', input: { file_path: abs, old_string: oldText, new_string: newText } }),
};

export const codex: AgentClient = {
  name: 'codex',
  format: 'responses',
  gatewayFamily: 'openai',
  prepare({ home, workdir, prompt, wiring, hooks }) {
    const env = baseEnv(home, wiring);
    const codexHome = join(home, '.codex');
    mkdirSync(codexHome, { recursive: true });
    // Base URL: Codex ignores OPENAI_BASE_URL (dropped upstream); a model provider in config.toml
    // is the documented way (supports_websockets=false: otherwise it tries WebSockets first).
    // Proxy: Codex's default provider, untouched — only HTTPS_PROXY and SSL_CERT_FILE (what
    // `airlock env` prints); its WebSocket attempt is refused by the gateway and it falls back.
    const provider = wiring.baseUrl ? [
      'model_provider = "airlocktest"',
    ] : [];
    const providerTable = wiring.baseUrl ? [
      '[model_providers.airlocktest]',
      'name = "Airlock test"',
      `base_url = ${JSON.stringify(wiring.baseUrl)}`,
      'env_key = "AIRLOCK_TEST_OPENAI_KEY"',
      'wire_api = "responses"',
      'supports_websockets = false',
      '',
    ] : [];
    writeFileSync(join(codexHome, 'config.toml'), [
      'model = "gpt-5.1-codex"',
      ...provider,
      'check_for_update_on_startup = false',
      'model_reasoning_effort = "low"',
      '',
      '[analytics]',
      'enabled = false',
      '',
      ...providerTable,
      `[projects.${JSON.stringify(workdir)}]`,
      'trust_level = "trusted"',
      '',
      ...(hooks ? ['[features]', 'codex_hooks = true', ''] : []),
      ...Object.entries(hooks ?? {}).flatMap(([event, command]) => [
        `[[hooks.${event}]]`, `[[hooks.${event}.hooks]]`, 'type = "command"', `command = ${JSON.stringify(command)}`, '',
      ]),
    ].join('\n'));
    Object.assign(env, { CODEX_HOME: codexHome, AIRLOCK_TEST_OPENAI_KEY: KEY, ...(wiring.baseUrl ? {} : { CODEX_API_KEY: KEY }) });
    return {
      command: agentBin('codex'),
      // Codex silently skips hooks nobody trusted (trust is keyed to each hook's hash and given in
      // its TUI); the test's own hooks are vetted, so this run bypasses that gate.
      args: ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', ...(hooks ? ['--dangerously-bypass-hook-trust'] : []), '--color', 'never', '-C', workdir, prompt],
      env,
    };
  },
  beforeToolHook: 'PreToolUse',
  read: (abs) => ({ name: 'exec_command', input: { cmd: `cat ${abs}` } }),
  shell: (command) => ({ name: 'exec_command', input: { cmd: command } }),
  // apply_patch is a freeform tool (the raw patch is its input); Codex offers it only to a model
  // whose catalog entry has apply_patch_tool_type (e.g. gpt-5.5 in 0.171's bundled catalog, not
  // the fallback metadata gpt-5.1-codex gets): see CODEX_WRITING_MODEL.
  write: (abs, content) => ({ name: 'apply_patch', input: { input: `*** Begin Patch\n*** Add File: ${abs}\n${patchLines('+', content)}\n*** End Patch\n` } }),
  edit: (abs, oldText, newText) => ({ name: 'apply_patch', input: { input: `*** Begin Patch\n*** Update File: ${abs}\n@@\n${patchLines('-', oldText)}\n${patchLines('+', newText)}\n*** End Patch\n` } }),
};

/** Lines of `text` as patch lines with `sign` (a trailing newline ends the last line, it adds none). */
function patchLines(sign: '+' | '-', text: string): string {
  return text.replace(/\n$/, '').split('\n').map((l) => `${sign}${l}`).join('\n');
}

/** A model Codex 0.171's bundled catalog knows with `apply_patch_tool_type: freeform`, so it offers apply_patch. */
export const CODEX_WRITING_MODEL = 'gpt-5.5';

/** Codex on another model (e.g. CODEX_WRITING_MODEL, so its writes go through apply_patch). */
export function codexOn(model: string): AgentClient {
  return {
    ...codex,
    prepare(opts) {
      const p = codex.prepare(opts);
      const config = join(p.env.CODEX_HOME!, 'config.toml');
      writeFileSync(config, readFileSync(config, 'utf8').replace(/^model = ".*"$/m, `model = ${JSON.stringify(model)}`));
      return p;
    },
  };
}

export const gemini: AgentClient = {
  name: 'gemini',
  format: 'gemini',
  // No Gemini dialect in the gateway yet (proxy helper's branch adds it).
  gatewayFamily: undefined,
  prepare({ home, prompt, wiring, hooks }) {
    const env = baseEnv(home, wiring);
    const dir = join(home, '.gemini');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true, enableAutoUpdate: false, enableAutoUpdateNotification: false },
      ui: { hideTips: true, hideBanner: true },
      ...(hooks ? {
        hooksConfig: { enabled: true },
        hooks: Object.fromEntries(Object.entries(hooks).map(([event, command]) => [event, [{ matcher: '.*', hooks: [{ type: 'command', command, name: `airlock-test-${event}` }] }]])),
      } : {}),
    }, null, 2));
    Object.assign(env, { GEMINI_API_KEY: KEY, GEMINI_CLI_TRUST_WORKSPACE: 'true' });
    if (wiring.baseUrl) env.GOOGLE_GEMINI_BASE_URL = wiring.baseUrl;
    return { command: agentBin('gemini'), args: ['-p', prompt, '--approval-mode', 'yolo', '-m', 'gemini-2.5-flash'], env };
  },
  beforeToolHook: 'BeforeTool',
  read: (abs) => ({ name: 'read_file', input: { file_path: abs } }),
  readsEnvWithShell: 'read_file answers "Path not in workspace" for .env (ignored files are outside its workspace)',
  shell: (command) => ({ name: 'run_shell_command', input: { command } }),
  write: (abs, content) => ({ name: 'write_file', input: { file_path: abs, content } }),
  edit: (abs, oldText, newText) => ({ name: 'replace', input: { file_path: abs, instruction: 'Apply the requested change.', old_string: oldText, new_string: newText } }),
};

export const copilot: AgentClient = {
  name: 'copilot',
  format: 'chat',
  gatewayFamily: 'openai',
  prepare({ home, workdir, prompt, wiring, hooks }) {
    const env = baseEnv(home, wiring);
    const copilotHome = join(home, '.copilot');
    mkdirSync(copilotHome, { recursive: true });
    // Copilot CLI reads the repository's .github/hooks/*.json (removed again for a run without).
    const hookFile = join(workdir, '.github', 'hooks', 'airlock-test.json');
    rmSync(hookFile, { force: true });
    if (hooks) {
      mkdirSync(join(workdir, '.github', 'hooks'), { recursive: true });
      writeFileSync(hookFile, JSON.stringify({
        version: 1,
        hooks: Object.fromEntries(Object.entries(hooks).map(([event, command]) => [event, [{ type: 'command', bash: command, timeoutSec: 30 }]])),
      }, null, 2));
    }
    Object.assign(env, {
      COPILOT_HOME: copilotHome,
      COPILOT_PROVIDER_TYPE: 'openai', COPILOT_PROVIDER_API_KEY: KEY, COPILOT_PROVIDER_WIRE_API: 'completions',
      COPILOT_MODEL: 'gpt-4.1', COPILOT_OFFLINE: 'true', COPILOT_AUTO_UPDATE: 'false',
    });
    // BYOK needs a base URL; in proxy mode it is the real provider's, reached through the proxy.
    env.COPILOT_PROVIDER_BASE_URL = wiring.baseUrl ?? 'https://api.openai.com/v1';
    return {
      command: agentBin('copilot'),
      // The repository's .github/hooks load only from a trusted folder.
      args: ['-p', prompt, '--disable-client-telemetry', '--no-auto-update', '--allow-all-tools', '--allow-all-paths', '--no-color', ...(hooks ? ['--trust-folder'] : [])],
      env,
    };
  },
  beforeToolHook: 'preToolUse',
  read: (abs) => ({ name: 'view', input: { path: abs } }),
  shell: (command) => ({ name: 'bash', input: { command, description: 'Run a command' } }),
  write: (abs, content) => ({ name: 'create', input: { path: abs, file_text: content } }),
  edit: (abs, oldText, newText) => ({ name: 'edit', input: { path: abs, old_str: oldText, new_str: newText } }),
};

/**
 * A GitHub OAuth token of the real shape (gho_ + 30 random base62 + their CRC32 in 6 base62):
 * Airlock's own detector recognises it as a live GitHub token. It is the client's own credential,
 * in its Authorization header to GitHub and the Copilot API, so the flow must still work (the
 * suite checks it arrives untouched and never appears in the gateway's log or audit).
 */
const TOKEN_RANDOM = 'AirlockTestTokenNotReal0000000';
export const GITHUB_TOKEN = `gho_${TOKEN_RANDOM}${base62(crc32(TOKEN_RANDOM), 6)}`;

/**
 * Copilot CLI with GitHub-hosted models (no BYOK provider): a GitHub token from the environment
 * (COPILOT_GITHUB_TOKEN, read before GH_TOKEN and GITHUB_TOKEN), `GET api.github.com/
 * copilot_internal/user` for the plan and the Copilot API host (`endpoints.api`), then the model
 * catalogue and the model calls on that host. Only reachable through the proxy.
 */
export const copilotHosted: AgentClient = {
  ...copilot,
  variant: 'GitHub-hosted models',
  // gpt-4.1's catalogue entry lists /responses first: the hosted client speaks Responses.
  format: 'responses',
  tunnels: ['api.github.com'],
  credential: GITHUB_TOKEN,
  prepare(opts) {
    const prepared = copilot.prepare(opts);
    const env = Object.fromEntries(Object.entries(prepared.env).filter(([k]) => !k.startsWith('COPILOT_PROVIDER_') && k !== 'COPILOT_OFFLINE'));
    Object.assign(env, { COPILOT_GITHUB_TOKEN: GITHUB_TOKEN, COPILOT_MODEL: 'gpt-4.1' });
    return { ...prepared, env };
  },
};

export const opencode: AgentClient = {
  name: 'opencode',
  format: 'responses',
  gatewayFamily: 'openai',
  prepare({ home, workdir, prompt, wiring }) {
    const env = baseEnv(home, wiring);
    // opencode.json in the project: the built-in openai provider with its documented baseURL option.
    writeFileSync(join(workdir, 'opencode.json'), JSON.stringify({
      $schema: 'https://opencode.ai/config.json',
      autoupdate: false,
      share: 'disabled',
      // No undo snapshots (a git copy of the project per run): halves its run time, no model traffic changes.
      snapshot: false,
      ...(wiring.baseUrl ? { provider: { openai: { options: { baseURL: wiring.baseUrl } } } } : {}),
    }, null, 2));
    Object.assign(env, {
      OPENAI_API_KEY: KEY,
      OPENCODE_DISABLE_AUTOUPDATE: 'true', OPENCODE_DISABLE_MODELS_FETCH: 'true', OPENCODE_DISABLE_LSP_DOWNLOAD: 'true',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: 'true', OPENCODE_DISABLE_SHARE: 'true',
      // At start opencode fetches @opencode-ai/plugin from the npm registry (into its config
      // folder); a dead loopback registry keeps the run offline, and opencode goes on without it.
      NPM_CONFIG_REGISTRY: 'http://127.0.0.1:9/', npm_config_registry: 'http://127.0.0.1:9/',
    });
    return { command: agentBin('opencode'), args: ['run', '--model', 'openai/gpt-4.1', prompt], env };
  },
  // opencode has no command hooks (only JS plugins): no beforeToolHook.
  read: (abs) => ({ name: 'read', input: { filePath: abs } }),
  readsEnvWithShell: 'its read tool asks permission for .env and `opencode run` auto-rejects it',
  shell: (command) => ({ name: 'bash', input: { command, description: 'Run a command' } }),
};

/**
 * Copilot CLI on another model. On a GPT-5 model (e.g. COPILOT_PATCHING_MODEL) it offers no
 * create/edit but apply_patch, a freeform custom tool whose hook payload carries the raw patch as
 * toolArgs: its writes then go through the same patches as Codex's.
 */
export function copilotOn(model: string): AgentClient {
  const patching = /^gpt-5/.test(model);
  return {
    ...copilot,
    prepare(opts) {
      const p = copilot.prepare(opts);
      p.env.COPILOT_MODEL = model;
      return p;
    },
    ...(patching ? { write: codex.write!, edit: codex.edit! } : {}),
  };
}

/** A model Copilot CLI 1.0.102 gives apply_patch instead of create/edit. */
export const COPILOT_PATCHING_MODEL = 'gpt-5.1-codex';

export const CLIENTS: Record<AgentName, AgentClient> = { claude, codex, gemini, copilot, opencode };
