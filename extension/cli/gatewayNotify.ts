// `airlock gateway --notify`: a desktop notification when the gateway blocks, redacts or warns,
// so someone working in a terminal agent learns that a secret was removed. Linux uses
// notify-send, macOS osascript. The text names the rule, detectors and host, never a value.
import { spawn } from 'node:child_process';
import type { DecisionEvent } from '../gateway';
import type { CliIO } from './run';

const VERBS: Record<string, string> = { block: 'blocked', redact: 'redacted', warn: 'flagged' };

export function notificationText(e: DecisionEvent): { title: string; body: string } | undefined {
  const verb = VERBS[e.record.action];
  if (!verb) return undefined;
  let host = 'an AI service';
  try {
    host = new URL(e.record.destination).host || host;
  } catch {
    // keep the generic name
  }
  const what = e.record.detectors.length ? e.record.detectors.join(', ') : (e.findings?.[0]?.kind ?? e.record.reason ?? '');
  return {
    title: `Airlock ${verb} a request to ${host}`,
    body: `${e.record.rule ? `rule ${e.record.rule}` : 'no rule'}${what ? ` · ${what}` : ''}${e.message ? ` — ${e.message}` : ''}`,
  };
}

/** The command that shows a desktop notification on this platform, or undefined. */
function command(title: string, body: string): [string, string[]] | undefined {
  if (process.platform === 'linux') return ['notify-send', ['--app-name=Airlock', title, body]];
  if (process.platform === 'darwin') return ['osascript', ['-e', `display notification ${JSON.stringify(body)} with title ${JSON.stringify(title)}`]];
  return undefined;
}

export function createDesktopNotifier(io: CliIO): (e: DecisionEvent) => void {
  let warned = false;
  const warn = (why: string) => {
    if (warned) return;
    warned = true;
    io.stderr.write(`airlock gateway: --notify: ${why}; decisions still print here\n`);
  };
  return (e) => {
    const text = notificationText(e);
    if (!text) return;
    const cmd = command(text.title, text.body);
    if (!cmd) return warn(`no desktop notifications on ${process.platform}`);
    const child = spawn(cmd[0], cmd[1], { stdio: 'ignore', detached: true });
    child.on('error', () => warn(`${cmd[0]} is not available`));
    child.unref();
  };
}
