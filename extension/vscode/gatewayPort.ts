// Which loopback port this user's gateway uses: the `airlock.gateway.port` setting when set,
// else the port it got the first time (remembered per user on this machine, never synced), so
// base URLs copied into Cline, Roo Code or SDK settings keep working across restarts and
// off/on. When that port is taken the gateway still starts (terminals must stay routed) on a
// free one, and the user is told which URLs changed.
import * as vscode from 'vscode';

const REMEMBERED_PORT = 'airlock.gateway.rememberedPort';

export type PortSource = 'setting' | 'remembered' | 'new';

export interface PortChoice {
  port: number;
  source: PortSource;
}

export function preferredPort(globalState: vscode.Memento): PortChoice {
  const configured = vscode.workspace.getConfiguration('airlock.gateway').get<number>('port', 0);
  if (configured > 0) return { port: configured, source: 'setting' };
  const remembered = globalState.get<number>(REMEMBERED_PORT);
  if (typeof remembered === 'number' && remembered > 0 && remembered < 65536) return { port: remembered, source: 'remembered' };
  return { port: 0, source: 'new' };
}

export async function rememberPort(globalState: vscode.Memento, choice: PortChoice, port: number): Promise<void> {
  if (choice.source === 'new') await globalState.update(REMEMBERED_PORT, port);
}

export function isPortTaken(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** The one-line notice when the usual port was taken. */
export function portTakenMessage(choice: PortChoice, actual: number): string {
  const why = choice.source === 'setting' ? `the port in airlock.gateway.port (${choice.port})` : `its usual port ${choice.port}`;
  return `Airlock: ${why} is in use (another VS Code window with Airlock, or another program), so this window's gateway is on port ${actual}. Terminals opened here use it automatically; base URLs copied into assistant settings still point at ${choice.port}.`;
}
