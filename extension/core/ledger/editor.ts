// Glue for the editor: from the ledger's spans to a ProvenanceTracker for an opened document,
// and back to ledger updates when the tracker's ranges changed.
import { indexFile } from '../provenance/anchor';
import { ProvenanceTracker, type RangeInput } from '../provenance/tracker';
import type { AiSpan } from '../provenance/types';
import { locateSpans } from './check';

/** Tracker ranges (keyed by span root) for the spans of one file, re-anchored to `text`. */
export function trackerRangesFor(spans: readonly AiSpan[], lines: readonly string[]): RangeInput[] {
  const out: RangeInput[] = [];
  let open: RangeInput & { mixedLines: number[] } | undefined;
  for (const l of locateSpans(spans, indexFile(lines))) {
    if (open && open.id === l.span.root && open.endLine === l.line - 1) open.endLine = l.line;
    else {
      open = { id: l.span.root, startLine: l.line, endLine: l.line, mixedLines: [] };
      out.push(open);
    }
    if (l.mixed) open.mixedLines.push(l.line);
  }
  return out;
}

/** A tracker for a document opened in the editor, seeded from the ledger. */
export function trackerFor(spans: readonly AiSpan[], text: string): ProvenanceTracker {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  return new ProvenanceTracker(text, trackerRangesFor(spans, lines));
}
