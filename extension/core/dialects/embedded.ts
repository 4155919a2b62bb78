// Base64 inside longer text: a Kubernetes Secret's `data:` values, an encoded key pasted into a
// message, a tool printing a base64 file. Runs of the base64 alphabet are found with a
// skip-ahead scan (only every MIN_RUN-th character is looked at until one is in the alphabet),
// decoded, and kept when the bytes are text. The decoded text cannot be written back into the
// middle of a string; a redaction there is fine only when the surrounding string's own
// redaction already replaced every base64 character that carried it (the secrets pack decodes
// base64 itself and maps its findings to the encoded span), otherwise it blocks (rebuildBody).
import { decodePayload } from './payload';

/** Shorter runs are words and identifiers; 32 characters are 24 decoded bytes. */
const MIN_RUN = 32;
/** At most this many runs per text are decoded (a base64 dump is one attachment, not thousands of findings). */
const MAX_RUNS = 256;

const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;

function inAlphabet(c: number): boolean {
  return c < 128 && ALPHABET[c] === 1;
}

export interface EmbeddedText {
  /** Offsets of the run in the text. */
  start: number;
  end: number;
  text: string;
}

/** Text decoded from base64 runs inside `text` (not the whole of it: that is decodePayload's job). */
export function embeddedTexts(text: string): EmbeddedText[] {
  const out: EmbeddedText[] = [];
  const n = text.length;
  let i = MIN_RUN - 1;
  let runs = 0;
  while (i < n && runs < MAX_RUNS) {
    if (!inAlphabet(text.charCodeAt(i))) {
      i += MIN_RUN;
      continue;
    }
    let start = i;
    while (start > 0 && inAlphabet(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < n && inAlphabet(text.charCodeAt(end))) end++;
    let padded = end;
    while (padded < n && padded < end + 2 && text.charCodeAt(padded) === 0x3d) padded++;
    i = padded + MIN_RUN;
    // Identifiers and words are letters only; base64 of text almost always has a digit, `+` or `/`.
    if (end - start < MIN_RUN || (start === 0 && padded === n) || !/[0-9+/]/.test(text.slice(start, end))) continue;
    runs++;
    const payload = decodePayload(text.slice(start, padded), true);
    if (payload?.kind === 'text') out.push({ start, end: padded, text: payload.text });
  }
  return out;
}

/** The id of the segment decoded from the run at `start` of segment `parent`. */
export function embeddedSegmentId(parent: string, start: number): string {
  return `${parent}#base64@${start}`;
}

const EMBEDDED_ID = /^(.*)#base64@(\d+)$/;

/**
 * For an embedded segment id: the parent segment and the span of the parent's text that carries
 * decoded offsets [start, end) — whole 4-character quanta from the run's start, 3 bytes each
 * (offsets converted from UTF-16 units of the decoded text to its UTF-8 bytes).
 */
export function encodedSpanOf(segmentId: string, start: number, end: number, decodedText: string): { parent: string; start: number; end: number } | undefined {
  const m = EMBEDDED_ID.exec(segmentId);
  if (!m) return undefined;
  return { parent: m[1]!, ...encodedSpanAt(Number(m[2]), start, end, decodedText) };
}

/** The base64 chars, from offset `run` of the encoded text, that carry decoded chars [start, end): whole 4-char groups of 3 UTF-8 bytes. */
export function encodedSpanAt(run: number, start: number, end: number, decodedText: string): { start: number; end: number } {
  const bytes = (n: number) => utf8.encode(decodedText.slice(0, n)).length;
  return { start: run + Math.floor(bytes(start) / 3) * 4, end: run + Math.ceil(bytes(end) / 3) * 4 };
}
const utf8 = new TextEncoder();
