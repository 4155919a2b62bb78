// Proxy mode in VS Code: integrated terminals get the proxy and CA variables, and — with the
// user's one-time consent — `http.proxy` points VS Code's own extension traffic (Copilot and every
// extension without a base-URL setting) at the gateway while it runs. Decisions are in
// httpProxyPlan.ts; this file only reads and writes VS Code state.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { httpProxyRecordPath } from '../cli/vscodeRecord';
import { gatewayProxyUrl, planStart, planStop, type HttpProxyRecord, type SettingWrite } from '../core/wiring/httpProxyPlan';
import type { Logger } from './log';
import { loadEngine } from './engine';

const RECORD_KEY = 'airlock.httpProxy.record';
/** globalState key: 'granted' | 'declined' (absent: not asked yet, or "Not now"). */
export const CONSENT_KEY = 'airlock.httpProxy.consent';
const TRUST_ASKED_KEY = 'airlock.ca.trustAsked';


/** Whether something answering as Airlock listens on this loopback proxy URL (another window's gateway). */
function airlockListens(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve(false);
    }
    if (target.hostname !== '127.0.0.1') return resolve(false);
    const req = request({ host: '127.0.0.1', port: Number(target.port), path: '/', method: 'GET', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.headers['x-airlock'] !== undefined);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export class ProxyWiring {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
  ) {}

  private get record(): HttpProxyRecord | undefined {
    return this.context.globalState.get<HttpProxyRecord>(RECORD_KEY);
  }

  private currentSetting(): string | undefined {
    return vscode.workspace.getConfiguration('http').inspect<string>('proxy')?.globalValue;
  }

  private async apply(write: SettingWrite, record: HttpProxyRecord | undefined): Promise<void> {
    if (write.kind !== 'keep') {
      await vscode.workspace.getConfiguration('http').update('proxy', write.kind === 'set' ? write.value : undefined, vscode.ConfigurationTarget.Global);
    }
    await this.context.globalState.update(RECORD_KEY, record);
    // The same facts for the uninstall hook, which has no VS Code API: the user settings file is
    // two levels above this extension's global storage folder (<user data>/User/globalStorage/<id>).
    const file = httpProxyRecordPath();
    const settingsFile = join(dirname(dirname(this.context.globalStorageUri.fsPath)), 'settings.json');
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, `${JSON.stringify(record ? { ...record, settingsFile } : { written: [], settingsFile })}\n`, { mode: 0o600 });
  }

  /** The user's own proxy (theirs in http.proxy, or the one Airlock's value replaced), for the gateway's upstream side. */
  ownProxy(): string | undefined {
    const current = this.currentSetting();
    const record = this.record;
    const own = current && record?.written.includes(current) ? record.previous : current || undefined;
    return own && /^http:\/\//i.test(own) ? own : undefined;
  }

  /**
   * Terminal variables for proxy mode (creates the CA and the combined bundle on first use; a new
   * CA is constrained to the built-in hosts plus the policy's `proxy.inspect`).
   */
  async terminalVariables(port: number, policyHosts: readonly string[] = []): Promise<[string, string][]> {
    const { ensureCaFiles, proxyEnvironment, DEFAULT_INSPECTED_HOSTS } = loadEngine().gateway;
    const files = await ensureCaFiles({ hosts: [...DEFAULT_INSPECTED_HOSTS, ...policyHosts] });
    return proxyEnvironment({ port, ...files });
  }

  /** The gateway runs on `port`: point http.proxy at it if the user agreed (asking once). Returns the user's own proxy to chain to. */
  async started(port: number): Promise<string | undefined> {
    let consent = this.context.globalState.get<string>(CONSENT_KEY);
    // Test runs never see the prompt: a test that wants http.proxy sets the consent itself.
    if (consent === undefined && this.context.extensionMode !== vscode.ExtensionMode.Test) {
      const yes = 'Route through Airlock';
      const never = 'Never';
      const answer = await vscode.window.showInformationMessage(
        'Airlock can inspect what GitHub Copilot and other extensions send to AI services by pointing VS Code\'s http.proxy (user settings) at its local gateway while the gateway runs. It is put back when the gateway stops.',
        yes,
        'Not now',
        never,
      );
      if (answer === yes) consent = 'granted';
      if (answer === never) consent = 'declined';
      if (consent) await this.context.globalState.update(CONSENT_KEY, consent);
    }
    if (consent !== 'granted') return undefined;
    const plan = planStart(this.currentSetting(), this.record, port);
    if (plan.skipped) {
      this.log.warn(`http.proxy left alone: ${plan.skipped}`);
      return undefined;
    }
    await this.apply(plan.write, plan.record);
    this.log.info(`http.proxy points at the gateway (${gatewayProxyUrl(port)})${plan.upstreamProxy ? '; its previous value is the gateway\'s upstream proxy' : ''}`);
    void this.checkCaTrusted();
    return plan.upstreamProxy;
  }

  /**
   * The user asked for it (command "Route Extensions Through the Gateway"): consent is granted,
   * also after "Never", and http.proxy points at the running gateway at once.
   */
  async grant(port: number | undefined): Promise<boolean> {
    await this.context.globalState.update(CONSENT_KEY, 'granted');
    if (port === undefined) return false;
    await this.started(port);
    return this.currentSetting() === gatewayProxyUrl(port);
  }

  /** The gateway of this window stopped (or never started): take back what Airlock wrote. */
  async stopped(port?: number): Promise<void> {
    const current = this.currentSetting();
    const plan = planStop(current, this.record, port);
    if (plan.write.kind === 'keep' && plan.record === this.record) return;
    // Activation found a value Airlock wrote: keep it if another window's gateway serves it.
    if (port === undefined && current && (await airlockListens(current))) return;
    await this.apply(plan.write, plan.record);
    if (plan.write.kind !== 'keep') this.log.info('http.proxy restored to the value it had before Airlock');
  }

  /** Copilot (and VS Code) trust the OS store: say so, once, when the Airlock CA is not in it. */
  private async checkCaTrusted(): Promise<void> {
    if (this.context.globalState.get<boolean>(TRUST_ASKED_KEY)) return;
    const { ensureCaFiles } = loadEngine().gateway;
    const { caPath } = await ensureCaFiles();
    const pem = (await readFile(caPath, 'utf8')).trim();
    if (await osTrusts(pem)) return;
    await this.context.globalState.update(TRUST_ASKED_KEY, true);
    const trust = 'Trust Airlock CA…';
    const answer = await vscode.window.showWarningMessage(
      'The Airlock CA is not trusted by this system yet, so Copilot and other extensions will refuse Airlock\'s certificates. "Trust Airlock CA…" opens a terminal that shows what `airlock ca install` changes; nothing changes until you confirm there.',
      trust,
    );
    if (answer !== trust) return;
    const cli = this.context.asAbsolutePath(join('dist', 'cli.js'));
    const terminal = vscode.window.createTerminal({ name: 'Airlock: trust CA', env: { ELECTRON_RUN_AS_NODE: '1' } });
    const node = `"${process.execPath}" "${cli}"`;
    terminal.sendText(`${node} ca install && echo && echo "To do this now: ${process.platform === 'linux' ? 'sudo ' : ''}${node.replace(/"/g, '\\"')} ca install --yes"`);
    terminal.show();
  }
}

/** Linux: the system bundle contains the CA. macOS/Windows: the store finds it by name. */
async function osTrusts(pem: string): Promise<boolean> {
  if (process.platform === 'linux') {
    for (const bundle of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt']) {
      const text = await readFile(bundle, 'utf8').catch(() => '');
      if (text.replace(/\r/g, '').includes(pem.replace(/\r/g, ''))) return true;
    }
    return false;
  }
  const cn = /CN=([^\n]+)/.exec(new (await import('node:crypto')).X509Certificate(pem).subject)?.[1] ?? '';
  const [cmd, args] = process.platform === 'darwin' ? ['security', ['find-certificate', '-c', cn]] : ['certutil', ['-user', '-verifystore', 'Root', cn]];
  return new Promise((resolve) => execFile(cmd as string, args as string[], (error) => resolve(!error)));
}
