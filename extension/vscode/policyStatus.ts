// Shows the policy state in the status bar: which policy is in force, and when an edit is
// broken, that the previous valid policy still is.
import type { PolicyState } from './policyService';
import type { StatusPart } from './statusBar';

export function policyStatusPart(state: PolicyState): StatusPart {
  const errors = state.problems.filter((p) => p.severity === 'error').length;
  if (state.failedClosed) {
    return {
      text: 'policy invalid, blocking all',
      tooltip: `$(error) The policy has ${errors} error(s) and no earlier valid policy exists: every outgoing AI request is blocked until it is fixed (see Problems).`,
      level: 'error',
    };
  }
  const sources = state.policy.sources.map(shortName).join(' › ');
  if (state.usingLastValid) {
    return {
      text: 'policy error',
      tooltip: `$(warning) The policy edit has ${errors} error(s) (see Problems). The previous valid policy stays in force: ${sources}.`,
      level: 'warning',
    };
  }
  return { text: '', tooltip: `Policy in force: ${sources}.`, level: 'ok' };
}

function shortName(source: string): string {
  const m = /[\\/](\.airlock[\\/][^\\/]+)$/.exec(source);
  return m ? m[1]!.replace(/\\/g, '/') : source;
}
