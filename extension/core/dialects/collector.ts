// Accumulates the segments and fields of one request: first the dialect parser attributes
// the strings it knows (role, file path, tool call ↔ result), then the walk over the whole
// body locates them and adds every other string. Local to one parse call: no shared state.
import type { EgressAttachment, EgressSegment, SegmentRole } from '../egress/types';
import { scanFileBlocks } from './fileBlocks';
import { memberId } from './jsonWalk';
import { parseArguments, pathsInArguments } from './paths';
import { MalformedBodyError, type FieldRef, type JsonPath } from './types';

/** The segment id of a JSON path, formatted exactly as the body walk formats it. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const p of path) out = typeof p === 'number' ? `${out}[${p}]` : memberId(out, p, -1);
  return out;
}

export class SegmentCollector {
  readonly segments: EgressSegment[] = [];
  readonly fields: FieldRef[] = [];
  readonly attachments: EgressAttachment[] = [];
  private readonly paths: string[] = [];
  private readonly seenPaths = new Set<string>();
  private readonly segmentIds = new Set<string>();
  /** Fields the parser attributed, by id, until the walk locates them. */
  private readonly attributed = new Map<string, FieldRef>();
  /** Subtrees whose strings all have one role (tool-call argument objects). */
  readonly subtreeRoles = new Map<string, SegmentRole>();

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
    if (typeof value !== 'string') return;
    const id = formatPath(jsonPath);
    if (this.attributed.has(id)) return; // attributed once: the first parser's reading wins
    const field = this.addText(id, value, role, path, true);
    this.attributed.set(id, field);
  }

  /** Adds a tool call whose arguments are a JSON string (OpenAI) and references the paths it names. */
  toolArgumentsString(jsonPath: JsonPath, value: unknown): void {
    if (typeof value !== 'string') return;
    for (const p of pathsInArguments(parseArguments(value))) this.reference(p);
    this.text(jsonPath, value, 'tool-call');
  }

  /** Marks a tool call's argument object (Anthropic, Ollama): every string inside it, at any depth, is `tool-call` text. */
  toolArgumentsObject(jsonPath: JsonPath, value: unknown, role: SegmentRole = 'tool-call'): void {
    for (const p of pathsInArguments(value)) this.reference(p);
    if (value !== null && typeof value === 'object') this.subtreeRoles.set(formatPath(jsonPath), role);
  }

  /** The parser's field for the string at `id`, if it attributed one. */
  attributedField(id: string): FieldRef | undefined {
    return this.attributed.get(id);
  }

  /** A string the parser did not attribute: scanned as it is, quoted file blocks included when `withFiles`. */
  addText(id: string, value: string, role: SegmentRole, path: string | undefined, withFiles: boolean, start = -1, end = -1): FieldRef {
    this.reference(path);
    const scan = withFiles ? scanFileBlocks(value) : undefined;
    if (scan) for (const p of scan.mentioned) this.reference(p);
    const field: FieldRef = { id, start, end, segmentIds: [] };
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

  /** Decoded text of an encoded payload (base64, data: URL), written back re-encoded. */
  addDecoded(id: string, text: string, encoding: NonNullable<FieldRef['encoding']>, start: number, end: number): void {
    const field: FieldRef = { id, start, end, segmentIds: [this.push(`${id}#decoded`, 'file', text, undefined)], encoding };
    this.fields.push(field);
  }

  attachment(item: EgressAttachment): void {
    this.attachments.push(item);
  }

  /** Every field the parser attributed must have been found by the walk; anything else is a bug, and bugs fail closed. */
  assertLocated(): void {
    for (const field of this.attributed.values()) {
      if (field.start < 0) throw new MalformedBodyError(`attributed field not found in the body: ${field.id}`);
    }
  }

  private push(id: string, role: SegmentRole, text: string, path: string | undefined): string {
    // Ids are unique by construction (unambiguous paths); a clash would make redaction ambiguous.
    if (this.segmentIds.has(id)) throw new MalformedBodyError('two strings share one segment id');
    this.segmentIds.add(id);
    this.segments.push(path ? { id, role, text, path } : { id, role, text });
    return id;
  }
}
