// The local interception gateway: official AI clients point their base URL here.
export { startGateway, type DecisionEvent, type GatewayHandle, type GatewayOptions } from './server';
export { createPolicyAuditSink, type PolicyAuditSink } from './otlp/policyAuditSink';
export { createJsonlAuditSink, loadOrCreateSalt, hashMatch, type AuditRecord, type AuditSink } from './audit';
export { DEFAULT_UPSTREAMS, CLIENT_PREFIXES, type Upstreams } from './routes';
export { decide, type Decision } from './decide';
export { createResponseTap, decodeResponseBody, type ObservedResponse, type ResponseTap, type ResponseTapOptions } from './responseTap';
export { ensureCaFiles, proxyEnvironment, formatEnvironment } from './proxy/env';
export { pinsFromSetting, proxyFromEnv } from './proxy/upstream';
export { DEFAULT_INSPECTED_HOSTS } from '../core/dialects/hosts';
