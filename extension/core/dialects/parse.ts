// body text → the engine's EgressRequest, for one dialect. Two steps: the dialect parser
// attributes what it knows (roles, file paths, tool calls and their results), then one walk over
// the whole body locates those strings and adds every other string — keys included, at any
// depth — so nothing in the body goes out unread. Encoded payloads are decoded when they are text.
import { parseAnthropicComplete, parseAnthropicMessages } from './anthropic';
import { SegmentCollector, subtreeRole } from './collector';
import { parseGeminiEmbed, parseGeminiGenerate } from './gemini';
import { walkJson, type JsonStringToken } from './jsonWalk';
import { parseOllamaChat, parseOllamaGenerate } from './ollama';
import { parseEmbeddings, parseOpenAIChat, parseOpenAICompletions, parseOpenAIResponses } from './openai';
import { embeddedSegmentId, embeddedTexts } from './embedded';
import { decodePayload } from './payload';
import { isObject, requireObject, streamFlag, type Json } from './shape';
import { MalformedBodyError, UnparseableBodyError, type DialectId, type ParsedBody } from './types';
import type { EgressSegment, SegmentRole } from '../egress/types';

const PARSERS: Record<DialectId, (body: Json, c: SegmentCollector) => void> = {
  'openai-chat': parseOpenAIChat,
  'openai-responses': parseOpenAIResponses,
  'openai-completions': parseOpenAICompletions,
  'openai-embeddings': (body, c) => parseEmbeddings(body, c, 'input'),
  'anthropic-messages': parseAnthropicMessages,
  'anthropic-complete': parseAnthropicComplete,
  'ollama-chat': parseOllamaChat,
  'ollama-generate': parseOllamaGenerate,
  'ollama-embed': (body, c) => parseEmbeddings(body, c, body['input'] === undefined ? 'prompt' : 'input'),
  'gemini-generate': parseGeminiGenerate,
  'gemini-embed': parseGeminiEmbed,
  metadata: () => undefined,
  passthrough: () => undefined,
};

export interface ParseContext {
  destination: string;
  assistant?: string;
  /**
   * Text that travels beside the body (the URL's path and query, custom headers), as extra
   * segments: `[id, text, role?]`, e.g. `['@url', '/v1/messages?beta=true']` (role default
   * `other`; `credential` for a credential header's value). Ids start with `@`, which no body
   * path does, and have no field: they cannot be rewritten.
   */
  channels?: readonly (readonly [string, string, SegmentRole?])[];
}

/** True for a string in a field that carries files: raw base64 there is an attachment. */
function attachmentField(token: JsonStringToken): { mediaType?: string } | undefined {
  const key = token.key;
  const container = token.container;
  if (key === 'file_data') return {};
  if (key === 'data' && isObject(container)) {
    const declared = container['media_type'] ?? container['mime_type'] ?? container['mimeType'];
    if (container['type'] === 'base64' || typeof declared === 'string') return typeof declared === 'string' ? { mediaType: declared } : {};
  }
  if (Array.isArray(container) && token.containerKey === 'images') return {};
  return undefined;
}

/** Adds every string the parser did not attribute, and locates those it did. */
function walkBody(text: string, body: Json, c: SegmentCollector): void {
  const roles: SegmentRole[] = ['other'];
  walkJson(text, body, {
    open: (value) => {
      roles.push(subtreeRole(value) ?? roles[roles.length - 1]!);
    },
    close: () => {
      roles.pop();
    },
    string: (token) => {
      const field = token.isKey ? undefined : c.attributedField(token.container, token.key ?? token.index);
      if (field) {
        field.start = token.start;
        field.end = token.end;
        if (field.id.includes('{-1}')) c.relabel(field, token.id());
        // A message that is one base64 (or data: URL) text payload is read decoded too.
        if (token.value.length >= 64) {
          const payload = decodePayload(token.value, false);
          if (payload?.kind === 'text') c.addDecoded(field.id, payload.text, payload.encoding, token.start, token.end);
        }
        return;
      }
      const value = token.value;
      if (value === '') return;
      if (!token.isKey && value.length >= 4) {
        const hint = attachmentField(token);
        const payload = decodePayload(value, hint !== undefined, hint?.mediaType);
        if (payload?.kind === 'text') {
          // The decoded text is scanned, and so is the string as sent: a token that merely looks
          // like base64 must not hide behind its "decoded" garbage. (Redacting both at once
          // overlaps and fails closed in rebuildBody.)
          c.addDecoded(token.id(), payload.text, payload.encoding, token.start, token.end);
          return c.addOther(token.id, value, token.start, token.end);
        }
        if (payload?.kind === 'binary') {
          return c.attachment({ id: token.id(), bytes: payload.bytes, ...(payload.mediaType ? { mediaType: payload.mediaType } : {}) });
        }
      }
      const role = roles[roles.length - 1]!;
      // Inside a tool call's arguments quoted file blocks count as before; other text is scanned as it is.
      if (role === 'other') c.addOther(token.id, value, token.start, token.end);
      else c.addText(token.id(), value, role, undefined, true, token.start, token.end);
    },
  });
  c.assertLocated();
}

/** Parses a request body of `dialect`. Throws UnparseableBodyError or MalformedBodyError (never echoing the body). */
export function parseBody(dialect: DialectId, text: string, context: ParseContext): ParsedBody {
  const c = new SegmentCollector();
  let stream = false;
  if (dialect !== 'passthrough' && !(dialect === 'metadata' && text.trim() === '')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      if (error instanceof RangeError) throw new MalformedBodyError('JSON nested too deeply');
      throw new UnparseableBodyError('not valid JSON');
    }
    const body = requireObject(json, 'body');
    c.root = body;
    PARSERS[dialect](body, c);
    walkBody(text, body, c);
    stream = streamFlag(body) || (dialect.startsWith('ollama-') && dialect !== 'ollama-embed' && body['stream'] !== false);
  } else if (dialect === 'passthrough' && text !== '') {
    throw new MalformedBodyError('a body on a request that takes none (GET/HEAD)');
  }
  const channels: EgressSegment[] = (context.channels ?? []).filter(([, t]) => t !== '').map(([id, t, role]) => ({ id, role: role ?? 'other', text: t }));
  const segments = channels.length ? [...c.segments, ...channels] : c.segments;
  // Base64 runs inside longer text, decoded when they are text. These segments have no field: a
  // redaction in them is written back only when the parent's own redaction covers it (rebuildBody).
  const embedded: EgressSegment[] = [];
  // A string decoded as a whole is read decoded already: its raw copy is not searched again.
  const decodedWhole = new Set(c.segments.filter((s) => s.id.endsWith('#decoded')).map((s) => s.id.slice(0, -'#decoded'.length)));
  for (const s of segments) {
    if (s.text.length < 32 || s.id.endsWith('#decoded') || decodedWhole.has(s.id)) continue;
    // A credential's decoded form (a Basic `user:password`, a JWT's claims) is still that credential.
    const role = s.role === 'credential' ? 'credential' : 'file';
    for (const e of embeddedTexts(s.text)) embedded.push({ id: embeddedSegmentId(s.id, e.start), role, text: e.text, ...(s.path ? { path: s.path } : {}) });
  }
  const request = {
    destination: context.destination,
    segments: embedded.length ? [...segments, ...embedded] : segments,
    referencedPaths: c.referencedPaths,
    dialect,
    ...(c.attachments.length ? { attachments: c.attachments } : {}),
    ...(context.assistant ? { assistant: context.assistant } : {}),
  };
  return { request, fields: c.fields, segmentFields: c.segmentFields, stream };
}
