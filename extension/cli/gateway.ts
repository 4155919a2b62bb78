// `airlock gateway`: the interception gateway as a standalone process (for terminals, CI, or
// assistants outside VS Code). Loads the policy once; an invalid policy means no gateway.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { formatProblem, loadLayeredPolicy, refKind } from '../core/policy';
import { createJsonlAuditSink, loadOrCreateSalt, startGateway, type DecisionEvent } from '../gateway';
import { GATEWAY_USAGE, parseGatewayArgs, type GatewayArgs } from './gatewayArgs';
import { createDesktopNotifier } from './gatewayNotify';
import { createNodePolicyReader, defaultWorkspacePolicyRef } from './policySource';
import type { CliIO } from './run';

/** Where per-install state (the audit salt) lives: $AIRLOCK_STATE_DIR or ~/.airlock. */
function stateDir(): string {
  return process.env['AIRLOCK_STATE_DIR'] || join(homedir(), '.airlock');
}

const SHOUT: Record<string, string> = { block: 'BLOCKED', redact: 'REDACTED', warn: 'WARNED', audit: 'audited', allow: 'allowed' };

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * One readable stderr line per decision, as it happens: what was done, to which destination,
 * by which rule, what was found where. Ids, places and sizes only: never content or values.
 */
export function decisionLine(e: DecisionEvent): string {
  const r = e.record;
  const time = r.time.slice(11, 19);
  const dest = r.destination ? r.destination.replace(/^https?:\/\//, '') : 'the gateway';
  const parts = [`${time} ${SHOUT[r.action] ?? r.action} ${r.dialect || 'request'} → ${dest}`];
  if (r.rule) parts.push(`rule ${r.rule}`);
  const found = (e.findings ?? []).map((f) => `${f.detector ?? f.kind} in ${f.where}`);
  if (found.length) parts.push(found.slice(0, 4).join(', ') + (found.length > 4 ? ` and ${found.length - 4} more` : ''));
  else if (r.detectors.length) parts.push(r.detectors.join(', '));
  if (r.reason) parts.push(r.reason);
  parts.push(r.status ? `answered ${r.status}` : `${size(r.forwardedBytes)} forwarded`);
  parts.push(`${r.decisionMs.toFixed(1)} ms`);
  return `airlock gateway: ${parts.join(' · ')}\n`;
}

function waitForSignal(): Promise<string> {
  return new Promise((done) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function gatewayCommand(argv: string[], io: CliIO): Promise<number> {
  let args: GatewayArgs;
  try {
    args = parseGatewayArgs(argv);
  } catch (error) {
    io.stderr.write(`airlock gateway: ${(error as Error).message}\n${GATEWAY_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(GATEWAY_USAGE);
    return 0;
  }
  const ref = args.policy ? (refKind(args.policy) === 'file' && !isAbsolute(args.policy) ? resolve(io.cwd, args.policy) : args.policy) : defaultWorkspacePolicyRef(io.cwd);
  const loaded = await loadLayeredPolicy({ workspace: ref }, createNodePolicyReader());
  for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
  if (!loaded.ok) {
    io.stderr.write('airlock gateway: the policy has errors; not starting (nothing would be forwarded)\n');
    return 1;
  }
  // Listen before announcing the port: a client that signals right after the first line must
  // find the handler in place (Node arms a signal handler only once the current tick ends).
  const stopSignal = waitForSignal();
  const audit = args.audit ? createJsonlAuditSink(resolve(io.cwd, args.audit)) : undefined;
  const auditSalt = audit ? await loadOrCreateSalt(join(stateDir(), 'audit-salt')) : undefined;
  const notify = args.notify ? createDesktopNotifier(io) : undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      policy: () => loaded.policy,
      port: args.port,
      upstreams: args.upstreams,
      ...(audit ? { audit } : {}),
      ...(auditSalt ? { auditSalt } : {}),
      ...(args.maxBodyBytes ? { maxBodyBytes: args.maxBodyBytes } : {}),
      onDecision: (e) => {
        if (!args.quiet) io.stderr.write(decisionLine(e));
        notify?.(e);
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    io.stderr.write(
      code === 'EADDRINUSE'
        ? `airlock gateway: port ${args.port} on 127.0.0.1 is already in use (another gateway?); choose another with --port N, or leave --port out for a free one\n`
        : `airlock gateway: not allowed to listen on port ${args.port}; choose a port above 1023 with --port N\n`,
    );
    return 2;
  }
  io.stdout.write(`${JSON.stringify({ port: gateway.port, ...gateway.urls })}\n`);
  const signal = await stopSignal;
  io.stderr.write(`airlock gateway: ${signal}, stopping\n`);
  await gateway.close();
  return 0;
}
