// A small https GET for policy delivery: timeout, size cap, no redirects (a redirect to another
// host is exactly what a pinned URL must not follow), conditional headers, extra CAs for
// company-internal servers.
import { get as httpsGet } from 'node:https';

export interface HttpsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type HttpsFetch = (url: string, headers: Record<string, string>) => Promise<HttpsResponse>;

export interface HttpsFetchOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** Extra trusted CA certificates (PEM), e.g. a company CA; the system store stays trusted too via NODE_EXTRA_CA_CERTS. */
  ca?: string | string[];
}

export function createHttpsFetch(options: HttpsFetchOptions = {}): HttpsFetch {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  return (url, headers) =>
    new Promise((resolve, reject) => {
      if (!url.startsWith('https://')) {
        reject(new Error('only https URLs are fetched'));
        return;
      }
      const request = httpsGet(url, { timeout: timeoutMs, headers: { accept: 'application/json, text/plain', ...headers }, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
        const status = response.statusCode ?? 0;
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(response.headers)) if (typeof v === 'string') flat[k] = v;
        if (status !== 200) {
          response.resume();
          resolve({ status, headers: flat, body: '' });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            reject(new Error(`larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status, headers: flat, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
    });
}

export const fetchHttps: HttpsFetch = createHttpsFetch();
