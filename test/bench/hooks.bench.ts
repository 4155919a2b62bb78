// Agent hooks: one hook call as the agent makes it — `sh .airlock/bin/airlock-hook <agent>`, a
// new process reading the payload on stdin — beside `sh -c true` (the floor of any hook) and
// `node -e 0` (the floor of one that starts Node), and the older ways in the same run: node
// dist/hook.js asking the same server (what the launcher falls back to) and the standalone
// decision (no server). Target: a read decided by content in ≤ 50 ms p50, through the launcher.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAUNCHER_PATH, LAUNCHER_SCRIPT } from '../../extension/cli/hooks/launcher';
import { stats, type Bench } from './bench';

const HOOK = join(__dirname, '..', '..', 'dist', 'hook.js');

interface Case {
  label: string;
  command: string;
  args: string[];
  input: string;
  env?: Record<string, string>;
}

function spawnMs(c: Case, cwd: string): number {
  const started = performance.now();
  const r = spawnSync(c.command, c.args, { input: c.input, cwd, encoding: 'utf8', env: { ...process.env, AIRLOCK_CLI: HOOK, AIRLOCK_NODE: process.execPath, AIRLOCK_HOOK_IDLE_MS: '10000', ...c.env } });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${c.label} exited ${r.status}: ${r.stderr}`);
  if (/hook is broken|fail closed/.test(r.stderr)) throw new Error(`${c.label} failed closed: ${r.stderr}`);
  return ms;
}

export default async function hooks(b: Bench): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-hooks-'));
  try {
    spawnSync('git', ['init', '-q'], { cwd: dir });
    mkdirSync(join(dir, '.airlock/bin'), { recursive: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, '.airlock/policy.jsonc'), '{ "extends": ["airlock:meta-style"], "protected": { "paths": ["!docs/**"] } }\n');
    writeFileSync(join(dir, 'src/pricing.ts'), 'export function price(n: number): number {\n  return n * 42;\n}\n'.repeat(50));
    writeFileSync(join(dir, LAUNCHER_PATH), LAUNCHER_SCRIPT);
    chmodSync(join(dir, LAUNCHER_PATH), 0o755);
    const payload = (tool: string, input: object) => JSON.stringify({ session_id: 's', cwd: dir, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, transcript_path: '/dev/null' });
    const read = payload('Read', { file_path: join(dir, 'src/pricing.ts') });
    const launcher = (input: string): Omit<Case, 'label'> => ({ command: 'sh', args: [LAUNCHER_PATH, 'claude-code'], input });
    const cases: Case[] = [
      { label: 'baseline: sh -c true', command: 'sh', args: ['-c', 'true'], input: '' },
      { label: 'baseline: node -e 0', command: process.execPath, args: ['-e', '0'], input: '' },
      { label: 'launcher: tool with nothing to check (TodoWrite)', ...launcher(payload('TodoWrite', { todos: [] })) },
      { label: 'launcher: Read of a protected file (decided by content)', ...launcher(read) },
      { label: 'launcher: Bash `cat src/pricing.ts`', ...launcher(payload('Bash', { command: 'cat src/pricing.ts' })) },
      { label: 'node dist/hook.js to the same server (the fallback): Read', command: process.execPath, args: [HOOK, 'hook', 'claude-code'], input: read },
      { label: 'standalone (no hook server): Read of a protected file', command: process.execPath, args: [HOOK, 'hook', 'claude-code'], input: read, env: { AIRLOCK_HOOK_DAEMON: 'off' } },
    ];
    const READ = 3;
    const samples = cases.map(() => [] as number[]);
    // The first launcher call finds no hook server: node decides and starts one; wait until it listens.
    for (let round = 0; round < 3; round++) cases.forEach((c) => spawnMs(c, dir));
    await new Promise((r) => setTimeout(r, 1000));
    for (let round = 0; round < 3; round++) cases.forEach((c) => spawnMs(c, dir));
    // The launcher rows must measure the server path, not the Node fallback: without node it still answers.
    spawnMs({ ...cases[READ]!, env: { AIRLOCK_NODE: '/nonexistent/node' } }, dir);
    for (let round = 0; round < 25; round++) cases.forEach((c, i) => samples[i]!.push(spawnMs(c, dir)));
    const p50 = samples.map((s) => stats(s).p50);
    cases.forEach((c, i) => b.figure(`${c.label} p50 / p99`, `${p50[i]!.toFixed(1)} ms / ${stats(samples[i]!).p99.toFixed(1)} ms`));
    b.figure('launcher Read p50 minus sh -c true (what the hook adds to any process)', `${(p50[READ]! - p50[0]!).toFixed(1)} ms`);
    b.figure('launcher Read p50 / node -e 0 p50', `${(p50[READ]! / p50[1]!).toFixed(2)}×`);
    b.target('hooks: Read decided by content, p50 (sh .airlock/bin/airlock-hook, as agents run it)', `${p50[READ]!.toFixed(1)} ms`, '≤ 50 ms', p50[READ]! <= 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
