// Installs the real agent CLIs the agent suite drives, pinned, into a cache folder OUTSIDE the
// project tree (they are ≈1.3 GB together and must never land in the repo's node_modules).
// One folder per CLI with a marker file written only after the CLI answered `--version`, so an
// interrupted install is redone and a finished one is reused between runs and clones.
//
//   node test/agents/install.mjs            install every missing CLI (sequentially)
//   node test/agents/install.mjs claude     only that one
//   AIRLOCK_TEST_CACHE=/some/dir            cache root (default ~/.cache/airlock-test)
//
// Exit code is non-zero if any requested CLI could not be installed: the agent layer FAILS
// rather than skipping silently.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned CLIs. `bin` is the executable under node_modules/.bin. */
export const AGENTS = {
  claude: { pkg: '@anthropic-ai/claude-code', version: '2.1.197', bin: 'claude' },
  codex: { pkg: '@openai/codex', version: '0.171.0', bin: 'codex' },
  gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
  copilot: { pkg: '@github/copilot', version: '1.0.102', bin: 'copilot' },
  opencode: { pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
};

export function cacheRoot() {
  return join(process.env.AIRLOCK_TEST_CACHE || join(homedir(), '.cache', 'airlock-test'), 'agents');
}

export function agentDir(name) {
  const a = AGENTS[name];
  return join(cacheRoot(), `${name}-${a.version}`);
}

export function agentBin(name) {
  return join(agentDir(name), 'node_modules', '.bin', AGENTS[name].bin);
}

function markerPath(name) {
  return join(agentDir(name), '.airlock-installed.json');
}

export function isInstalled(name) {
  const m = markerPath(name);
  if (!existsSync(m) || !existsSync(agentBin(name))) return false;
  try {
    const marker = JSON.parse(readFileSync(m, 'utf8'));
    return marker.pkg === AGENTS[name].pkg && marker.version === AGENTS[name].version;
  } catch {
    return false;
  }
}

/** Installs one CLI if missing. Returns { ok, version?, error? }. */
export function install(name, log = console.log) {
  const a = AGENTS[name];
  if (!a) return { ok: false, error: `unknown agent ${name}` };
  if (isInstalled(name)) return { ok: true, cached: true };
  const dir = agentDir(name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: `airlock-test-agent-${name}`, private: true, dependencies: { [a.pkg]: a.version },
  }, null, 2));
  log(`installing ${a.pkg}@${a.version} into ${dir}`);
  const started = Date.now();
  // Scripts are allowed here on purpose: the CLIs fetch their platform binary in postinstall or
  // through optional dependencies. This runs in the cache folder, never in the project.
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error', '--ignore-scripts=false'], {
    cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_yes: 'true' },
  });
  if (r.status !== 0) return { ok: false, error: `npm install exited ${r.status ?? r.signal}` };
  const v = spawnSync(agentBin(name), ['--version'], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, HOME: join(dir, '.version-home'), DISABLE_AUTOUPDATER: '1', COPILOT_AUTO_UPDATE: 'false', OPENCODE_DISABLE_AUTOUPDATE: 'true' },
  });
  rmSync(join(dir, '.version-home'), { recursive: true, force: true });
  const out = `${v.stdout ?? ''}${v.stderr ?? ''}`.trim();
  if (v.status !== 0 || !out.includes(a.version)) {
    return { ok: false, error: `${a.bin} --version did not report ${a.version}: ${out.slice(0, 300) || v.error?.message}` };
  }
  writeFileSync(markerPath(name), JSON.stringify({ pkg: a.pkg, version: a.version, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }, null, 2));
  log(`${name}: ${out.split('\n')[0]} (${Math.round((Date.now() - started) / 1000)} s)`);
  return { ok: true, version: out };
}

export function installAll(names = Object.keys(AGENTS), log = console.log) {
  const results = {};
  for (const n of names) results[n] = install(n, log); // one at a time: the machine is small
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(AGENTS);
  const results = installAll(names);
  let failed = 0;
  for (const [n, r] of Object.entries(results)) {
    if (!r.ok) { failed += 1; console.error(`${n}: FAILED: ${r.error}`); }
    else console.log(`${n}: ok${r.cached ? ' (cached)' : ''}`);
  }
  process.exitCode = failed ? 1 : 0;
}
