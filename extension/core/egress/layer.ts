// A compiled policy layer: everything the engine needs to decide a request, built once by
// extension/core/policy/compile.ts. Evaluation only reads it.
import type { FingerprintIndex } from '../fingerprint/fingerprintIndex';
import type { OrgFingerprintSet } from '../fingerprint/orgSet';
import type { DestinationGroup } from '../policy/destinations';
import type { NameMatcher } from '../policy/globs';
import type { PathMatcher } from '../policy/paths';
import type { AuditExportSpec } from '../policy/schema';
import type { EgressAction, SegmentRole } from './types';

export interface DetectorMatch {
  detector: string;
  start: number;
  end: number;
}

/** The layer's detectors (built-in pack minus disabled ones, plus custom ones, with its allowlist). */
export interface LayerScanner {
  scan(text: string): DetectorMatch[];
  /** Ids of custom detectors (their findings are `custom-detector`, the others `secret`). */
  readonly customIds: ReadonlySet<string>;
  readonly ids: ReadonlySet<string>;
  /**
   * False when a detector's pattern may depend on where the scanned text starts or ends (a
   * custom regex with `^` or `$`): such a scanner sees each segment on its own, never joined.
   */
  readonly batchable?: boolean;
}

export interface CompiledEgressRule {
  id: string;
  action: EgressAction;
  message: string;
  protected: boolean;
  detectors?: NameMatcher;
  /** Destination condition: in one of `include` (when any) and in none of `exclude`. */
  destinations?: { include: DestinationGroup[]; exclude: DestinationGroup[] };
  assistants?: NameMatcher;
  roles?: ReadonlySet<SegmentRole>;
}

export interface CompiledReviewRule {
  id: string;
  action: 'forbid' | 'require-approval';
  paths: PathMatcher;
  distinctReviewer: boolean;
  signatures?: 'required' | 'optional';
  allowedSigners?: string;
  disclosure?: 'Assisted-by' | 'Co-authored-by';
  message: string;
}

export type AttachmentAction = 'allow' | 'audit' | 'block';

/** The layer's `attachments` setting: the first group the destination is in decides, else `fallback`. */
export interface CompiledAttachments {
  byGroup: { group: DestinationGroup; action: AttachmentAction }[];
  fallback: AttachmentAction;
}

export interface CompiledLayer {
  /** Layer name (`organization`, `workspace`) and the root policy it was loaded from. */
  name: string;
  source: string;
  onUnparseable: EgressAction;
  /** Where this layer sends decision records besides the local log (OTLP), if it says. */
  auditExport?: AuditExportSpec;
  protectedPaths: PathMatcher;
  /** Case-insensitive alternation of the protected content markers, or undefined when none. */
  markers?: RegExp;
  /** What a merely mentioned protected path counts for (`protected.references`, default `ignore`). */
  references: 'ignore' | 'audit' | 'block';
  /** Fingerprints of protected code from the layer's `protected.fingerprints` files (filled in by the loader). */
  fingerprints: FingerprintIndex[];
  /** Organization-wide probabilistic fingerprint sets (`.alos` files among `protected.fingerprints`). */
  orgSets: OrgFingerprintSet[];
  scanner?: LayerScanner;
  egress: CompiledEgressRule[];
  review: CompiledReviewRule[];
  /** Agent id → the destination its hooks decide for (`agents.<id>.destination`). */
  agentDestinations?: ReadonlyMap<string, string>;
  /** Proxy mode settings of this layer (absent: nothing added, other hosts tunnelled). */
  proxy?: { inspect: string[]; tunnel: string[]; otherHosts: 'tunnel' | 'block' };
  /** Unset: attachments are allowed by this layer. */
  attachments?: CompiledAttachments;
  /** `credentials`: per destination group, the detectors of the keys it takes (the first group the destination is in decides). */
  credentials: { group: DestinationGroup; detectors: Pick<NameMatcher, 'matches'> }[];
}
