// One gateway in proxy mode per test, with fake TLS upstreams answering under real host names:
// `ai` for the AI hosts, `other` for hosts the proxy does not inspect. Names are pinned to the
// fakes with the gateway's --resolve option; their certificates come from a stand-in public CA
// the gateway trusts (--upstream-ca); clients trust the Airlock CA (like NODE_EXTRA_CA_CERTS).
import OpenAI from 'openai';
import type { CompiledPolicy } from '../../../../extension/core/policy/contract';
import { startGateway, type DecisionEvent, type GatewayHandle, type GatewayOptions } from '../../../../extension/gateway';
import type { AuditRecord } from '../../../../extension/gateway/audit';
import { loadOrCreateCa, type AirlockCa } from '../../../../extension/gateway/proxy/ca';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fakeUpstream';
import { memoryAudit } from './harness';
import { fakePublicCa, proxiedFetch, withTempDir, type PublicCa } from './tls';

export const AI_HOSTS = ['api.openai.com', 'chatgpt.com', 'api.githubcopilot.com', 'copilot-proxy.githubusercontent.com', 'generativelanguage.googleapis.com', 'api.anthropic.com'];
export const OTHER_HOSTS = ['example.test', 'api.github.com'];

export interface ProxyHarness {
  gateway: GatewayHandle;
  ai: FakeUpstream;
  other: FakeUpstream;
  ca: AirlockCa;
  publicCa: PublicCa;
  audit: AuditRecord[];
  decisions: DecisionEvent[];
  /** A fetch through the proxy that trusts the Airlock CA. */
  fetch(): typeof fetch;
  /** The official OpenAI SDK through the proxy (default base URL: the real api.openai.com). */
  openai(baseURL?: string): OpenAI;
}

let sharedPublicCa: PublicCa | undefined;

export async function withProxy(policy: () => CompiledPolicy | undefined, run: (h: ProxyHarness) => Promise<void>, extra: Partial<GatewayOptions> = {}): Promise<void> {
  const publicCa = (sharedPublicCa ??= fakePublicCa());
  await withTempDir(async (dir) => {
    const ai = await startFakeUpstream({ tls: publicCa.serverFor(AI_HOSTS) });
    const other = await startFakeUpstream({ tls: publicCa.serverFor(OTHER_HOSTS) });
    const ca = await loadOrCreateCa({ dir: `${dir}/ca` });
    const audit: AuditRecord[] = [];
    const decisions: DecisionEvent[] = [];
    const pin = (u: FakeUpstream) => ({ host: '127.0.0.1', port: Number(new URL(u.url).port) });
    const resolve = Object.fromEntries([...AI_HOSTS.map((h) => [h, pin(ai)]), ...OTHER_HOSTS.map((h) => [h, pin(other)])]);
    const gateway = await startGateway({
      policy,
      audit: memoryAudit(audit),
      onDecision: (e) => decisions.push(e),
      ...extra,
      upstream: { resolve, ca: [publicCa.certPem], ...extra.upstream, ...(extra.upstream?.resolve ? { resolve: { ...resolve, ...extra.upstream.resolve } } : {}) },
      proxy: { ca: async () => ca, ...extra.proxy },
    });
    const closers: (() => Promise<void>)[] = [];
    const newFetch = () => {
      const f = proxiedFetch(gateway.port, ca.certPem);
      closers.push(f.close);
      return f.fetch;
    };
    try {
      await run({
        gateway,
        ai,
        other,
        ca,
        publicCa,
        audit,
        decisions,
        fetch: newFetch,
        openai: (baseURL) => new OpenAI({ apiKey: 'sk-test-client-key', maxRetries: 0, timeout: 5000, fetch: newFetch(), ...(baseURL ? { baseURL } : {}) }),
      });
    } finally {
      for (const c of closers) await c();
      await gateway.close();
      await ai.close();
      await other.close();
    }
  });
}
