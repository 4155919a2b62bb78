// Messages the flagged-diff webview sends to the extension host. The webview is untrusted
// input: every message is checked for shape, and every id or path must name something the
// review model holds right now, or the message is dropped.
export type PanelMessage =
  | { type: 'ready' }
  | { type: 'approve' | 'reject' | 'open' | 'diff'; id: string }
  | { type: 'approveFile'; path: string };

const HUNK_ACTIONS = new Set(['approve', 'reject', 'open', 'diff']);
const MAX_FIELD = 4096;

export interface KnownTargets {
  ids: ReadonlySet<string>;
  paths: ReadonlySet<string>;
}

function field(raw: Record<string, unknown>, name: string): string | undefined {
  const value = raw[name];
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD ? value : undefined;
}

/** The message if it is well-formed and names a pending hunk or file; otherwise undefined. */
export function parsePanelMessage(raw: unknown, known: KnownTargets): PanelMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const message = raw as Record<string, unknown>;
  const type = message.type;
  if (type === 'ready') return { type };
  if (typeof type === 'string' && HUNK_ACTIONS.has(type)) {
    const id = field(message, 'id');
    return id !== undefined && known.ids.has(id) ? { type: type as 'approve' | 'reject' | 'open' | 'diff', id } : undefined;
  }
  if (type === 'approveFile') {
    const path = field(message, 'path');
    return path !== undefined && known.paths.has(path) ? { type, path } : undefined;
  }
  return undefined;
}
