// dist/hook.js: what agents' hooks start (through .airlock/bin/airlock-hook) on every tool
// call. It loads nothing but Node built-ins: it hands the payload to the hook server
// (dist/hook-engine.js --serve, which keeps the policy engine compiled) over a local socket,
// and when no server answers it decides standalone with the same engine, in this process, and
// starts a server for the next call. Every path ends in the engine's answer or a refusal.
// `node hook.js hook <agent> [event]` and `node hook.js <agent> [event]` both work.
import { connect } from 'node:net';
import { join } from 'node:path';
import { FORWARDED_ENV, hookSocketPath, type HookRequest } from './hooks/socket';

interface Answer {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}
interface Engine {
  answerHook(args: readonly string[], raw: string, cwd: string, options?: { exitOnTimeout?: boolean }): Promise<Answer>;
  failureAnswer(args: readonly string[], message: string): Answer;
}

const argv = process.argv.slice(2);
const args = argv[0] === 'hook' ? argv.slice(1) : argv;
const engineFile = join(__dirname, 'hook-engine.js');
const timeoutMs = (Number(process.env.AIRLOCK_HOOK_TIMEOUT_MS) || 20_000) + 2_000;

function finish(a: Answer): void {
  if (a.stdout) process.stdout.write(a.stdout);
  if (a.stderr) process.stderr.write(a.stderr);
  process.exitCode = a.exitCode;
}

/** A refusal without the engine (it is missing or broken): exit 2, and the JSON the agents that read stdout need. */
function brokenAnswer(reason: string, advice = "Reinstall Airlock and run 'airlock agents install'."): Answer {
  const msg = `Airlock's hook is broken (${reason}), so the action was refused (fail closed). ${advice}`;
  const stdout =
    args[0] === 'copilot-cli'
      ? JSON.stringify({ permissionDecision: 'deny', permissionDecisionReason: msg })
      : args[0] === 'cursor'
        ? JSON.stringify(args[1] === 'beforeSubmitPrompt' ? { continue: false, user_message: msg } : { permission: 'deny', user_message: msg, agent_message: msg })
        : '';
  return { exitCode: 2, stderr: `${msg}\n`, ...(stdout ? { stdout: `${stdout}\n` } : {}) };
}

function loadEngine(): Engine | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(engineFile) as Engine;
  } catch {
    return undefined;
  }
}

async function standalone(raw: string, startServer: boolean): Promise<void> {
  const engine = loadEngine();
  if (!engine) return finish(brokenAnswer('dist/hook-engine.js could not be loaded'));
  finish(await engine.answerHook(args, raw, process.cwd(), { exitOnTimeout: true }));
  if (startServer) {
    try {
      // Loaded here, not at the top: the usual call never starts a process.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      spawn(process.execPath, [engineFile, '--serve'], { detached: true, stdio: 'ignore' }).unref();
    } catch {
      // the next call decides standalone again
    }
  }
}

function viaServer(socket: string, request: HookRequest): Promise<Answer | 'unavailable' | 'timeout'> {
  return new Promise((resolvePromise) => {
    const conn = connect(socket);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      conn.destroy();
      resolvePromise('timeout');
    }, timeoutMs);
    conn.once('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (c: Buffer) => chunks.push(c));
    conn.once('error', () => {
      clearTimeout(timer);
      resolvePromise('unavailable');
    });
    conn.once('close', () => {
      clearTimeout(timer);
      try {
        const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer & { retry?: boolean };
        resolvePromise(reply.retry || typeof reply.exitCode !== 'number' ? 'unavailable' : reply);
      } catch {
        resolvePromise('unavailable');
      }
    });
  });
}

async function main(): Promise<void> {
  // Nothing may hang past the agent's own hook timeout (Claude Code would then go ahead): not
  // even an agent that never closes stdin.
  setTimeout(() => {
    finish(brokenAnswer(`it did not finish within ${timeoutMs} ms`, 'If the agent never closed the payload, report it; otherwise narrow the search.'));
    process.exit(2);
  }, timeoutMs + 1_000).unref();
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const daemon = process.env.AIRLOCK_HOOK_DAEMON !== 'off';
  const socket = daemon ? hookSocketPath(engineFile) : undefined;
  if (!socket) return standalone(raw, false);
  const env: Record<string, string> = {};
  for (const k of FORWARDED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  const reply = await viaServer(socket, { args, cwd: process.cwd(), payload: raw, env });
  if (reply === 'unavailable') return standalone(raw, true);
  if (reply === 'timeout') {
    const engine = loadEngine();
    return finish(engine ? engine.failureAnswer(args, "Airlock's hook server did not answer in time, so the action was refused (fail closed).") : brokenAnswer('the hook server did not answer'));
  }
  finish(reply);
}

main().catch((error: unknown) => finish(brokenAnswer(error instanceof Error ? error.message : String(error))));
