// The environment of the agent that made a hook call. Standalone, that is this process's own;
// in the hook server one process answers many calls at once (an agent's parallel tool calls,
// several sessions), so each call's forwarded variables travel with its async context instead
// of being written into the shared process.env, where one call's model would leak into another's
// record.
import { AsyncLocalStorage } from 'node:async_hooks';
import { FORWARDED_ENV } from './socket';

const calls = new AsyncLocalStorage<Readonly<Record<string, string | undefined>>>();
const forwarded = new Set(FORWARDED_ENV);

/** Runs `fn` (and everything it awaits) with the caller's forwarded variables. */
export function withCallerEnv<T>(env: Readonly<Record<string, string | undefined>>, fn: () => T): T {
  return calls.run(env, fn);
}

/** A forwarded variable as the calling agent had it (a variable that is not forwarded: this process's). */
export function callerEnv(name: (typeof FORWARDED_ENV)[number]): string | undefined {
  const env = calls.getStore();
  return env && forwarded.has(name) ? env[name] : process.env[name];
}
