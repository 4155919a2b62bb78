// The workspace fingerprint index for hook decisions (copies of protected code recognised by
// content, wherever they are): the hook server keeps one per workspace, watched and cached like
// the gateway's; a standalone hook call reads the cache the server, gateway or editor wrote and
// indexes what changed. Waiting is bounded: past it, the decision uses what is indexed so far
// (paths and markers still apply in full).
import type { FingerprintIndex } from '../../core/fingerprint';
import type { CompiledPolicy } from '../../core/policy/contract';
import { WorkspaceIndex } from '../fingerprint/workspaceIndex';

const held = new Map<string, { policy: CompiledPolicy; index: WorkspaceIndex }>();
let longLived = false;

/** The hook server holds its indexes (watching the workspace) for every later call. */
export function keepIndexes(): void {
  longLived = true;
}

/** `WorkspaceIndex.loadCached` (the fingerprints branch adds it): the cache alone, no walk. */
const loadCached = (WorkspaceIndex as unknown as { loadCached?: (root: string) => Promise<FingerprintIndex | undefined> }).loadCached;

export async function fingerprintIndex(root: string, policy: CompiledPolicy, waitMs = longLived ? 5_000 : 3_000): Promise<FingerprintIndex | undefined> {
  // A one-off hook process reads what the server, gateway or editor indexed, without walking the workspace.
  if (!longLived && loadCached) {
    try {
      const cached = await loadCached.call(WorkspaceIndex, root);
      if (cached) return cached;
    } catch {
      // no usable cache: index below
    }
  }
  let entry = held.get(root);
  if (!entry || entry.policy !== policy) {
    // A recompiled policy may protect other paths: index again under it.
    if (entry) void entry.index.close();
    const index = WorkspaceIndex.start({
      root,
      isProtected: (path) => policy.isProtectedPath(path) !== undefined,
      watch: longLived,
      writeCache: longLived,
    });
    entry = { policy, index };
    held.set(root, entry);
  }
  const ready = await Promise.race([entry.index.ready.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), waitMs).unref())]);
  void ready;
  if (!longLived) {
    held.delete(root);
    void entry.index.close();
  }
  return entry.index.index;
}
