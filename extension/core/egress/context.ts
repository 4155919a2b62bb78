// Per-request memo shared by all layers: the destination is parsed once, each distinct
// scanner scans each segment once, and each segment is tokenized once and looked up once per
// fingerprint index, however many rules and layers ask.
import { MIN_FINGERPRINTS, queryGrams, type FingerprintIndex, type FingerprintMatch, type QueryGrams } from '../fingerprint';
import { parseDestination, type ParsedDestination } from '../policy/destinations';
import { scanTexts } from './batchScan';
import type { DetectorMatch, LayerScanner } from './layer';
import type { EgressRequest } from './types';

export class RequestContext {
  readonly destination: ParsedDestination | undefined;
  private readonly scans = new Map<LayerScanner, DetectorMatch[][]>();
  /** Query k-grams per segment, by k (every index built by this version shares one k). */
  private readonly grams = new Map<number, (QueryGrams | undefined)[]>();
  private readonly fingerprintMatches = new Map<FingerprintIndex, (FingerprintMatch[] | undefined)[]>();

  constructor(
    readonly request: EgressRequest,
    readonly workspaceRoots: readonly string[],
    /** The host's index of the workspace's protected code, when it has one. */
    readonly protectedIndex?: FingerprintIndex,
  ) {
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

  /** Copies of `index`'s protected code in segment `i`. */
  matches(index: FingerprintIndex, i: number): FingerprintMatch[] {
    let perSegment = this.fingerprintMatches.get(index);
    if (!perSegment) this.fingerprintMatches.set(index, (perSegment = []));
    let found = perSegment[i];
    if (!found) {
      const k = index.params.k;
      // Too short for MIN_FINGERPRINTS distinct k-grams (ids, "ok", flags): nothing to tokenize.
      if (this.request.segments[i]!.text.length < k + MIN_FINGERPRINTS - 1) return (perSegment[i] = []);
      let byK = this.grams.get(k);
      if (!byK) this.grams.set(k, (byK = []));
      let grams = byK[i];
      if (!grams) byK[i] = grams = queryGrams(this.request.segments[i]!.text, index.params);
      perSegment[i] = found = index.matchGrams(grams);
    }
    return found;
  }
}
