// Agent hooks: one hook call as the agent makes it — a new process reading the payload on
// stdin — through dist/hook.js (which asks the hook server, started by the first call), beside
// `node -e 0` (the floor any Node hook pays) and the standalone decision, in the same run.
// Target: a read decided by content in ≤ 50 ms p50.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stats, type Bench } from './bench';

const HOOK = join(__dirname, '..', '..', 'dist', 'hook.js');

function spawnMs(args: string[], input: string, cwd: string, daemon = 'on'): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { input, cwd, encoding: 'utf8', env: { ...process.env, AIRLOCK_HOOK_DAEMON: daemon, AIRLOCK_HOOK_IDLE_MS: '10000' } });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 2) throw new Error(`hook exited ${r.status}: ${r.stderr}`);
  return ms;
}

export default async function hooks(b: Bench): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-hooks-'));
  try {
    spawnSync('git', ['init', '-q'], { cwd: dir });
    mkdirSync(join(dir, '.airlock'), { recursive: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, '.airlock/policy.jsonc'), '{ "extends": ["airlock:meta-style"], "protected": { "paths": ["!docs/**"] } }\n');
    writeFileSync(join(dir, 'src/pricing.ts'), 'export function price(n: number): number {\n  return n * 42;\n}\n'.repeat(50));
    const payload = (tool: string, input: object) => JSON.stringify({ session_id: 's', cwd: dir, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, transcript_path: '/dev/null' });
    const cases: [string, string[], string, string?][] = [
      ['baseline: node -e 0', ['-e', '0'], ''],
      ['hook: tool with nothing to check (TodoWrite)', [HOOK, 'hook', 'claude-code'], payload('TodoWrite', { todos: [] })],
      ['hook: Read of a protected file (decided by content)', [HOOK, 'hook', 'claude-code'], payload('Read', { file_path: join(dir, 'src/pricing.ts') })],
      ['hook: Bash `cat src/pricing.ts`', [HOOK, 'hook', 'claude-code'], payload('Bash', { command: 'cat src/pricing.ts' })],
    ];
    cases.push(['standalone (no hook server): Read of a protected file', [HOOK, 'hook', 'claude-code'], payload('Read', { file_path: join(dir, 'src/pricing.ts') }), 'off']);
    const samples = cases.map(() => [] as number[]);
    for (let round = 0; round < 3; round++) cases.forEach(([, args, input, daemon]) => spawnMs(args, input, dir, daemon));
    // The first call found no hook server and started one; give it a moment to listen.
    await new Promise((r) => setTimeout(r, 500));
    for (let round = 0; round < 25; round++) cases.forEach(([, args, input, daemon], i) => samples[i]!.push(spawnMs(args, input, dir, daemon)));
    const p50 = samples.map((s) => stats(s).p50);
    cases.forEach(([label], i) => b.figure(`${label} p50 / p99`, `${p50[i]!.toFixed(1)} ms / ${stats(samples[i]!).p99.toFixed(1)} ms`));
    b.figure('hook Read p50 minus node start-up (what Airlock adds)', `${(p50[2]! - p50[0]!).toFixed(1)} ms`);
    b.target('hooks: Read decided by content, p50 (spawned process)', `${p50[2]!.toFixed(1)} ms`, '≤ 50 ms', p50[2]! <= 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
