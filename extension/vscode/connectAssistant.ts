// "Airlock: Connect an Assistant…": exactly what to set so an assistant's traffic goes through
// the gateway. Terminals are wired automatically; for editor assistants Airlock shows the
// values, copies them, and writes Continue's JSON config when the engineer agrees.
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { GatewayService } from './gatewayService';
import { terminalVariables } from './gatewayService';
import { loadEngine } from './engine';

interface AssistantGuide {
  label: string;
  detail: string;
  steps(urls: NonNullable<GatewayService['urls']>): string;
  /** Writes the assistant's own settings after consent; undefined when its format is not known. */
  write?(urls: NonNullable<GatewayService['urls']>): Promise<string>;
}

const GUIDES: AssistantGuide[] = [
  {
    label: 'Terminal agents: Claude Code, Codex CLI, Aider, …',
    detail: 'Already wired: new integrated terminals get the variables below.',
    steps: (urls) =>
      [
        'New integrated terminals already have these variables (open a new terminal if one predates the gateway):',
        '',
        ...Object.entries(terminalVariables(urls)).map(([k, v]) => `    ${k}=${v}`),
        '',
        'Outside VS Code, export the same variables, or run `airlock gateway` and use the URLs it prints.',
      ].join('\n'),
  },
  {
    label: 'Continue',
    detail: 'Set apiBase on each model in ~/.continue/config.json (written for you with consent) or config.yaml.',
    steps: (urls) =>
      [
        'In ~/.continue/config.yaml (or config.json), give every model an apiBase through Airlock:',
        '',
        '    provider: openai     →  apiBase: ' + urls.openai,
        '    provider: anthropic  →  apiBase: ' + urls.anthropic + '/v1',
        '    provider: ollama     →  apiBase: ' + urls.ollama,
      ].join('\n'),
    write: writeContinueJson,
  },
  {
    label: 'Cline',
    detail: 'API Provider "OpenAI Compatible" (or Anthropic) with a custom base URL.',
    steps: (urls) =>
      [
        'Cline → Settings → API Provider:',
        `    OpenAI Compatible: Base URL = ${urls.openai}`,
        `    Anthropic: tick "Use custom base URL" = ${urls.anthropic}`,
        `    Ollama: Base URL = ${urls.ollama}`,
      ].join('\n'),
  },
  {
    label: 'Roo Code',
    detail: 'API Provider "OpenAI Compatible" (or Anthropic) with a custom base URL.',
    steps: (urls) =>
      [
        'Roo Code → Settings → Providers:',
        `    OpenAI Compatible: Base URL = ${urls.openai}`,
        `    Anthropic: "Use custom base URL" = ${urls.anthropic}`,
        `    Ollama: Base URL = ${urls.ollama}`,
      ].join('\n'),
  },
  {
    label: 'Any OpenAI-compatible client',
    detail: 'vLLM, LM Studio, OpenRouter clients, SDK scripts: set the base URL.',
    steps: (urls) => [`Base URL: ${urls.openai}`, 'Keep your own API key: Airlock forwards auth headers untouched and never logs them.'].join('\n'),
  },
];

export async function connectAssistant(gateway: GatewayService): Promise<void> {
  const handle = await gateway.start();
  if (!handle) {
    void vscode.window.showWarningMessage('Airlock: the gateway is off (airlock.gateway.enabled) or could not start; see the Airlock output.');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    GUIDES.map((g) => ({ label: g.label, detail: g.detail, guide: g })),
    { title: 'Airlock: Connect an Assistant', placeHolder: 'Which assistant should go through Airlock?' },
  );
  if (!pick) return;
  const steps = pick.guide.steps(handle.urls);
  const actions = ['Copy', ...(pick.guide.write ? ['Write settings'] : [])];
  const choice = await vscode.window.showInformationMessage(`${pick.guide.label}\n\n${steps}`, { modal: true }, ...actions);
  if (choice === 'Copy') await vscode.env.clipboard.writeText(steps);
  if (choice === 'Write settings' && pick.guide.write) {
    try {
      void vscode.window.showInformationMessage(await pick.guide.write(handle.urls));
    } catch (error) {
      void vscode.window.showErrorMessage(`Airlock: could not write the settings: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Points every model in ~/.continue/config.json at the gateway, keeping comments and layout. */
async function writeContinueJson(urls: NonNullable<GatewayService['urls']>): Promise<string> {
  const { applyEdits, modify, parse } = loadEngine().jsonc;
  const uri = vscode.Uri.file(`${os.homedir()}/.continue/config.json`);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const config = parse(text) as { models?: { provider?: string }[] };
  let updated = text;
  let count = 0;
  for (const [i, model] of (config.models ?? []).entries()) {
    const base = model.provider === 'anthropic' ? `${urls.anthropic}/v1` : model.provider === 'ollama' ? urls.ollama : model.provider === 'openai' ? urls.openai : undefined;
    if (!base) continue;
    updated = applyEdits(updated, modify(updated, ['models', i, 'apiBase'], base, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    count += 1;
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(updated));
  return `Airlock: ${count} Continue model(s) now go through the gateway.`;
}
