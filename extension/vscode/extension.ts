// Entry point of the extension. Activation only wires things up; every piece of real work
// (loading policy, starting the gateway, reading the ledger) happens lazily on first need.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { createLogger } from './log';
import { OverviewTreeProvider } from './overviewView';
import { createStatusBar } from './statusBar';

/** What the extension hands to other extensions and to its own integration tests. */
export interface AirlockApi {
  /** Wall time spent inside `activate`, in milliseconds. */
  readonly activationTimeMs: number;
}

export function activate(context: vscode.ExtensionContext): AirlockApi {
  const started = performance.now();

  const log = createLogger(context);
  const statusBar = createStatusBar(context);
  const overview = new OverviewTreeProvider();
  context.subscriptions.push(vscode.window.registerTreeDataProvider('airlock.overview', overview));
  registerCommands(context, { log, statusBar });

  const activationTimeMs = performance.now() - started;
  log.info(`activated in ${activationTimeMs.toFixed(1)} ms`);
  return { activationTimeMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
