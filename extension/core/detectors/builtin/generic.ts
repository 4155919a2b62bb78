// Catch-alls for credentials without a recognisable format: high-entropy values assigned to
// key/secret/token/password-like names, and bearer tokens in Authorization headers. They
// have the lowest priority, so a specific detector wins any overlap.
import type { DetectorSpec, MatchContext } from '../types';

/** Names that contain key/token/secret but hold something else. */
const NON_SECRET_NAME = /(?:public|pub_?key|tokeni[sz]|keyboard|keyof|keycode|key_?id$|keys?_?(?:name|path|file|type|size|length|format|prefix|alias|url|uri|ref)|token_?(?:type|url|uri|endpoint|name|path|file|expir|ttl|count|len)|secret_?(?:name|path|file|ref|arn|id)$|password_?(?:policy|length|hint|field|label|reset|url|min|max|rules?)|_?(?:hash|digest|checksum|integrity)$|sort_?key|primary_?key|foreign_?key|partition_?key|cache_?key|hot_?key|idempotency)/i;

/** Values that are code or data rather than a credential. */
function looksLikeNonSecret(value: string): boolean {
  return (
    /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) || // member expression: process.env.TOKEN
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value) || // CONSTANT_NAME
    /^[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+$/.test(value) || // kebab/snake identifiers, config keys
    /^[a-z]{2,}(?:[A-Z][a-z]{2,}[0-9]{0,3})+$/.test(value) || // camelCase identifier made of words
    /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) || // a path
    /:\/\//.test(value) || // a URL (credentials in URLs have their own detectors)
    /\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env|jks|keystore)$/i.test(value) || // a file name
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) || // a UUID
    /^sha(?:1|256|384|512)-/.test(value) || // an integrity hash
    /^(?:sk|rk|pk)_test_|^pk_live_/.test(value) || // Stripe test-mode and publishable keys (not secret)
    /^(?:true|false|null|none|nil|undefined)$/i.test(value) ||
    /^[0-9.:_-]+$/.test(value) // numbers, versions, dates, ports
  );
}

function charClasses(value: string): number {
  return Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9]/.test(value)) + Number(/[^A-Za-z0-9]/.test(value));
}

/** The assigned name: the identifier just before the separator that precedes the value. */
function assignedName(context: MatchContext): string {
  const before = context.text.slice(Math.max(0, context.start - 120), context.start);
  return /([A-Za-z0-9_.-]+)["'\]]?\s*(?:=|:=|:|=>|\?=)\s*["'`]?$/.exec(before)?.[1] ?? '';
}

export const GENERIC_DETECTORS: DetectorSpec[] = [
  {
    id: 'generic-secret-assignment',
    description: 'High-entropy value assigned to a key/secret/token/password-like name',
    keywords: ['key', 'secret', 'token', 'passw', 'pwd', 'credential'],
    pattern:
      /(?:key|secret|token|passw(?:or)?d?|pwd|credentials?)[A-Za-z0-9_.-]{0,30}?["'\]]?\s{0,4}(?:=|:=|:|=>|\?=)\s{0,4}["'`]?(?<secret>[^\s"'`,;(){}[\]<>]{10,200})(?=["'`\s,;)}\]]|$)/i,
    secretGroup: 'secret',
    minLength: 10,
    minEntropy: 3,
    validate: (value, context) => charClasses(value) >= 2 && /[0-9]/.test(value) && !looksLikeNonSecret(value) && !NON_SECRET_NAME.test(assignedName(context)),
    priority: 0,
  },
  {
    id: 'bearer-token',
    description: 'Bearer token in an Authorization header',
    keywords: ['bearer '],
    pattern: /Bearer\s{1,4}(?<secret>[A-Za-z0-9._~+/-]{20,2000}=*)(?![A-Za-z0-9._~+/=-])/i,
    secretGroup: 'secret',
    minEntropy: 3.5,
    validate: (value) => charClasses(value) >= 2 && /[0-9]/.test(value) && !looksLikeNonSecret(value),
    priority: 5,
  },
];
