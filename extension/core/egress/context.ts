// Per-request memo shared by all layers: the destination is parsed once, each distinct
// scanner scans each segment once, and each segment is tokenized once and looked up once per
// fingerprint index, however many rules and layers ask — the exact indexes (workspace, each
// layer's fingerprint files) and the org sets all read the same k-gram array.
import { DEFAULT_PARAMS, MIN_FINGERPRINTS, queryGrams, type FingerprintIndex, type FingerprintMatch, type QueryGrams } from '../fingerprint';
import { secondKgramHashes, type OrgFingerprintSet, type ProbableMatch } from '../fingerprint/orgSet';
import { parseDestination, type ParsedDestination } from '../policy/destinations';
import { scanTexts } from './batchScan';
import type { DetectorMatch, LayerScanner } from './layer';
import type { EgressRequest } from './types';

/** A segment's share of a match found across joined pieces (see pieceMatchesOf). */
export interface PieceMatch {
  segment: number;
  start: number;
  end: number;
  match: FingerprintMatch;
}

/** Segments longer than this are matched on their own (a piece of split code is a few lines). */
const PIECE_MAX_CHARS = 2048;
/** The joined pieces of one request are read up to this many characters. */
const PIECES_MAX_CHARS = 4 * 1024 * 1024;

export class RequestContext {
  readonly destination: ParsedDestination | undefined;
  private readonly scans = new Map<LayerScanner, DetectorMatch[][]>();
  /** Query k-grams per segment, by k (every index built by this version shares one k). */
  private readonly grams = new Map<number, (QueryGrams | undefined)[]>();
  private readonly fingerprintMatches = new Map<FingerprintIndex, (FingerprintMatch[] | undefined)[]>();
  private readonly orgMatches = new Map<OrgFingerprintSet, (ProbableMatch[] | undefined)[]>();
  private readonly pieceMatches = new Map<FingerprintIndex, Map<string, PieceMatch[]>>();

  constructor(
    readonly request: EgressRequest,
    readonly workspaceRoots: readonly string[],
    /** The host's index of the workspace's protected code, when it has one. */
    readonly protectedIndex?: FingerprintIndex,
    /** Some layer has an org set: compute its second k-gram hash in the same pass. */
    private readonly withOrgHashes = false,
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
      const grams = this.gramsOf(i, index.params.k, MIN_FINGERPRINTS);
      perSegment[i] = found = grams ? index.matchGrams(grams) : [];
    }
    return found;
  }

  /**
   * Copies of `index`'s protected code spread over several small segments, none of which matches
   * alone: protected code cut into pieces too small for a match (a file sent a few lines per
   * message, per tool result, per JSON field). The small segments `eligible` admits and the index
   * found nothing in are joined in request order — one stream for the conversation's roles, one
   * for `other` (unknown fields, keys), so the JSON around the messages does not cut the code —
   * and each match is reported on every segment it covers, with that segment's span.
   */
  pieceMatchesOf(index: FingerprintIndex, eligible: (i: number) => boolean, key: string): PieceMatch[] {
    let byKey = this.pieceMatches.get(index);
    if (!byKey) this.pieceMatches.set(index, (byKey = new Map()));
    let found = byKey.get(key);
    if (found) return found;
    found = [];
    const segments = this.request.segments;
    for (const stream of [false, true]) {
      const pieces: number[] = [];
      for (let i = 0; i < segments.length; i++) {
        const s = segments[i]!;
        if ((s.role === 'other') !== stream || s.text.length === 0 || s.text.length > PIECE_MAX_CHARS || !eligible(i)) continue;
        if (this.matches(index, i).length > 0) continue;
        pieces.push(i);
      }
      if (pieces.length < 2) continue;
      const starts: number[] = [];
      let joined = '';
      for (const i of pieces) {
        if (joined) joined += '\n';
        starts.push(joined.length);
        joined += segments[i]!.text;
      }
      if (joined.length > PIECES_MAX_CHARS) joined = joined.slice(0, PIECES_MAX_CHARS);
      for (const m of index.match(joined)) {
        for (let p = 0; p < pieces.length; p++) {
          const from = starts[p]!;
          const to = from + segments[pieces[p]!]!.text.length;
          if (m.end <= from || m.start >= to) continue;
          found.push({ segment: pieces[p]!, start: Math.max(m.start, from) - from, end: Math.min(m.end, to) - from, match: m });
        }
      }
    }
    byKey.set(key, found);
    return found;
  }

  /** Probable copies of code from `set`'s repositories in segment `i`. */
  probableMatches(set: OrgFingerprintSet, i: number): ProbableMatch[] {
    let perSegment = this.orgMatches.get(set);
    if (!perSegment) this.orgMatches.set(set, (perSegment = []));
    let found = perSegment[i];
    if (!found) {
      const grams = this.gramsOf(i, set.params.k, set.params.minHits, true);
      perSegment[i] = found = grams ? set.matchGrams(grams) : [];
    }
    return found;
  }

  /** Segment `i`'s query k-grams (computed once per k), or undefined when it is too short to match. */
  private gramsOf(i: number, k: number, minGrams: number, needSecond = false): QueryGrams | undefined {
    const text = this.request.segments[i]!.text;
    // Too short for `minGrams` k-grams (ids, "ok", flags; a token is at least one character): nothing to tokenize.
    if (text.length < k + minGrams - 1) return undefined;
    let byK = this.grams.get(k);
    if (!byK) this.grams.set(k, (byK = []));
    let grams = byK[i];
    // With an org set in any layer the second hash comes in the first pass; asked for later
    // without that hint (a caller that did not say), the segment is tokenized once more.
    if (!grams || (needSecond && !grams.second)) {
      byK[i] = grams = queryGrams(text, { ...DEFAULT_PARAMS, k }, this.withOrgHashes || needSecond ? secondKgramHashes : undefined);
    }
    return grams;
  }
}
