// Runs the local gateway for this window and points integrated terminals at it. The gateway
// module loads and starts after activation (never inside it); the policy in force is read on
// every request, so edits apply at once and a broken edit keeps the last valid policy.
import * as vscode from 'vscode';
import type { ObservedResponse } from '../core/provenance/observed';
import type { DecisionEvent, GatewayHandle, PolicyAuditSink } from '../gateway';
import { restoreAssistantSettings } from './assistantSettings';
import type { Logger } from './log';
import type { PolicyService } from './policyService';
import type { ProtectedIndexService } from './protectedIndex';
import type { StatusBar } from './statusBar';
import { loadEngine } from './engine';

/** Variables that make CLI assistants (Claude Code, Codex CLI, Aider, …) use the gateway. */
export function terminalVariables(urls: GatewayHandle['urls']): Record<string, string> {
  return {
    OPENAI_BASE_URL: urls.openai,
    OPENAI_API_BASE: urls.openai, // older OpenAI clients and LiteLLM-based tools (Aider)
    ANTHROPIC_BASE_URL: urls.anthropic,
    OLLAMA_HOST: urls.ollama,
  };
}

const RECENT_DECISIONS = 200;

export class GatewayService implements vscode.Disposable {
  private handle: GatewayHandle | undefined;
  private auditSink: PolicyAuditSink | undefined;
  private starting: Promise<GatewayHandle | undefined> | undefined;
  private readonly recent: DecisionEvent[] = [];
  private readonly decided = new vscode.EventEmitter<DecisionEvent>();
  private readonly stateChanged = new vscode.EventEmitter<void>();
  private readonly observedCode = new vscode.EventEmitter<ObservedResponse>();
  readonly onDidDecide = this.decided.event;
  /** Code the gateway saw in a model response (for attributing it when it lands). */
  readonly onDidObserveCode = this.observedCode.event;
  readonly onDidChangeState = this.stateChanged.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly policies: PolicyService,
    private readonly statusBar: StatusBar,
    private readonly log: Logger,
    private readonly protectedIndex?: ProtectedIndexService,
  ) {
    // Values point at this window's gateway port: never persist them into the next session.
    context.environmentVariableCollection.persistent = false;
    context.environmentVariableCollection.description = 'Airlock routes AI assistants in this terminal through its local gateway.';
  }

  get urls(): GatewayHandle['urls'] | undefined {
    return this.handle?.urls;
  }

  get auditLogUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'audit.jsonl');
  }

  /** Decisions of this session, newest first. */
  recentDecisions(): readonly DecisionEvent[] {
    return this.recent;
  }

  enabled(): boolean {
    return vscode.workspace.getConfiguration('airlock').get<boolean>('gateway.enabled', true);
  }

  /** Starts the gateway if it is enabled and not running. Resolves to undefined when off or failed. */
  start(): Promise<GatewayHandle | undefined> {
    if (this.handle) return Promise.resolve(this.handle);
    if (!this.enabled()) return Promise.resolve(undefined);
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<GatewayHandle | undefined> {
    this.statusBar.set('gateway', { text: 'starting gateway', tooltip: 'The Airlock gateway is starting…', level: 'ok' });
    try {
      await this.policies.current();
      const { startGateway, createJsonlAuditSink, createPolicyAuditSink, loadOrCreateSalt } = loadEngine().gateway;
      const config = vscode.workspace.getConfiguration('airlock.gateway');
      await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
      const upstreams = Object.fromEntries(
        (['openai', 'anthropic', 'ollama'] as const).map((family) => [family, config.get<string>(`upstreams.${family}`, '')]).filter(([, url]) => url),
      );
      const handle = await startGateway({
        // Read the policy in force on every request: never undefined once loaded (fail-closed stand-in).
        policy: () => this.policies.peek()?.policy,
        policyVersion: () => {
          const org = this.policies.peek()?.org;
          return org ? `${org.version ? `${org.version} ` : ''}sha256:${org.sha256.slice(0, 12)}` : undefined;
        },
        // Copies of the workspace's protected code, by fingerprint (built in the background).
        protectedIndex: () => this.protectedIndex?.current(),
        ...(this.protectedIndex?.root() ? { workspaceRoots: [this.protectedIndex.root()!] } : {}),
        port: config.get<number>('port', 0),
        upstreams,
        // The local log, plus OTLP export when the (org) policy names a collector.
        audit: (this.auditSink = createPolicyAuditSink({
          spec: () => this.policies.peek()?.policy.auditExport,
          local: createJsonlAuditSink(this.auditLogUri.fsPath),
          stateDir: this.context.globalStorageUri.fsPath,
          onExport: (endpoint) => endpoint && this.log.info(`audit records are exported to ${new URL(endpoint).origin} (OTLP)`),
        })),
        auditSalt: await loadOrCreateSalt(vscode.Uri.joinPath(this.context.globalStorageUri, 'audit-salt').fsPath),
        onDecision: (event) => this.onDecision(event),
        onResponseCode: (observed) => this.observedCode.fire(observed),
      });
      this.handle = handle;
      this.protectedIndex?.current(); // start fingerprinting now, so the index is ready by the first request
      for (const [name, value] of Object.entries(terminalVariables(handle.urls))) this.context.environmentVariableCollection.replace(name, value);
      this.statusBar.set('gateway', { text: '', tooltip: `Gateway on 127.0.0.1:${handle.port}: new integrated terminals route OpenAI, Anthropic and Ollama clients through it.`, level: 'ok' });
      this.log.info(`gateway listening on 127.0.0.1:${handle.port}`);
      this.stateChanged.fire();
      return handle;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.statusBar.set('gateway', { text: 'gateway off', tooltip: `The Airlock gateway could not start: ${message}`, level: 'warning' });
      this.log.error(`gateway could not start: ${message}`);
      return undefined;
    }
  }

  /** Stops the gateway and restores terminals to what they were. */
  async stop(): Promise<void> {
    await this.starting;
    const handle = this.handle;
    this.handle = undefined;
    this.context.environmentVariableCollection.clear();
    // Assistant settings Airlock wrote (Continue) go back to what they were.
    await restoreAssistantSettings(this.context.globalState).catch((error: unknown) =>
      this.log.warn(`could not restore assistant settings: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.statusBar.set('gateway', this.enabled() ? undefined : { text: 'gateway off', tooltip: 'The Airlock gateway is turned off (airlock.gateway.enabled).', level: 'ok' });
    this.stateChanged.fire();
    await handle?.close();
    await this.auditSink?.close();
    this.auditSink = undefined;
  }

  private onDecision(event: DecisionEvent): void {
    this.recent.unshift(event);
    if (this.recent.length > RECENT_DECISIONS) this.recent.pop();
    this.decided.fire(event);
  }

  dispose(): void {
    void this.stop();
    this.decided.dispose();
    this.stateChanged.dispose();
    this.observedCode.dispose();
  }
}
