// Agent Trace v0.1.0 (https://agent-trace.dev): the open record format for AI attribution.
// Only the parts Airlock reads and writes are typed; unknown fields are preserved by readers.

export const AGENT_TRACE_VERSION = '0.1.0';

export type ContributorType = 'ai' | 'human' | 'mixed' | 'unknown';

export interface TraceContributor {
  type: ContributorType;
  /** `provider/model`, e.g. `anthropic/claude-sonnet-4`. */
  model_id?: string;
}

export interface TraceRange {
  /** 1-based, inclusive. */
  start_line: number;
  end_line: number;
  content_hash?: string;
  /** Overrides the conversation's contributor for this range. */
  contributor?: TraceContributor;
}

export interface TraceRelated {
  type: string;
  url: string;
}

export interface TraceConversation {
  url?: string;
  contributor?: TraceContributor;
  ranges: TraceRange[];
  related?: TraceRelated[];
}

export interface TraceFile {
  path: string;
  conversations: TraceConversation[];
}

export interface TraceRecord {
  version: string;
  id: string;
  timestamp: string;
  vcs?: { type: 'git' | 'jj' | 'hg' | 'svn'; revision: string };
  tool?: { name: string; version?: string };
  files: TraceFile[];
  metadata?: Record<string, unknown>;
}
