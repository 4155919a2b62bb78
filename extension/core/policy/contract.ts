// What a loaded, compiled policy offers the rest of Airlock. The gateway, the agent hooks,
// the CLI and the editor depend on this contract only, never on how policies are parsed.
import type { EgressAction, EgressOptions, EgressRequest, Verdict } from '../egress/types';
import type { AuditExportSpec } from './schema';

/** What the review rules say about AI-written code at one path. */
export interface ReviewRequirement {
  /** Set when AI-written code is not allowed at this path at all (even if approved). */
  forbidden?: { rule: string; message: string };
  /** Set when AI-written code at this path needs a human approval. */
  requireApproval?: {
    rule: string;
    message: string;
    distinctReviewer: boolean;
    /**
     * `required`: only reviews signed with a key in the allowed signers file count.
     * `optional` (default): unsigned reviews count; a signature that is present must verify.
     */
    signatures?: 'required' | 'optional';
    /** The allowed signers file (ssh-keygen ALLOWED SIGNERS format): repository-relative or absolute. */
    allowedSigners?: string;
  };
  /** Set when commits bringing AI-written lines here must disclose it with a trailer. */
  disclosure?: { rule: string; trailer: 'Assisted-by' | 'Co-authored-by' };
}

export interface CompiledPolicy {
  /** Ids of the layers that make up this policy, highest (organization) first. */
  readonly layers: readonly string[];
  /**
   * Decides one outgoing request. Never throws for well-formed requests. `options.protectedIndex`
   * is the host's fingerprint index of the workspace's protected code (see EgressOptions).
   */
  evaluateEgress(request: EgressRequest, options?: EgressOptions): Verdict;
  /** Review rules for AI-written code, by workspace-relative POSIX path. */
  reviewFor(path: string): ReviewRequirement;
  /** True when the path is protected code under this policy (used by agent read hooks). */
  isProtectedPath(path: string): { rule: string; message: string } | undefined;
  /** The destination an agent's hooks decide for (`agents.<id>.destination`), when the policy names one. */
  agentDestination?(agent: string): string | undefined;
  /** What happens to a request the interceptor cannot parse (strongest over layers; default `block`). */
  readonly onUnparseable?: EgressAction;
  /** Where decision records are exported (OTLP), from the highest layer that says; undefined: local log only. */
  readonly auditExport?: AuditExportSpec;
  /** The verdict for a request the interceptor cannot parse, per `onUnparseable`. `reason` must not quote request text. */
  unparseableVerdict?(reason: string): Verdict;
  /** Proxy mode: hosts to decrypt and inspect (added to the defaults) and which other hosts may be tunnelled. */
  readonly proxy?: ProxyPolicy;
}

export interface ProxyPolicy {
  /** Inspected-host entries added by the policy layers (exact names or `*.domain`). */
  readonly inspect: readonly string[];
  /** True when every layer lets this (not inspected) host through a blind tunnel. */
  tunnelAllowed(host: string): boolean;
}
