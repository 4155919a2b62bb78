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
import { ProxyWiring } from './proxyWiring';
import { isPortTaken, portTakenMessage, preferredPort, rememberPort } from './gatewayPort';

/** workspaceState key: the gateway was turned off for this workspace with the toggle command. */
const TURNED_OFF_HERE = 'airlock.gateway.turnedOff';

/** Base-URL variables for CLI assistants that honour them (Claude Code, Aider, SDK scripts); Codex and Gemini go through the proxy variables (proxyWiring.ts). */
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
  /** Set when this window's gateway could not have its usual port (the notice shown). */
  portNotice: string | undefined;

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
    this.proxyWiring = new ProxyWiring(context, log);
  }

  /** Proxy mode: terminal proxy/CA variables and VS Code's http.proxy (proxyWiring.ts). */
  private readonly proxyWiring: ProxyWiring;

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
    return vscode.workspace.getConfiguration('airlock').get<boolean>('gateway.enabled', true) && !this.turnedOffHere();
  }

  /** Turned off with "Airlock: Turn Gateway On/Off" for this workspace (no setting is written). */
  turnedOffHere(): boolean {
    return this.context.workspaceState.get<boolean>(TURNED_OFF_HERE, false);
  }

  /** The toggle command: off or on for this workspace only; returns whether it is now on. */
  async toggleHere(): Promise<boolean> {
    const on = this.turnedOffHere();
    await this.context.workspaceState.update(TURNED_OFF_HERE, on ? undefined : true);
    if (on) await this.start();
    else await this.stop();
    return on;
  }

  /** Starts the gateway if it is enabled and not running. Resolves to undefined when off or failed. */
  start(): Promise<GatewayHandle | undefined> {
    if (this.handle) return Promise.resolve(this.handle);
    if (!this.enabled()) {
      // Off: an http.proxy Airlock wrote earlier (a crash, another session) must not point at nothing.
      void this.proxyWiring.stopped().catch(() => undefined);
      return Promise.resolve(undefined);
    }
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<GatewayHandle | undefined> {
    this.statusBar.set('gateway', { text: 'starting gateway', tooltip: 'The Airlock gateway is starting…', level: 'ok' });
    try {
      await this.policies.current();
      const { startGateway, createJsonlAuditSink, createPolicyAuditSink, loadOrCreateSalt, proxyFromEnv, pinsFromSetting } = loadEngine().gateway;
      const ownProxy = this.proxyWiring.ownProxy();
      const config = vscode.workspace.getConfiguration('airlock.gateway');
      await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
      const upstreams = Object.fromEntries(
        (['openai', 'anthropic', 'ollama', 'gemini'] as const).map((family) => [family, config.get<string>(`upstreams.${family}`, '')]).filter(([, url]) => url),
      );
      const auditSalt = await loadOrCreateSalt(vscode.Uri.joinPath(this.context.globalStorageUri, 'audit-salt').fsPath);
      // The local log, plus OTLP export when the (org) policy names a collector.
      const audit = (this.auditSink = createPolicyAuditSink({
        spec: () => this.policies.peek()?.policy.auditExport,
        local: createJsonlAuditSink(this.auditLogUri.fsPath),
        stateDir: this.context.globalStorageUri.fsPath,
        onExport: (endpoint) => endpoint && this.log.info(`audit records are exported to ${new URL(endpoint).origin} (OTLP)`),
      }));
      const listen = (port: number) =>
        startGateway({
          // Read the policy in force on every request: never undefined once loaded (fail-closed stand-in).
          policy: () => this.policies.peek()?.policy,
          policyVersion: () => {
            const org = this.policies.peek()?.org;
            return org ? `${org.version ? `${org.version} ` : ''}sha256:${org.sha256.slice(0, 12)}` : undefined;
          },
          // Copies of the workspace's protected code, by fingerprint (built in the background).
          protectedIndex: () => this.protectedIndex?.current(),
          ...(this.protectedIndex?.root() ? { workspaceRoots: [this.protectedIndex.root()!] } : {}),
          port,
          upstreams,
          // The machine's egress proxy for upstream connections (the user's own http.proxy, else the environment's).
          // and host names pinned to addresses (airlock.gateway.resolve, like `airlock gateway --resolve`).
          upstream: { ...proxyFromEnv(process.env), ...(ownProxy ? { proxy: ownProxy } : {}), resolve: pinsFromSetting(config.get<Record<string, unknown>>('resolve', {}), 'airlock.gateway.resolve') },
          audit,
          auditSalt,
          onDecision: (event) => this.onDecision(event),
          onResponseCode: (observed) => this.observedCode.fire(observed),
        });
      const choice = preferredPort(this.context.globalState);
      let handle: GatewayHandle;
      this.portNotice = undefined;
      try {
        handle = await listen(choice.port);
      } catch (error) {
        if (choice.port === 0 || !isPortTaken(error)) throw error;
        // Terminals must stay routed: a free port now, and the user is told what changed.
        handle = await listen(0);
        this.portNotice = portTakenMessage(choice, handle.port);
        this.log.warn(this.portNotice);
        void vscode.window.showWarningMessage(this.portNotice, 'Connect an Assistant…').then((pick) => pick && vscode.commands.executeCommand('airlock.connectAssistant'));
      }
      if (!this.portNotice) await rememberPort(this.context.globalState, choice, handle.port);
      this.handle = handle;
      this.protectedIndex?.current(); // start fingerprinting now, so the index is ready by the first request
      for (const [name, value] of Object.entries(terminalVariables(handle.urls))) this.context.environmentVariableCollection.replace(name, value);
      try {
        for (const [name, value] of await this.proxyWiring.terminalVariables(handle.port, this.policies.peek()?.policy.proxy?.inspect)) this.context.environmentVariableCollection.replace(name, value);
      } catch (error) {
        this.log.warn(`proxy mode is not available in terminals: ${error instanceof Error ? error.message : String(error)}`);
      }
      void this.proxyWiring.started(handle.port).catch((error: unknown) => this.log.warn(`could not set http.proxy: ${error instanceof Error ? error.message : String(error)}`));
      this.statusBar.set('gateway', { text: '', tooltip: `Gateway on 127.0.0.1:${handle.port}: new integrated terminals route OpenAI, Anthropic and Ollama clients through it.`, level: 'ok' });
      this.log.info(`gateway listening on 127.0.0.1:${handle.port}`);
      this.stateChanged.fire();
      return handle;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.statusBar.set('gateway', { text: 'gateway off', tooltip: `The Airlock gateway could not start: ${message}`, level: 'warning' });
      this.log.error(`gateway could not start: ${message}`);
      void this.proxyWiring.stopped().catch(() => undefined);
      return undefined;
    }
  }

  /** Stops the gateway and restores terminals to what they were. */
  async stop(): Promise<void> {
    await this.starting;
    const handle = this.handle;
    this.handle = undefined;
    this.context.environmentVariableCollection.clear();
    await this.proxyWiring.stopped(handle?.port).catch((error: unknown) => this.log.warn(`could not restore http.proxy: ${error instanceof Error ? error.message : String(error)}`));
    // Assistant settings Airlock wrote (Continue) go back to what they were.
    await restoreAssistantSettings(this.context.globalState).catch((error: unknown) =>
      this.log.warn(`could not restore assistant settings: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.statusBar.set(
      'gateway',
      this.enabled()
        ? undefined
        : { text: 'gateway off', tooltip: this.turnedOffHere() ? 'The Airlock gateway is off for this workspace (Airlock: Turn Gateway On/Off).' : 'The Airlock gateway is turned off (airlock.gateway.enabled).', level: 'ok' },
    );
    this.stateChanged.fire();
    await handle?.close();
    await this.auditSink?.close();
    this.auditSink = undefined;
  }

  /** Command "Route Extensions Through the Gateway": consent given by the user, http.proxy set now if the gateway runs. */
  async routeExtensions(): Promise<boolean> {
    const handle = await this.start();
    return this.proxyWiring.grant(handle?.port);
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
