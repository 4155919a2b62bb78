// The model behind a tool call when the payload does not name it: Claude Code (and VS Code,
// Gemini CLI) write it into the session transcript (JSONL, one `"model"` per assistant message),
// Copilot CLI into its session's events.jsonl (`"model"` on assistant.message and tool events).
// Only the tail is read: the latest message is the one that made the call.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const TAIL_BYTES = 256 * 1024;

export function modelFromTranscript(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    const size = statSync(path).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    text = buffer.toString('utf8');
  } catch {
    return undefined;
  }
  let found: string | undefined;
  for (const m of text.matchAll(/"model"\s*:\s*"([A-Za-z0-9][A-Za-z0-9._:@/+-]{0,99})"/g)) {
    if (m[1] !== 'synthetic') found = m[1];
  }
  return found;
}
