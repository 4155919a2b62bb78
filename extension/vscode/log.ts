// Airlock's output channel. The channel is created on first write so activation stays cheap.
// Callers pass only metadata: prompt text and secret values must never reach a log.
import * as vscode from 'vscode';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  show(): void;
}

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
type Level = (typeof LEVELS)[number];

export function createLogger(context: vscode.ExtensionContext): Logger {
  let channel: vscode.OutputChannel | undefined;
  const getChannel = (): vscode.OutputChannel => {
    if (!channel) {
      channel = vscode.window.createOutputChannel('Airlock');
      context.subscriptions.push(channel);
    }
    return channel;
  };
  const enabled = (level: Level): boolean => {
    const configured = vscode.workspace.getConfiguration('airlock').get<Level>('log.level', 'info');
    return LEVELS.indexOf(level) <= LEVELS.indexOf(configured);
  };
  const write = (level: Level) => (message: string) => {
    if (enabled(level)) getChannel().appendLine(`${new Date().toISOString()} [${level}] ${message}`);
  };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    show: () => getChannel().show(true),
  };
}
