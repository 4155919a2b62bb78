// dist/hook.js: what agents' hooks start (through .airlock/bin/airlock-hook) when the launcher
// cannot ask the hook server itself (no curl, no server yet, Windows). It loads nothing but
// Node built-ins: it hands the payload to the hook server (dist/hook-engine.js --serve, which
// keeps the policy engine compiled) over HTTP on its private socket, and when no server
// answers it decides standalone with the same engine, in this process, and starts a server
// for the next call. Every path ends in the engine's answer or a refusal.
// `node hook.js hook <agent> [event]` and `node hook.js <agent> [event]` both work.
import { request } from 'node:http';
import { join } from 'node:path';
import { decodeAnswer, FORWARDED_ENV, HEADER_CWD, HEADER_ENGINE, HEADER_ENV_PREFIX, HEADER_ORG_POLICY, hookSocketPath } from './hooks/socket';

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

function viaServer(socket: string, raw: string): Promise<Answer | 'unavailable' | 'timeout' | 'broken'> {
  return new Promise((resolvePromise) => {
    const headers: Record<string, string> = { [HEADER_CWD]: latin1(process.cwd()), [HEADER_ENGINE]: latin1(engineFile), [HEADER_ORG_POLICY]: latin1(process.env.AIRLOCK_ORG_POLICY ?? '') };
    for (const k of FORWARDED_ENV) if (process.env[k] !== undefined) headers[`${HEADER_ENV_PREFIX}${k.toLowerCase()}`] = latin1(process.env[k]!);
    const query = new URLSearchParams({ agent: args[0] ?? '', ...(args[1] ? { event: args[1] } : {}) });
    let sent = false;
    let req: ReturnType<typeof request>;
    try {
      req = request({ socketPath: socket, method: 'POST', path: `/v1/hook?${query}`, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', () => resolvePromise('broken'));
        res.once('end', () => {
          clearTimeout(timer);
          const decoded = res.statusCode === 200 && res.complete ? decodeAnswer(Buffer.concat(chunks).toString('latin1')) : undefined;
          // 'retry': the server did not decide (its engine changed, it is not ours): decide standalone.
          resolvePromise(decoded === 'retry' ? 'unavailable' : (decoded ?? 'broken'));
        });
      });
    } catch {
      return resolvePromise('broken');
    }
    const timer = setTimeout(() => {
      req.destroy();
      resolvePromise('timeout');
    }, timeoutMs);
    req.once('socket', (s) => s.once('connect', () => (sent = true)));
    // Not reached (nothing listens, a stale socket file): nothing was decided, so standalone may.
    // Cut off after the request went out: the server may have acted on it, so refuse instead.
    req.once('error', () => {
      clearTimeout(timer);
      resolvePromise(sent ? 'broken' : 'unavailable');
    });
    req.end(Buffer.from(raw, 'utf8'));
  });
}

/** Header values travel as bytes; Node writes a string's characters as latin1, so UTF-8 goes as its bytes. */
function latin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
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
  const reply = await viaServer(socket, raw);
  if (reply === 'unavailable') return standalone(raw, true);
  if (reply === 'timeout' || reply === 'broken') {
    const why = reply === 'timeout' ? 'did not answer in time' : 'gave no answer Airlock understands';
    const engine = loadEngine();
    return finish(engine ? engine.failureAnswer(args, `Airlock's hook server ${why}, so the action was refused (fail closed).`) : brokenAnswer(`the hook server ${why}`));
  }
  finish(reply);
}

main().catch((error: unknown) => finish(brokenAnswer(error instanceof Error ? error.message : String(error))));
