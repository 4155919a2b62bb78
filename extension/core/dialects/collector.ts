// Accumulates the segments and fields of one request: first the dialect parser attributes
// the strings it knows (role, file path, tool call ↔ result), then the walk over the whole
// body locates them and adds every other string. Local to one parse call: no shared state.
import type { EgressAttachment, EgressSegment, SegmentRole } from '../egress/types';
import { scanFileBlocks } from './fileBlocks';
import { memberId } from './jsonWalk';
import { parseArguments, pathsInArguments } from './paths';
import { MalformedBodyError, type FieldRef, type JsonPath } from './types';

/**
 * The segment id of a JSON path, formatted as the body walk formats it. A key that is not a
 * simple name is written by its ordinal in the walk, which only the walk knows: here it is
 * `{-1}`, and the walk relabels such fields when it locates them (see relabel).
 */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const p of path) out = typeof p === 'number' ? `${out}[${p}]` : memberId(out, p, -1);
  return out;
}

/**
 * Fields the parser attributed are marked on the object or array holding the string (a symbol
 * property on the parse's own tree, discarded with it): the walk finds them with one property
 * read, without building or hashing path strings or object identities.
 */
const ATTRIBUTED = Symbol('airlock.attributed');
/** Marks a subtree (a tool call's argument object) whose strings all have one role. */
const SUBTREE_ROLE = Symbol('airlock.subtreeRole');

/** The role a subtree was marked with by its parser, if any. */
export function subtreeRole(value: unknown): SegmentRole | undefined {
  return value !== null && typeof value === 'object' ? (value as { [SUBTREE_ROLE]?: SegmentRole })[SUBTREE_ROLE] : undefined;
}

interface Attribution {
  at: string | number;
  field: FieldRef;
}

export class SegmentCollector {
  readonly segments: EgressSegment[] = [];
  readonly fields: FieldRef[] = [];
  readonly segmentFields: number[] = [];
  readonly attachments: EgressAttachment[] = [];
  private readonly paths: string[] = [];
  private readonly seenPaths = new Set<string>();
  /** Every field the parser attributed, to check the walk located each one. */
  private readonly attributedList: FieldRef[] = [];
  /** The parsed body the parser walks (set before it runs). */
  root: unknown;
  /** Unattributed (`other`) strings by text: one field, many places. */
  private readonly others = new Map<string, FieldRef>();

  /** Records that the request references `path` (deduplicated, order kept). */
  reference(path: string | undefined): void {
    if (!path || this.seenPaths.has(path)) return;
    this.seenPaths.add(path);
    this.paths.push(path);
  }

  get referencedPaths(): string[] {
    return this.paths;
  }

  /**
   * Attributes one JSON string field. Quoted file content inside it becomes its own `file`
   * segment; `path` marks the whole field as the content of that file (attachments, tool results).
   */
  text(jsonPath: JsonPath, value: unknown, role: SegmentRole, path?: string): void {
    if (typeof value !== 'string' || jsonPath.length === 0) return;
    let container: unknown = this.root;
    for (let k = 0; k < jsonPath.length - 1; k++) container = (container as Record<string | number, unknown> | undefined)?.[jsonPath[k]!];
    const last = jsonPath[jsonPath.length - 1]!;
    if (container === null || typeof container !== 'object' || (container as Record<string | number, unknown>)[last] !== value) {
      throw new MalformedBodyError('attributed field is not where the parser said');
    }
    const holder = container as { [ATTRIBUTED]?: Attribution[] };
    const inner = (holder[ATTRIBUTED] ??= []);
    if (inner.some((a) => a.at === last)) return; // attributed once: the first parser's reading wins
    const field = this.addText(formatPath(jsonPath), value, role, path, true);
    inner.push({ at: last, field });
    this.attributedList.push(field);
  }

  /** Adds a tool call whose arguments are a JSON string (OpenAI) and references the paths it names. */
  toolArgumentsString(jsonPath: JsonPath, value: unknown): void {
    if (typeof value !== 'string') return;
    for (const p of pathsInArguments(parseArguments(value))) this.reference(p);
    this.text(jsonPath, value, 'tool-call');
  }

  /** Marks a tool call's argument object (Anthropic, Ollama): every string inside it, at any depth, is `tool-call` text. */
  toolArgumentsObject(value: unknown, role: SegmentRole = 'tool-call'): void {
    for (const p of pathsInArguments(value)) this.reference(p);
    if (value !== null && typeof value === 'object') (value as { [SUBTREE_ROLE]?: SegmentRole })[SUBTREE_ROLE] = role;
  }

  /** The parser's field for the string held by `container` at `keyOrIndex`, if it attributed one. */
  attributedField(container: unknown, keyOrIndex: string | number): FieldRef | undefined {
    if (container === null || typeof container !== 'object') return undefined;
    const inner = (container as { [ATTRIBUTED]?: Attribution[] })[ATTRIBUTED];
    if (inner) for (const a of inner) if (a.at === keyOrIndex) return a.field;
    return undefined;
  }

  /** A string the parser did not attribute: scanned as it is, quoted file blocks included when `withFiles`. */
  addText(id: string, value: string, role: SegmentRole, path: string | undefined, withFiles: boolean, start = -1, end = -1): FieldRef {
    this.reference(path);
    const scan = withFiles ? scanFileBlocks(value) : undefined;
    if (scan) for (const p of scan.mentioned) this.reference(p);
    const field: FieldRef = { id, start, end, segmentIds: [], firstSegment: this.segments.length };
    if (!scan || scan.pieces.length === 1) {
      field.segmentIds.push(this.push(id, role, value, path));
    } else {
      scan.pieces.forEach((piece, k) => {
        const piecePath = piece.path ?? path;
        field.segmentIds.push(this.push(`${id}#${k}`, piece.path ? 'file' : role, value.slice(piece.start, piece.end), piecePath));
      });
    }
    this.fields.push(field);
    return field;
  }

  /** A string nobody attributes: one `other` segment per distinct text, every occurrence recorded for rewriting. */
  addOther(id: () => string, value: string, start: number, end: number): void {
    const seen = this.others.get(value);
    if (seen) {
      (seen.more ??= []).push(start, end);
      return;
    }
    this.others.set(value, this.addText(id(), value, 'other', undefined, false, start, end));
  }

  /** Decoded text of an encoded payload (base64, data: URL), written back re-encoded. */
  addDecoded(id: string, text: string, encoding: NonNullable<FieldRef['encoding']>, start: number, end: number): void {
    const field: FieldRef = { id, start, end, segmentIds: [], firstSegment: this.segments.length, encoding };
    field.segmentIds.push(this.push(`${id}#decoded`, 'file', text, undefined));
    this.fields.push(field);
  }

  attachment(item: EgressAttachment): void {
    this.attachments.push(item);
  }

  /** Gives a located field (and its segments) the id the walk computed, when the parser could not. */
  relabel(field: FieldRef, id: string): void {
    for (let k = 0; k < field.segmentIds.length; k++) {
      const segment = this.segments[field.firstSegment + k]!;
      segment.id = id + segment.id.slice(field.id.length);
      field.segmentIds[k] = segment.id;
    }
    field.id = id;
  }

  /** Every field the parser attributed must have been found by the walk; anything else is a bug, and bugs fail closed. */
  assertLocated(): void {
    for (const field of this.attributedList) {
      if (field.start < 0) throw new MalformedBodyError(`attributed field not found in the body: ${field.id}`);
    }
  }

  /**
   * Ids are unique by construction: paths are unambiguous (see memberId), keys end in `#key`,
   * pieces in `#n`, decoded payloads in `#decoded`, and each string becomes one field.
   */
  private push(id: string, role: SegmentRole, text: string, path: string | undefined): string {
    this.segmentFields.push(this.fields.length);
    this.segments.push(path ? { id, role, text, path } : { id, role, text });
    return id;
  }
}
