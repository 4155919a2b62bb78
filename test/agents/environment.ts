// One test environment for the agent suite: a fake upstream, the real gateway in front of it, and
// a tap in front of the gateway. Modes are wiring variants:
//   base-url  the client's base URL points at the gateway's family prefix (through an HTTP tap
//             that records the exact bytes the client sent);
//   proxy     HTTPS_PROXY points at the gateway (through a TCP tap), the client trusts Airlock's
//             CA, and the gateway reaches the fake over TLS under the real host names
//             (--resolve HOST=127.0.0.1:PORT, --upstream-ca with a throwaway test CA).
// Adding a client to proxy mode is its `wiring` in clients.ts plus the mode in its test file.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentClient, Wiring } from './clients';
import { startFake, type FakeUpstream } from './fakes/server';
import { API_HOSTS, mintTestCa } from './fakes/testCa';
import { isInstalled, install } from './install.mjs';
import { airlock, cliPath, gatewaySupports, makeWorkdir, startGatewayProcess, type AuditLine, type GatewayProcess } from './runner';
import { startTap, startTcpTap, type Tap, type TcpTap } from './tap';

export type ModeName = 'base-url' | 'proxy';

export interface Environment {
  mode: ModeName;
  fake: FakeUpstream;
  gateway: GatewayProcess;
  /** base-url mode: the recording HTTP tap. */
  tap?: Tap;
  /** The agents' HOME root for this environment (one per client below it), removed at close. */
  home: string;
  /** The project copy the agents run in; the gateway fingerprints its protected files. */
  workdir: string;
  /** proxy mode: the TCP tap. */
  tcpTap?: TcpTap;
  /** The wiring that sends `client` through the gateway in this mode. */
  wiring(client: AgentClient): Wiring;
  /** The gateway's decision lines since the last reset (ids and sizes only, never content). */
  gatewayLog(): string;
  /** Audit records since the last reset. */
  records(): Promise<AuditLine[]>;
  /** Request decisions (not CONNECTs) since the last reset. */
  decisions(): Promise<AuditLine[]>;
  /** proxy mode: the CONNECTs since the last reset, as [host:port, proxy decision]. */
  connects(): Promise<[string, string][]>;
  /** Forget what was recorded (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export const POLICY = join(__dirname, 'policy.jsonc');
export const PROXY_POLICY = join(__dirname, 'policy-proxy.jsonc');
export const META_PROXY_POLICY = join(__dirname, 'policy-meta-proxy.jsonc');

/** Gateway path prefix per wire format in base-URL mode. */
const PREFIX: Record<string, string> = { anthropic: '/anthropic', responses: '/openai/v1', chat: '/openai/v1', gemini: '/gemini' };

/** Why a mode cannot run against the built gateway yet (undefined: it can). */
export function modeUnavailable(mode: ModeName, client: AgentClient): string | undefined {
  if (mode === 'proxy' && !gatewaySupports('proxy')) return 'waits on the gateway proxy mode (issue 11, proxy branch)';
  if (client.format === 'gemini' && !gatewaySupports('gemini')) return 'waits on the gateway Gemini dialect (issue 11, proxy branch)';
  return undefined;
}

/** Installs the client into the cache if missing; throws (failing the suite) if it cannot. */
export function ensureInstalled(name: string): void {
  if (isInstalled(name)) return;
  const r = install(name, () => undefined);
  if (!r.ok) throw new Error(`cannot install the real ${name} CLI: ${r.error}`);
}

export interface EnvironmentOptions {
  policy?: string;
  /** proxy mode: hosts the client reaches through a blind tunnel (the policy's `proxy.tunnel`
   *  exception to `otherHosts: block`); the fake answers them too, under their real names. */
  tunnel?: readonly string[];
}

export async function startEnvironment(mode: ModeName, options: EnvironmentOptions = {}): Promise<Environment> {
  if (!existsSync(cliPath())) throw new Error(`${cliPath()} is missing: run \`node esbuild.mjs\` first`);
  const cleanup: (() => void)[] = [];
  const testCa = mode === 'proxy' ? mintTestCa() : undefined;
  if (testCa) cleanup.push(() => rmSync(testCa.dir, { recursive: true, force: true }));
  const fake = await startFake(testCa ? { tls: { key: testCa.key, cert: testCa.cert } } : {});
  const workdir = makeWorkdir();
  const home = mkdtempSync(join(tmpdir(), 'airlock-agent-home-'));
  cleanup.push(() => rmSync(workdir, { recursive: true, force: true }), () => rmSync(home, { recursive: true, force: true }));
  const workspaceArgs = gatewaySupports('workspace') ? ['--workspace', workdir] : [];
  const upstreams: Record<string, string> = { anthropic: fake.url, openai: `${fake.url}/v1` };
  if (gatewaySupports('gemini')) upstreams.gemini = fake.url;

  let gateway: GatewayProcess;
  let tap: Tap | undefined;
  let tcpTap: TcpTap | undefined;
  let wiring: (client: AgentClient) => Wiring;
  if (mode === 'proxy') {
    const stateDir = mkdtempSync(join(tmpdir(), 'airlock-gw-state-'));
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    // Create Airlock's CA before the gateway starts, and the bundle for SSL_CERT_FILE.
    let caFile = airlock(['ca', 'path'], { AIRLOCK_STATE_DIR: stateDir });
    let bundleFile = airlock(['ca', 'bundle', '--out', join(stateDir, 'bundle.pem')], { AIRLOCK_STATE_DIR: stateDir });
    let policy = options.policy ?? PROXY_POLICY;
    if (options.tunnel?.length) {
      // The suite's policy plus the tunnel exception, in a file of its own (extends by absolute path).
      policy = join(stateDir, 'policy-tunnel.jsonc');
      writeFileSync(policy, JSON.stringify({ name: 'Airlock agent suite (proxy mode, tunnelled hosts)', extends: [options.policy ?? PROXY_POLICY], proxy: { tunnel: options.tunnel } }, null, 2));
      // A tunnel passes the fake's own certificate through untouched, as it would the real
      // host's: the client trusts the test CA beside Airlock's (standing in for the public roots).
      const testCaPem = readFileSync(testCa!.caFile, 'utf8');
      const withTestCa = (file: string, name: string) => {
        const out = join(stateDir, name);
        writeFileSync(out, `${readFileSync(file, 'utf8').trimEnd()}\n${testCaPem}`);
        return out;
      };
      caFile = withTestCa(caFile, 'client-ca.pem');
      bundleFile = withTestCa(bundleFile, 'client-bundle.pem');
    }
    const pins = API_HOSTS.flatMap((h) => ['--resolve', `${h}=127.0.0.1:${fake.tlsPort}`]);
    gateway = await startGatewayProcess({
      policy, upstreams, stateDir,
      extraArgs: [...workspaceArgs, ...pins, '--upstream-ca', testCa!.caFile],
      // Never a non-loopback address: pinned hosts go straight to the fake (NO_PROXY), and any
      // other upstream connection would go to a dead loopback proxy and fail.
      env: { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: API_HOSTS.join(','), https_proxy: '', http_proxy: '', HTTP_PROXY: '', no_proxy: '' },
    });
    tcpTap = await startTcpTap(gateway.port);
    const proxyUrl = tcpTap.url;
    wiring = () => ({ proxy: { url: proxyUrl, caFile, bundleFile } });
  } else {
    gateway = await startGatewayProcess({ policy: options.policy ?? POLICY, upstreams, extraArgs: workspaceArgs });
    tap = await startTap(`http://127.0.0.1:${gateway.port}`);
    const base = tap.url;
    wiring = (client) => ({ baseUrl: `${base}${PREFIX[client.format]}` });
  }
  if (workspaceArgs.length) {
    // Judge requests only once the fingerprint index of the project's protected files is built.
    const deadline = Date.now() + 20_000;
    while (!/fingerprinted \d+ protected files|fingerprint index could not be built/.test(gateway.log())) {
      if (Date.now() > deadline) throw new Error(`the gateway did not report its fingerprint index in 20 s:\n${gateway.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let logOffset = 0;
  let recordOffset = 0;
  const since = () => gateway.log().slice(logOffset);
  const records = async () => (await gateway.records()).slice(recordOffset);
  return {
    mode, fake, gateway, workdir, home, ...(tap ? { tap } : {}), ...(tcpTap ? { tcpTap } : {}),
    wiring,
    gatewayLog: since,
    records,
    decisions: async () => (await records()).filter((r) => r.dialect !== 'connect'),
    connects: async () => (await records()).filter((r) => r.dialect === 'connect').map((r) => {
      const target = r.destination.replace(/^[a-z]+:\/\//, '');
      return [/:\d+$/.test(target) ? target : `${target}:443`, r.proxy ?? ''];
    }),
    reset: async () => {
      fake.requests.length = 0;
      if (tap) tap.exchanges.length = 0;
      logOffset = gateway.log().length;
      recordOffset = (await gateway.records()).length;
    },
    close: async () => {
      await tap?.close();
      await tcpTap?.close();
      await gateway.close();
      await fake.close();
      for (const c of cleanup) c();
    },
  };
}
