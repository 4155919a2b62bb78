// Shows the policy state in the status bar: which policy is in force, and when an edit is
// broken, that the previous valid policy still is.
import type { PolicyState } from './policyService';
import type { StatusPart } from './statusBar';

/**
 * "1 JSON syntax error" or "3 errors": a syntax error's cascade (every bracket after one missing
 * quote) counts once, as the mistake it is.
 */
export function describeErrors(problems: PolicyState['problems']): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const syntax = errors.filter((p) => p.message.startsWith('syntax error:')).length;
  if (syntax > 0) return 'a JSON syntax error';
  return count(errors.length, 'error');
}

export function policyStatusPart(state: PolicyState): StatusPart {
  const errors = describeErrors(state.problems);
  const where = firstErrorPlace(state);
  if (state.failedClosed) {
    return {
      text: `policy invalid${where ? ` (${where})` : ''}: all AI requests blocked`,
      tooltip: `$(error) The policy has ${errors} and no earlier valid policy exists: every outgoing AI request is blocked until it is fixed (see Problems).`,
      level: 'error',
    };
  }
  const sources = state.policy.sources.map(shortName).join(' › ');
  if (state.usingLastValid) {
    return {
      text: `policy error${where ? ` in ${where}` : ''}, previous policy in force`,
      tooltip: `$(warning) The policy edit has ${errors} (see Problems). The previous valid policy stays in force: ${sources}.`,
      level: 'warning',
    };
  }
  return { text: '', tooltip: `Policy in force: ${sources}.`, level: 'ok' };
}

/** `policy.jsonc:4`: the file name and line of the first error, for the status bar text. */
function firstErrorPlace(state: PolicyState): string | undefined {
  const first = state.problems.find((p) => p.severity === 'error');
  if (!first) return undefined;
  const name = first.source.split(/[\\/]/).pop() ?? first.source;
  return `${name}:${first.line}`;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function shortName(source: string): string {
  const m = /[\\/](\.airlock[\\/][^\\/]+)$/.exec(source);
  return m ? m[1]!.replace(/\\/g, '/') : source;
}
