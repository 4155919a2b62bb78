// Reading request bodies under a size limit, and decoding compressed ones for inspection with a
// cap on the decoded size (a small gzip bomb must not become gigabytes in memory).
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync, type ZlibOptions } from 'node:zlib';

type Decoder = (input: Buffer, options: ZlibOptions & { info: true }) => { buffer: Buffer; engine: { bytesWritten: number } };

// gunzip already refuses bytes after its last member; inflate and brotli stop at the end of the
// stream and silently ignore what follows, which would then reach the upstream unread.
const DECODERS: Record<string, Decoder> = {
  gzip: gunzipSync as unknown as Decoder,
  'x-gzip': gunzipSync as unknown as Decoder,
  deflate: inflateSync as unknown as Decoder,
  br: brotliDecompressSync as unknown as Decoder,
};

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Reads the whole body; rejects with 413 as soon as it exceeds `maxBytes` (and stops reading). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new BodyError(413, `request body is larger than the gateway limit of ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        reject(new BodyError(413, `request body is larger than the gateway limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** The body as the client meant it: decompressed per Content-Encoding, at most `maxDecoded` bytes. */
export function decodeBody(raw: Buffer, encoding: string | undefined, maxDecoded: number): Buffer {
  const codings = (encoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  let out = raw;
  // Codings are listed in the order they were applied; undo them last-first.
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) throw new BodyError(415, `unsupported Content-Encoding '${coding.slice(0, 20)}'`);
    try {
      const { buffer, engine } = decoder(out, { maxOutputLength: maxDecoded, info: true });
      if (engine.bytesWritten < out.length) throw new BodyError(400, `request body has ${out.length - engine.bytesWritten} bytes after the end of its ${coding} stream`);
      out = buffer;
    } catch (error) {
      if (error instanceof BodyError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new BodyError(413, `decoded request body is larger than the gateway limit of ${maxDecoded} bytes`);
      }
      throw new BodyError(400, `request body is not valid ${coding} data`);
    }
  }
  return out;
}
