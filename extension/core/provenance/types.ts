// The provenance model: what Airlock knows about one piece of AI-written code.

/** How the AI code reached the file. */
export type Channel = 'inline-completion' | 'chat-edit' | 'agent-hook' | 'gateway-observed' | 'heuristic' | 'cli';

export const CHANNELS: readonly Channel[] = ['inline-completion', 'chat-edit', 'agent-hook', 'gateway-observed', 'heuristic', 'cli'];

/** One line of an AI contribution as it is now. */
export interface TrackedLine {
  /** Indentation-insensitive hash (see hash.ts anchorHash), used to find the line again. */
  a: string;
  /**
   * Exact content hash. Not stored in the ledger's contribution records (approvals hash the line
   * as it is at check time); kept optional for callers that want to compare.
   */
  x?: string;
  /** True when a human edited part of the line (it still needs review). */
  m?: boolean;
  /** Similarity sketch (see hash.ts lineSketch), to recognise the line after a partial edit. */
  s?: string;
  /** True for a trivial line (blank, lone brace…): it never anchors a span alone. */
  t?: boolean;
  /** Shape hash (see lineShape.ts): survives renamed identifiers and reformatting. */
  n?: string;
}

/** Who/what produced a contribution; fixed at record time and inherited by every split. */
export interface ContributionMeta {
  tool: string;
  model?: string;
  /** ISO time of recording. */
  time: string;
  session?: string;
  channel: Channel;
  /** 0..1: 1 when the tool told us exactly what it wrote, lower for heuristics. */
  confidence: number;
}

/**
 * A contiguous run of AI lines in one file, as last seen. A contribution that a human splits
 * becomes several spans sharing the same `root` (the id of the original recording).
 */
export interface AiSpan extends ContributionMeta {
  id: string;
  root: string;
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  lines: TrackedLine[];
}

/** A line-based text change (what an editor reports), in UTF-16 offsets of the old text. */
export interface TextChange {
  offset: number;
  deletedLength: number;
  insertedText: string;
}
