// "Airlock: Connect an Assistant…": exactly what to set so an assistant's traffic goes through
// the gateway, per assistant, each value with its own Copy button (connectPanel.ts renders
// it). Terminals are wired automatically; Continue's JSON config is written on request.
import * as vscode from 'vscode';
import type { GatewayService } from './gatewayService';
import { terminalVariables } from './gatewayService';
import { writeContinueJson } from './assistantSettings';
import { ConnectPanel } from './connectPanel';

/** One value to copy: exactly what goes into the setting or the shell, nothing else. */
export interface Snippet {
  label: string;
  text: string;
}

export interface GuideSection {
  title: string;
  intro: string;
  snippets: Snippet[];
  note?: string;
}

interface AssistantGuide {
  label: string;
  detail: string;
  sections(urls: NonNullable<GatewayService['urls']>): GuideSection[];
  /** Writes the assistant's own settings after consent; undefined when its format is not known. */
  write?(urls: NonNullable<GatewayService['urls']>, memento: vscode.Memento): Promise<string>;
}

export const GUIDES: AssistantGuide[] = [
  {
    label: 'Terminal agents: Claude Code, Codex CLI, Aider, …',
    detail: 'Already wired: new integrated terminals get these variables.',
    sections: (urls) => [
      {
        title: 'Integrated terminals (already set)',
        intro: 'New integrated terminals already have these base-URL variables (Claude Code, Aider, OpenAI SDK scripts) and the proxy and CA variables that Codex CLI, Gemini CLI and Copilot CLI need (HTTPS_PROXY, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE); open a new terminal if one predates the gateway.',
        snippets: Object.entries(terminalVariables(urls)).map(([k, v]) => ({ label: k, text: `${k}=${v}` })),
      },
      {
        title: 'Other shells',
        intro: 'Outside VS Code, `eval "$(airlock env)"` sets all of them, proxy and CA included; or export the base-URL variables by hand:',
        snippets: [
          { label: 'all variables (posix shells)', text: 'eval "$(airlock env)"' },
          { label: 'export (sh, bash, zsh)', text: Object.entries(terminalVariables(urls)).map(([k, v]) => `export ${k}=${v}`).join('\n') },
        ],
      },
    ],
  },
  {
    label: 'Continue',
    detail: 'apiBase on each model in ~/.continue/config.json (written for you with consent, undone when the gateway is turned off) or config.yaml.',
    sections: (urls) => [
      {
        title: 'Continue',
        intro: 'In ~/.continue/config.yaml (or config.json), give every model an apiBase through Airlock, by provider:',
        snippets: [
          { label: 'provider: openai', text: `apiBase: ${urls.openai}` },
          { label: 'provider: anthropic', text: `apiBase: ${urls.anthropic}/v1` },
          { label: 'provider: ollama', text: `apiBase: ${urls.ollama}` },
        ],
        note: 'Or let Airlock write config.json for you (it keeps your comments and puts the old values back when the gateway is turned off).',
      },
    ],
    write: writeContinueJson,
  },
  {
    label: 'Cline',
    detail: 'API Provider "OpenAI Compatible" (or Anthropic / Ollama) with a custom base URL.',
    sections: (urls) => [
      {
        title: 'Cline',
        intro: 'Cline → Settings → API Provider, then the base URL for the provider you use:',
        snippets: [
          { label: 'OpenAI Compatible: Base URL', text: urls.openai },
          { label: 'Anthropic: "Use custom base URL"', text: urls.anthropic },
          { label: 'Ollama: Base URL', text: urls.ollama },
        ],
      },
    ],
  },
  {
    label: 'Roo Code',
    detail: 'API Provider "OpenAI Compatible" (or Anthropic / Ollama) with a custom base URL.',
    sections: (urls) => [
      {
        title: 'Roo Code',
        intro: 'Roo Code → Settings → Providers, then the base URL for the provider you use:',
        snippets: [
          { label: 'OpenAI Compatible: Base URL', text: urls.openai },
          { label: 'Anthropic: "Use custom base URL"', text: urls.anthropic },
          { label: 'Ollama: Base URL', text: urls.ollama },
        ],
      },
    ],
  },
  {
    label: 'Any OpenAI-compatible client',
    detail: 'vLLM, LM Studio, OpenRouter clients, SDK scripts: set the base URL.',
    sections: (urls) => [
      {
        title: 'OpenAI-compatible clients and SDKs',
        intro: 'Set the base URL; keep your own API key (Airlock forwards auth headers untouched and never logs them).',
        snippets: [
          { label: 'Base URL', text: urls.openai },
          { label: 'OpenAI SDK (TypeScript)', text: `new OpenAI({ baseURL: '${urls.openai}' })` },
          { label: 'Anthropic SDK (TypeScript)', text: `new Anthropic({ baseURL: '${urls.anthropic}' })` },
          { label: 'OpenAI SDK (Python)', text: `OpenAI(base_url="${urls.openai}")` },
        ],
      },
    ],
  },
];

/** Skips the pickers (tests, other extensions): which assistant, and whether to write its settings. */
export interface ConnectOptions {
  assistant?: string;
  write?: boolean;
}

/**
 * Opens the Connect an Assistant page (a webview with one copy button per value). With
 * `assistant` and `write` (tests, other extensions) it writes that assistant's settings instead.
 */
export async function connectAssistant(context: vscode.ExtensionContext, gateway: GatewayService, options: ConnectOptions = {}): Promise<string | undefined> {
  if (options.assistant !== undefined && options.write) {
    const handle = await gateway.start();
    const guide = GUIDES.find((g) => g.label.toLowerCase().startsWith(options.assistant!.toLowerCase()));
    if (!handle || !guide?.write) return undefined;
    return writeSettings(guide, handle.urls, context.globalState);
  }
  // The page opens at once, every time; it fills in the URLs when the gateway is up.
  ConnectPanel.show(context, gateway, (label) => {
    const guide = GUIDES.find((g) => g.label === label);
    const urls = gateway.urls;
    return guide?.write && urls ? writeSettings(guide, urls, context.globalState) : Promise.resolve(undefined);
  });
  return undefined;
}

async function writeSettings(guide: AssistantGuide, urls: NonNullable<GatewayService['urls']>, memento: vscode.Memento): Promise<string | undefined> {
  try {
    const message = await guide.write!(urls, memento);
    void vscode.window.showInformationMessage(message);
    return message;
  } catch (error) {
    void vscode.window.showErrorMessage(`Airlock: could not write the settings: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
