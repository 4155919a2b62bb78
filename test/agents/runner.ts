// Runs the real `airlock gateway` (the built dist/cli.js) and a real agent CLI against it, in a
// throwaway copy of a small fake project, with a timeout; returns what the user saw and timings.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { AgentClient, Wiring } from './clients';

export const REPO = resolve(__dirname, '..', '..');
const PROJECT = join(__dirname, 'project');

/** The fields of a gateway audit record the suite reads (extension/gateway/audit.ts). */
export interface AuditLine { dialect: string; destination: string; action: string; rule?: string; reason?: string; proxy?: string }

export interface GatewayProcess {
  port: number;
  urls: { openai: string; anthropic: string; ollama: string };
  /** stderr so far: one decision line per request (ids and sizes only); for humans. */
  log(): string;
  /** The audit records written so far (`--audit`, JSON lines): what the tests assert on. */
  records(): Promise<AuditLine[]>;
  close(): Promise<void>;
}

/** The CLI under test: this checkout's build, or AIRLOCK_TEST_CLI (to try the suite against another build). */
export function cliPath(): string {
  return process.env.AIRLOCK_TEST_CLI || join(REPO, 'dist', 'cli.js');
}

let helpText: string | undefined;
/** What the built gateway can do, read from its own usage text (proxy mode, the Gemini family). */
export function gatewaySupports(feature: 'proxy' | 'gemini' | 'workspace'): boolean {
  helpText ??= spawnSync(process.execPath, [cliPath(), 'gateway', '--help'], { encoding: 'utf8' }).stdout ?? '';
  if (feature === 'proxy') return helpText.includes('--resolve');
  if (feature === 'workspace') return helpText.includes('--workspace');
  return /gemini/i.test(helpText);
}

/** Runs `airlock <args>` of the CLI under test and returns its stdout (throws on failure). */
export function airlock(args: string[], env: Record<string, string>): string {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`airlock ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Starts `node dist/cli.js gateway …` (build first with `node esbuild.mjs`). */
export async function startGatewayProcess(opts: { policy: string; upstreams: Record<string, string>; extraArgs?: string[]; cwd?: string; stateDir?: string; env?: Record<string, string> }): Promise<GatewayProcess> {
  const args = [cliPath(), 'gateway', '--policy', opts.policy, ...Object.entries(opts.upstreams).flatMap(([f, u]) => ['--upstream', `${f}=${u}`]), ...(opts.extraArgs ?? [])];
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'airlock-gw-state-'));
  const auditFile = join(stateDir, 'audit.jsonl');
  args.push('--audit', auditFile);
  const env: Record<string, string | undefined> = { ...process.env, AIRLOCK_STATE_DIR: stateDir, ...opts.env };
  if (!opts.env) for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[k];
  const child = spawn(process.execPath, args, { cwd: opts.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const first = await new Promise<string>((done, fail) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`gateway did not start in 15 s: ${stderr}`)), 15_000);
    rl.once('line', (line) => { clearTimeout(timer); done(line); });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`gateway exited ${code}: ${stderr}`)); });
  });
  const info = JSON.parse(first) as { port: number; openai: string; anthropic: string; ollama: string };
  return {
    port: info.port,
    urls: { openai: info.openai, anthropic: info.anthropic, ollama: info.ollama },
    log: () => stderr,
    records: async () => {
      // The sink batches appends: give the last decision a moment to reach the file.
      await new Promise((r) => setTimeout(r, 150));
      if (!existsSync(auditFile)) return [];
      return readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine);
    },
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

// Project copies made by this process, removed when it exits (a safety net for callers that do
// not remove theirs; an environment removes its own at close).
const madeWorkdirs = new Set<string>();
process.once('exit', () => {
  for (const dir of madeWorkdirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the fake project (a git repo, with a .env holding a fake AWS key). */
export function makeWorkdir(extra: Record<string, string> = {}, at?: string): string {
  let dir: string;
  if (at) {
    rmSync(at, { recursive: true, force: true });
    mkdirSync(at, { recursive: true });
    dir = at;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'airlock-agent-work-'));
    madeWorkdirs.add(dir);
  }
  cpSync(PROJECT, dir, { recursive: true });
  renameSync(join(dir, 'env.txt'), join(dir, '.env'));
  for (const [rel, content] of Object.entries(extra)) {
    const full = join(dir, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  const git = (...a: string[]) => spawnSync('git', a, { cwd: dir, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'fixture');
  return dir;
}

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Wall time of the run, ms. */
  ms: number;
  /** stdout+stderr chunks with their arrival time (ms since start), to see streaming. */
  chunks: { at: number; text: string }[];
}

/** Runs one agent CLI to completion (or kills its process group at the timeout). */
export async function runAgent(client: AgentClient, opts: { prompt: string; wiring: Wiring; workdir: string; timeoutMs?: number; keepHome?: boolean; home?: string; hooks?: Record<string, string> }): Promise<AgentRun> {
  let home: string;
  if (opts.home) {
    // A given HOME is reused as it is (one per suite environment: the CLIs' first-run set-up,
    // e.g. opencode's native libraries, happens once); callers wanting a fresh one wipe it.
    mkdirSync(opts.home, { recursive: true });
    home = opts.home;
  } else {
    home = mkdtempSync(join(tmpdir(), `airlock-agent-home-${client.name}-`));
  }
  const prepared = client.prepare({ home, workdir: opts.workdir, prompt: opts.prompt, wiring: opts.wiring, ...(opts.hooks ? { hooks: opts.hooks } : {}) });
  const started = Date.now();
  const child: ChildProcess = spawn(prepared.command, prepared.args, { cwd: opts.workdir, env: prepared.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const chunks: { at: number; text: string }[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { const t = c.toString('utf8'); stdout += t; chunks.push({ at: Date.now() - started, text: t }); });
  child.stderr!.on('data', (c: Buffer) => { const t = c.toString('utf8'); stderr += t; chunks.push({ at: Date.now() - started, text: t }); });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }, opts.timeoutMs ?? 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.once('close', (c, s) => done([c, s])));
  clearTimeout(timer);
  // Stragglers of the process group (MCP servers, shells) must not outlive the run.
  try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* none left */ }
  if (!opts.keepHome) rmSync(home, { recursive: true, force: true });
  return { code, signal, timedOut, stdout, stderr, ms: Date.now() - started, chunks };
}
