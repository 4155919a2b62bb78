// The gateway: a loopback HTTP server that runs every request through
// security → read/decode → decide → act (refuse | forward) → audit.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderFamily } from '../core/dialects';
import type { EgressOptions } from '../core/egress/types';
import type { FingerprintIndex } from '../core/fingerprint';
import type { CompiledPolicy } from '../core/policy/contract';
import { assistantFromHeaders } from './assistant';
import { auditFindings, hashMatch, type AuditRecord, type AuditSink } from './audit';
import { BodyError, decodeBody, readBody } from './body';
import { decide, type Decision } from './decide';
import { errorResponse, type GatewayError } from './errors';
import { forward } from './forward';
import { createResponseTap, type ObservedResponse } from './responseTap';
import { CLIENT_PREFIXES, DEFAULT_UPSTREAMS, familyOf, routeRequest, type Upstreams } from './routes';
import { refusalReason } from './security';
import { type AirlockCa } from './proxy/ca';
import { attachProxy, hostRefusal, type ProxySettings, type ProxyTarget } from './proxy/connect';
import { passThrough } from './proxy/plain';
import { absoluteTarget, routeProxied } from './proxy/route';
import { caLoader, connectRecord, proxySettingsFor } from './proxy/wiring';
import { createUpstream, type UpstreamOptions } from './proxy/upstream';
import { decisionFindings, type DecisionFinding } from './decisionFindings';

export interface DecisionEvent {
  record: AuditRecord;
  /** The deciding rule's message (written by the policy author; never request content). */
  message: string;
  /** What was found where (rule, detector, request location; never a value). */
  findings?: readonly DecisionFinding[];
}

export interface GatewayOptions {
  /** The current policy. Undefined, or a provider that throws, means nothing is forwarded. */
  policy: () => CompiledPolicy | undefined;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  upstreams?: Partial<Upstreams>;
  audit?: AuditSink;
  /** Salt for hashing matched values in audit records (per install); random per run if absent. */
  auditSalt?: Buffer;
  /** Largest request body accepted, as sent and after decompression. Default 32 MiB. */
  maxBodyBytes?: number;
  onDecision?: (event: DecisionEvent) => void;
  /**
   * The workspace's fingerprint index of protected code (read per request: it is replaced
   * and updated in the background) and the workspace roots. Absent: labels and markers only.
   */
  protectedIndex?: () => FingerprintIndex | undefined;
  workspaceRoots?: readonly string[];
  /** The organization policy in force, written into every audit record (e.g. `2026.12.1 sha256:ab12…`). */
  policyVersion?: () => string | undefined;
  /** Code seen in 2xx model responses (fenced blocks, tool-call edits), for provenance. Called after the response ended. */
  onResponseCode?: (observed: ObservedResponse) => void;
  /** How upstreams are reached: egress proxy, extra CAs, pinned addresses (`--resolve`). */
  upstream?: UpstreamOptions;
  /** Proxy mode: the CA (default: the user's, created on first use) and settings overriding the policy's. */
  proxy?: { ca?: () => Promise<AirlockCa>; settings?: () => ProxySettings };
}

export interface GatewayHandle {
  port: number;
  urls: Record<ProviderFamily, string>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

function destinationOf(target: URL | undefined): string {
  return target ? `${target.origin}${target.pathname}` : '';
}

export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const upstreams: Upstreams = { ...DEFAULT_UPSTREAMS, ...options.upstreams };
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const salt = options.auditSalt ?? randomBytes(32);
  // Keep-alive and no Nagle delay towards upstreams: the gateway must add well under a millisecond.
  const upstream = createUpstream(options.upstream);
  const agents = upstream.agents;

  function record(base: Omit<AuditRecord, 'time'>, message: string, findings?: readonly DecisionFinding[]): void {
    const policyVersion = options.policyVersion?.();
    const full: AuditRecord = { time: new Date().toISOString(), ...base, ...(policyVersion ? { policyVersion } : {}) };
    try {
      options.audit?.write(full);
      options.onDecision?.({ record: full, message, ...(findings?.length ? { findings } : {}) });
    } catch {
      // A failing listener must not take the request path down.
    }
  }

  function answer(res: ServerResponse, family: ProviderFamily | undefined, error: GatewayError): void {
    if (res.headersSent || res.destroyed) return;
    const reply = errorResponse(family, error);
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  function egressOptions(): EgressOptions {
    let protectedIndex: FingerprintIndex | undefined;
    try {
      protectedIndex = options.protectedIndex?.();
    } catch {
      protectedIndex = undefined; // labels and markers still apply
    }
    return { ...(protectedIndex ? { protectedIndex } : {}), ...(options.workspaceRoots ? { workspaceRoots: options.workspaceRoots } : {}) };
  }

  function currentPolicy(): CompiledPolicy | undefined {
    try {
      return options.policy();
    } catch {
      return undefined;
    }
  }

  /** `via`: the real host a proxied request was addressed to (proxy mode); absent for base-URL requests. */
  async function handle(req: IncomingMessage, res: ServerResponse, via?: ProxyTarget): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const proxied = via && routeProxied(via, method, req.url);
    const family = via ? proxied?.family : familyOf(req.url);
    // Proxied requests carry the real host's name; the loopback checks guard base-URL requests.
    const refusal = via ? undefined : refusalReason(req);
    const refuseEarly = (error: GatewayError, reason: string, dialect = '') => {
      // Stop reading whatever the client still sends, and close the connection after answering.
      res.setHeader('connection', 'close');
      req.resume();
      answer(res, family, error);
      record({ dialect, destination: '', action: 'block', status: error.status, rules: [], detectors: [], matchHashes: [], requestBytes: 0, forwardedBytes: 0, decisionMs: performance.now() - started, reason }, error.message);
    };
    if (refusal) return refuseEarly({ status: 403, kind: 'forbidden', message: refusal }, 'forbidden');
    const route = via ? proxied : routeRequest(method, req.url, upstreams);
    if (!route) return refuseEarly({ status: 404, kind: 'not-found', message: `no Airlock route for this path; use ${Object.values(CLIENT_PREFIXES).join(', ')}` }, 'not-found');
    const dialect = route.dialect ?? 'unknown';
    const destination = destinationOf(route.target);

    let raw: Buffer;
    let decoded: Buffer;
    try {
      raw = await readBody(req, maxBody);
      decoded = decodeBody(raw, req.headers['content-encoding'], maxBody);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      const message = error instanceof BodyError ? error.message : 'the request body could not be read';
      return refuseEarly({ status, kind: status === 413 ? 'too-large' : 'bad-request', message }, status === 413 ? 'too-large' : 'bad-body', dialect);
    }

    // The audit trail names where a request went, not what its path says: the path can carry text.
    const base = { dialect, destination: route.target.origin, pathHash: hashMatch(salt, route.subpath), requestBytes: decoded.length };
    const policy = currentPolicy();
    if (!policy) {
      const error: GatewayError = { status: 503, kind: 'no-policy', message: 'no Airlock policy is loaded; nothing was forwarded', hint: 'fix the policy file (airlock policy check) or reload it.' };
      answer(res, family, error);
      record({ ...base, action: 'block', status: 503, rules: [], detectors: [], matchHashes: [], forwardedBytes: 0, decisionMs: performance.now() - started, reason: 'no-policy' }, error.message);
      return;
    }

    const assistant = assistantFromHeaders(req.headers);
    const decision: Decision = decide({
      policy,
      dialect: route.dialect,
      body: decoded,
      destination,
      method,
      url: route.subpath,
      headers: req.headers,
      ...(assistant ? { assistant } : {}),
      egressOptions: egressOptions(),
    });
    const decisionMs = performance.now() - started;
    const findings = decision.verdict && decision.request ? auditFindings(decision.verdict, decision.request.segments, salt) : { rules: [], detectors: [], matchHashes: [] };
    const rule = decision.verdict?.rule ?? (decision.kind === 'refuse' ? decision.error.rule : undefined);
    const ruleField = rule ? { rule } : {};
    const places = decision.verdict && decision.request ? decisionFindings(decision.verdict, decision.request.segments) : undefined;

    if (decision.kind === 'refuse') {
      answer(res, family, decision.error);
      record({ ...base, ...findings, ...ruleField, action: decision.action, status: decision.error.status, forwardedBytes: 0, decisionMs, reason: decision.reason }, decision.error.message, places);
      return;
    }

    const body = decision.body ?? raw;
    const reasonField = decision.reason ? { reason: decision.reason } : {};
    record({ ...base, ...findings, ...ruleField, ...reasonField, action: decision.action, forwardedBytes: body.length, decisionMs }, decision.verdict.message, places);
    forward({
      req,
      res,
      target: route.target,
      body,
      rewritten: decision.body !== undefined,
      agents,
      tap: options.onResponseCode && createResponseTap({ dialect: route.dialect, destination, ...(assistant ? { assistant } : {}), onObserved: options.onResponseCode }),
      onUnreachable: () => answer(res, family, { status: 502, kind: 'upstream-error', message: `the upstream ${route.target.origin} could not be reached` }),
    });
  }

  const run = (req: IncomingMessage, res: ServerResponse, via?: ProxyTarget) => {
    handle(req, res, via).catch(() => {
      // Last line of defence: nothing was forwarded, say so without details.
      answer(res, via ? 'openai' : familyOf(req.url), { status: 500, kind: 'engine-error', message: 'internal gateway error; nothing was forwarded' });
    });
  };
  const proxySettings = () => options.proxy?.settings?.() ?? proxySettingsFor(currentPolicy());
  const server = createServer({ noDelay: true }, (req, res) => {
    // Proxy mode, plain HTTP: absolute-form request lines (`GET http://host/path`).
    const absolute = absoluteTarget(req.url);
    if (!absolute) return run(req, res);
    const mode = proxy.modeFor(absolute.host);
    const refusal = mode === 'block' ? hostRefusal(absolute.host, `requests to ${absolute.host} are not allowed by the Airlock policy (proxy.otherHosts is block)`) : undefined;
    const connect = connectRecord({ target: `${absolute.host}:${absolute.port}`, mode, ...(refusal ? { reason: refusal.reason } : {}) });
    record(connect.record, connect.message);
    if (mode === 'inspect') return run(req, res, absolute);
    if (mode === 'tunnel') return passThrough(req, res, new URL(req.url!), agents.http);
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', 'x-airlock': 'blocked' });
    res.end(`Airlock: ${refusal!.message}\n`);
  });
  const proxy = attachProxy(server, {
    settings: proxySettings,
    ca: options.proxy?.ca ?? caLoader(() => proxySettings().inspect),
    upstream,
    handle: run,
    onConnect: (event) => {
      const connect = connectRecord(event);
      record(connect.record, connect.message);
    },
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  upstream.setSelfPort(port);
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    urls: { openai: `${base}${CLIENT_PREFIXES.openai}`, anthropic: `${base}${CLIENT_PREFIXES.anthropic}`, ollama: `${base}${CLIENT_PREFIXES.ollama}`, gemini: `${base}${CLIENT_PREFIXES.gemini}` },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        proxy.close();
      });
      upstream.destroy();
      await options.audit?.flush();
    },
  };
}
