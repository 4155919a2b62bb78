// The flagged-diff webview's HTML shell: a strict Content Security Policy (no inline code, only
// our own nonce'd script and stylesheet from media/), and an empty body the script fills in.
export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A random nonce; a fresh one each time the HTML is built. */
export function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

export function panelHtml(input: PanelHtmlInput): string {
  const csp = [
    "default-src 'none'",
    `style-src ${input.cspSource}`,
    `font-src ${input.cspSource}`,
    `img-src ${input.cspSource}`,
    `script-src 'nonce-${input.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeAttribute(input.styleUri)}">
<title>Airlock Flagged Diff</title>
</head>
<body>
<header class="summary">
  <h1 id="summary" aria-live="polite">Loading AI hunks…</h1>
  <p class="keys" id="keys">Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>o</kbd> open · <kbd>d</kbd> diff editor · <kbd>Shift</kbd>+<kbd>A</kbd> approve all in file</p>
</header>
<p id="announce" class="announce" role="status" aria-live="polite"></p>
<main id="hunks" role="grid" aria-labelledby="summary" aria-describedby="keys"></main>
<script nonce="${escapeAttribute(input.nonce)}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>`;
}
