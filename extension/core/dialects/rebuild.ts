// Writes redacted segments back into the original body text, in one pass: the JSON strings
// (values or keys) whose text changed are replaced at the offsets the body walk recorded; every
// other byte (formatting, key order, numbers, unknown fields) stays as the client sent it.
import type { EgressSegment } from '../egress/types';
import { encodePayload } from './payload';
import type { ParsedBody } from './types';

/**
 * Returns the rewritten body, or undefined when no field changed. Throws if a changed segment
 * has no located field (the caller must then fail closed, never forward the original).
 */
export function rebuildBody(original: string, parsed: ParsedBody, redacted: readonly EgressSegment[]): string | undefined {
  const before = new Map<string, string>();
  for (const s of parsed.request.segments) before.set(s.id, s.text);
  const changed = new Map<string, string>();
  for (const s of redacted) if (before.get(s.id) !== s.text) changed.set(s.id, s.text);
  if (changed.size === 0) return undefined;

  const edits: { start: number; end: number; text: string }[] = [];
  let covered = 0;
  for (const field of parsed.fields) {
    if (!field.segmentIds.some((id) => changed.has(id))) continue;
    if (field.start < 0 || field.end <= field.start) throw new Error(`redaction target not located in body: ${field.id}`);
    const text = field.segmentIds.map((id) => changed.get(id) ?? before.get(id) ?? '').join('');
    edits.push({ start: field.start, end: field.end, text: JSON.stringify(field.encoding ? encodePayload(text, field.encoding) : text) });
    covered += field.segmentIds.filter((id) => changed.has(id)).length;
  }
  // A changed segment outside every field (the URL, a header) cannot be written back.
  if (covered < changed.size) throw new Error('redaction target outside the body');
  edits.sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let cursor = 0;
  for (const e of edits) {
    if (e.start < cursor) throw new Error('overlapping redaction targets');
    parts.push(original.slice(cursor, e.start), e.text);
    cursor = e.end;
  }
  parts.push(original.slice(cursor));
  return parts.join('');
}
