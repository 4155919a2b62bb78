// Per-request memo shared by all layers: the destination is parsed once and each distinct
// scanner scans each segment once, however many rules and layers ask.
import { parseDestination, type ParsedDestination } from '../policy/destinations';
import type { DetectorMatch, LayerScanner } from './layer';
import type { EgressRequest } from './types';

const NO_MATCHES: DetectorMatch[] = [];
const MEMO_MAX_CHARS = 256;

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
      // Bodies repeat short strings (keys, `type` values, schema words) hundreds of times: scan each once.
      const memo = new Map<string, DetectorMatch[]>();
      result = this.request.segments.map((s) => {
        if (!s.text) return NO_MATCHES;
        if (s.text.length > MEMO_MAX_CHARS) return scanner.scan(s.text);
        let found = memo.get(s.text);
        if (!found) memo.set(s.text, (found = scanner.scan(s.text)));
        return found;
      });
      this.scans.set(scanner, result);
    }
    return result;
  }
}
