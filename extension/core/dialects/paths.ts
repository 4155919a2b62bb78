// Recognising file paths: in labels around quoted file content and in tool-call arguments.

const PATH_CHARS = /^(?:[A-Za-z]:)?[\w.@~+\-/\\]+$/;
const HAS_EXTENSION = /\.[A-Za-z][\w-]{0,11}$/;

/** True for strings that look like a file path (`src/x.ts`, `main.go`, `/abs/dir/file`), not a language tag. */
export function looksLikePath(candidate: string): boolean {
  if (candidate.length < 3 || candidate.length > 512) return false;
  if (!PATH_CHARS.test(candidate)) return false;
  if (/^\.+$/.test(candidate) || /^https?:/i.test(candidate)) return false;
  return /[/\\]/.test(candidate) || HAS_EXTENSION.test(candidate);
}

/** Removes decorations assistants add after a path: line ranges `(1-20)`, `#L1-L10`, `:12`, quotes. */
export function cleanPathLabel(label: string): string {
  return label
    .trim()
    .replace(/^["'`*[(<]+|["'`*\])>:]+$/g, '')
    .replace(/\s*\(\s*(?:lines?\s*)?\d+\s*-\s*\d+\s*\)$/i, '')
    .replace(/#L\d+(?:-L?\d+)?$/i, '')
    .replace(/:\d+(?:-\d+)?$/, '')
    .trim();
}

const PATH_KEYS = /^(?:path|paths|file|files|file_?path|file_?paths|filename|file_?name|target_?file|absolute_?path|relative_?path|notebook_?path|uri|source)$/i;

/** Every path named by a tool call's arguments (`{"file_path": "…"}`, `{"paths": [...]}`), recursively. */
export function pathsInArguments(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (PATH_KEYS.test(key)) {
      const values = Array.isArray(child) ? child : [child];
      for (const v of values) {
        if (typeof v !== 'string') continue;
        const cleaned = cleanPathLabel(v.replace(/^file:\/\//, ''));
        if (looksLikePath(cleaned)) out.push(cleaned);
      }
    } else if (typeof child === 'object') {
      pathsInArguments(child, out, depth + 1);
    }
  }
  return out;
}

/** Parses a tool call's JSON argument string; undefined when it is not JSON. */
export function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
