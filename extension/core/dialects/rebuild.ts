// Writes redacted segments back into the original body text. Only the JSON string fields whose
// text changed are replaced, in place; every other byte (formatting, key order, numbers,
// unknown fields) stays as the client sent it.
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { EgressSegment } from '../egress/types';
import type { ParsedBody } from './types';

/**
 * Returns the rewritten body, or undefined when no field changed. Throws if a changed field
 * cannot be located (the caller must then fail closed, never forward the original).
 */
export function rebuildBody(original: string, parsed: ParsedBody, redacted: readonly EgressSegment[]): string | undefined {
  const replacement = new Map(redacted.map((s) => [s.id, s.text]));
  const originalText = new Map(parsed.request.segments.map((s) => [s.id, s.text]));
  const edits: { offset: number; length: number; text: string }[] = [];
  let tree: ReturnType<typeof parseTree> | undefined;
  for (const field of parsed.fields) {
    let changed = false;
    const text = field.segmentIds
      .map((id) => {
        const next = replacement.get(id);
        const before = originalText.get(id) ?? '';
        if (next !== undefined && next !== before) changed = true;
        return next ?? before;
      })
      .join('');
    if (!changed) continue;
    tree ??= parseTree(original);
    const node = tree && findNodeAtLocation(tree, field.path);
    if (!node || node.type !== 'string') throw new Error(`redaction target not found in body: ${field.segmentIds[0] ?? '?'}`);
    edits.push({ offset: node.offset, length: node.length, text: JSON.stringify(text) });
  }
  if (edits.length === 0) return undefined;
  edits.sort((a, b) => b.offset - a.offset);
  let out = original;
  for (const e of edits) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
