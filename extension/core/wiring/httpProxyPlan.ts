// What Airlock does with VS Code's `http.proxy` (user settings; VS Code gives it application scope,
// so it cannot be workspace-only). Pure decisions, no vscode import, unit-tested:
//   - set it to the gateway only while a gateway runs and the user agreed (once);
//   - remember every value Airlock wrote and the user's own value before the first write;
//   - whenever Airlock's gateway is not running here (turned off, deactivated, failed to start,
//     found stale at activation), a value Airlock wrote goes back to the user's own;
//   - a user's own proxy is never lost: an http:// one becomes the gateway's upstream proxy and
//     comes back when Airlock stops; a value the user changed meanwhile is left alone.

/** Kept in globalState (shared by all windows). */
export interface HttpProxyRecord {
  /** Every `http.proxy` value Airlock wrote (one per gateway port seen). */
  written: string[];
  /** The user's own value before Airlock's first write (undefined: it was unset). */
  previous?: string;
}

export type SettingWrite = { kind: 'keep' } | { kind: 'set'; value: string } | { kind: 'remove' };

export interface StartPlan {
  write: SettingWrite;
  record: HttpProxyRecord;
  /** The user's own http:// proxy, for the gateway's upstream connections. */
  upstreamProxy?: string;
  /** Set when Airlock does not take over the setting, and why. */
  skipped?: string;
}

export interface StopPlan {
  write: SettingWrite;
  /** Undefined: nothing of Airlock's is left in the setting. */
  record: HttpProxyRecord | undefined;
}

export const gatewayProxyUrl = (port: number) => `http://127.0.0.1:${port}`;

function isAirlocks(value: string | undefined, record: HttpProxyRecord | undefined): boolean {
  return value !== undefined && value !== '' && (record?.written.includes(value) ?? false);
}

export function planStart(current: string | undefined, record: HttpProxyRecord | undefined, port: number): StartPlan {
  const ours = gatewayProxyUrl(port);
  const own = isAirlocks(current, record) ? record?.previous : current || undefined;
  const written = [...new Set([...(record?.written ?? []), ours])].slice(-16);
  if (own && !/^http:\/\//i.test(own)) {
    // socks/https proxies cannot be chained by the gateway: leave the user's setting in place.
    return { write: { kind: 'keep' }, record: record ?? { written: [] }, skipped: `http.proxy is ${own.split('://')[0]}:// (Airlock can chain only an http:// proxy)` };
  }
  return {
    write: current === ours ? { kind: 'keep' } : { kind: 'set', value: ours },
    record: { written, ...(own ? { previous: own } : {}) },
    ...(own ? { upstreamProxy: own } : {}),
  };
}

/** The gateway is not running here (stopped, off, failed, or found stale at activation). */
export function planStop(current: string | undefined, record: HttpProxyRecord | undefined, runningPort?: number): StopPlan {
  if (!record) return { write: { kind: 'keep' }, record: undefined };
  if (!isAirlocks(current, record)) {
    // Unset or changed by the user since: nothing of Airlock's is there any more.
    return { write: { kind: 'keep' }, record: undefined };
  }
  // Another window's gateway may still use it: only this window's own port is taken back.
  if (runningPort !== undefined && current !== gatewayProxyUrl(runningPort)) return { write: { kind: 'keep' }, record };
  return { write: record.previous ? { kind: 'set', value: record.previous } : { kind: 'remove' }, record: undefined };
}

/**
 * For the uninstall hook (plain Node, no VS Code API): given the user-settings text, the same text
 * with Airlock's `http.proxy` replaced by the user's own value (removed when there was none), or
 * undefined when the setting holds nothing of Airlock's.
 */
export function settingsTextWithoutAirlockProxy(record: HttpProxyRecord, current: string | undefined, edit: (text: string, value: string | undefined) => string): (text: string) => string | undefined {
  return (text) => (isAirlocks(current, record) ? edit(text, record.previous) : undefined);
}
