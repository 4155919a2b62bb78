// The contract between everything that intercepts traffic (gateway, agent hooks, the editor)
// and the policy engine. Interceptors build an EgressRequest; the engine answers a Verdict.
import type { FingerprintIndex } from '../fingerprint/fingerprintIndex';

/** What the engine may decide, weakest first. `block` > `redact` > `warn` > `audit` > `allow`. */
export type EgressAction = 'allow' | 'audit' | 'warn' | 'redact' | 'block';

export const ACTION_STRENGTH: Record<EgressAction, number> = { allow: 0, audit: 1, warn: 2, redact: 3, block: 4 };

/**
 * Where a piece of request text came from. `other` is text no dialect parser attributes (tool
 * descriptions, schemas, metadata, object keys, the URL and custom headers): still scanned.
 * `credential` is the value of a credential header or query parameter that has a credential's
 * shape (see credentials.ts): searched for protected code and by custom detectors, not by the
 * built-in secret detectors — except for another service's key going to a known provider.
 */
export type SegmentRole = 'system' | 'user' | 'assistant' | 'tool-call' | 'tool-result' | 'file' | 'other' | 'credential';

export interface EgressSegment {
  /** Stable id within the request (e.g. `messages[2].content[0]`), used for redaction. */
  id: string;
  role: SegmentRole;
  text: string;
  /** Workspace-relative or absolute path when the segment is (or quotes) a file. */
  path?: string;
}

/** An opaque binary payload (image, PDF, archive) in a request: no detector can read it, so the policy's `attachments` decides. */
export interface EgressAttachment {
  /** Id of the JSON string that carries it (its path in the body). */
  id: string;
  /** Declared media type, when the request names one. */
  mediaType?: string;
  /** Decoded size in bytes. */
  bytes: number;
}

export interface EgressRequest {
  /** Full destination URL the request is going to (after gateway routing). */
  destination: string;
  /** Text segments, in request order. */
  segments: EgressSegment[];
  /** Every file path the request references (labels around file content, tool arguments, …). */
  referencedPaths: string[];
  /** Opaque binary payloads the request carries (text payloads are decoded into segments instead). */
  attachments?: EgressAttachment[];
  /** The assistant or tool that made the request, when known (e.g. `claude-code`, `continue`). */
  assistant?: string;
  /** The API dialect (e.g. `openai-chat`, `anthropic-messages`, `ollama-chat`), when known. */
  dialect?: string;
  /**
   * Absolute workspace folder paths, when known, so absolute file paths can be matched against
   * workspace-relative globs. Without them an absolute path is matched at every depth (fail closed).
   */
  workspaceRoots?: string[];
}

export interface Finding {
  /** Id of the egress rule that fired. */
  rule: string;
  /** Id of the detector that matched, when a detector is involved (e.g. `aws-access-key`). */
  detector?: string;
  /** What kind of condition matched. */
  kind: 'secret' | 'custom-detector' | 'protected-path' | 'protected-content' | 'destination' | 'assistant' | 'attachment' | 'unparseable';
  action: EgressAction;
  /** Segment id the match is in, if any. */
  segment?: string;
  /** UTF-16 offsets of the match inside the segment text. */
  start?: number;
  end?: number;
  /** Path involved (segment path or referenced path). */
  path?: string;
  /**
   * For `protected-content` found by fingerprint: the protected source file the code came from
   * (workspace-relative path, or the name recorded in a fingerprint file), its 1-based line
   * range, and how many distinct fingerprints matched. Never the code itself.
   */
  source?: string;
  sourceLines?: [number, number];
  fingerprints?: number;
  /**
   * True when the match comes from the organization-wide probabilistic set (`.alos`): the code
   * is probably from repository `source`, not checked out here, so no file or lines are known.
   */
  probable?: boolean;
  /** A safe preview of the match: never the full value (e.g. `AKIA…MPLE`, 8 chars max). */
  preview?: string;
  /** Placeholder written in place of the value when redacted, e.g. `[REDACTED:aws-access-key#1]`. */
  placeholder?: string;
}

export interface Verdict {
  action: EgressAction;
  findings: Finding[];
  /** The message the engineer sees (from the deciding rule), empty for allow. */
  message: string;
  /** Id of the rule that decided the action, if any. */
  rule?: string;
  /** For `redact`: the same segments with every redacted span replaced by its placeholder. */
  redactedSegments?: EgressSegment[];
}

/** What the host gives the engine beside the request. */
export interface EgressOptions {
  /**
   * Fingerprints of the workspace's protected code (built and kept current by the host: gateway,
   * scan, hooks, editor). Protected rules then also fire on copies of that code wherever they
   * appear, with or without a path or marker. Absent: path labels and markers only.
   */
  protectedIndex?: FingerprintIndex;
  /** Absolute workspace roots, to make absolute paths workspace-relative for path globs (the request's own win). */
  workspaceRoots?: readonly string[];
}
