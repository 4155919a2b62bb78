// Per-request memo shared by all layers: the destination is parsed once and each distinct
// scanner scans each segment once, however many rules and layers ask.
import { parseDestination, type ParsedDestination } from '../policy/destinations';
import { scanTexts } from './batchScan';
import type { DetectorMatch, LayerScanner } from './layer';
import type { EgressRequest } from './types';

export class RequestContext {
  readonly destination: ParsedDestination | undefined;
  private readonly scans = new Map<LayerScanner, DetectorMatch[][]>();

  constructor(readonly request: EgressRequest, readonly workspaceRoots: readonly string[]) {
    this.destination = parseDestination(request.destination);
  }

  /** Detector matches per segment (same order as request.segments). */
  scan(scanner: LayerScanner): DetectorMatch[][] {
    let result = this.scans.get(scanner);
    if (!result) {
      // Thousands of short strings per body: deduplicated and scanned in batches (see batchScan.ts).
      result = scanTexts(
        this.request.segments.map((s) => s.text),
        (text) => scanner.scan(text),
        scanner.batchable !== false,
      );
      this.scans.set(scanner, result);
    }
    return result;
  }
}
