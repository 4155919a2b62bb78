// The audit sinks a policy asks for: the local JSONL log (when one is configured) plus OTLP
// export to the collector the policy names. The policy can change while the gateway runs (an
// org policy refresh), so the OTLP sink follows the policy in force, rebuilt when it changes.
import { join } from 'node:path';
import type { AuditExportSpec } from '../../core/policy/schema';
import type { AuditRecord, AuditSink } from '../audit';
import { createOtlpAuditSink, type OtlpAuditSink } from './otlpAuditSink';

export interface PolicyAuditSinkOptions {
  /** The audit export of the policy in force (read on every record; cheap). */
  spec: () => AuditExportSpec | undefined;
  /** The local log, if any: always written too. */
  local?: AuditSink;
  /** Per-user state folder: the OTLP disk buffer lives in `<stateDir>/otlp-buffer`. */
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  /** Called when the OTLP sink is (re)built, e.g. to log where audit goes (endpoint only). */
  onExport?: (endpoint: string | undefined) => void;
}

export interface PolicyAuditSink extends AuditSink {
  /** The OTLP sink in use, if the policy asks for one. */
  otlp(): OtlpAuditSink | undefined;
  close(): Promise<void>;
}

function headersFrom(spec: AuditExportSpec, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [header, variable] of Object.entries(spec.headersFromEnv ?? {})) {
    const value = env[variable];
    if (value) out[header.toLowerCase()] = value;
  }
  return out;
}

export function createPolicyAuditSink(options: PolicyAuditSinkOptions): PolicyAuditSink {
  const env = options.env ?? process.env;
  let key = '';
  let otlp: OtlpAuditSink | undefined;
  const retired: Promise<void>[] = [];

  function current(): OtlpAuditSink | undefined {
    const spec = options.spec();
    const next = spec ? JSON.stringify(spec) : '';
    if (next === key) return otlp;
    key = next;
    if (otlp) retired.push(otlp.close());
    otlp = spec
      ? createOtlpAuditSink({
          endpoint: spec.endpoint,
          protocol: spec.protocol ?? 'http/protobuf',
          headers: headersFrom(spec, env),
          spoolDir: join(options.stateDir, 'otlp-buffer'),
          maxSpoolBytes: (spec.maxBufferMB ?? 32) * 1024 * 1024,
        })
      : undefined;
    options.onExport?.(spec?.endpoint);
    return otlp;
  }

  return {
    write(record: AuditRecord) {
      options.local?.write(record);
      try {
        current()?.write(record);
      } catch {
        // Export must never take the request path down.
      }
    },
    flush: async () => {
      await Promise.all([options.local?.flush(), otlp?.flush()]);
    },
    otlp: () => otlp,
    close: async () => {
      await Promise.all([options.local?.flush(), otlp?.close(), ...retired]);
    },
  };
}
