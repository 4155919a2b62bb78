// Named destination groups: host globs (`*.openai.azure.com`, `llm.acme.internal:8443`) and
// URL prefixes (`https://llm.acme.com/v1/`). Compiled once; a request URL is parsed once.
import { nameGlobToRegExp } from './globs';

interface CompiledEntry {
  kind: 'host' | 'host-port' | 'prefix';
  regex?: RegExp;
  prefix?: string;
}

export interface ParsedDestination {
  href: string;
  hostname: string;
  hostPort: string;
}

/** The last URL parsed and its result: `airlock scan` asks about thousands of files, all for one destination. */
let lastParsed: { url: string; parsed: Readonly<ParsedDestination> | undefined } | undefined;

export function parseDestination(url: string): Readonly<ParsedDestination> | undefined {
  if (lastParsed?.url === url) return lastParsed.parsed;
  let parsed: Readonly<ParsedDestination> | undefined;
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    const hostname = u.hostname.toLowerCase();
    // Frozen: every caller of the same URL shares it.
    parsed = Object.freeze({ href: u.href, hostname, hostPort: `${hostname}:${port}` });
  } catch {
    parsed = undefined;
  }
  lastParsed = { url, parsed };
  return parsed;
}

export class DestinationGroup {
  private readonly entries: CompiledEntry[];

  constructor(readonly name: string, entries: readonly string[]) {
    this.entries = entries.map(compileEntry);
  }

  matches(dest: ParsedDestination | undefined): boolean {
    if (!dest) return false;
    for (const e of this.entries) {
      if (e.kind === 'prefix') {
        const prefix = e.prefix!;
        if (dest.href.startsWith(prefix)) {
          // `https://x/v1` must not match `https://x/v1evil`.
          const next = dest.href.charAt(prefix.length);
          if (prefix.endsWith('/') || next === '' || next === '/' || next === '?' || next === '#') return true;
        }
      } else if (e.regex!.test(e.kind === 'host' ? dest.hostname : dest.hostPort)) {
        return true;
      }
    }
    return false;
  }
}

/** Throws with a readable message when an entry is not a host glob or URL. */
export function compileEntry(entry: string): CompiledEntry {
  if (entry.includes('://')) {
    const url = new URL(entry);
    let prefix = url.href;
    // `new URL('https://x/v1').href` is `https://x/v1`; `https://x` becomes `https://x/`.
    if (!entry.endsWith('/') && prefix.endsWith('/') && url.pathname === '/' && !entry.replace(/^[a-z]+:\/\//i, '').includes('/')) {
      prefix = prefix.slice(0, -1);
    }
    return { kind: 'prefix', prefix };
  }
  if (!/^[A-Za-z0-9*.[\]:-]+$/.test(entry)) throw new Error(`"${entry}" is not a host glob or URL prefix`);
  const lower = entry.toLowerCase();
  if (/:\d+$|:\*$/.test(lower)) return { kind: 'host-port', regex: nameGlobToRegExp(lower) };
  return { kind: 'host', regex: nameGlobToRegExp(lower) };
}
