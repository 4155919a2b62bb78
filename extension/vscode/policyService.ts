// Keeps the policy in force for this window. The policy loads lazily (on first need, or when a
// policy file is opened or edited); every edit is re-validated as it is typed and reported in
// the Problems panel. A broken edit never replaces the last valid policy: that one stays in
// force and the status bar says so. With no valid policy at all, Airlock fails closed.
import * as vscode from 'vscode';
// Types only: the policy engine (zod, detectors, minimatch) loads on first need, not at activation.
import type { AirlockPolicy, LayerRefs, PolicyProblem, PolicyReader } from '../core/policy';
import type { OrgPolicyStatus, OrgPolicyTrust } from '../cli/orgPolicy';
import type { Logger } from './log';
import { createVscodePolicyReader } from './policyReader';
import { loadEngine } from './engine';
import { workspaceRepo } from './workspaceRepo';

export interface PolicyState {
  /** The policy in force: the last valid one, or the fail-closed stand-in. */
  policy: AirlockPolicy;
  /** Problems of the most recent load attempt. */
  problems: PolicyProblem[];
  /** True when the most recent load failed and an earlier valid policy stays in force. */
  usingLastValid: boolean;
  /** True when no valid policy was ever loaded: everything is blocked. */
  failedClosed: boolean;
  refs: LayerRefs;
  /** The organization policy in force (version, SHA-256, verified by whom, from where), when there is one. */
  org?: OrgPolicyStatus;
}

const RELOAD_DELAY_MS = 150;
const AIRLOCK_SOURCE = 'Airlock policy';
const isSyntaxDiagnostic = (d: vscode.Diagnostic) => d.message.startsWith('syntax error:');

export class PolicyService implements vscode.Disposable {
  private state: PolicyState | undefined;
  private loading: Promise<PolicyState> | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private orgRefreshTimer: ReturnType<typeof setInterval> | undefined;
  private diagnosticCollection: vscode.DiagnosticCollection | undefined;
  /** Airlock's own diagnostics per policy file, before leaving out what VS Code already reports. */
  private readonly ownDiagnostics = new Map<string, vscode.Diagnostic[]>();
  private readonly changed = new vscode.EventEmitter<PolicyState>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: Logger) {
    // Creating a file watcher costs tens of milliseconds in the extension host: not during
    // activation. A policy file changing in the first moments is still seen by the editor events.
    const startWatching = setTimeout(() => {
      const watchers = [vscode.workspace.createFileSystemWatcher('**/.airlock/*.jsonc')];
      // A folder opened below the repository's top: the policy in force is the top's, outside it.
      const repo = workspaceRepo();
      if (repo?.ok && repo.within !== '') watchers.push(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(repo.uri, '.airlock/*.jsonc')));
      for (const watcher of watchers) {
        this.disposables.push(
          watcher,
          watcher.onDidChange(() => this.scheduleReload()),
          watcher.onDidCreate(() => this.scheduleReload()),
          watcher.onDidDelete(() => this.scheduleReload()),
        );
      }
    }, 0);
    this.disposables.push(
      { dispose: () => clearTimeout(startWatching) },
      { dispose: () => this.diagnosticCollection?.dispose() },
      this.changed,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.isPolicyDocument(e.document)) this.scheduleReload();
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (this.isPolicyDocument(d) && !this.state) this.scheduleReload();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('airlock.policy')) this.scheduleReload();
      }),
      // VS Code's JSON service reports syntax and schema errors of policy files itself: when
      // its diagnostics change, Airlock's are re-filtered so each problem is listed once.
      vscode.languages.onDidChangeDiagnostics((e) => {
        for (const uri of e.uris) if (this.ownDiagnostics.has(uri.toString())) this.showOwnDiagnostics(uri);
      }),
    );
  }

  /** The policy in force, loading it on first call. Never rejects: failures fail closed. */
  async current(): Promise<PolicyState> {
    if (this.state) return this.state;
    return this.reload();
  }

  /** The state if already loaded, without triggering a load. */
  peek(): PolicyState | undefined {
    return this.state;
  }

  /** Reloads now (used by commands and tests). */
  reload(): Promise<PolicyState> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, RELOAD_DELAY_MS);
  }

  /**
   * The workspace and organization policy references from settings and the workspace. The
   * workspace policy is the repository top's (`airlock check` and the hooks read that one), also
   * when a folder below it is opened; `airlock.policy.path` is relative to that top.
   */
  async layerRefs(): Promise<LayerRefs> {
    const config = vscode.workspace.getConfiguration('airlock');
    const organization = config.get<string>('policy.organization', '').trim();
    const repo = workspaceRepo();
    let workspace = 'airlock:secrets'; // DEFAULT_PRESET, without loading the engine at activation
    if (repo?.ok) {
      const relative = vscode.workspace.getConfiguration('airlock', repo.folder.uri).get<string>('policy.path', '.airlock/policy.jsonc');
      const uri = vscode.Uri.joinPath(repo.uri, relative);
      const exists = await vscode.workspace.fs.stat(uri).then(
        () => true,
        () => false,
      );
      if (exists) workspace = uri.fsPath;
    }
    return { ...(organization ? { organization } : {}), workspace };
  }

  private isPolicyDocument(document: vscode.TextDocument): boolean {
    if (document.uri.scheme !== 'file') return false;
    if (/[\\/]\.airlock[\\/][^\\/]+\.jsonc$/.test(document.uri.fsPath)) return true;
    return this.state?.policy.sources.includes(document.uri.fsPath) ?? false;
  }

  private async load(): Promise<PolicyState> {
    const started = performance.now();
    const refs = await this.layerRefs();
    const engine = loadEngine();
    const { failClosedPolicy, loadLayeredPolicy } = engine.policy;
    let loaded;
    let org: OrgPolicyStatus | undefined;
    try {
      // Which policy applies is unknown when git cannot name the repository's top: fail closed.
      const repo = workspaceRepo();
      if (repo && !repo.ok) throw new Error(`${repo.problem}; Airlock cannot tell which workspace policy applies`);
      const read = await createVscodePolicyReader();
      const readers: { organization?: PolicyReader } = {};
      let orgReader: { status(): OrgPolicyStatus | undefined } | undefined;
      if (refs.organization) {
        // Verified (signature / pinned SHA-256), cached as last-good, refreshed: see cli/orgPolicy.
        const settings = this.orgSettings(refs.organization);
        const reader = engine.org.orgPolicyReaderFor(settings, read);
        readers.organization = reader.read;
        orgReader = reader;
        this.scheduleOrgRefresh(settings.refreshSeconds ?? 3600);
      }
      loaded = await loadLayeredPolicy(refs, read, readers);
      org = orgReader?.status();
      if (org?.problem) this.log.warn(`organization policy: ${org.problem}; the last good copy (${org.version ?? ''} sha256:${org.sha256.slice(0, 12)}) stays in force`);
    } catch (error) {
      // The loader reports problems rather than throwing; if it throws anyway, fail closed.
      const message = `policy loader failed: ${error instanceof Error ? error.message : String(error)}`;
      loaded = { ok: false, policy: failClosedPolicy(message), problems: [] as PolicyProblem[] };
      this.log.error(message);
    }
    this.publishDiagnostics(loaded.problems);
    const previous = this.state;
    if (loaded.ok) {
      this.state = { policy: loaded.policy, problems: loaded.problems, usingLastValid: false, failedClosed: false, refs, ...(org ? { org } : {}) };
      this.log.info(`policy loaded (${loaded.policy.sources.join(' > ')}) in ${(performance.now() - started).toFixed(1)} ms`);
    } else if (previous && !previous.failedClosed) {
      this.state = { ...previous, problems: loaded.problems, usingLastValid: true };
      this.log.warn(`policy edit has ${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}; the previous valid policy stays in force`);
    } else {
      this.state = { policy: loaded.policy, problems: loaded.problems, usingLastValid: false, failedClosed: true, refs };
      this.log.error(`no valid policy: Airlock blocks every outgoing request until the policy is fixed`);
    }
    this.changed.fire(this.state);
    return this.state;
  }

  /** Trust settings of the org policy: machine-scoped, so a workspace cannot weaken them. */
  private orgSettings(ref: string): { ref: string; trust: OrgPolicyTrust; refreshSeconds?: number } {
    const config = vscode.workspace.getConfiguration('airlock');
    const signers = config.get<string>('policy.organizationAllowedSigners', '').trim();
    const sha256 = config.get<string>('policy.organizationSha256', '').trim();
    const signature = config.get<string>('policy.organizationSignature', '').trim();
    const minutes = config.get<number>('policy.organizationRefreshMinutes', 60);
    return {
      ref,
      trust: { ...(signers ? { allowedSignersFile: signers } : {}), ...(sha256 ? { sha256 } : {}), ...(signature ? { signatureRef: signature } : {}) },
      refreshSeconds: Math.max(1, minutes) * 60,
    };
  }

  /** A URL org policy is re-checked on its interval (If-None-Match keeps that cheap). */
  private scheduleOrgRefresh(seconds: number): void {
    if (this.orgRefreshTimer) clearInterval(this.orgRefreshTimer);
    this.orgRefreshTimer = setInterval(() => void this.reload(), seconds * 1000);
  }

  /** Created on first use: nothing to show before the policy was ever loaded. */
  private get diagnostics(): vscode.DiagnosticCollection {
    this.diagnosticCollection ??= vscode.languages.createDiagnosticCollection('airlock-policy');
    return this.diagnosticCollection;
  }

  private publishDiagnostics(problems: PolicyProblem[]): void {
    this.diagnostics.clear();
    this.ownDiagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of problems) {
      // Problems in presets or URLs have no file to point at; the status bar reports them.
      if (!problem.source.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(problem.source)) continue;
      const uri = vscode.Uri.file(problem.source);
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const start = document ? document.positionAt(problem.offset) : new vscode.Position(problem.line - 1, problem.column - 1);
      const end = document ? document.positionAt(problem.offset + Math.max(1, problem.length)) : start.translate(0, Math.max(1, problem.length));
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(start, end),
        problem.message,
        problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = AIRLOCK_SOURCE;
      const list = byFile.get(uri.toString()) ?? [];
      list.push(diagnostic);
      byFile.set(uri.toString(), list);
    }
    for (const [uri, list] of byFile) {
      this.ownDiagnostics.set(uri, list);
      this.showOwnDiagnostics(vscode.Uri.parse(uri));
    }
  }

  /**
   * Shows Airlock's diagnostics of one file except those on a line where another source
   * already reports as severe a problem: VS Code's JSON service reports JSON syntax errors of
   * every .jsonc file (it gets a schema that only completes, never judges: see
   * core/policy/hintsSchema.ts), so one missing quote is listed once, not by both. Sets the
   * collection only when the result changed (this runs on every diagnostics change).
   */
  private showOwnDiagnostics(uri: vscode.Uri): void {
    const own = this.ownDiagnostics.get(uri.toString()) ?? [];
    const reported = new Map<number, vscode.DiagnosticSeverity>();
    for (const d of vscode.languages.getDiagnostics(uri)) {
      if (d.source === AIRLOCK_SOURCE) continue;
      const line = d.range.start.line;
      reported.set(line, Math.min(reported.get(line) ?? vscode.DiagnosticSeverity.Hint, d.severity));
    }
    // JSON syntax: VS Code's own report wins; without one, Airlock's first syntax error is
    // enough (the rest are the parser's cascade up to the end of the file).
    const othersSeeSyntax = [...reported.values()].some((severity) => severity === vscode.DiagnosticSeverity.Error);
    const firstSyntax = own.find(isSyntaxDiagnostic);
    const shown = own.filter((d) =>
      isSyntaxDiagnostic(d) ? !othersSeeSyntax && d === firstSyntax : (reported.get(d.range.start.line) ?? Number.POSITIVE_INFINITY) > d.severity,
    );
    const current = this.diagnostics.get(uri) ?? [];
    const key = (list: readonly vscode.Diagnostic[]) => list.map((d) => `${d.range.start.line}:${d.range.start.character}:${d.message}`).join('\n');
    if (key(current) !== key(shown)) this.diagnostics.set(uri, shown);
  }

  dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    if (this.orgRefreshTimer) clearInterval(this.orgRefreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}
