// `vscode:uninstall` hook (package.json): VS Code runs `node dist/cli.js vscode-uninstall` after
// the extension was uninstalled, without any VS Code API. If VS Code's http.proxy still holds a
// value Airlock wrote, it goes back to the user's own (or is removed), so an uninstalled Airlock
// never leaves VS Code pointing at a gateway that no longer runs.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { applyEdits, modify, parse } from 'jsonc-parser';
import { settingsTextWithoutAirlockProxy, type HttpProxyRecord } from '../core/wiring/httpProxyPlan';
import { httpProxyRecordPath } from './vscodeRecord';
import type { CliIO } from './run';

export async function vscodeUninstallCommand(_argv: string[], io: CliIO): Promise<number> {
  let record: HttpProxyRecord & { settingsFile?: string };
  try {
    record = JSON.parse(await readFile(httpProxyRecordPath(), 'utf8')) as HttpProxyRecord & { settingsFile?: string };
  } catch {
    return 0; // Airlock never wrote http.proxy
  }
  if (!record.settingsFile || !Array.isArray(record.written)) return 0;
  let text: string;
  try {
    text = await readFile(record.settingsFile, 'utf8');
  } catch {
    return 0;
  }
  const current = (parse(text) as Record<string, unknown> | undefined)?.['http.proxy'];
  const next = settingsTextWithoutAirlockProxy(record, typeof current === 'string' ? current : undefined, (t, value) =>
    applyEdits(t, modify(t, ['http.proxy'], value, { formattingOptions: { insertSpaces: true, tabSize: 4 } })),
  )(text);
  if (next === undefined) return 0;
  const tmp = `${record.settingsFile}.airlock-tmp`;
  await writeFile(tmp, next);
  await rename(tmp, record.settingsFile);
  io.stdout.write(`airlock: restored http.proxy in ${record.settingsFile}\n`);
  return 0;
}
