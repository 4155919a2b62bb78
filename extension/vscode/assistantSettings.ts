// Assistant settings Airlock writes for the engineer (with consent), and undoes when the gateway
// is turned off: today Continue's config.json, whose format is known.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { loadEngine } from './engine';
import type { GatewayService } from './gatewayService';

const CONTINUE_RESTORE_KEY = 'airlock.continue.previousApiBase';

interface ContinueRestore {
  file: string;
  /** Per model index: the apiBase before Airlock (null: there was none) and what Airlock wrote. */
  models: { index: number; previous: string | null; written: string }[];
}

/** Continue's config folder (it honours CONTINUE_GLOBAL_DIR, like Continue itself). */
function continueConfigUri(): vscode.Uri {
  return vscode.Uri.file(`${process.env.CONTINUE_GLOBAL_DIR ?? `${os.homedir()}/.continue`}/config.json`);
}

/**
 * Points every model in Continue's config.json at the gateway, keeping comments and layout, and
 * remembers what was there so turning the gateway off puts it back.
 */
export async function writeContinueJson(urls: NonNullable<GatewayService['urls']>, memento: vscode.Memento): Promise<string> {
  const { applyEdits, modify, parse } = loadEngine().jsonc;
  const uri = continueConfigUri();
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const config = parse(text) as { models?: { provider?: string; apiBase?: string }[] };
  const earlier = memento.get<ContinueRestore>(CONTINUE_RESTORE_KEY);
  let updated = text;
  const models: ContinueRestore['models'] = [];
  for (const [i, model] of (config.models ?? []).entries()) {
    const base = model.provider === 'anthropic' ? `${urls.anthropic}/v1` : model.provider === 'ollama' ? urls.ollama : model.provider === 'openai' ? urls.openai : undefined;
    if (!base) continue;
    // Reconnecting keeps the value from before the first connect, not Airlock's own.
    const before = earlier?.file === uri.fsPath ? earlier.models.find((m) => m.index === i) : undefined;
    models.push({ index: i, previous: before ? before.previous : (model.apiBase ?? null), written: base });
    updated = applyEdits(updated, modify(updated, ['models', i, 'apiBase'], base, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(updated));
  await memento.update(CONTINUE_RESTORE_KEY, { file: uri.fsPath, models } satisfies ContinueRestore);
  return `Airlock: ${models.length} Continue model${models.length === 1 ? '' : 's'} now go${models.length === 1 ? 'es' : ''} through the gateway.`;
}

/** Undoes writeContinueJson where the value is still Airlock's (a later change by the user wins). */
export async function restoreAssistantSettings(memento: vscode.Memento): Promise<number> {
  const saved = memento.get<ContinueRestore>(CONTINUE_RESTORE_KEY);
  if (!saved) return 0;
  const { applyEdits, modify, parse } = loadEngine().jsonc;
  const uri = vscode.Uri.file(saved.file);
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    await memento.update(CONTINUE_RESTORE_KEY, undefined);
    return 0;
  }
  const config = parse(text) as { models?: { apiBase?: string }[] };
  let restored = 0;
  for (const m of saved.models) {
    if (config.models?.[m.index]?.apiBase !== m.written) continue;
    text = applyEdits(text, modify(text, ['models', m.index, 'apiBase'], m.previous ?? undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    restored += 1;
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await memento.update(CONTINUE_RESTORE_KEY, undefined);
  return restored;
}
