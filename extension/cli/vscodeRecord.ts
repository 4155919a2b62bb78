// Where the editor notes what it wrote into VS Code's http.proxy, for the uninstall hook.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function httpProxyRecordPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['AIRLOCK_STATE_DIR'] || join(homedir(), '.airlock'), 'vscode-http-proxy.json');
}
