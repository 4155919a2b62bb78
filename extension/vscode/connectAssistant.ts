// "Airlock: Connect an Assistant…": exactly what to set so an assistant's traffic goes through
// the gateway. Terminals are wired automatically; for editor assistants Airlock shows the
// values, copies them, and writes Continue's JSON config when the engineer agrees.
import * as vscode from 'vscode';
import type { GatewayService } from './gatewayService';
import { terminalVariables } from './gatewayService';
import { writeContinueJson } from './assistantSettings';

interface AssistantGuide {
  label: string;
  detail: string;
  steps(urls: NonNullable<GatewayService['urls']>): string;
  /** Writes the assistant's own settings after consent; undefined when its format is not known. */
  write?(urls: NonNullable<GatewayService['urls']>, memento: vscode.Memento): Promise<string>;
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
    detail: 'Set apiBase on each model in ~/.continue/config.json (written for you with consent, undone when the gateway is turned off) or config.yaml.',
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

/** Skips the pickers (tests, other extensions): which assistant, and whether to write its settings. */
export interface ConnectOptions {
  assistant?: string;
  write?: boolean;
}

export async function connectAssistant(gateway: GatewayService, memento: vscode.Memento, options: ConnectOptions = {}): Promise<string | undefined> {
  const handle = await gateway.start();
  if (!handle) {
    void vscode.window.showWarningMessage('Airlock: the gateway is off (airlock.gateway.enabled) or could not start; see the Airlock output.');
    return undefined;
  }
  const guide =
    GUIDES.find((g) => options.assistant !== undefined && g.label.toLowerCase().startsWith(options.assistant.toLowerCase())) ??
    (
      await vscode.window.showQuickPick(
        GUIDES.map((g) => ({ label: g.label, detail: g.detail, guide: g })),
        { title: 'Airlock: Connect an Assistant', placeHolder: 'Which assistant should go through Airlock?' },
      )
    )?.guide;
  if (!guide) return undefined;
  const steps = guide.steps(handle.urls);
  let choice: string | undefined = options.write ? 'Write settings' : undefined;
  if (!choice) {
    const actions = ['Copy', ...(guide.write ? ['Write settings'] : [])];
    choice = await vscode.window.showInformationMessage(`${guide.label}\n\n${steps}`, { modal: true }, ...actions);
  }
  if (choice === 'Copy') await vscode.env.clipboard.writeText(steps);
  if (choice === 'Write settings' && guide.write) {
    try {
      const message = await guide.write(handle.urls, memento);
      void vscode.window.showInformationMessage(message);
      return message;
    } catch (error) {
      void vscode.window.showErrorMessage(`Airlock: could not write the settings: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return undefined;
}
