// The organization-wide set of protected-code fingerprints: every proprietary repository of a
// company (think 10,000 repos, 500 million lines), in a file small enough to ship to laptops
// like the org policy. It is a binary fuse map from 64-bit k-gram keys to the repository they
// come from (binaryFuse.ts): no code, no exact index, just "probable protected code from <repo>"
// when enough of a request's k-grams hit the same repository close together. Where the repo is
// checked out, the exact workspace index confirms the match with file and lines.
//
// Keys: the same normalized tokens and k-grams as the exact index (tokenize.ts, winnow.ts) with a
// second, independent 32-bit rolling hash beside the first, so a key is 64 bits: 32-bit hashes
// alone would make public code hit a 500-million-line set ~1 time in 10 (docs/scale.md).
import { FuseMapLookup, SEVERAL, buildFuseMap, distinctKeys, type FuseMap } from './binaryFuse';
import { queryGrams, type QueryGrams } from './fingerprint';
import { DEFAULT_PARAMS } from './params';
import { normalizedTokens } from './tokenize';
import { kgramHashes, winnow } from './winnow';

export interface OrgSetParams {
  /** k-gram length in tokens: the exact index's, so both see the same k-grams. */
  k: number;
  /** Winnowing window for the org set: sparser than the exact index to keep the file small. */
  window: number;
  /** Hits on one repository, within `gapTokens` of each other, before a match is reported. */
  minHits: number;
  gapTokens: number;
  /**
   * A k-gram found in more repositories than this is the company's boilerplate (a shared
   * template, a generated client) and identifies nothing: it is left out, like STOP_SOURCES
   * for the exact index.
   */
  maxRepos: number;
}

// Chosen from test/bench/orgset.bench.ts (docs/scale.md): window 32 halves the file but found
// only 71% of renamed 20-40 line snippets (16: 93%); fewer than 5 hits from one repository, or
// hits on k-grams several repositories share, matched public code.
export const ORG_SET_PARAMS: Readonly<OrgSetParams> = Object.freeze({ k: DEFAULT_PARAMS.k, window: 16, minHits: 5, gapTokens: 96, maxRepos: 4 });

/** A second k-gram hash, independent of kgramHashes (other base, other finalizer). */
export function secondKgramHashes(codes: Uint32Array, length: number, k: number, into?: Uint32Array): Uint32Array {
  const count = length - k + 1;
  if (count <= 0) return new Uint32Array(0);
  const BASE = 0x01000193;
  const out = into ? into.subarray(0, count) : new Uint32Array(count);
  let top = 1;
  for (let j = 1; j < k; j++) top = Math.imul(top, BASE);
  let h = 0;
  for (let j = 0; j < k; j++) h = (Math.imul(h, BASE) + (codes[j]! ^ 0x5bd1e995)) | 0;
  const fin = (x: number) => {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
    x = Math.imul(x ^ (x >>> 12), 0x297a2d39);
    return (x ^ (x >>> 15)) >>> 0;
  };
  out[0] = fin(h);
  // Rolling: drop the token leaving the window, add the one entering.
  for (let p = 1; p < count; p++) {
    h = (Math.imul(h - Math.imul(codes[p - 1]! ^ 0x5bd1e995, top), BASE) + (codes[p + k - 1]! ^ 0x5bd1e995)) | 0;
    out[p] = fin(h);
  }
  return out;
}

export interface OrgKeys {
  hi: Uint32Array;
  lo: Uint32Array;
}

/** Several key lists as one (the parts' order kept). */
export function concatKeys(parts: readonly OrgKeys[]): OrgKeys {
  const total = parts.reduce((n, p) => n + p.hi.length, 0);
  const hi = new Uint32Array(total);
  const lo = new Uint32Array(total);
  let at = 0;
  for (const p of parts) {
    hi.set(p.hi, at);
    lo.set(p.lo, at);
    at += p.hi.length;
  }
  return { hi, lo };
}

/** The winnowed 64-bit keys of one source text (selected by the first hash, like the exact index). */
export function orgKeysOf(text: string, params: OrgSetParams = ORG_SET_PARAMS): OrgKeys {
  const tokens = normalizedTokens(text);
  const first = kgramHashes(tokens.codes, tokens.length, params.k);
  const second = secondKgramHashes(tokens.codes, tokens.length, params.k);
  const selected = winnow(first, params.window);
  const hi = new Uint32Array(selected.length);
  const lo = new Uint32Array(selected.length);
  for (let i = 0; i < selected.length; i++) {
    hi[i] = first[selected[i]!]!;
    lo[i] = second[selected[i]!]!;
  }
  return { hi, lo };
}

/** Every k-gram key of a text (not winnowed): what public code is excluded by. */
export function allOrgKeysOf(text: string, params: OrgSetParams = ORG_SET_PARAMS): OrgKeys {
  const tokens = normalizedTokens(text);
  return { hi: kgramHashes(tokens.codes, tokens.length, params.k), lo: secondKgramHashes(tokens.codes, tokens.length, params.k) };
}

/** Query k-grams with the org set's second hash: what `OrgFingerprintSet.matchGrams` reads. */
export function orgQueryGrams(text: string, k: number = ORG_SET_PARAMS.k): QueryGrams {
  return queryGrams(text, { ...DEFAULT_PARAMS, k }, secondKgramHashes);
}

export interface ProbableMatch {
  /** The repository the hits point to. */
  repo: string;
  /** UTF-16 span in the queried text. */
  start: number;
  end: number;
  hits: number;
}

export class OrgFingerprintSet {
  private readonly lookup: FuseMapLookup;

  constructor(
    readonly repos: readonly string[],
    readonly map: FuseMap,
    readonly params: Readonly<OrgSetParams> = ORG_SET_PARAMS,
  ) {
    if (repos.length >= SEVERAL) throw new RangeError(`an org fingerprint set holds at most ${SEVERAL - 1} repositories`);
    this.lookup = new FuseMapLookup(map);
  }

  /**
   * Builds the set from each repository's keys. Keys that occur in public code (`publicKeys`,
   * all k-grams of e.g. the repos' dependencies) are left out, so boilerplate never matches.
   */
  static build(repos: { name: string; keys: OrgKeys }[], publicKeys?: OrgKeys, params: OrgSetParams = ORG_SET_PARAMS): OrgFingerprintSet {
    // Each repository's keys once (so a count is a count of repositories), minus public code.
    const publicSet = publicKeys && publicKeys.hi.length ? new OrgFingerprintSet([], buildFuseMap(publicKeys), params) : undefined;
    const own = repos.map((r) => distinctKeys(r.keys));
    let total = 0;
    for (const k of own) total += k.hi.length;
    const hi = new Uint32Array(total);
    const lo = new Uint32Array(total);
    const values = new Uint16Array(total);
    let at = 0;
    own.forEach((keys, index) => {
      for (let i = 0; i < keys.hi.length; i++) {
        if (publicSet && publicSet.lookup.get(keys.hi[i]!, keys.lo[i]!) >= 0) continue;
        hi[at] = keys.hi[i]!;
        lo[at] = keys.lo[i]!;
        values[at++] = index;
      }
    });
    const counts: { of?: Uint32Array } = {};
    const merged = distinctKeys({ hi: hi.subarray(0, at), lo: lo.subarray(0, at), values: values.subarray(0, at) }, counts);
    // Company boilerplate out: a k-gram in more than maxRepos repositories identifies none of them.
    let kept = 0;
    for (let i = 0; i < merged.hi.length; i++) {
      if (counts.of![i]! > params.maxRepos) continue;
      merged.hi[kept] = merged.hi[i]!;
      merged.lo[kept] = merged.lo[i]!;
      merged.values[kept++] = merged.values[i]!;
    }
    const map = buildFuseMap({ hi: merged.hi.subarray(0, kept), lo: merged.lo.subarray(0, kept), values: merged.values.subarray(0, kept) });
    return new OrgFingerprintSet(
      repos.map((r) => r.name),
      map,
      params,
    );
  }

  get size(): number {
    return this.map.size;
  }

  /** Spans of `text` that probably copy protected code, with the repository they point to. */
  match(text: string): ProbableMatch[] {
    return this.matchGrams(orgQueryGrams(text, this.params.k));
  }

  /**
   * Same as `match`, for a text's k-grams with their second hash (`orgQueryGrams`): the
   * engine computes them once per segment and shares them with the exact indexes.
   */
  matchGrams(grams: QueryGrams): ProbableMatch[] {
    const { minHits, gapTokens } = this.params;
    if (grams.count > 0 && !grams.second) throw new TypeError('org set lookups need the second k-gram hash');
    const first = grams.hashes;
    const second = grams.second!;
    const out: ProbableMatch[] = [];
    let clusterStart = -1;
    let lastHit = -1;
    const perRepo = new Map<number, number>();
    let firstPos = 0;
    const flush = () => {
      let best = -1;
      let bestHits = 0;
      for (const [repo, hits] of perRepo) if (repo !== SEVERAL && hits > bestHits) [best, bestHits] = [repo, hits];
      // One repository must account for the hits: k-grams shared by several repositories are
      // the most generic ones, and alone they matched public code in the measurements.
      if (best !== SEVERAL && bestHits >= minHits) {
        out.push({ repo: this.repos[best] ?? '?', start: grams.starts[firstPos]!, end: grams.ends[lastHit]!, hits: bestHits + (perRepo.get(SEVERAL) ?? 0) });
      }
      perRepo.clear();
    };
    for (let p = 0; p < grams.count; p++) {
      const v = this.lookup.get(first[p]!, second[p]!);
      if (v < 0) continue;
      if (clusterStart >= 0 && p - lastHit > gapTokens) {
        flush();
        clusterStart = -1;
      }
      if (clusterStart < 0) {
        clusterStart = p;
        firstPos = p;
      }
      perRepo.set(v, (perRepo.get(v) ?? 0) + 1);
      lastHit = p;
    }
    if (clusterStart >= 0) flush();
    return out;
  }
}

// --- file format (`.alos`): "ALOS" u32 version u32 k u32 window u32 minHits u32 gapTokens
//     u32 maxRepos u32 seed u32 segmentLength u32 segmentCount u32 size u32 repos, repos × (u32 bytes, UTF-8
//     padded to 4), slots × u32. Little-endian. Hashes only: no code can be read back out.

const MAGIC = 0x534f4c41; // "ALOS"
const VERSION = 1;

export class OrgSetFormatError extends Error {
  constructor(reason: string) {
    super(`not a valid Airlock org fingerprint set: ${reason}`);
    this.name = 'OrgSetFormatError';
  }
}

export function serializeOrgSet(set: OrgFingerprintSet): Uint8Array {
  const names = set.repos.map((r) => new TextEncoder().encode(r));
  const header = 12 * 4;
  const nameBytes = names.reduce((n, b) => n + 4 + Math.ceil(b.length / 4) * 4, 0);
  const out = new Uint8Array(header + nameBytes + set.map.slots.length * 4);
  const view = new DataView(out.buffer);
  const fields = [MAGIC, VERSION, set.params.k, set.params.window, set.params.minHits, set.params.gapTokens, set.params.maxRepos, set.map.seed, set.map.segmentLength, set.map.segmentCount, set.map.size, names.length];
  fields.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  let at = header;
  for (const b of names) {
    view.setUint32(at, b.length, true);
    out.set(b, at + 4);
    at += 4 + Math.ceil(b.length / 4) * 4;
  }
  for (let i = 0; i < set.map.slots.length; i++) view.setUint32(at + i * 4, set.map.slots[i]!, true);
  return out;
}

export function isOrgSetFile(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) === MAGIC;
}

export function deserializeOrgSet(bytes: Uint8Array): OrgFingerprintSet {
  if (bytes.length < 48) throw new OrgSetFormatError('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u = (i: number) => view.getUint32(i * 4, true);
  if (u(0) !== MAGIC) throw new OrgSetFormatError('wrong magic');
  if (u(1) !== VERSION) throw new OrgSetFormatError(`format version ${u(1)} (this Airlock reads ${VERSION})`);
  const params: OrgSetParams = { k: u(2), window: u(3), minHits: u(4), gapTokens: u(5), maxRepos: u(6) };
  if (params.k !== DEFAULT_PARAMS.k) throw new OrgSetFormatError(`k-gram length ${params.k} differs from this Airlock's ${DEFAULT_PARAMS.k}`);
  const seed = u(7);
  const segmentLength = u(8);
  const segmentCount = u(9);
  const size = u(10);
  const repoCount = u(11);
  if (repoCount >= SEVERAL) throw new OrgSetFormatError('too many repositories');
  let at = 48;
  const repos: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let r = 0; r < repoCount; r++) {
    if (at + 4 > bytes.length) throw new OrgSetFormatError('truncated repository names');
    const len = view.getUint32(at, true);
    if (len > 4096 || at + 4 + len > bytes.length) throw new OrgSetFormatError('bad repository name');
    repos.push(decoder.decode(bytes.subarray(at + 4, at + 4 + len)));
    at += 4 + Math.ceil(len / 4) * 4;
  }
  const slotCount = (segmentCount + 2) * segmentLength;
  if (segmentLength === 0 || at + slotCount * 4 !== bytes.length) throw new OrgSetFormatError('slot table has the wrong size');
  const slots = new Uint32Array(slotCount);
  for (let i = 0; i < slotCount; i++) slots[i] = view.getUint32(at + i * 4, true);
  return new OrgFingerprintSet(repos, { seed, segmentLength, segmentCount, slots, size }, params);
}
