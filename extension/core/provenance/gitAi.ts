// git-ai interop: its authorship logs (Git AI Standard v3.0.0, `authorship/3.0.0`, one git note
// per commit under refs/notes/ai) name, per file, the lines of that commit that an AI session
// wrote. Parsed here (pure); the CLI reads the notes and the files at those commits and turns
// each attested run of lines into a contribution, so teams that use git-ai keep their data.

export interface GitAiAttestation {
  path: string;
  /** Session hash (a key of `prompts`). */
  session: string;
  /** 1-based inclusive line ranges in the file at the noted commit. */
  ranges: { startLine: number; endLine: number }[];
}

export interface GitAiPrompt {
  tool: string;
  model?: string;
  /** `Name <email>` of the human who prompted, when given. */
  humanAuthor?: string;
}

export interface GitAiLog {
  attestations: GitAiAttestation[];
  prompts: Map<string, GitAiPrompt>;
}

const MAX_LINE = 10_000_000;

/** Parses one authorship log; undefined when it is not `authorship/3.x` (never throws). */
export function parseGitAiLog(text: string): GitAiLog | undefined {
  const divider = text.search(/^---$/m);
  if (divider < 0) return undefined;
  let meta: { schema_version?: unknown; prompts?: Record<string, { agent_id?: { tool?: unknown; model?: unknown }; human_author?: unknown }> };
  try {
    meta = JSON.parse(text.slice(divider + 3)) as typeof meta;
  } catch {
    return undefined;
  }
  if (typeof meta.schema_version !== 'string' || !meta.schema_version.startsWith('authorship/3.')) return undefined;
  const prompts = new Map<string, GitAiPrompt>();
  for (const [hash, p] of Object.entries(meta.prompts ?? {})) {
    const tool = p?.agent_id?.tool;
    if (typeof tool !== 'string' || !tool) continue;
    const prompt: GitAiPrompt = { tool };
    if (typeof p.agent_id?.model === 'string' && p.agent_id.model) prompt.model = p.agent_id.model;
    if (typeof p.human_author === 'string' && p.human_author) prompt.humanAuthor = p.human_author;
    prompts.set(hash, prompt);
  }
  const attestations: GitAiAttestation[] = [];
  let path: string | undefined;
  for (const line of text.slice(0, divider).split('\n')) {
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      path = line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line.trimEnd();
      continue;
    }
    const m = /^ {2}([0-9a-f]{7,64}) ([0-9,-]+)$/.exec(line.trimEnd());
    if (!m || path === undefined) continue;
    const ranges: { startLine: number; endLine: number }[] = [];
    for (const part of m[2]!.split(',')) {
      const r = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!r) continue;
      const startLine = Number(r[1]);
      const endLine = Number(r[2] ?? r[1]);
      if (startLine >= 1 && endLine >= startLine && endLine <= MAX_LINE) ranges.push({ startLine, endLine });
    }
    if (ranges.length > 0) attestations.push({ path, session: m[1]!, ranges });
  }
  return { attestations, prompts };
}

/** `Name <email>` -> person. */
export function parseHumanAuthor(text: string | undefined): { name: string; email: string } | undefined {
  const m = /^(.*?)\s*<([^>]+)>\s*$/.exec(text ?? '');
  return m ? { name: m[1]!, email: m[2]! } : undefined;
}
