// One test environment for the agent suite: a fake upstream, the real gateway in front of it, and
// (in base-URL mode) a recording tap in front of the gateway. Modes are wiring variants: adding
// proxy mode for an agent is a new entry in MODES plus the client's `wiring` for it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentClient, Wiring } from './clients';
import { startFake, type FakeUpstream } from './fakes/server';
import { isInstalled, install } from './install.mjs';
import { cliPath, startGatewayProcess, type GatewayProcess } from './runner';
import { startTap, type Tap } from './tap';

export type ModeName = 'base-url' | 'proxy';

export interface Environment {
  mode: ModeName;
  fake: FakeUpstream;
  gateway: GatewayProcess;
  tap?: Tap;
  /** The wiring that sends `client` through the gateway in this mode. */
  wiring(client: AgentClient): Wiring;
  /** The gateway's decision lines since the last reset (ids and sizes only, never content). */
  gatewayLog(): string;
  /** Forget what was recorded (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export const POLICY = join(__dirname, 'policy.jsonc');

/** Gateway path prefix per wire format in base-URL mode (gemini: once the gateway has the dialect). */
const PREFIX: Record<string, string> = { anthropic: '/anthropic', responses: '/openai/v1', chat: '/openai/v1', gemini: '/gemini' };

/** Installs the client into the cache if missing; throws (failing the suite) if it cannot. */
export function ensureInstalled(name: string): void {
  if (isInstalled(name)) return;
  const r = install(name, () => undefined);
  if (!r.ok) throw new Error(`cannot install the real ${name} CLI: ${r.error}`);
}

export async function startEnvironment(mode: ModeName): Promise<Environment> {
  if (!existsSync(cliPath())) throw new Error(`${cliPath()} is missing: run \`node esbuild.mjs\` first`);
  if (mode === 'proxy') throw new Error('proxy mode needs the gateway proxy (issue 11) on main');
  const fake = await startFake();
  const gateway = await startGatewayProcess({ policy: POLICY, upstreams: { anthropic: fake.url, openai: `${fake.url}/v1` } });
  const tap = await startTap(`http://127.0.0.1:${gateway.port}`);
  let logOffset = 0;
  return {
    mode, fake, gateway, tap,
    gatewayLog: () => gateway.log().slice(logOffset),
    wiring: (client) => ({ baseUrl: `${tap.url}${PREFIX[client.format]}` }),
    reset: () => {
      fake.requests.length = 0;
      tap.exchanges.length = 0;
      logOffset = gateway.log().length;
    },
    close: async () => {
      await tap.close();
      await gateway.close();
      await fake.close();
    },
  };
}
