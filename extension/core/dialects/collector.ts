// Accumulates the segments and field references of one request while a dialect parser walks
// its body. Local to one parse call: no shared state.
import type { EgressSegment, SegmentRole } from '../egress/types';
import { scanFileBlocks } from './fileBlocks';
import { parseArguments, pathsInArguments } from './paths';
import type { FieldRef, JsonPath } from './types';

export function formatPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export class SegmentCollector {
  readonly segments: EgressSegment[] = [];
  readonly fields: FieldRef[] = [];
  private readonly paths: string[] = [];
  private readonly seenPaths = new Set<string>();

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
   * Adds one JSON string field. Quoted file content inside it becomes its own `file` segment;
   * `path` marks the whole field as the content of that file (attachments, tool results).
   */
  text(jsonPath: JsonPath, value: unknown, role: SegmentRole, path?: string): void {
    if (typeof value !== 'string') return;
    const id = formatPath(jsonPath);
    this.reference(path);
    const scan = scanFileBlocks(value);
    for (const p of scan.mentioned) this.reference(p);
    if (scan.pieces.length === 1) {
      this.segments.push(path ? { id, role, text: value, path } : { id, role, text: value });
      this.fields.push({ path: jsonPath, segmentIds: [id] });
      return;
    }
    const ids: string[] = [];
    scan.pieces.forEach((piece, k) => {
      const pieceId = `${id}#${k}`;
      const text = value.slice(piece.start, piece.end);
      const piecePath = piece.path ?? path;
      const pieceRole: SegmentRole = piece.path ? 'file' : role;
      this.segments.push(piecePath ? { id: pieceId, role: pieceRole, text, path: piecePath } : { id: pieceId, role: pieceRole, text });
      ids.push(pieceId);
    });
    this.fields.push({ path: jsonPath, segmentIds: ids });
  }

  /** Adds a tool call whose arguments are a JSON string (OpenAI) and references the paths it names. */
  toolArgumentsString(jsonPath: JsonPath, value: unknown): void {
    if (typeof value !== 'string') return;
    for (const p of pathsInArguments(parseArguments(value))) this.reference(p);
    this.text(jsonPath, value, 'tool-call');
  }

  /** Adds every string inside a tool call's argument object (Anthropic, Ollama) and the paths it names. */
  toolArgumentsObject(jsonPath: JsonPath, value: unknown, role: SegmentRole = 'tool-call'): void {
    for (const p of pathsInArguments(value)) this.reference(p);
    this.strings(jsonPath, value, role, 0);
  }

  private strings(jsonPath: JsonPath, value: unknown, role: SegmentRole, depth: number): void {
    if (depth > 16) return;
    if (typeof value === 'string') this.text(jsonPath, value, role);
    else if (Array.isArray(value)) value.forEach((v, i) => this.strings([...jsonPath, i], v, role, depth + 1));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) this.strings([...jsonPath, k], v, role, depth + 1);
    }
  }
}
