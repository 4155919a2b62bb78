// `airlock gateway`: the interception gateway as a standalone process (for terminals, CI, or
// assistants outside VS Code). Loads the policy once; an invalid policy means no gateway.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { formatProblem, loadLayeredPolicy, refKind } from '../core/policy';
import { createJsonlAuditSink, loadOrCreateSalt, startGateway, type DecisionEvent } from '../gateway';
import { GATEWAY_USAGE, parseGatewayArgs, type GatewayArgs } from './gatewayArgs';
import { createNodePolicyReader, defaultWorkspacePolicyRef } from './policySource';
import { WorkspaceIndex } from './fingerprint/workspaceIndex';
import type { CliIO } from './run';

/** Where per-install state (the audit salt) lives: $AIRLOCK_STATE_DIR or ~/.airlock. */
function stateDir(): string {
  return process.env['AIRLOCK_STATE_DIR'] || join(homedir(), '.airlock');
}

/** One stderr line per decision: ids, sizes and timing only, never content. */
function decisionLine(e: DecisionEvent): string {
  const r = e.record;
  const rule = r.rule ? ` rule=${r.rule}` : '';
  const detectors = r.detectors.length ? ` detectors=${r.detectors.join(',')}` : '';
  const reason = r.reason ? ` reason=${r.reason}` : '';
  return `airlock gateway: ${r.action} ${r.dialect} ${r.destination}${rule}${detectors}${reason} ${r.requestBytes}B ${r.decisionMs.toFixed(1)}ms\n`;
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
  const workspace = resolve(io.cwd, args.workspace ?? '.');
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) {
    io.stderr.write(`airlock gateway: --workspace ${args.workspace}: not a folder\n`);
    return 2;
  }
  const ref = args.policy ? (refKind(args.policy) === 'file' && !isAbsolute(args.policy) ? resolve(io.cwd, args.policy) : args.policy) : defaultWorkspacePolicyRef(workspace);
  const loaded = await loadLayeredPolicy({ workspace: ref }, createNodePolicyReader());
  for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
  if (!loaded.ok) {
    io.stderr.write('airlock gateway: the policy has errors; not starting (nothing would be forwarded)\n');
    return 1;
  }
  // Protected code by content: fingerprint the workspace's own protected files in the
  // background (cached, watched); until built, requests are judged by what is indexed so far.
  const policy = loaded.policy;
  const fingerprints = WorkspaceIndex.start({
    root: workspace,
    isProtected: (path) => policy.isProtectedPath(path) !== undefined,
    onWarning: (message) => io.stderr.write(`airlock gateway: ${message}\n`),
  });
  fingerprints.ready.then(
    (s) => {
      if (!args.quiet) io.stderr.write(`airlock gateway: fingerprinted ${s.files} protected files (${s.fingerprints} fingerprints, ${s.excluded} public left out) in ${Math.round(s.buildMs)} ms\n`);
    },
    () => io.stderr.write('airlock gateway: the fingerprint index could not be built; protected code is recognised by path labels and markers only\n'),
  );
  const audit = args.audit ? createJsonlAuditSink(resolve(io.cwd, args.audit)) : undefined;
  const auditSalt = audit ? await loadOrCreateSalt(join(stateDir(), 'audit-salt')) : undefined;
  const gateway = await startGateway({
    policy: () => loaded.policy,
    protectedIndex: () => fingerprints.index,
    workspaceRoots: [workspace],
    port: args.port,
    upstreams: args.upstreams,
    ...(audit ? { audit } : {}),
    ...(auditSalt ? { auditSalt } : {}),
    ...(args.maxBodyBytes ? { maxBodyBytes: args.maxBodyBytes } : {}),
    onDecision: (e) => {
      if (!args.quiet) io.stderr.write(decisionLine(e));
    },
  });
  io.stdout.write(`${JSON.stringify({ port: gateway.port, ...gateway.urls })}\n`);
  const signal = await waitForSignal();
  io.stderr.write(`airlock gateway: ${signal}, stopping\n`);
  await gateway.close();
  await fingerprints.close();
  return 0;
}
