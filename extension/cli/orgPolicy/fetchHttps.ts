// The one https GET for policies and what they name (fingerprint files, signatures): timeout,
// size cap, no redirects (a redirect to another host is exactly what a pinned URL must not
// follow), conditional headers, extra CAs for company-internal servers.

export interface HttpsResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as UTF-8 text (empty for a status outside 2xx). */
  body: string;
  bytes: Buffer;
}

export type HttpsFetch = (url: string, headers: Record<string, string>) => Promise<HttpsResponse>;

export interface HttpsFetchOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** Extra trusted CA certificates (PEM), e.g. a company CA; the system store stays trusted too via NODE_EXTRA_CA_CERTS. */
  ca?: string | string[];
  /** The error for a body over `maxBytes`; `declared` is its Content-Length when that was already too large. */
  tooLarge?: (maxBytes: number, declared?: number) => Error;
}

export function createHttpsFetch(options: HttpsFetchOptions = {}): HttpsFetch {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const tooLarge = options.tooLarge ?? ((max: number) => new Error(`larger than ${max} bytes`));
  return (url, headers) =>
    new Promise((resolve, reject) => {
      if (!url.startsWith('https://')) {
        reject(new Error('only https URLs are fetched'));
        return;
      }
      // Loaded on first use: node:https (and tls) cost every CLI start-up ~7 ms, and most runs fetch nothing.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { get: httpsGet } = require('node:https') as typeof import('node:https');
      const request = httpsGet(url, { timeout: timeoutMs, headers: { accept: 'application/json, text/plain', ...headers }, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
        const status = response.statusCode ?? 0;
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(response.headers)) if (typeof v === 'string') flat[k] = v;
        if (status < 200 || status >= 300) {
          response.resume();
          resolve({ status, headers: flat, body: '', bytes: Buffer.alloc(0) });
          return;
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
          response.destroy();
          reject(tooLarge(maxBytes, declared));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            reject(tooLarge(maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status, headers: flat, body: bytes.toString('utf8'), bytes });
        });
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
    });
}

export const fetchHttps: HttpsFetch = createHttpsFetch();
