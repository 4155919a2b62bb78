// Glue between the gateway and proxy mode: settings from the policy in force, the CA loaded once,
// and audit records for CONNECTs.
import { aiHostFamily, DEFAULT_INSPECTED_HOSTS } from '../../core/dialects/hosts';
import type { CompiledPolicy } from '../../core/policy/contract';
import type { AuditRecord } from '../audit';
import { loadOrCreateCa, type AirlockCa } from './ca';
import type { ConnectEvent, ProxySettings } from './connect';

/**
 * Proxy settings from the policy: the default inspected hosts plus the policy's. Without a
 * policy (it could not load) nothing is tunnelled: inspected hosts are still decrypted and
 * answered by the gateway (503), everything else is refused.
 */
export function proxySettingsFor(policy: CompiledPolicy | undefined): ProxySettings {
  const extra = policy?.proxy?.inspect ?? [];
  return {
    inspect: extra.length ? [...DEFAULT_INSPECTED_HOSTS, ...extra] : DEFAULT_INSPECTED_HOSTS,
    tunnelAllowed: (host) => (policy ? (policy.proxy ? policy.proxy.tunnelAllowed(host) : aiHostFamily(host) === undefined) : false),
  };
}

/** Loads (or creates) the user's CA once; a failure is retried on the next CONNECT. */
export function caLoader(hosts: () => readonly string[]): () => Promise<AirlockCa> {
  let loading: Promise<AirlockCa> | undefined;
  return () => {
    loading ??= loadOrCreateCa({ hosts: hosts() }).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

const CONNECT_MESSAGES: Record<string, string> = {
  policy: 'this host is not allowed through the proxy by the Airlock policy (proxy.otherHosts is block)',
  'ai-host-not-inspected': 'this is an AI host the policy does not inspect, and AI traffic is not tunnelled blind: add it to proxy.inspect (then `airlock ca reset`), or to proxy.tunnel to let it through uninspected; nothing was sent',
  'ca-error': 'the Airlock CA could not be loaded, so this AI host could not be inspected; nothing was sent',
  'ca-not-covering': 'the Airlock CA does not cover this host (run `airlock ca reset` after changing proxy.inspect); nothing was sent',
};

/**
 * The audit record of a CONNECT (or an absolute-form request) and the message for listeners. A
 * refused WebSocket upgrade is recorded as `audit`: it steers the client to HTTP, where its
 * requests are decided one by one, and is no reason to alarm the engineer.
 */
export function connectRecord(event: ConnectEvent): { record: Omit<AuditRecord, 'time'>; message: string } {
  const action = event.mode !== 'block' ? 'allow' : event.reason === 'websocket' ? 'audit' : 'block';
  return {
    record: {
      dialect: 'connect',
      destination: event.target,
      action,
      proxy: event.mode,
      rules: [],
      detectors: [],
      matchHashes: [],
      requestBytes: 0,
      forwardedBytes: 0,
      decisionMs: 0,
      ...(event.reason ? { reason: event.reason } : {}),
    },
    message: (event.reason && CONNECT_MESSAGES[event.reason]) ?? '',
  };
}
