// Writes redacted segments back into the original body text, in one pass: the JSON strings
// (values or keys) whose text changed are replaced at the offsets the body walk recorded; every
// other byte (formatting, key order, numbers, unknown fields) stays as the client sent it.
// Linear in the body size and the number of segments.
import type { EgressSegment, Finding } from '../egress/types';
import { encodedSpanAt, encodedSpanOf } from './embedded';
import { encodePayload } from './payload';
import type { ParsedBody } from './types';

/** Text of each changed segment, by index in the request's segments. */
function changedSegments(segments: readonly EgressSegment[], redacted: readonly EgressSegment[]): Map<number, string> {
  const changed = new Map<number, string>();
  const aligned = redacted.length === segments.length && redacted.every((s, i) => s === segments[i] || s.id === segments[i]!.id);
  if (aligned) {
    for (let i = 0; i < segments.length; i++) if (redacted[i] !== segments[i] && redacted[i]!.text !== segments[i]!.text) changed.set(i, redacted[i]!.text);
    return changed;
  }
  const index = new Map<string, number>();
  segments.forEach((s, i) => index.set(s.id, i));
  for (const s of redacted) {
    const i = index.get(s.id);
    if (i === undefined) throw new Error('redacted segment not in the request');
    if (s.text !== segments[i]!.text) changed.set(i, s.text);
  }
  return changed;
}

/**
 * Whether every redaction in the embedded (base64-decoded) segment `id` lies inside a redaction
 * of its parent segment's encoded text: the secrets pack decodes base64 itself and redacts the
 * encoded characters, so the decoded copy's redaction is already done by the parent's.
 */
function coveredByParent(id: string, text: string, findings: readonly Finding[]): boolean {
  const own = findings.filter((f) => f.segment === id && f.action === 'redact');
  if (own.length === 0) return false;
  return own.every((f) => {
    if (f.start === undefined || f.end === undefined) return false;
    const span = encodedSpanOf(id, f.start, f.end, text);
    return span !== undefined && findings.some((p) => p.segment === span.parent && p.action === 'redact' && p.start !== undefined && p.end !== undefined && p.start <= span.start && span.end <= p.end);
  });
}

/**
 * A string that is one base64 payload is scanned as sent and decoded (`…#decoded`, written back
 * re-encoded), and the secrets pack decodes base64 itself: the same secret is then redacted in
 * both, at overlapping places of one string. One copy's edit is enough when it removes every
 * char the other's removes: the decoded copy's (the payload stays valid base64) when the encoded
 * spans of its redactions cover every redaction of the string as sent; else the string's when
 * its redactions cover the encoded span of every redaction of the decoded copy. Otherwise both
 * stay, and rebuildBody fails closed. (Overlap is not enough: a secret found in one copy only,
 * next to one found in both, went out; review of 19a705a.)
 */
function resolveDecodedCopies(segments: readonly EgressSegment[], parsed: ParsedBody, changed: Map<number, string>, findings: readonly Finding[]): void {
  for (const i of [...changed.keys()]) {
    const decoded = segments[i]!;
    const field = parsed.segmentFields[i] === undefined ? undefined : parsed.fields[parsed.segmentFields[i]!];
    if (!decoded.id.endsWith('#decoded') || field?.encoding?.kind !== 'base64') continue;
    const parentId = decoded.id.slice(0, -'#decoded'.length);
    const parent = segments.findIndex((s) => s.id === parentId);
    if (parent === -1 || !changed.has(parent)) continue;
    const prefix = field.encoding.prefix.length;
    const inDecoded = spansOf(findings, decoded.id).map((f) => encodedSpanAt(prefix, f.start, f.end, decoded.text));
    const inParent = spansOf(findings, parentId);
    if (inParent.every((p) => coveredBy(p, inDecoded))) changed.delete(parent);
    else if (inDecoded.every((d) => coveredBy(d, inParent))) changed.delete(i);
  }
}

/** Whether every char of `span` is in one of `spans` (which may touch or overlap one another). */
function coveredBy(span: { start: number; end: number }, spans: readonly { start: number; end: number }[]): boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let reached = span.start;
  for (const s of sorted) {
    if (s.start > reached) break;
    if (s.end > reached) reached = s.end;
    if (reached >= span.end) return true;
  }
  return reached >= span.end;
}

function spansOf(findings: readonly Finding[], segment: string): { start: number; end: number }[] {
  return findings.filter((f): f is Finding & { start: number; end: number } => f.segment === segment && f.action === 'redact' && f.start !== undefined && f.end !== undefined);
}


/**
 * Returns the rewritten body, or undefined when no field changed. Throws if a changed segment
 * has no located field and its redactions are not all covered by the field's own (the caller
 * must then fail closed, never forward the original). `findings` are the verdict's.
 */
export function rebuildBody(original: string, parsed: ParsedBody, redacted: readonly EgressSegment[], findings: readonly Finding[] = []): string | undefined {
  const segments = parsed.request.segments;
  const changed = changedSegments(segments, redacted);
  for (const i of [...changed.keys()]) {
    const s = segments[i]!;
    if (parsed.segmentFields[i] === undefined && coveredByParent(s.id, s.text, findings)) changed.delete(i);
  }
  resolveDecodedCopies(segments, parsed, changed, findings);
  if (changed.size === 0) return undefined;

  const edited = new Set<number>();
  for (const i of changed.keys()) {
    const f = parsed.segmentFields[i];
    // A changed segment outside every field (the URL, a header) cannot be written back.
    if (f === undefined) throw new Error('redaction target outside the body');
    edited.add(f);
  }
  const edits: { start: number; end: number; text: string }[] = [];
  for (const f of edited) {
    const field = parsed.fields[f]!;
    if (field.start < 0 || field.end <= field.start) throw new Error(`redaction target not located in body: ${field.id}`);
    let text = '';
    for (let k = 0; k < field.segmentIds.length; k++) {
      const i = field.firstSegment + k;
      text += changed.get(i) ?? segments[i]!.text;
    }
    const json = JSON.stringify(field.encoding ? encodePayload(text, field.encoding) : text);
    edits.push({ start: field.start, end: field.end, text: json });
    const more = field.more ?? [];
    for (let m = 0; m + 1 < more.length; m += 2) edits.push({ start: more[m]!, end: more[m + 1]!, text: json });
  }
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
