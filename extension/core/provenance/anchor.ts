// Position-independent re-anchoring: after a file changed outside the editor (pull, rebase,
// checkout, formatter, another tool) find an AI span's lines again by their content hashes.
// Non-trivial lines vote for an offset; the offsets with most votes win (contiguity); trivial
// lines (blank, braces, `else {`) are only placed next to a placed neighbour at the same offset,
// so they never anchor alone. A changed line sandwiched between two found lines at the same
// offset is kept as `mixed` (edited in place: it still needs review).
import { anchorHash, anchorHashAt, isTrivialLine, lineSketch, sketchSimilarity } from './hash';
import { lineShape } from './lineShape';
import type { TrackedLine } from './types';

/** The current content of one file, hashed once and shared by every span in it. */
export interface FileIndex {
  lineCount: number;
  /** Line i (0-based), without its terminator. */
  lineAt(i: number): string;
  /** Anchor hashes, computed on first use per line (most spans never moved). */
  anchors: (string | undefined)[];
  /** Computes the anchor hash of line i without cutting it out (when the index holds whole text). */
  hashAnchor?(i: number): string;
  /** Anchor hash -> 0-based line numbers of non-trivial lines, built only when a span moved. */
  positions?: Map<string, number[]>;
  /** Shape hashes (lineShape), computed on first use per line. */
  shapes?: (string | undefined)[];
  /** Shape hash -> 0-based line numbers of non-trivial lines, built only when anchors were not enough. */
  shapePositions?: Map<string, number[]>;
}

/** The anchor hash of 0-based line i of `file` (cached in the index). */
export function anchorKey(file: FileIndex, i: number): string | undefined {
  return anchorAt(file, i);
}

export function indexFile(lines: readonly string[]): FileIndex {
  return { lineCount: lines.length, lineAt: (i) => lines[i]!, anchors: new Array<string | undefined>(lines.length) };
}

/**
 * An index over file text that cuts lines out only when asked: a check usually needs the few
 * lines under AI spans, not all of them (large repositories would otherwise allocate every line).
 */
export function indexText(text: string): FileIndex {
  const starts: number[] = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  const lineCount = starts.length;
  return {
    lineCount,
    lineAt(i) {
      const from = starts[i]!;
      let to = i + 1 < lineCount ? starts[i + 1]! - 1 : text.length;
      if (to > from && text.charCodeAt(to - 1) === 13) to--;
      return text.slice(from, to);
    },
    anchors: new Array<string | undefined>(lineCount),
    hashAnchor(i) {
      const from = starts[i]!;
      const to = i + 1 < lineCount ? starts[i + 1]! - 1 : text.length;
      return anchorHashAt(text, from, to);
    },
  };
}

function shapeAt(file: FileIndex, i: number): string | undefined {
  if (i < 0 || i >= file.lineCount) return undefined;
  const shapes = (file.shapes ??= new Array<string | undefined>(file.lineCount));
  return (shapes[i] ??= isTrivialLine(file.lineAt(i)) ? '' : lineShape(file.lineAt(i)));
}

function anchorAt(file: FileIndex, i: number): string | undefined {
  if (i < 0 || i >= file.lineCount) return undefined;
  return (file.anchors[i] ??= file.hashAnchor ? file.hashAnchor(i) : anchorHash(file.lineAt(i)));
}

/** Where one span line is now: 0-based file line, and whether it was edited in place. */
export interface Placement {
  index: number;
  fileLine: number;
  mixed: boolean;
}

const MAX_CANDIDATES = 64;
const MAX_INSERTED_IN_GAP = 3;
/** Share of similarity-sketch values a partly edited line at a block's edge keeps. */
const EDGE_SIMILARITY = 0.25;

/** Places the lines of a span (recorded at `oldStart`, 1-based) in the file now. */
export function reanchor(lines: readonly TrackedLine[], oldStart: number, file: FileIndex): Placement[] {
  const base = oldStart - 1;
  if (lines.every((l, i) => anchorAt(file, base + i) === l.a)) {
    return lines.map((l, i) => ({ index: i, fileLine: base + i, mixed: l.m === true }));
  }
  const positions = (file.positions ??= buildPositions(file));
  const trivialInSpan = lines.map((l) => l.t === true || TRIVIAL_HASHES.has(l.a));
  const votes = new Map<number, number>();
  lines.forEach((l, i) => {
    if (trivialInSpan[i]) return;
    const at = positions.get(l.a);
    if (!at) return;
    for (const p of at.slice(0, MAX_CANDIDATES)) votes.set(p - i, (votes.get(p - i) ?? 0) + 1);
  });
  const offsets = [...votes.entries()].sort((x, y) => y[1] - x[1] || Math.abs(x[0] - base) - Math.abs(y[0] - base)).map(([d]) => d);

  const placedAt = new Array<number>(lines.length).fill(-1);
  const mixed = new Array<boolean>(lines.length).fill(false);
  const used = new Set<number>();
  for (const d of offsets) {
    let placedAny = false;
    for (let i = 0; i < lines.length; i++) {
      const p = i + d;
      if (placedAt[i]! >= 0 || trivialInSpan[i] || used.has(p) || anchorAt(file, p) !== lines[i]!.a) continue;
      placedAt[i] = p;
      used.add(p);
      placedAny = true;
    }
    if (!placedAny) continue;
    // Grow through neighbouring lines (trivial ones included) that match at this offset.
    for (let i = 0; i < lines.length; i++) {
      if (placedAt[i] !== i + d) continue;
      for (const step of [-1, 1]) {
        for (let j = i + step; j >= 0 && j < lines.length && placedAt[j]! < 0; j += step) {
          const p = j + d;
          if (used.has(p) || anchorAt(file, p) !== lines[j]!.a) break;
          placedAt[j] = p;
          used.add(p);
        }
      }
    }
  }
  placeByShape(lines, base, file, trivialInSpan, placedAt, mixed, used);
  // Lines between two found lines were edited in place (or a few lines were inserted beside
  // them): keep them, left-aligned, as mixed where the content differs, unless the line has
  // little in common with the AI's. When unsure, mark as AI: that only asks for one more
  // review, while losing an AI line would let it through unreviewed.
  let prev = -1;
  for (let i = 0; i < lines.length; i++) {
    if (placedAt[i]! < 0) continue;
    const gapLines = i - prev - 1;
    if (prev >= 0 && gapLines > 0) {
      const from = placedAt[prev]! + 1;
      const slots = placedAt[i]! - from;
      if (slots > 0 && slots <= gapLines + MAX_INSERTED_IN_GAP) {
        for (let j = prev + 1, p = from; j < i && p < placedAt[i]!; j++, p++) {
          if (used.has(p)) continue;
          const same = anchorAt(file, p) === lines[j]!.a;
          // Little in common with what the AI wrote: a human rewrote this line.
          if (!same && lines[j]!.s && !isTrivialLine(file.lineAt(p)) && sketchSimilarity(lines[j]!.s!, lineSketch(file.lineAt(p))) < EDGE_SIMILARITY) continue;
          placedAt[j] = p;
          mixed[j] = !same;
          used.add(p);
        }
      }
    }
    prev = i;
  }
  // Before the first and after the last found line: a line edited in part (similar sketch) at
  // the same offset is still AI, as mixed; a rewritten one is not.
  const placedIdx = placedAt.map((p, i) => (p >= 0 ? i : -1)).filter((i) => i >= 0);
  if (placedIdx.length > 0) {
    const edges: [number, number][] = [[placedIdx[0]!, -1], [placedIdx[placedIdx.length - 1]!, 1]];
    for (const [from, step] of edges) {
      let d = placedAt[from]! - from;
      for (let j = from + step; j >= 0 && j < lines.length && placedAt[j]! < 0; j += step) {
        // Allow a few human lines inserted between the block and this line.
        let found = -1;
        let same = false;
        for (let k = 0; k <= MAX_INSERTED_IN_GAP && found < 0; k++) {
          const p = j + d + k * step;
          if (p < 0 || p >= file.lineCount || used.has(p)) break;
          same = anchorAt(file, p) === lines[j]!.a;
          if (same || sketchSimilarity(lines[j]!.s ?? '', lineSketch(file.lineAt(p))) >= EDGE_SIMILARITY) found = p;
        }
        if (found < 0) break;
        d = found - j;
        placedAt[j] = found;
        mixed[j] = !same;
        used.add(found);
      }
    }
  }
  const out: Placement[] = [];
  placedAt.forEach((p, i) => {
    if (p >= 0) out.push({ index: i, fileLine: p, mixed: mixed[i]! || lines[i]!.m === true });
  });
  return out.sort((a, b) => a.fileLine - b.fileLine);
}

/**
 * Second pass for lines their anchors did not place: their shapes (identifiers renamed, code
 * reformatted) vote for offsets the same way, and need at least two votes (or a one-line span)
 * so a common shape never anchors alone. Lines placed by shape changed, so they are mixed.
 */
function placeByShape(lines: readonly TrackedLine[], base: number, file: FileIndex, trivialInSpan: readonly boolean[], placedAt: number[], mixed: boolean[], used: Set<number>): void {
  const open = lines.map((l, i) => (placedAt[i]! < 0 && !trivialInSpan[i] && l.n ? i : -1)).filter((i) => i >= 0);
  if (open.length === 0) return;
  const positions = (file.shapePositions ??= buildShapePositions(file));
  // offset -> the span lines voting for it (so each offset only revisits its own voters).
  const voters = new Map<number, number[]>();
  for (const i of open) {
    for (const p of (positions.get(lines[i]!.n!) ?? []).slice(0, MAX_CANDIDATES)) {
      if (used.has(p)) continue;
      const list = voters.get(p - i);
      if (list) list.push(i);
      else voters.set(p - i, [i]);
    }
  }
  const needed = Math.min(2, open.length);
  const offsets = [...voters.entries()].filter(([, v]) => v.length >= needed).sort((x, y) => y[1].length - x[1].length || Math.abs(x[0] - base) - Math.abs(y[0] - base));
  let left = open.length;
  for (const [d, lineVoters] of offsets) {
    if (left === 0) break;
    let placedAny = false;
    for (const i of lineVoters) {
      const p = i + d;
      if (placedAt[i]! >= 0 || used.has(p) || shapeAt(file, p) !== lines[i]!.n) continue;
      placedAt[i] = p;
      mixed[i] = anchorAt(file, p) !== lines[i]!.a;
      used.add(p);
      placedAny = true;
      left--;
    }
    if (!placedAny) continue;
    // Trivial neighbours (braces, blank lines) at the same offset come along.
    for (let i = 0; i < lines.length; i++) {
      if (placedAt[i] !== i + d) continue;
      for (const step of [-1, 1]) {
        for (let j = i + step; j >= 0 && j < lines.length && placedAt[j]! < 0 && trivialInSpan[j]; j += step) {
          const p = j + d;
          if (used.has(p) || anchorAt(file, p) !== lines[j]!.a) break;
          placedAt[j] = p;
          used.add(p);
        }
      }
    }
  }
}

function buildShapePositions(file: FileIndex): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (let i = 0; i < file.lineCount; i++) {
    const n = shapeAt(file, i);
    if (!n) continue;
    const list = map.get(n);
    if (list) list.push(i);
    else map.set(n, [i]);
  }
  return map;
}

function buildPositions(file: FileIndex): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (let i = 0; i < file.lineCount; i++) {
    if (isTrivialLine(file.lineAt(i))) continue;
    const h = anchorAt(file, i)!;
    const list = map.get(h);
    if (list) list.push(i);
    else map.set(h, [i]);
  }
  return map;
}

/** Hashes of common trivial lines, so spans can tell trivial lines without their text. */
const TRIVIAL_HASHES = new Set(['', '{', '}', '};', '});', ')', ');', '(', ']', '];', 'else {', '} else {', '*/', '/**', 'end', 'fi', 'done', 'pass', 'return;', 'break;', '},', '],', '),'].map(anchorHash));

/** Hashes of a line as a TrackedLine (what the ledger stores per AI line). */
export function trackLine(line: string, mixed = false): TrackedLine {
  const tracked: TrackedLine = { a: anchorHash(line) };
  if (isTrivialLine(line)) tracked.t = true;
  else {
    tracked.s = lineSketch(line);
    const n = lineShape(line);
    if (n) tracked.n = n;
  }
  if (mixed) tracked.m = true;
  return tracked;
}
