// `airlock gateway`: the interception gateway as a standalone process (for terminals, CI, or
// assistants outside VS Code). Loads the policy once; an invalid policy means no gateway.
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatProblem } from '../core/policy';
import { createJsonlAuditSink, loadOrCreateSalt, startGateway, type DecisionEvent } from '../gateway';
import { createPolicyAuditSink } from '../gateway/otlp/policyAuditSink';
import { proxyFromEnv, type UpstreamOptions } from '../gateway/proxy/upstream';
import { GATEWAY_STATE_FILE } from './env';
import { caCovers } from '../gateway/proxy/ca';
import { GATEWAY_USAGE, parseGatewayArgs, type GatewayArgs } from './gatewayArgs';
import { createDesktopNotifier } from './gatewayNotify';
import { loadEffectivePolicy, orgPolicyLabel } from './orgPolicy/loadCliPolicy';
import { airlockStateDir } from './orgPolicy/orgPolicyConfig';
import { cliPolicyRef, defaultWorkspacePolicyRef } from './policySource';
import { protectsPaths, WorkspaceIndex } from './fingerprint/workspaceIndex';
import type { CliIO } from './run';

/** Where per-install state (the audit salt, the OTLP buffer) lives: $AIRLOCK_STATE_DIR or ~/.airlock. */
const stateDir = () => airlockStateDir();

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
  if (r.dialect === 'connect') return `airlock gateway: ${time} CONNECT ${r.destination} ${r.proxy ?? ''}${r.reason ? ` · ${r.reason}` : ''}\n`;
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

/** Inspected hosts an existing CA's name constraints leave out (none when there is no CA yet). */
async function uncoveredHosts(hosts: readonly string[]): Promise<string[]> {
  const covers = await caCovers();
  return covers ? hosts.filter((h) => !covers(h.replace(/^\*\./, 'x.'))) : [];
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
  const workspaceDir = resolve(io.cwd, args.workspace ?? '.');
  if (!existsSync(workspaceDir) || !statSync(workspaceDir).isDirectory()) {
    io.stderr.write(`airlock gateway: --workspace ${args.workspace}: not a folder\n`);
    return 2;
  }
  const workspace = args.policy ? cliPolicyRef(args.policy, io.cwd) : defaultWorkspacePolicyRef(workspaceDir);
  const loaded = await loadEffectivePolicy({ workspace, cwd: io.cwd, ...(args.orgPolicy ? { orgPolicy: args.orgPolicy } : {}), ...(io.env ? { env: io.env } : {}) });
  for (const problem of loaded.problems) io.stderr.write(`${formatProblem(problem)}\n`);
  if (loaded.org?.problem) io.stderr.write(`airlock gateway: organization policy: ${loaded.org.problem}; the last good copy stays in force\n`);
  const policyVersion = orgPolicyLabel(loaded.org);
  if (!loaded.ok) {
    io.stderr.write('airlock gateway: the policy has errors; not starting (nothing would be forwarded)\n');
    return 1;
  }
  // Protected code by content: the workspace's fingerprint index, started once the gateway is up.
  const index: { current?: WorkspaceIndex } = {};
  const local = args.audit ? createJsonlAuditSink(resolve(io.cwd, args.audit)) : undefined;
  // The org policy may send every decision record to the company's collector (OTLP) as well.
  const audit = local || loaded.policy.auditExport
    ? createPolicyAuditSink({
        spec: () => loaded.policy.auditExport,
        ...(local ? { local } : {}),
        stateDir: stateDir(),
        onExport: (endpoint) => {
          if (endpoint && !args.quiet) io.stderr.write(`airlock gateway: exporting audit records to ${new URL(endpoint).origin} (OTLP)\n`);
        },
      })
    : undefined;
  const auditSalt = audit ? await loadOrCreateSalt(join(stateDir(), 'audit-salt')) : undefined;
  let upstream: UpstreamOptions;
  try {
    const cas = await Promise.all(args.upstreamCa.map((f) => readFile(resolve(io.cwd, f), 'utf8')));
    const fromEnv = args.upstreamProxy === undefined ? proxyFromEnv(process.env) : {};
    upstream = { resolve: args.resolve, ca: cas, ...fromEnv, ...(args.upstreamProxy ? { proxy: args.upstreamProxy } : {}) };
  } catch (error) {
    io.stderr.write(`airlock gateway: ${(error as Error).message}\n`);
    return 2;
  }
  const notify = args.notify ? createDesktopNotifier(io) : undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      upstream,
      policy: () => loaded.policy,
      protectedIndex: () => index.current?.index,
      workspaceRoots: [workspaceDir],
      port: args.port,
      upstreams: args.upstreams,
      ...(audit ? { audit } : {}),
      ...(auditSalt ? { auditSalt } : {}),
      ...(args.maxBodyBytes ? { maxBodyBytes: args.maxBodyBytes } : {}),
      ...(policyVersion ? { policyVersion: () => policyVersion } : {}),
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
    await audit?.close();
    return 2;
  }
  // From here on a SIGTERM or SIGINT stops cleanly (registered before any other await, and
  // before the first line is written: Node arms a handler only once the current tick ends, so a
  // client that signals right after reading that line must find it in place).
  const stopped = waitForSignal();
  void uncoveredHosts(loaded.policy.proxy?.inspect ?? []).then((uncovered) => {
    if (uncovered.length) io.stderr.write(`airlock gateway: the Airlock CA was made before proxy.inspect listed ${uncovered.join(', ')}; CONNECTs to them are refused until \`airlock ca reset\`\n`);
  });
  // Fingerprint the workspace's own protected files in the background (cached, watched); until
  // built, requests are judged by what is indexed so far.
  const policy = loaded.policy;
  const fingerprints = (index.current = WorkspaceIndex.start({
    root: workspaceDir,
    isProtected: (path) => policy.isProtectedPath(path) !== undefined,
    enabled: protectsPaths(policy),
    onWarning: (message) => io.stderr.write(`airlock gateway: ${message}\n`),
  }));
  fingerprints.ready.then(
    (s) => {
      if (!args.quiet && s.files > 0) io.stderr.write(`airlock gateway: fingerprinted ${s.files} protected files (${s.fingerprints} fingerprints, ${s.excluded} public left out) in ${Math.round(s.buildMs)} ms\n`);
    },
    () => io.stderr.write('airlock gateway: the fingerprint index could not be built; protected code is recognised by path labels and markers only\n'),
  );
  io.stdout.write(`${JSON.stringify({ port: gateway.port, proxy: `http://127.0.0.1:${gateway.port}`, ...gateway.urls })}\n`);
  if (!args.quiet) io.stderr.write(`airlock gateway: policy layers ${loaded.policy.layers.join(' > ')} (${loaded.policy.sources.map((s) => s.split(/[\\/]/).pop()).join(', ')})\n`);
  // Lets `airlock env` find this gateway's port.
  const stateFile = join(stateDir(), GATEWAY_STATE_FILE);
  await mkdir(stateDir(), { recursive: true, mode: 0o700 }).catch(() => undefined);
  await writeFile(stateFile, `${JSON.stringify({ port: gateway.port, pid: process.pid })}\n`, { mode: 0o600 }).catch(() => undefined);
  const signal = await stopped;
  io.stderr.write(`airlock gateway: ${signal}, stopping\n`);
  await gateway.close();
  await audit?.close();
  const current = await readFile(stateFile, 'utf8').catch(() => '');
  if (current.includes(`"pid":${process.pid}`)) await rm(stateFile, { force: true });
  await fingerprints.close();
  return 0;
}
