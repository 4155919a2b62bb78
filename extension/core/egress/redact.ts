// Rewrites segments with every redacted span replaced by a stable placeholder
// `[REDACTED:<detector>#<n>]`: within one request the same value always gets the same n, and
// numbers count the placeholders actually written, per detector, in request order.
import type { EgressSegment, Finding } from './types';

/** Sets `placeholder` on each finding to redact and returns the rewritten segments (inputs untouched). */
export function redactSegments(segments: readonly EgressSegment[], findings: Finding[]): EgressSegment[] {
  const index = new Map(segments.map((s, i) => [s.id, i]));
  const spans = findings
    .filter((f) => f.segment !== undefined && index.has(f.segment) && f.start !== undefined && f.end !== undefined && f.end > f.start)
    .sort((a, b) => index.get(a.segment!)! - index.get(b.segment!)! || a.start! - b.start! || b.end! - a.end!);
  const byValue = new Map<string, string>();
  const counters = new Map<string, number>();
  const written = new Map<string, Finding[]>();
  let cover: Finding | undefined;
  for (const f of spans) {
    // A span inside the previous written span (two detectors on one value) shares its placeholder.
    if (cover && cover.segment === f.segment && f.start! < cover.end!) {
      if (f.end! <= cover.end!) {
        f.placeholder = cover.placeholder;
        continue;
      }
    }
    const segment = segments[index.get(f.segment!)!]!;
    const label = f.detector ?? f.kind;
    const key = `${label}\u0000${segment.text.slice(f.start!, f.end!)}`;
    let placeholder = byValue.get(key);
    if (!placeholder) {
      const n = (counters.get(label) ?? 0) + 1;
      counters.set(label, n);
      placeholder = `[REDACTED:${label}#${n}]`;
      byValue.set(key, placeholder);
    }
    f.placeholder = placeholder;
    cover = f;
    const list = written.get(segment.id) ?? [];
    list.push(f);
    written.set(segment.id, list);
  }
  return segments.map((segment) => {
    const list = written.get(segment.id);
    if (!list) return { ...segment };
    let text = '';
    let cursor = 0;
    for (const f of list) {
      // A partial overlap: the rest of the later span is cut too.
      text += segment.text.slice(cursor, Math.max(cursor, f.start!)) + f.placeholder!;
      cursor = Math.max(cursor, f.end!);
    }
    return { ...segment, text: text + segment.text.slice(cursor) };
  });
}
