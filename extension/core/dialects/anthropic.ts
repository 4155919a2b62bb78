// Anthropic Messages (and the token-counting endpoint, which carries the same body).
import type { SegmentRole } from '../egress/types';
import { SegmentCollector } from './collector';
import { pathsInArguments } from './paths';
import { isObject, requireArray, requireObject, roleOf, type Json } from './shape';

type At = (string | number)[];

/** One content block; `toolPaths` maps tool_use ids to the file they read (for tool_result). */
function block(c: SegmentCollector, at: At, b: unknown, role: SegmentRole, toolPaths: Map<string, string>, path?: string): void {
  if (typeof b === 'string') return c.text(at, b, role, path);
  if (!isObject(b)) return;
  switch (b['type']) {
    case 'text':
      return c.text([...at, 'text'], b['text'], role, path);
    case 'thinking':
      return c.text([...at, 'thinking'], b['thinking'], role, path);
    case 'tool_use':
    case 'server_tool_use': {
      c.toolArgumentsObject(b['input']);
      const p = pathsInArguments(b['input'])[0];
      if (p && typeof b['id'] === 'string') toolPaths.set(b['id'], p);
      return;
    }
    case 'tool_result': {
      const toolPath = typeof b['tool_use_id'] === 'string' ? toolPaths.get(b['tool_use_id']) : undefined;
      return blocks(c, [...at, 'content'], b['content'], 'tool-result', toolPaths, toolPath);
    }
    case 'document': {
      const title = typeof b['title'] === 'string' ? b['title'] : undefined;
      c.reference(title);
      c.text([...at, 'context'], b['context'], role);
      const source = isObject(b['source']) ? b['source'] : {};
      if (source['type'] === 'text') c.text([...at, 'source', 'data'], source['data'], 'file', title);
      if (source['type'] === 'content') blocks(c, [...at, 'source', 'content'], source['content'], 'file', toolPaths, title);
      return;
    }
    default:
      return; // images, base64 documents: opaque to text detectors
  }
}

function blocks(c: SegmentCollector, at: At, value: unknown, role: SegmentRole, toolPaths: Map<string, string>, path?: string): void {
  if (typeof value === 'string') return c.text(at, value, role, path);
  if (!Array.isArray(value)) return;
  value.forEach((b, j) => block(c, [...at, j], b, role, toolPaths, path));
}

export function parseAnthropicMessages(body: Json, c: SegmentCollector): void {
  const toolPaths = new Map<string, string>();
  blocks(c, ['system'], body['system'], 'system', toolPaths);
  const messages = requireArray(body['messages'], 'messages');
  messages.forEach((raw, i) => {
    const m = requireObject(raw, `messages[${i}]`);
    blocks(c, ['messages', i, 'content'], m['content'], roleOf(m['role']), toolPaths);
  });
}

export function parseAnthropicComplete(body: Json, c: SegmentCollector): void {
  c.text(['prompt'], body['prompt'], 'user');
}
