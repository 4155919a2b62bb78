// Airlock's output channel. Creating a channel costs a round trip to the workbench, so lines
// wait in a small ring buffer until something needs the channel (a warning, an error, or the
// user opening it). Callers pass only metadata: prompt text and secret values never reach a log.
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
const BUFFERED_LINES = 500;

export function createLogger(context: vscode.ExtensionContext): Logger {
  let channel: vscode.OutputChannel | undefined;
  const pending: string[] = [];
  const getChannel = (): vscode.OutputChannel => {
    if (!channel) {
      channel = vscode.window.createOutputChannel('Airlock');
      context.subscriptions.push(channel);
      for (const line of pending.splice(0)) channel.appendLine(line);
    }
    return channel;
  };
  const enabled = (level: Level): boolean => {
    const configured = vscode.workspace.getConfiguration('airlock').get<Level>('log.level', 'info');
    return LEVELS.indexOf(level) <= LEVELS.indexOf(configured);
  };
  const write = (level: Level) => (message: string) => {
    if (!enabled(level)) return;
    const line = `${new Date().toISOString()} [${level}] ${message}`;
    if (channel || level === 'error' || level === 'warn') {
      getChannel().appendLine(line);
      return;
    }
    pending.push(line);
    if (pending.length > BUFFERED_LINES) pending.shift();
  };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    show: () => getChannel().show(true),
  };
}
