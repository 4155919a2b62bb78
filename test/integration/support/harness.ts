// Talks to the offline harness (test/harness/run-integration.mjs), which owns the browser.
// Under @vscode/test-electron there is no harness: logs go to the console and browser-only
// steps (screenshots, clicks in webviews) are skipped by the tests that need them.
const harnessUrl = process.env.AIRLOCK_HARNESS_URL;

export const hasBrowser = Boolean(harnessUrl);

async function call<T>(path: string, body: unknown): Promise<T> {
  if (!harnessUrl) throw new Error('no harness browser in this run');
  const res = await fetch(`${harnessUrl}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const answer = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`harness ${path}: ${answer.error ?? res.status}`);
  return answer;
}

export async function harnessLog(line: string): Promise<void> {
  if (!harnessUrl) {
    console.log(line);
    return;
  }
  await call('/log', { line }).catch(() => undefined);
}

/** Saves a screenshot of the whole workbench as test-output/screenshots/<name>.png. */
export function screenshot(name: string, waitMs = 0): Promise<{ file: string }> {
  return call('/screenshot', { name, waitMs });
}

export function pressKey(key: string): Promise<unknown> {
  return call('/press', { key });
}

export function typeText(text: string, delay = 0): Promise<unknown> {
  return call('/type', { text, delay });
}

export function click(selector: string, frameTitle?: string): Promise<unknown> {
  return call('/click', { selector, frameTitle });
}

export function attributeOf(selector: string, name: string, frameTitle?: string): Promise<{ value: string | null }> {
  return call('/attribute', { selector, name, frameTitle });
}

export function hover(selector: string): Promise<unknown> {
  return call('/hover', { selector });
}

export function textOf(selector: string, frameTitle?: string): Promise<{ text: string }> {
  return call('/text', { selector, frameTitle });
}

/**
 * The text of every element matching `selector` (an empty list when none does); with `parts`,
 * each element's descendants matching `parts`, their texts joined by ' | '.
 */
export function textsOf(selector: string, options: { parts?: string; frameTitle?: string } = {}): Promise<{ texts: string[] }> {
  return call('/texts', { selector, ...options });
}

/** Waits for a visible element matching `selector` that contains `text`; returns its text. */
export function waitForText(selector: string, text: string, timeout = 10_000, frameTitle?: string): Promise<{ text: string }> {
  return call('/waitFor', { selector, text, timeout, frameTitle });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `predicate` until it is true or `timeoutMs` passes. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
