// The workspace's fingerprint index of protected code, for the editor's gateway and the
// "Test Policy Against Selection" command: the same index `airlock gateway --workspace` builds
// (extension/cli/fingerprint/workspaceIndex.ts), started lazily on first need — never during
// activation — and rebuilt (from its cache) when the policy changes. First workspace folder only.
import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../cli/fingerprint/workspaceIndex';
import type { FingerprintIndex } from '../core/fingerprint';
import { loadEngine } from './engine';
import { workspaceRepo } from './workspaceRepo';
import type { Logger } from './log';
import type { PolicyService } from './policyService';

export class ProtectedIndexService implements vscode.Disposable {
  private workspaceIndex: WorkspaceIndex | undefined;
  private starting = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly policies: PolicyService,
    private readonly log: Logger,
  ) {
    // Protected paths may have changed: index again (unchanged files come from the cache).
    this.subscription = policies.onDidChange(() => {
      if (this.workspaceIndex) this.restart();
    });
  }

  /** The index as built so far; the first call starts building it in the background. */
  current(): FingerprintIndex | undefined {
    if (!this.workspaceIndex) this.start();
    return this.workspaceIndex?.index;
  }

  /**
   * The workspace root the index's paths are relative to, when there is one: the repository's
   * top, as for the hooks, since the policy's protected paths are the top's (policyService.ts).
   */
  root(): string | undefined {
    const repo = workspaceRepo();
    return repo?.ok && repo.uri.scheme === 'file' ? repo.uri.fsPath : undefined;
  }

  /** Resolves when the first build is done (or failed); undefined without a workspace folder. */
  async ready(): Promise<FingerprintIndex | undefined> {
    this.current();
    if (!this.workspaceIndex && this.starting) await this.policies.current();
    this.current();
    await this.workspaceIndex?.ready.catch(() => undefined);
    return this.workspaceIndex?.index;
  }

  private start(): void {
    const root = this.root();
    if (!root || this.starting) return;
    const state = this.policies.peek();
    if (!state) {
      // The policy decides what is protected: load it first (off the request path), then index.
      this.starting = true;
      void this.policies.current().then(() => {
        this.starting = false;
        this.start();
      });
      return;
    }
    const policy = state.policy;
    const { WorkspaceIndex, protectsPaths } = loadEngine().fingerprints;
    const index = WorkspaceIndex.start({
      root,
      isProtected: (path) => policy.isProtectedPath(path) !== undefined,
      enabled: protectsPaths(policy),
      onWarning: (message) => this.log.warn(`fingerprints: ${message}`),
    });
    this.workspaceIndex = index;
    index.ready.then(
      (s) => this.log.info(`fingerprinted ${s.files} protected files (${s.fingerprints} fingerprints, ${s.excluded} public left out) in ${Math.round(s.buildMs)} ms`),
      () => this.log.warn('the fingerprint index could not be built; protected code is recognised by path labels and markers only'),
    );
  }

  private restart(): void {
    const old = this.workspaceIndex;
    this.workspaceIndex = undefined;
    this.start();
    void old?.close();
  }

  dispose(): void {
    this.subscription.dispose();
    void this.workspaceIndex?.close();
    this.workspaceIndex = undefined;
  }
}
