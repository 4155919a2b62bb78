// Tracks which lines of one open document are AI-written while the document is edited.
//
// Lines live in an implicit treap (a randomized balanced tree ordered by position) whose nodes
// carry each line's length and, for AI lines, the columns that are still AI-written. An edit
// finds its first and last line by offset (O(log n)), cuts those lines out, rebuilds only the
// lines the edit produced and splices them back: cost O(log n + lines touched), never O(document).
// Text itself is not stored: lengths and AI column spans are enough to shift, split and shrink.
import type { TextChange } from './types';

export type LineState = 'ai' | 'mixed' | 'human';

/** An AI range as the tracker reports it (1-based, inclusive lines). */
export interface TrackedRange {
  id: string;
  startLine: number;
  endLine: number;
  /** Lines (1-based, absolute) inside the range that a human edited in part. */
  mixedLines: number[];
}

export interface RangeInput {
  id: string;
  startLine: number;
  endLine: number;
  mixedLines?: readonly number[];
}

interface LineNode {
  pri: number;
  left: LineNode | null;
  right: LineNode | null;
  /** Lines in this subtree. */
  count: number;
  /** UTF-16 code units in this subtree. */
  chars: number;
  /** Length of this line including its terminator. */
  len: number;
  /** Terminator length: 0 (last line), 1 (\n) or 2 (\r\n). */
  eol: number;
  /** Index into the tracker's owner ids, -1 for a human line. */
  owner: number;
  mixed: boolean;
  /** AI-written column spans [start, end) over the line content, flattened. */
  spans: number[] | null;
}

function makeNode(len: number, eol: number, owner: number, mixed: boolean, spans: number[] | null, pri = Math.random()): LineNode {
  return { pri, left: null, right: null, count: 1, chars: len, len, eol, owner, mixed, spans };
}

function update(n: LineNode): void {
  n.count = 1 + (n.left ? n.left.count : 0) + (n.right ? n.right.count : 0);
  n.chars = n.len + (n.left ? n.left.chars : 0) + (n.right ? n.right.chars : 0);
}

/** Splits into the first `k` lines and the rest. */
function split(n: LineNode | null, k: number): [LineNode | null, LineNode | null] {
  if (!n) return [null, null];
  const leftCount = n.left ? n.left.count : 0;
  if (k <= leftCount) {
    const [a, b] = split(n.left, k);
    n.left = b;
    update(n);
    return [a, n];
  }
  const [a, b] = split(n.right, k - leftCount - 1);
  n.right = a;
  update(n);
  return [n, b];
}

function merge(a: LineNode | null, b: LineNode | null): LineNode | null {
  if (!a) return b;
  if (!b) return a;
  if (a.pri > b.pri) {
    a.right = merge(a.right, b);
    update(a);
    return a;
  }
  b.left = merge(a, b.left);
  update(b);
  return b;
}

/** Builds a treap from nodes in order, in O(n) (Cartesian tree with a stack). */
function buildTreap(nodes: LineNode[]): LineNode | null {
  const stack: LineNode[] = [];
  for (const node of nodes) {
    let last: LineNode | null = null;
    while (stack.length > 0 && stack[stack.length - 1]!.pri < node.pri) {
      last = stack.pop()!;
      update(last);
    }
    node.left = last;
    if (stack.length > 0) stack[stack.length - 1]!.right = node;
    stack.push(node);
  }
  for (let i = stack.length - 1; i >= 0; i--) update(stack[i]!);
  return stack[0] ?? null;
}

function clipSpans(spans: number[] | null, from: number, to: number, shift: number, out: number[]): void {
  if (!spans) return;
  for (let i = 0; i < spans.length; i += 2) {
    const s = Math.max(spans[i]!, from);
    const e = Math.min(spans[i + 1]!, to);
    if (e > s) out.push(s + shift, e + shift);
  }
}

function covered(spans: number[]): number {
  let total = 0;
  for (let i = 0; i < spans.length; i += 2) total += spans[i + 1]! - spans[i]!;
  return total;
}

export class ProvenanceTracker {
  private root: LineNode | null;
  private readonly ownerIds: string[] = [];
  private readonly ownerIndex = new Map<string, number>();

  /** `text` is the document now; `ranges` the AI ranges known in it (1-based, inclusive). */
  constructor(text: string, ranges: readonly RangeInput[] = []) {
    const nodes: LineNode[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        nodes.push(makeNode(text.length - start, 0, -1, false, null));
        break;
      }
      const eol = nl > start && text.charCodeAt(nl - 1) === 13 ? 2 : 1;
      nodes.push(makeNode(nl + 1 - start, eol, -1, false, null));
      start = nl + 1;
    }
    for (const range of ranges) {
      const owner = this.ownerFor(range.id);
      const mixed = new Set(range.mixedLines ?? []);
      const from = Math.max(1, range.startLine);
      const to = Math.min(nodes.length, range.endLine);
      for (let line = from; line <= to; line++) {
        const node = nodes[line - 1]!;
        node.owner = owner;
        node.mixed = mixed.has(line);
        node.spans = [0, node.len - node.eol];
      }
    }
    this.root = buildTreap(nodes);
  }

  get lineCount(): number {
    return this.root ? this.root.count : 0;
  }

  get length(): number {
    return this.root ? this.root.chars : 0;
  }

  /**
   * Applies one edit. With `aiId`, the inserted text is AI-written by that contribution
   * (an accepted completion or an agent edit); without, a human typed it.
   */
  applyChange(change: TextChange, aiId?: string): void {
    const { offset, deletedLength, insertedText } = change;
    if (deletedLength === 0 && insertedText.length === 0) return;
    const total = this.length;
    if (offset < 0 || deletedLength < 0 || offset + deletedLength > total) {
      throw new RangeError(`change ${offset}+${deletedLength} is outside the document (length ${total})`);
    }
    const aiOwner = aiId === undefined ? -1 : this.ownerFor(aiId);
    const [sl, scol] = this.locate(offset);
    const [el, ecol] = deletedLength === 0 ? [sl, scol] : this.locate(offset + deletedLength);

    const [before, rest] = split(this.root, sl);
    const [touched, after] = split(rest, el - sl + 1);
    const first = leftmost(touched!);
    const last = rightmost(touched!);

    const segments = insertedText.split('\n');
    const rebuilt: LineNode[] = [];
    const suffixLen = last.len - ecol;
    const suffixEol = Math.min(last.eol, suffixLen);
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const isFirst = i === 0;
      const isLast = i === segments.length - 1;
      const prefixLen = isFirst ? scol : 0;
      let len: number;
      let eol: number;
      let insContent = seg.length;
      if (isLast) {
        len = prefixLen + seg.length + suffixLen;
        eol = suffixEol;
      } else {
        eol = seg.endsWith('\r') ? 2 : 1;
        insContent = seg.length - (eol - 1);
        len = prefixLen + seg.length + 1;
      }
      const contentLen = len - eol;
      const suffixContent = isLast ? suffixLen - suffixEol : 0;

      // A line whose content is exactly one old line's content keeps that line's state.
      if (isFirst && insContent === 0 && scol >= first.len - first.eol && suffixContent === 0 && (!isLast || prefixLen === contentLen)) {
        rebuilt.push(makeNode(len, eol, first.owner, first.mixed, first.spans));
        continue;
      }
      if (isLast && prefixLen === 0 && insContent === 0 && ecol === 0) {
        rebuilt.push(makeNode(len, eol, last.owner, last.mixed, last.spans));
        continue;
      }

      const spans: number[] = [];
      let owner = -1;
      let mixed = false;
      if (isFirst && first.owner >= 0) {
        clipSpans(first.spans, 0, scol, 0, spans);
        if (spans.length > 0) {
          owner = first.owner;
          mixed ||= first.mixed;
        }
      }
      if (aiOwner >= 0 && insContent > 0) {
        spans.push(prefixLen, prefixLen + insContent);
        if (owner < 0) owner = aiOwner;
      }
      if (isLast && last.owner >= 0) {
        const before = spans.length;
        clipSpans(last.spans, ecol, last.len - last.eol, prefixLen + seg.length - ecol, spans);
        if (spans.length > before) {
          if (owner < 0) owner = last.owner;
          mixed ||= last.mixed;
        }
      }
      if (owner < 0 || spans.length === 0) {
        rebuilt.push(makeNode(len, eol, -1, false, null));
        continue;
      }
      // A human edit inside an AI line makes it mixed; so does AI text next to human text.
      if (aiOwner < 0 || covered(spans) < contentLen) mixed = true;
      rebuilt.push(makeNode(len, eol, owner, mixed, spans));
    }
    this.root = merge(merge(before, buildTreap(rebuilt)), after);
  }

  /** Marks lines (1-based, inclusive) as written by `id`, e.g. after an agent wrote them. */
  markAi(id: string, startLine: number, endLine: number): void {
    const owner = this.ownerFor(id);
    const from = Math.max(1, startLine);
    const to = Math.min(this.lineCount, endLine);
    if (to < from) return;
    const [before, rest] = split(this.root, from - 1);
    const [mid, after] = split(rest, to - from + 1);
    const nodes: LineNode[] = [];
    collect(mid, nodes);
    for (const n of nodes) {
      n.owner = owner;
      n.mixed = false;
      n.spans = [0, n.len - n.eol];
    }
    this.root = merge(merge(before, mid), after);
  }

  /** State of one line (1-based). O(log n). */
  stateOf(line: number): LineState {
    const node = this.nodeAt(line - 1);
    if (!node || node.owner < 0) return 'human';
    return node.mixed ? 'mixed' : 'ai';
  }

  /** Contribution id owning a line (1-based), if AI. */
  ownerOf(line: number): string | undefined {
    const node = this.nodeAt(line - 1);
    return node && node.owner >= 0 ? this.ownerIds[node.owner] : undefined;
  }

  /** Every AI range, in document order; adjacent lines of one contribution form one range. O(n). */
  ranges(): TrackedRange[] {
    const out: TrackedRange[] = [];
    let line = 0;
    let current: TrackedRange | undefined;
    let currentOwner = -1;
    walk(this.root, (n) => {
      line++;
      if (n.owner < 0) {
        current = undefined;
        currentOwner = -1;
        return;
      }
      if (!current || currentOwner !== n.owner) {
        current = { id: this.ownerIds[n.owner]!, startLine: line, endLine: line, mixedLines: [] };
        currentOwner = n.owner;
        out.push(current);
      } else {
        current.endLine = line;
      }
      if (n.mixed) current.mixedLines.push(line);
    });
    return out;
  }

  private ownerFor(id: string): number {
    let index = this.ownerIndex.get(id);
    if (index === undefined) {
      index = this.ownerIds.length;
      this.ownerIds.push(id);
      this.ownerIndex.set(id, index);
    }
    return index;
  }

  /** Line index (0-based) and column of an offset. */
  private locate(offset: number): [number, number] {
    let node = this.root;
    let base = 0;
    while (node) {
      const leftChars = node.left ? node.left.chars : 0;
      if (offset < leftChars) {
        node = node.left;
        continue;
      }
      const inLine = offset - leftChars;
      const index = base + (node.left ? node.left.count : 0);
      if (inLine < node.len || (inLine === node.len && !node.right && node.eol === 0)) return [index, inLine];
      offset = inLine - node.len;
      base = index + 1;
      node = node.right;
    }
    // Offset equal to the document length when the last line is empty is handled above; this
    // is reached only for a document ending in a terminator, which always has a final empty line.
    return [Math.max(0, this.lineCount - 1), 0];
  }

  private nodeAt(index: number): LineNode | null {
    let node = this.root;
    while (node) {
      const leftCount = node.left ? node.left.count : 0;
      if (index < leftCount) node = node.left;
      else if (index === leftCount) return node;
      else {
        index -= leftCount + 1;
        node = node.right;
      }
    }
    return null;
  }
}

function leftmost(n: LineNode): LineNode {
  while (n.left) n = n.left;
  return n;
}

function rightmost(n: LineNode): LineNode {
  while (n.right) n = n.right;
  return n;
}

function collect(n: LineNode | null, out: LineNode[]): void {
  walk(n, (node) => out.push(node));
}

/** In-order walk without recursion (documents can have 100k+ lines). */
function walk(n: LineNode | null, visit: (node: LineNode) => void): void {
  const stack: LineNode[] = [];
  let cur = n;
  while (cur || stack.length > 0) {
    while (cur) {
      stack.push(cur);
      cur = cur.left;
    }
    cur = stack.pop()!;
    visit(cur);
    cur = cur.right;
  }
}
