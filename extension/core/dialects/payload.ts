// Encoded payloads inside JSON strings: `data:` URLs, raw base64 in the fields that carry
// attachments (Anthropic `source.data`, OpenAI `file_data`, Ollama `images`), and long base64
// strings anywhere. Text payloads are decoded so detectors read them (and re-encoded when
// redacted); binary ones become attachments the policy decides on. atob/btoa and
// TextDecoder/TextEncoder keep core free of Node-only APIs.

export type Payload =
  | { kind: 'text'; text: string; encoding: { kind: 'base64' | 'percent'; prefix: string } }
  | { kind: 'binary'; mediaType?: string; bytes: number };

const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*),/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Shorter base64 outside attachment fields is left alone: ids, hashes and words are valid base64 too. */
const MIN_LOOSE_BASE64 = 64;
/** How much is decoded to tell text from binary before decoding everything. */
const SNIFF_CHARS = 4096;

const TEXT_MEDIA = /^(?:text\/|application\/(?:json|xml|javascript|ecmascript|x-yaml|yaml|toml|x-toml|x-sh|x-shellscript|sql|graphql|x-httpd-php|x-python|x-ruby|csv|x-ndjson|ld\+json)\b|[\w.+-]+\/[\w.+-]+\+(?:json|xml)\b)/i;

export function isTextMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && TEXT_MEDIA.test(mediaType.trim());
}

function toBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function fromBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** Decoded bytes as text, or undefined when they are not text (invalid UTF-8, NUL or many control characters). */
function asText(bytes: Uint8Array, truncated: boolean): string | undefined {
  let text: string;
  try {
    // A sniffed prefix may end inside a multi-byte character: only a complete body must be strict at its end.
    // A byte order mark is kept (as U+FEFF): offsets in the text must count every byte, or a
    // redaction in a base64 run's decoded copy maps to the wrong encoded span (embedded.ts).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: truncated });
  } catch {
    return undefined;
  }
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return undefined;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) control++;
  }
  return control * 100 > text.length ? undefined : text;
}

function normalise(b64: string): string | undefined {
  if (BASE64.test(b64)) return b64.length % 4 === 1 ? undefined : b64;
  if (BASE64URL.test(b64)) return b64.length % 4 === 1 ? undefined : b64.replace(/-/g, '+').replace(/_/g, '/');
  return undefined;
}

function decodeBase64(b64: string, prefix: string, mediaType: string | undefined): Payload | undefined {
  const clean = normalise(b64);
  if (clean === undefined) return undefined;
  const bytes = Math.floor((clean.replace(/=+$/, '').length * 3) / 4);
  let head: string;
  try {
    head = atob(clean.length > SNIFF_CHARS ? clean.slice(0, SNIFF_CHARS) : clean);
  } catch {
    return undefined;
  }
  const binary = { kind: 'binary' as const, bytes, ...(mediaType ? { mediaType } : {}) };
  if (asText(toBytes(head), clean.length > SNIFF_CHARS) === undefined) return binary;
  const text = clean.length > SNIFF_CHARS ? asText(toBytes(atob(clean)), false) : asText(toBytes(head), false);
  return text === undefined ? binary : { kind: 'text', text, encoding: { kind: 'base64', prefix } };
}

/**
 * The payload in `value`, or undefined when it is a plain string. `attachment` says the field
 * is one that carries files (so short or raw base64 counts too); `mediaType` is the declared type.
 */
export function decodePayload(value: string, attachment: boolean, mediaType?: string): Payload | undefined {
  if (value.length > 5 && (value.charCodeAt(0) | 0x20) === 0x64 && /^data:/i.test(value)) {
    const m = DATA_URL.exec(value);
    if (!m) return undefined;
    const prefix = m[0];
    const declared = m[1] || 'text/plain';
    const body = value.slice(prefix.length);
    if (/;base64$/i.test(m[2] ?? '') || /;base64;/i.test(`${m[2] ?? ''};`)) return decodeBase64(body, prefix, declared);
    try {
      return { kind: 'text', text: decodeURIComponent(body), encoding: { kind: 'percent', prefix } };
    } catch {
      return { kind: 'binary', bytes: body.length, mediaType: declared };
    }
  }
  if (!attachment && value.length < MIN_LOOSE_BASE64) return undefined;
  const payload = decodeBase64(value, '', mediaType);
  // Outside attachment fields a long base64 string that is not text is just data (a hash, a signature, encrypted state).
  if (!attachment && payload?.kind === 'binary') return undefined;
  return payload;
}

/** The string to write back for redacted decoded text. */
export function encodePayload(text: string, encoding: { kind: 'base64' | 'percent'; prefix: string }): string {
  if (encoding.kind === 'percent') return encoding.prefix + encodeURIComponent(text);
  return encoding.prefix + btoa(fromBytes(new TextEncoder().encode(text)));
}
