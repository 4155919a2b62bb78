// Glue between the gateway and proxy mode: settings from the policy in force, the CA loaded once,
// and audit records for CONNECTs.
import { DEFAULT_INSPECTED_HOSTS } from '../../core/dialects/hosts';
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
    tunnelAllowed: (host) => (policy ? (policy.proxy ? policy.proxy.tunnelAllowed(host) : true) : false),
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

export function connectRecord(event: ConnectEvent): Omit<AuditRecord, 'time'> {
  return {
    dialect: 'connect',
    destination: event.target,
    action: event.mode === 'block' ? 'block' : 'allow',
    proxy: event.mode,
    rules: [],
    detectors: [],
    matchHashes: [],
    requestBytes: 0,
    forwardedBytes: 0,
    decisionMs: 0,
    ...(event.reason ? { reason: event.reason } : {}),
  };
}
