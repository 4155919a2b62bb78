// Finds file content that assistants quote inside prompt text, by the labels they put around it:
//   ```ts src/x.ts            (Continue, many chat UIs; also ```ts:src/x.ts, ```src/x.ts (1-20))
//   src/x.ts  + fence          (Aider: the path alone on the line before the fence)
//   File: src/x.ts + fence     (generic "File:"/"Path:" labels, also as markdown headings)
//   <file_content path="…">    (Cline, Roo Code; also <file path=…>, <document path=…>)
//   <source>…</source><document_content>  (Anthropic's long-document format)
//   @src/x.ts                  (Claude Code / Cursor mentions: a path only, no content)
//   <read_file><path>…</path>  (Cline / Roo Code XML tool calls: a path only)
// The text is partitioned into pieces; a piece with a path is the quoted content of that file.
import { cleanPathLabel, looksLikePath } from './paths';

export interface TextPiece {
  start: number;
  end: number;
  /** Set when the piece is the content of a labelled file. */
  path?: string;
}

export interface FileScan {
  pieces: TextPiece[];
  /** Every path labelled or mentioned in the text, in order of appearance (may repeat). */
  mentioned: string[];
}

interface Block {
  start: number;
  end: number;
  path: string;
}

/** Sticky: tried at one `<` at a time (see xmlBlocks). */
const XML_OPEN_AT = /<(file|file_content|final_file_content|document|source_file|attached_file|context_file|open_file)\b([^>\n]{0,600})>/iy;
const XML_PATH_ATTR = /\b(?:path|name|filename|file|src|source)\s*=\s*["']([^"'\n]+)["']/i;
const SOURCE_DOCUMENT = /<source>([^<\n]{1,512})<\/source>\s*<document_content>/g;
const LABEL_LINE = /^\s*(?:#{1,6}\s*)?(?:\*\*)?(?:file|path|filename|file path|source)\s*:\s*(?:\*\*)?\s*(.+?)\s*$/i;
/** A mention after its `@` (sticky: tried only where an `@` follows a space, `(` or the start). */
const MENTION_LEAD = /[\s(]/;
const MENTION_AT = /@((?:[\w.~-]+\/)*[\w.-]+\.[A-Za-z][\w-]{0,11})\b/y;
const PATH_TAG = /<path>([^<\n]{1,512})<\/path>/g;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
/** First characters a LABEL_LINE can start with: `#`, `*`, and the label words' initials. */
const LABEL_LEADS = new Uint8Array(128);
for (const c of [0x23, 0x2a, 0x46, 0x66, 0x50, 0x70, 0x53, 0x73]) LABEL_LEADS[c] = 1;

/** A label line's first character (-1, a blank line, is none). */
function isLabelLead(c: number): boolean {
  return c >= 0 && c < 128 && LABEL_LEADS[c] === 1;
}

/** The path named in a fence's info string (`ts src/x.ts`, `ts:src/x.ts`, `title="x.py"`, `src/x.ts`). */
function pathFromFenceInfo(info: string): string | undefined {
  const attr = /\b(?:title|path|file|filename)\s*=\s*["']?([^"'\s]+)/i.exec(info);
  if (attr?.[1] && looksLikePath(cleanPathLabel(attr[1]))) return cleanPathLabel(attr[1]);
  for (const token of info.trim().split(/\s+/)) {
    for (const part of [token, ...token.split(':').slice(1), token.replace(/^\{|\}$/g, '')]) {
      const cleaned = cleanPathLabel(part);
      if (looksLikePath(cleaned)) return cleaned;
    }
  }
  return undefined;
}

/** The path named by the line just above a fence (label or a bare path), if any. */
function pathFromLabelLine(line: string): string | undefined {
  const label = LABEL_LINE.exec(line);
  const candidate = cleanPathLabel(label?.[1] ?? line.replace(/^\s*(?:#{1,6}\s+|[-*]\s+)/, ''));
  return looksLikePath(candidate) ? candidate : undefined;
}

function xmlBlocks(text: string, mentioned: string[]): Block[] {
  const blocks: Block[] = [];
  // XML_OPEN tried only where a `<` is followed by a tag name's first letter: source code has
  // a `<` on every other line, and a regex scan tries each of them (same matches, in order).
  for (let at = text.indexOf('<'); at >= 0; ) {
    const lead = text.charCodeAt(at + 1) | 0x20;
    let open: RegExpExecArray | null = null;
    if (lead === 0x66 /* f */ || lead === 0x64 /* d */ || lead === 0x73 /* s */ || lead === 0x61 /* a */ || lead === 0x63 /* c */ || lead === 0x6f /* o */) {
      XML_OPEN_AT.lastIndex = at;
      open = XML_OPEN_AT.exec(text);
    }
    if (!open) {
      at = text.indexOf('<', at + 1);
      continue;
    }
    at = text.indexOf('<', open.index + open[0].length);
    const attr = XML_PATH_ATTR.exec(open[2] ?? '');
    if (!attr?.[1]) continue;
    const path = cleanPathLabel(attr[1]);
    if (!looksLikePath(path)) continue;
    mentioned.push(path);
    const start = open.index + open[0].length;
    const close = text.indexOf(`</${open[1]}>`, start);
    blocks.push({ start, end: close < 0 ? text.length : close, path });
  }
  for (const source of text.includes('<document_content>') ? text.matchAll(SOURCE_DOCUMENT) : []) {
    const path = cleanPathLabel(source[1] ?? '');
    if (!looksLikePath(path)) continue;
    mentioned.push(path);
    const start = source.index + source[0].length;
    const close = text.indexOf('</document_content>', start);
    blocks.push({ start, end: close < 0 ? text.length : close, path });
  }
  return blocks;
}

/** End of the line starting at `start` (its `\n`, or the text's end). */
function lineEnd(text: string, start: number): number {
  const lf = text.indexOf('\n', start);
  return lf < 0 ? text.length : lf;
}

/**
 * Walks the text's lines in place (the lines of `text.split('\n')`, without building them):
 * only label and fence candidates, picked by their first character, are cut out and matched.
 */
function fencedBlocks(text: string, mentioned: string[]): Block[] {
  const blocks: Block[] = [];
  const n = text.length;
  // The last non-blank line before the current one (the label line above a fence), as offsets.
  let previousStart = -1;
  let previousEnd = -1;
  const colons = new NextChar(text, ':');
  for (let start = 0; start <= n; ) {
    const end = lineEnd(text, start);
    // Cheap pre-checks keep long prompts fast: a label line starts with #, *, f, p or s and has a
    // colon; fences start with ` or ~.
    const lead = firstNonBlank(text, start, end);
    let line: string | undefined;
    let label: RegExpExecArray | null = null;
    if (isLabelLead(lead) && colons.within(start, end)) {
      line = text.slice(start, end);
      label = LABEL_LINE.exec(line);
    }
    if (label?.[1]) {
      const labelled = cleanPathLabel(label[1]);
      if (looksLikePath(labelled)) mentioned.push(labelled);
    }
    const open = lead === 0x60 || lead === 0x7e ? FENCE.exec((line ??= text.slice(start, end))) : null;
    if (!open) {
      if (lead !== -1) {
        previousStart = start;
        previousEnd = end;
      }
      start = end + 1;
      continue;
    }
    const fence = open[1] ?? '```';
    const path = pathFromFenceInfo(open[2] ?? '') ?? pathFromLabelLine(previousStart < 0 ? '' : text.slice(previousStart, previousEnd));
    // The closing fence: a line that trims to the fence's character repeated (so it has one).
    const fenceChar = fence.charCodeAt(0);
    let close = end + 1;
    let closed = false;
    while (close <= n) {
      const closeEnd = lineEnd(text, close);
      if (hasChar(text, fenceChar, close, closeEnd) && isClosingFence(text.slice(close, closeEnd), fence)) {
        closed = true;
        break;
      }
      close = closeEnd + 1;
    }
    if (path) {
      if (!label) mentioned.push(path);
      const blockStart = Math.min(end + 1, n);
      const blockEnd = closed ? close : n;
      blocks.push({ start: blockStart, end: Math.max(blockStart, blockEnd), path });
    }
    // Go on after the closing fence line (or stop: an unclosed fence runs to the end).
    start = closed ? lineEnd(text, close) + 1 : n + 1;
    previousStart = -1;
    previousEnd = -1;
  }
  return blocks;
}

/** Whether lines (visited in order) hold a character, from one native indexOf per occurrence instead of a loop per line. */
class NextChar {
  private at = -1;
  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  /** True when the character occurs in [from, to); `from` never decreases between calls. */
  within(from: number, to: number): boolean {
    if (this.at < from && this.at !== Infinity) {
      const found = this.text.indexOf(this.char, from);
      this.at = found < 0 ? Infinity : found;
    }
    return this.at < to;
  }
}

function hasChar(text: string, c: number, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === c) return true;
  return false;
}

/**
 * The paths of `File: x`-style label lines, for text without fences (what fencedBlocks records
 * for them), walking line starts in place instead of splitting the text into lines.
 */
function labelMentions(text: string, mentioned: string[]): void {
  const colons = new NextChar(text, ':');
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0b && c !== 0x0c) break;
      i++;
    }
    if (i < end && isLabelLead(text.charCodeAt(i)) && colons.within(start, end)) {
      const line = text.slice(start, end);
      const label = LABEL_LINE.exec(line);
      if (label?.[1]) {
        const labelled = cleanPathLabel(label[1]);
        if (looksLikePath(labelled)) mentioned.push(labelled);
      }
    }
    start = end + 1;
  }
}

/** Char code of the first non-whitespace character, or -1 for a blank line (no allocation). */
function firstNonBlank(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0b && c !== 0x0c) return c;
  }
  return -1;
}

/** Every `@path` mention; an indexOf loop is far cheaper than a regex trying each position of a long prompt. */
function mentions(text: string, out: string[]): void {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (at > 0 && !MENTION_LEAD.test(text.charAt(at - 1))) continue;
    MENTION_AT.lastIndex = at;
    const m = MENTION_AT.exec(text);
    if (m?.[1]) out.push(m[1]);
  }
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed.startsWith(fence) && /^(`+|~+)$/.test(trimmed) && trimmed[0] === fence[0];
}

/** Plain substring search is far cheaper than a case-insensitive regex over a long prompt. */
function mayHaveLabels(text: string): boolean {
  return ['File', 'file', 'FILE', 'Path', 'path', 'PATH', 'Source', 'source'].some((word) => text.includes(word));
}

/** Partitions `text` into plain pieces and labelled file-content pieces, and lists every path mentioned. */
export function scanFileBlocks(text: string): FileScan {
  const mentioned: string[] = [];
  // Cheap exits keep the common case (plain prose) allocation-light.
  const hasFence = text.includes('```') || text.includes('~~~');
  const hasXml = text.includes('<');
  const blocks = [...(hasXml ? xmlBlocks(text, mentioned) : []), ...(hasFence ? fencedBlocks(text, mentioned) : [])];
  if (!hasFence && mayHaveLabels(text)) labelMentions(text, mentioned);
  if (text.includes('<path>')) {
    for (const m of text.matchAll(PATH_TAG)) {
      const p = cleanPathLabel(m[1] ?? '');
      if (looksLikePath(p)) mentioned.push(p);
    }
  }
  if (text.includes('@')) mentions(text, mentioned);

  blocks.sort((a, b) => a.start - b.start || b.end - a.end);
  const pieces: TextPiece[] = [];
  let cursor = 0;
  for (const block of blocks) {
    if (block.start < cursor || block.end <= block.start) continue; // nested or empty: the outer block wins
    if (block.start > cursor) pieces.push({ start: cursor, end: block.start });
    pieces.push({ start: block.start, end: block.end, path: block.path });
    cursor = block.end;
  }
  if (cursor < text.length || pieces.length === 0) pieces.push({ start: cursor, end: text.length });
  return { pieces, mentioned };
}
