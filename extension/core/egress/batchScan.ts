// Scans many short segment texts with few scanner calls. A body has thousands of short strings
// (object keys, `type` values, tool schemas, one message per turn) and a scanner call has a fixed
// cost, so short texts are deduplicated and scanned joined by newlines, and the matches are
// mapped back to their texts. A match that runs across two texts belongs to neither: those
// texts are scanned again on their own, so no text gets a match it would not get alone from
// its own characters (a keyword in the neighbouring string may still widen what is looked at).
import type { DetectorMatch } from './layer';

/** Texts at most this long are deduplicated and batched; longer ones are scanned alone. */
const BATCH_TEXT_MAX = 4096;
/** Joined batches stay about this size, so a batch costs what one long prompt does. */
const BATCH_CHARS = 64 * 1024;
const NO_MATCHES: DetectorMatch[] = [];

/** Matches per text. `batch` false: texts are only deduplicated, each scanned on its own. */
export function scanTexts(texts: readonly string[], scan: (text: string) => DetectorMatch[], batch = true): DetectorMatch[][] {
  const out: DetectorMatch[][] = new Array<DetectorMatch[]>(texts.length);
  const unique = new Map<string, number>();
  const batched: string[] = [];
  const slotOf: number[] = new Array<number>(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (text === '') out[i] = NO_MATCHES;
    else if (text.length > BATCH_TEXT_MAX) out[i] = scan(text);
    else {
      let slot = unique.get(text);
      if (slot === undefined) {
        slot = batched.length;
        unique.set(text, slot);
        batched.push(text);
      }
      slotOf[i] = slot;
    }
  }
  const found = batch ? scanBatched(batched, scan) : batched.map((t) => scan(t));
  for (let i = 0; i < texts.length; i++) if (out[i] === undefined) out[i] = found[slotOf[i]!]!;
  return out;
}

function scanBatched(texts: readonly string[], scan: (text: string) => DetectorMatch[]): DetectorMatch[][] {
  const out: DetectorMatch[][] = texts.map(() => NO_MATCHES);
  let from = 0;
  while (from < texts.length) {
    let to = from;
    let chars = 0;
    while (to < texts.length && (to === from || chars + texts[to]!.length < BATCH_CHARS)) chars += texts[to++]!.length + 1;
    scanOneBatch(texts, from, to, scan, out);
    from = to;
  }
  return out;
}

function scanOneBatch(texts: readonly string[], from: number, to: number, scan: (text: string) => DetectorMatch[], out: DetectorMatch[][]): void {
  if (to - from === 1) {
    out[from] = scan(texts[from]!);
    return;
  }
  const starts: number[] = [];
  let offset = 0;
  for (let t = from; t < to; t++) {
    starts.push(offset);
    offset += texts[t]!.length + 1;
  }
  const joined = texts.slice(from, to).join('\n');
  const again = new Set<number>();
  let t = 0;
  for (const m of scan(joined)) {
    while (t + 1 < starts.length && starts[t + 1]! <= m.start) t++;
    const start = starts[t]!;
    const end = start + texts[from + t]!.length;
    if (m.end > end) {
      // Across the separator: decide each text on its own characters.
      for (let u = t; u < starts.length && starts[u]! < m.end; u++) again.add(u);
      continue;
    }
    if (again.has(t)) continue;
    if (out[from + t] === NO_MATCHES) out[from + t] = [];
    out[from + t]!.push({ detector: m.detector, start: m.start - start, end: m.end - start });
  }
  for (const u of again) out[from + u] = scan(texts[from + u]!);
}
