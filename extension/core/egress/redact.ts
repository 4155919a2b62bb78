// Rewrites segments with every redacted span replaced by a stable placeholder
// `[REDACTED:<detector>#<n>]`: within one request the same value always gets the same n, and
// numbers count the placeholders actually written, per detector, in request order.
// Linear in segments plus n·log n in findings: one index per segment id, one sort of the spans.
import type { EgressSegment, Finding } from './types';

interface Span {
  f: Finding;
  at: number;
  start: number;
  end: number;
}

function bySpan(a: Span, b: Span): number {
  return a.at - b.at || a.start - b.start || b.end - a.end;
}

function inOrder(spans: readonly Span[]): boolean {
  for (let i = 1; i < spans.length; i++) if (bySpan(spans[i - 1]!, spans[i]!) > 0) return false;
  return true;
}

/**
 * Sets `placeholder` on each finding to redact and returns the rewritten segments. Inputs are
 * not modified; a segment without a redacted span is returned as the same object.
 */
export function redactSegments(segments: readonly EgressSegment[], findings: Finding[]): EgressSegment[] {
  const index = new Map<string, number>();
  for (let i = 0; i < segments.length; i++) index.set(segments[i]!.id, i);
  const spans: Span[] = [];
  for (const f of findings) {
    if (f.segment === undefined || f.start === undefined || f.end === undefined || f.end <= f.start) continue;
    const at = index.get(f.segment);
    if (at !== undefined) spans.push({ f, at, start: f.start, end: f.end });
  }
  // Findings mostly arrive in this order already (segment by segment, matches by offset):
  // checking costs one pass, sorting thousands of spans with a comparator much more.
  if (!inOrder(spans)) spans.sort(bySpan);
  // label → value → placeholder (no joined key string per span).
  const byValue = new Map<string, Map<string, string>>();
  const out: EgressSegment[] = segments.slice();
  let cover: Span | undefined;
  let k = 0;
  while (k < spans.length) {
    // All spans of one segment, in order.
    const at = spans[k]!.at;
    const segment = segments[at]!;
    let text = '';
    let cursor = 0;
    for (; k < spans.length && spans[k]!.at === at; k++) {
      const s = spans[k]!;
      // A span inside the previous written span (two detectors on one value) shares its placeholder.
      if (cover && cover.at === at && s.start < cover.end && s.end <= cover.end) {
        s.f.placeholder = cover.f.placeholder;
        continue;
      }
      const label = s.f.detector ?? s.f.kind;
      const value = segment.text.slice(s.start, s.end);
      let values = byValue.get(label);
      if (!values) byValue.set(label, (values = new Map()));
      let placeholder = values.get(value);
      if (!placeholder) {
        placeholder = `[REDACTED:${label}#${values.size + 1}]`;
        values.set(value, placeholder);
      }
      s.f.placeholder = placeholder;
      cover = s;
      // A partial overlap: the rest of the later span is cut too.
      text += segment.text.slice(cursor, Math.max(cursor, s.start)) + placeholder;
      cursor = Math.max(cursor, s.end);
    }
    out[at] = { ...segment, text: text + segment.text.slice(cursor) };
  }
  return out;
}
