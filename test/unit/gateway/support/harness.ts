// One fake upstream (answering as OpenAI, Anthropic and Ollama) behind one gateway, per test.
import type { CompiledPolicy } from '../../../../extension/core/policy/contract';
import { startGateway, type DecisionEvent, type GatewayHandle, type GatewayOptions } from '../../../../extension/gateway';
import type { AuditRecord, AuditSink } from '../../../../extension/gateway/audit';
import { startFakeUpstream, type FakeUpstream } from '../../../support/fakeUpstream';

export interface Harness {
  gateway: GatewayHandle;
  upstream: FakeUpstream;
  decisions: DecisionEvent[];
  audit: AuditRecord[];
}

export function memoryAudit(records: AuditRecord[]): AuditSink {
  return { write: (r) => void records.push(r), flush: async () => undefined };
}

export async function withGateway(policy: () => CompiledPolicy | undefined, run: (h: Harness) => Promise<void>, extra: Partial<GatewayOptions> = {}): Promise<void> {
  const upstream = await startFakeUpstream();
  const decisions: DecisionEvent[] = [];
  const audit: AuditRecord[] = [];
  const gateway = await startGateway({
    policy,
    upstreams: { openai: `${upstream.url}/v1`, anthropic: upstream.url, ollama: upstream.url, gemini: upstream.url },
    audit: memoryAudit(audit),
    onDecision: (e) => decisions.push(e),
    ...extra,
  });
  try {
    await run({ gateway, upstream, decisions, audit });
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

/** Raw HTTP to the gateway, for what the SDKs cannot send (garbage, foreign Host, Origin). */
export async function rawRequest(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'POST', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
