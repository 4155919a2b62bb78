// scanText: one keyword pass over the text, then each detector's pattern only where its
// keywords occur; candidates are filtered (placeholders, entropy, validators, allowlist) and
// overlaps resolved in favour of the more specific detector. The same runs over each decoded
// view of the text (concatenated literals, escapes, URL encoding, base64, YAML blocks, diffs),
// and over the views decoded from those in turn (MAX_DECODE_DEPTH), and what is found there is
// mapped back to the span of the encoded original. The decoders are
// told where to look by that same keyword pass (their trigger literals are keywords too, and it
// reports base64 runs), so decoding adds no pass over the whole text.
import { TRIGGER_KINDS, type PlannedDetector, type ScanPlan, type ValueSpan } from './compile';
import { forgetTokenEnds } from './tokens';
import { startScanDeadline } from './customSearch';
import { decodedViews, mapSpan, type DecodeHints, type DecodedView } from './decode';
import { shannonEntropy } from './entropy';
import { findKeywords, releaseHits, releaseWalkLists, RETAINED_REUSED, reusableHits, type KeywordHits } from './keywordAutomaton';
import { isGenericPlaceholder, matchesPlaceholderList } from './placeholders';
import { DecodeBudgetError, type CompiledDetectors, type SecretMatch } from './types';

interface Candidate {
  detector: PlannedDetector;
  start: number;
  end: number;
}

/** Every secret in `text`, sorted by start, non-overlapping. Offsets are UTF-16 offsets of the value in `text`. */
export function scanText(text: string, compiled: CompiledDetectors): SecretMatch[] {
  const plan = compiled.plan as ScanPlan;
  // A detector's validate may itself scan: that scan gets lists of its own.
  const nested = scanning;
  const scratch = nested ? newScratch() : reused;
  scanning = true;
  const endDeadline = startScanDeadline(text.length);
  try {
    const candidates: Candidate[] = [];
    scratch.viewChars = 0;
    scratch.viewBudget = VIEW_BUDGET_PER_CHAR * text.length + VIEW_BUDGET_FLOOR;
    const hits = findKeywords(text, plan.automaton, scratch.textHits);
    collect(text, hits, plan, NO_VIEWS, candidates, scratch);
    if (plan.decode) for (const view of decodedViews(text, decodeHints(hits, plan, scratch))) scanView([view], plan, candidates, scratch);
    return resolveOverlaps(candidates);
  } finally {
    endDeadline();
    if (!nested) {
      scanning = false;
      releaseScratch(scratch);
    }
  }
}

/**
 * How many decodings deep a secret is looked for: a view's own text is decoded again, twice
 * (base64 of base64: a Kubernetes secret holding a Docker config's `auth`; base64 of JSON with
 * escapes; URL-encoded base64; and one level more, which two left to anyone who wrapped a
 * secret once again). Each level decodes the views of the level above (their decoded stretches
 * with the context copied around them), so a level costs what those views hold: 20 MB of base64
 * nested five deep, 5.2 s at two levels, 7.2 at three.
 */
const MAX_DECODE_DEPTH = 3;
const NO_VIEWS: readonly DecodedView[] = [];

/**
 * The decoded views a scan may read: this many chars per char of its text, and VIEW_BUDGET_FLOOR
 * more (see DecodeBudgetError: real text reads at most a few times a small file's length).
 */
const VIEW_BUDGET_PER_CHAR = 16;
const VIEW_BUDGET_FLOOR = 1 << 20;

/**
 * Scans the innermost view of `chain` (views[0] was decoded from views[1], …, the last from the
 * text), then, above MAX_DECODE_DEPTH, the views decoded from it. The view's hits and the hint
 * lists are reused from view to view: each is read before the next view's are written (its
 * inner views are made before they are scanned).
 */
function scanView(chain: readonly DecodedView[], plan: ScanPlan, candidates: Candidate[], scratch: ScanScratch): void {
  const view = chain[0]!;
  scratch.viewChars += view.text.length;
  if (scratch.viewChars > scratch.viewBudget) throw new DecodeBudgetError((scratch.viewBudget - VIEW_BUDGET_FLOOR) / VIEW_BUDGET_PER_CHAR, scratch.viewBudget);
  const hits = findKeywords(view.text, plan.automaton, scratch.viewHits);
  collect(view.text, hits, plan, chain, candidates, scratch);
  // A partner view's decoded text is its decoded view's, its copies the text's: both are decoded there.
  if (chain.length >= MAX_DECODE_DEPTH || view.kind === 'partners') return;
  for (const inner of decodedViews(view.text, decodeHints(hits, plan, scratch), view.kind)) scanView([inner, ...chain], plan, candidates, scratch);
}

/**
 * The lists a scan writes into, reused from scan to scan so that scanning many small texts
 * allocates nothing per text: the keyword hits of the text and of the view being scanned, the
 * decoders' hint lists, collect's per-detector lists. Each is read only before it is written
 * again within the same scan.
 */
interface ScanScratch {
  readonly textHits: KeywordHits;
  readonly viewHits: KeywordHits;
  /** Per trigger kind, the list its hints are written into (they live until the views are made). */
  readonly hints: Int32Array[];
  lastTried: Int32Array;
  windowFrom: Int32Array;
  windowTo: Int32Array;
  opened: Int32Array;
  /** Per detector with `requires`: where its required text next occurs (NOT_FOUND, UNSEARCHED), searched from requiredFrom. */
  requiredAt: Int32Array;
  requiredFrom: Int32Array;
  /** The chars of the views scanned so far, and how many the scan may read (see DecodeBudgetError). */
  viewChars: number;
  viewBudget: number;
}

function newScratch(): ScanScratch {
  const none = new Int32Array(0);
  return { textHits: reusableHits(), viewHits: reusableHits(), hints: TRIGGER_KINDS.map(() => new Int32Array(256)), lastTried: none, windowFrom: none, windowTo: none, opened: none, requiredAt: none, requiredFrom: none, viewChars: 0, viewBudget: 0 };
}

const reused = newScratch();
let scanning = false;

/** After a scan: lets go of lists a large text grew (a gateway or editor lives on after it). */
function releaseScratch(scratch: ScanScratch): void {
  releaseWalkLists();
  forgetTokenEnds();
  releaseHits(scratch.textHits);
  releaseHits(scratch.viewHits);
  for (let kind = 0; kind < scratch.hints.length; kind++) if (scratch.hints[kind]!.length > RETAINED_REUSED) scratch.hints[kind] = new Int32Array(256);
}

/**
 * What to do at each state of the plan's automaton, flattened: for state s, the (detector index,
 * keyword length) pairs in detectors[detectorFrom[s], detectorFrom[s + 1]) and the (trigger
 * kind, literal length) pairs in triggers[triggerFrom[s], triggerFrom[s + 1]), in the order of
 * the state's keywords. Built once per plan, at its first scan.
 */
interface StateTables {
  readonly detectorFrom: Int32Array;
  readonly detectors: Int32Array;
  readonly triggerFrom: Int32Array;
  readonly triggers: Int32Array;
}

const stateTablesOfPlan = new WeakMap<ScanPlan, StateTables>();

function stateTables(plan: ScanPlan): StateTables {
  let tables = stateTablesOfPlan.get(plan);
  if (tables) return tables;
  const { outputs } = plan.automaton;
  const detectorFrom = new Int32Array(outputs.length + 1);
  const triggerFrom = new Int32Array(outputs.length + 1);
  const detectors: number[] = [];
  const triggers: number[] = [];
  outputs.forEach((ids, state) => {
    detectorFrom[state] = detectors.length;
    triggerFrom[state] = triggers.length;
    for (const id of ids ?? []) {
      for (const index of plan.detectorsByKeyword[id]!) detectors.push(index, plan.keywordLength[id]!);
      const kind = plan.triggerKindOf[id]!;
      if (kind >= 0) triggers.push(kind, plan.keywordLength[id]!);
    }
  });
  detectorFrom[outputs.length] = detectors.length;
  triggerFrom[outputs.length] = triggers.length;
  tables = { detectorFrom, detectors: Int32Array.from(detectors), triggerFrom, triggers: Int32Array.from(triggers) };
  stateTablesOfPlan.set(plan, tables);
  return tables;
}

/** Where the decoders' trigger literals start, ascending, from the keyword pass. */
function decodeHints(hits: KeywordHits, plan: ScanPlan, scratch: ScanScratch): DecodeHints {
  const { triggerFrom, triggers } = stateTables(plan);
  const emits = hits.emits;
  // Counted first, then filled: per kind, a list of exactly its size in the scan's reused
  // lists (most small texts have none for most kinds).
  const counts = hintCounts.fill(0);
  for (let h = 0; h < hits.emitCount; h++) {
    const state = emits[2 * h + 1]!;
    for (let k = triggerFrom[state]!; k < triggerFrom[state + 1]!; k += 2) counts[triggers[k]!]!++;
  }
  const lists: Int32Array[] = [];
  for (let kind = 0; kind < counts.length; kind++) lists.push(counts[kind] === 0 ? NO_HINTS : hintList(scratch, kind, counts[kind]!));
  counts.fill(0);
  for (let h = 0; h < hits.emitCount; h++) {
    const state = emits[2 * h + 1]!;
    for (let k = triggerFrom[state]!; k < triggerFrom[state + 1]!; k += 2) {
      const kind = triggers[k]!;
      lists[kind]![counts[kind]!++] = emits[2 * h]! - triggers[k + 1]!;
    }
  }
  // Hits come in order of their END; literals of different lengths can start out of that order.
  for (let kind = 0; kind < lists.length; kind++) {
    const list = lists[kind]!;
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) sorted = list[i - 1]! < list[i]!;
    if (sorted) continue;
    list.sort();
    let kept = 0;
    for (let i = 0; i < list.length; i++) if (i === 0 || list[i] !== list[kept - 1]) list[kept++] = list[i]!;
    lists[kind] = list.subarray(0, kept);
  }
  const at = HINT_INDEX;
  return { quote: lists[at.quote]!, escape: lists[at.escape]!, percent: lists[at.percent]!, reference: lists[at.reference]!, indicator: lists[at.indicator]!, hunk: lists[at.hunk]!, continuation: lists[at.continuation]!, base64: hits.runEnds.subarray(0, hits.runCount) };
}

const HINT_INDEX = Object.fromEntries(TRIGGER_KINDS.map((kind, k) => [kind, k])) as Record<(typeof TRIGGER_KINDS)[number], number>;
const hintCounts = new Int32Array(TRIGGER_KINDS.length);
const NO_HINTS = new Int32Array(0);
/** scratch.hints[kind] with room for `count`, as a list of exactly `count`. */
function hintList(scratch: ScanScratch, kind: number, count: number): Int32Array {
  if (scratch.hints[kind]!.length < count) scratch.hints[kind] = new Int32Array(Math.max(256, count));
  return scratch.hints[kind]!.subarray(0, count);
}

/**
 * Runs every detector over `text` (the original's, or the text of views[0], decoded from the
 * rest of `views` in turn) where its keywords hit; adds each candidate that passes its filters,
 * at its span in the original.
 */
function collect(text: string, hits: KeywordHits, plan: ScanPlan, views: readonly DecodedView[], candidates: Candidate[], scratch: ScanScratch): void {
  // Spans found in a view are mapped back to the original (one code path, no callback: the
  // JIT recompiled collect for each new callback it saw).
  const accept = (detector: PlannedDetector, span: ValueSpan) => {
    if (!isSecret(text, span, detector, plan)) return;
    let original: ValueSpan | undefined = span;
    for (let v = 0; v < views.length && original; v++) original = mapSpan(views[v]!, original.start, original.end);
    if (original) candidates.push({ detector, start: original.start, end: original.end });
  };

  // Most texts (and most decoded views) have no keyword at all: nothing to set up.
  if (hits.emitCount === 0 && plan.everywhere.length === 0) return;
  const detectorCount = plan.detectors.length;
  if (scratch.lastTried.length < detectorCount) {
    scratch.lastTried = new Int32Array(detectorCount);
    scratch.windowFrom = new Int32Array(detectorCount);
    scratch.windowTo = new Int32Array(detectorCount);
    scratch.opened = new Int32Array(detectorCount);
    scratch.requiredAt = new Int32Array(detectorCount);
    scratch.requiredFrom = new Int32Array(detectorCount);
  }
  scratch.requiredAt.fill(UNSEARCHED, 0, detectorCount);
  // Sticky detectors: the last position tried, so overlapping keywords do not retry it.
  const lastTried = scratch.lastTried.fill(-1, 0, detectorCount);
  // Window detectors: the window being accumulated (merged while hits overlap).
  const windowFrom = scratch.windowFrom.fill(-1, 0, detectorCount);
  const windowTo = scratch.windowTo;
  // The window detectors with a window open, each once (flushed at the end: not all detectors).
  const opened = scratch.opened;
  let openedCount = 0;
  const spans: ValueSpan[] = [];
  const flushWindow = (index: number) => {
    const detector = plan.detectors[index]!;
    spans.length = 0;
    detector.searchIn!(text, windowFrom[index]!, windowTo[index]!, spans);
    for (const span of spans) accept(detector, span);
    windowFrom[index] = -1;
  };

  const { detectorFrom, detectors } = stateTables(plan);
  const emits = hits.emits;
  for (let h = 0; h < hits.emitCount; h++) {
    const end = emits[2 * h]!;
    const state = emits[2 * h + 1]!;
    for (let k = detectorFrom[state]!; k < detectorFrom[state + 1]!; k += 2) {
      const index = detectors[k]!;
      const start = end - detectors[k + 1]!;
      const detector = plan.detectors[index]!;
      if (detector.requires !== undefined && !requirementNear(text, detector.requires, index, start, scratch)) continue;
      if (detector.mode === 'sticky') {
        if (lastTried[index] === start) continue;
        lastTried[index] = start;
        const span = detector.tryAt!(text, start, end);
        if (span) accept(detector, span);
        continue;
      }
      const from = Math.max(0, start - detector.window.before);
      const to = Math.min(text.length, end + detector.window.after);
      if (windowFrom[index] !== -1 && from <= windowTo[index]!) {
        windowFrom[index] = Math.min(windowFrom[index]!, from);
        windowTo[index] = Math.max(windowTo[index]!, to);
      } else {
        if (windowFrom[index] !== -1) flushWindow(index);
        else opened[openedCount++] = index;
        windowFrom[index] = from;
        windowTo[index] = to;
      }
    }
  }
  for (let k = 0; k < openedCount; k++) if (windowFrom[opened[k]!] !== -1) flushWindow(opened[k]!);
  for (const index of plan.everywhere) {
    windowFrom[index] = 0;
    windowTo[index] = text.length;
    flushWindow(index);
  }
}

const UNSEARCHED = -1;
const NOT_FOUND = 0x7fffffff;

/**
 * Whether the detector's required text (PlannedDetector.requires) occurs within its distance of
 * a hit at `start`. The next occurrence is looked up once and reused while the hits move
 * forward past it only in order, so the searches of one text read it about once in all.
 */
function requirementNear(text: string, requires: NonNullable<PlannedDetector['requires']>, index: number, start: number, scratch: ScanScratch): boolean {
  let at = scratch.requiredAt[index]!;
  if (at === UNSEARCHED || start < scratch.requiredFrom[index]! || (at !== NOT_FOUND && at < start)) {
    requires.pattern.lastIndex = start;
    const found = requires.pattern.exec(text);
    at = found ? found.index : NOT_FOUND;
    scratch.requiredAt[index] = at;
    scratch.requiredFrom[index] = start;
  }
  return at !== NOT_FOUND && at - start <= requires.within;
}

/** The false-positive controls, cheapest first. */
function isSecret(text: string, span: ValueSpan, detector: PlannedDetector, plan: ScanPlan): boolean {
  if (span.end - span.start < Math.max(1, detector.minLength)) return false;
  const value = text.slice(span.start, span.end);
  if (plan.allowValues.has(value)) return false;
  if (matchesPlaceholderList(value, detector.placeholders)) return false;
  if (isGenericPlaceholder(value)) return false;
  if (detector.minEntropy > 0 && shannonEntropy(value) < detector.minEntropy) return false;
  if (detector.validate && !detector.validate(value, { text, start: span.start, end: span.end })) return false;
  for (const allow of plan.allowRegexes) if (allow.test(value)) return false;
  return true;
}

/**
 * Keeps the strongest of overlapping candidates: higher priority, then longer, then earlier,
 * then the detector listed first. Returns them sorted by start.
 */
function resolveOverlaps(candidates: Candidate[]): SecretMatch[] {
  if (candidates.length === 0) return [];
  candidates.sort(
    (a, b) =>
      b.detector.priority - a.detector.priority ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start ||
      a.detector.order - b.detector.order,
  );
  // Strongest first, each kept unless it overlaps one kept before: which chars are taken is a
  // bitset over the candidates' extent, and the kept are sorted by start at the end (a list kept
  // sorted by inserts cost a shift per insert: 433,000 findings in 8 MB of assignments took 19 s).
  let from = candidates[0]!.start;
  let to = candidates[0]!.end;
  for (const c of candidates) {
    if (c.start < from) from = c.start;
    if (c.end > to) to = c.end;
  }
  const taken = new Uint32Array(((to - from) >> 5) + 1);
  const kept: Candidate[] = [];
  for (const c of candidates) if (claim(taken, c.start - from, c.end - from)) kept.push(c);
  kept.sort((a, b) => a.start - b.start);
  return kept.map((c) => ({ detector: c.detector.id, start: c.start, end: c.end }));
}

/** Sets the bits in [from, to) and returns true if none of them was set; otherwise changes nothing. */
function claim(bits: Uint32Array, from: number, to: number): boolean {
  const first = from >> 5;
  const last = (to - 1) >> 5;
  for (let word = first; word <= last; word++) if ((bits[word]! & wordMask(word, from, to)) !== 0) return false;
  for (let word = first; word <= last; word++) bits[word]! |= wordMask(word, from, to);
  return true;
}

/** The bits of [from, to) that fall in 32-bit word `word`. */
function wordMask(word: number, from: number, to: number): number {
  const low = Math.max(from - (word << 5), 0);
  const high = Math.min(to - (word << 5), 32);
  return high - low === 32 ? -1 : ((1 << (high - low)) - 1) << low;
}
