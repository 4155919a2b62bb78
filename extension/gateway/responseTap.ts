// Watches model responses on their way back to the client, for the code in them (provenance:
// "output seen by the gateway"). The tap only copies chunks the gateway has already written to
// the client: it never delays, buffers or alters the client's stream. It keeps at most
// `maxBytes` of a response (then gives that response up), undoes gzip/deflate/br off the request
// path, parses once the response ended cleanly, and swallows its own failures.
import type { IncomingHttpHeaders } from 'node:http';
import { brotliDecompress, gunzip, inflate, inflateRaw, type InputType, type ZlibOptions } from 'node:zlib';
import type { DialectId } from '../core/dialects';
import { hasModelOutput, observeResponse } from '../core/provenance/responseCode';
import type { ObservedResponse } from '../core/provenance/observedTypes';

export type { ObservedResponse } from '../core/provenance/observedTypes';

/** Fed by forward(): the upstream's status and headers, each chunk after it went to the client, the clean end. */
export interface ResponseTap {
  head(status: number, headers: IncomingHttpHeaders): void;
  data(chunk: Buffer): void;
  end(): void;
}

export interface ResponseTapOptions {
  dialect: DialectId | undefined;
  assistant?: string;
  destination?: string;
  /** Largest response kept for parsing, before and after decoding. Default 4 MiB. */
  maxBytes?: number;
  onObserved: (observed: ObservedResponse) => void;
}

export const DEFAULT_TAP_MAX_BYTES = 4 * 1024 * 1024;

type Decoder = (input: InputType, options: ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void;

const DECODERS: Record<string, Decoder> = { gzip: gunzip, 'x-gzip': gunzip, br: brotliDecompress as Decoder, deflate: inflate };

function run(decoder: Decoder, input: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => decoder(input, { maxOutputLength: maxBytes }, (error, result) => (error ? reject(error) : resolve(result))));
}

/** The body with its Content-Encoding undone (off the event loop's hot path), or undefined when it cannot be. */
export async function decodeResponseBody(raw: Buffer, encoding: string | undefined, maxBytes: number): Promise<Buffer | undefined> {
  const codings = (encoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity')
    .reverse();
  let out = raw;
  for (const coding of codings) {
    const decoder = DECODERS[coding];
    if (!decoder) return undefined;
    try {
      out = await run(decoder, out, maxBytes);
    } catch (error) {
      // Some servers send raw deflate without the zlib wrapper.
      if (coding !== 'deflate' || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
      try {
        out = await run(inflateRaw as Decoder, out, maxBytes);
      } catch {
        return undefined;
      }
    }
  }
  return out;
}

/** A tap for one response, or undefined when the dialect carries no model output to look at. */
export function createResponseTap(options: ResponseTapOptions): ResponseTap | undefined {
  const dialect = options.dialect;
  if (!hasModelOutput(dialect)) return undefined;
  const maxBytes = options.maxBytes ?? DEFAULT_TAP_MAX_BYTES;
  let chunks: Buffer[] = [];
  let size = 0;
  let active = false;
  let contentType: string | undefined;
  let encoding: string | undefined;

  async function finish(raw: Buffer): Promise<void> {
    const body = await decodeResponseBody(raw, encoding, maxBytes);
    if (!body) return;
    // Parse on a later turn: the client's `end` has already gone out.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const observed = observeResponse({
      dialect: dialect as DialectId,
      body: body.toString('utf8'),
      ...(contentType ? { contentType } : {}),
      ...(options.assistant ? { assistant: options.assistant } : {}),
      ...(options.destination ? { destination: options.destination } : {}),
    });
    if (observed) options.onObserved(observed);
  }

  return {
    head(status, headers) {
      active = status >= 200 && status < 300;
      contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
      encoding = typeof headers['content-encoding'] === 'string' ? headers['content-encoding'] : undefined;
    },
    data(chunk) {
      if (!active) return;
      size += chunk.length;
      if (size > maxBytes) {
        // Too big to be worth it: give this response up and free what was kept.
        active = false;
        chunks = [];
        return;
      }
      chunks.push(chunk);
    },
    end() {
      if (!active) return;
      active = false;
      const raw = Buffer.concat(chunks, size);
      chunks = [];
      finish(raw).catch(() => undefined);
    },
  };
}

/** Calls into a tap without letting it disturb the caller (the response path). */
export function tapSafely(call: () => void): void {
  try {
    call();
  } catch {
    // The tap is best effort; the client's response matters more.
  }
}
