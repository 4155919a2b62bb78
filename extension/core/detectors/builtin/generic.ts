// Catch-alls for credentials without a recognisable format: high-entropy values assigned to
// key/secret/token/password-like names, and bearer tokens in Authorization headers. They
// have the lowest priority, so a specific detector wins any overlap.
//
// The assignment detector is a small hand-written reader rather than a regex: it has to know
// the assignment syntax of many languages and config formats (Go `var xToken string = "…"`,
// Kotlin/Rust/TS type annotations, PHP `.=` and `=>`, Ruby `:k =>`, Makefile `::=`, shell
// `export`, XML elements spanning lines and `<add key=… value=…/>`, `setProperty("K", "v")`,
// JSON/YAML/TOML/properties/.env) and to reject what is clearly code: identifiers, type names,
// member references, calls, format strings, regex literals and templates.
import type { DetectorSpec, MatchContext } from '../types';
import { shannonEntropy } from '../entropy';
import { isEscapedBlankLetter, pastColourCodes } from '../tokens';

/** Names that contain key/token/secret but hold something else. */
const NON_SECRET_NAME = /(?:public|pub_?key|tokeni[sz]|keyboard|keyof|keycode|keys?_?(?:id|name|path|file|type|size|length|len|format|prefix|alias|url|uri|ref|field|column|attr|spec|store_?type|usage|pair_?name|vault_?url|down|up|press|event|map|word|words|frame|s)$|key_?id$|token_?(?:type|url|uri|endpoint|name|path|file|expir|ttl|count|len|limit|kind|header|param|prefix|class|regex|pattern)|tokens$|secret_?(?:name|path|file|ref|arn|id|key_?ref|version|s)$|password_?(?:policy|length|hint|field|label|reset|url|min|max|rules?|input|prompt|strength|confirm|changed|expir|required|file|env|command|cmd)|passwd_?file|_?(?:hash|digest|checksum|integrity|hashed)$|sort_?key|primary_?key|foreign_?key|partition_?key|cache_?key|hot_?key|idempotency|lookup_?key|map_?key|dict_?key|row_?key|hash_?key|object_?key|s3_?key|storage_?key_?name|translation_?key|i18n_?key|message_?key|key_?(?:binding|stroke)|monkey|turkey|donkey|whiskey|hockey|jockey|passthrough|passage|passenger|compass|bypass|surpass)/i;

const MAX_NAME = 80;
const MAX_VALUE = 200;

/** [A-Za-z0-9_.-], and `$` when `dollar` (PHP variables, Java inner class names). */
function isNameCode(c: number, dollar: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || (dollar && c === 36);
}

/** Reads the assignment around a keyword hit; returns the value's span, or undefined. */
function matchAssignment(text: string, keywordStart: number, keywordEnd: number): { start: number; end: number } | undefined {
  // The whole name the keyword sits in.
  let nameStart = keywordStart;
  while (nameStart > 0 && keywordStart - nameStart < MAX_NAME && isNameCode(text.charCodeAt(nameStart - 1), true)) nameStart--;
  let p = keywordEnd;
  while (p < text.length && p - keywordEnd < MAX_NAME && isNameCode(text.charCodeAt(p), false)) p++;
  // A name/value pair, where the name is itself a value: Kubernetes' and ECS's env
  // (`- name: DB_PASSWORD` then `value: …` on the next line, `{"name": "DB_PASSWORD", "value": …}`).
  const paired = pairedValue(text, nameStart, p);
  if (paired) {
    const pairName = text.slice(nameStart, p);
    if (NON_SECRET_NAME.test(pairName)) return undefined;
    lastMatch = { text, start: paired.start, name: pairName };
    return paired;
  }
  // Colour codes after the name (`grep --color` marks the match: `KEY\x1b[m\x1b[K=…`).
  p = pastColourCodes(text, p);
  // Cheap rejection first: most keyword hits are followed by neither an operator nor a quote.
  const next = text.charCodeAt(p);
  if (next !== 61 && next !== 58 && next !== 32 && next !== 9 && next !== 34 && next !== 39 && next !== 96 && next !== 62 && next !== 93 && next !== 63 && next !== 46 && next !== 124 && next !== 44) return undefined;
  // The value first: most names have none (calls, types, comparisons), and the name test is
  // the costlier of the two (the name is not even copied out before).
  const span = readValue(text, nameStart, p);
  if (!span) return undefined;
  const name = text.slice(nameStart, p);
  if (NON_SECRET_NAME.test(name.startsWith('$') ? name.slice(1) : name)) return undefined;
  // Validation (right after, for the same span) needs the name; saves re-reading it backwards.
  lastMatch = { text, start: span.start, name };
  return span;
}

/** The name found by the last successful matchAssignment, for isGenericSecret. */
let lastMatch: { text: string; start: number; name: string } | undefined;

/** `name:` / `"name":` / `Name=` (and an opening quote) right before a name. */
const NAME_KEY = /(?:^|[^A-Za-z0-9_])["']?name["']?[ \t]{0,3}[:=][ \t]{0,3}["']?$/i;
/** Its closing quote, then `value:` / `, "value":`, on the same line or the next. */
const VALUE_KEY = /^["']?[ \t]{0,3},?[ \t]{0,3}(?:(?:\r?\n|(?:\\r)?\\n)[ \t]{0,16})?["']?value["']?[ \t]{0,3}[:=][ \t]{0,3}/i;

/** The value of a name/value pair whose name is text[nameStart, nameEnd), or undefined. */
function pairedValue(text: string, nameStart: number, nameEnd: number): { start: number; end: number } | undefined {
  const c = text.charCodeAt(nameEnd);
  // Cheap rejection first: a quote, a line break (also JSON-escaped) or a comma follows the name of a pair.
  if (c !== 34 && c !== 39 && c !== 10 && c !== 13 && c !== 44 && c !== 92) return undefined;
  if (!NAME_KEY.test(text.slice(Math.max(0, nameStart - 16), nameStart))) return undefined;
  const key = VALUE_KEY.exec(text.slice(nameEnd, nameEnd + 48));
  if (!key) return undefined;
  const p = nameEnd + key[0].length;
  const q = text[p];
  return q === '"' || q === "'" ? quotedValue(text, p + 1, q) : bareValue(text, p);
}

function readValue(text: string, nameStart: number, nameEnd: number): { start: number; end: number } | undefined {
  let p = nameEnd;
  const opener = text[nameStart - 1];

  // XML element: <password>value</password>, the value possibly on its own line(s).
  if (opener === '<' && text[p] === '>') return xmlElementValue(text, p + 1, text.slice(nameStart, nameEnd));

  let quoted = false;
  // A string that starts with an assignment is read as the text it holds: `"DB_PASSWORD=…"` (a
  // container's env in `docker inspect`), `"SECRET_KEY=…\nDEBUG=1"` (`cat .env` as a tool result).
  if ((opener === '"' || opener === "'" || opener === '`') && text[p] === opener) {
    quoted = true;
    p++;
    // <add key="ApiKey" value="…" />, <property name="password" value="…"/>
    const attribute = /^\s{1,4}value\s{0,2}=\s{0,2}(["'])/.exec(text.slice(p, p + 24));
    if (attribute) return quotedValue(text, p + attribute[0].length, attribute[1]!);
  }
  if (text[p] === ']') p++; // ENV["API_KEY"] = …, $cfg['secret'] = …
  p = skipSpaces(text, p);

  // Type annotations: `: String =`, `: &'static str =`, Go's `name string =`. They start with
  // `:` or a letter and end before an `=` within the 48 chars read.
  const first = text.charCodeAt(p);
  if (first === 58 || first === 95 || ((first | 32) >= 97 && (first | 32) <= 122)) {
    // Only the 48 chars read are searched: an unbounded indexOf at every keyword in prose
    // without an `=` read to the end of the text each time (quadratic: 8 MB of `key word` took
    // minutes).
    const head = text.slice(p, p + 48);
    if (head.includes('=')) {
      const typed = /^(?::\s{0,3}[&*]?(?:'static\s)?[A-Za-z_][\w.<>[\], ]{0,30}?|[A-Za-z_][\w.[\]*]{0,30})\s{0,4}(?==[^=~])/.exec(head);
      if (typed && !/^:\s*$/.test(typed[0])) p = skipSpaces(text, p + typed[0].length);
    }
  }

  const op = operatorAt(text, p);
  if (op === 0) return undefined;
  const comma = text.charCodeAt(p) === 44;
  const colon = op === 1 && text.charCodeAt(p) === 58;
  if (comma && !quoted) return undefined; // f(token, x) is a call, f("TOKEN", "x") a setter
  p = skipSpaces(text, p + op);
  if (colon && !quoted && text[p] === '\n') return undefined;

  // Value: quoted (with C#/Rust/Python prefixes), or a bare word (.env, YAML, properties, Makefile).
  if (PREFIX_CHARS.includes(text[p] ?? ' ') && QUOTES.includes(text[p + 1] ?? ' ')) p++;
  const q = text[p];
  if (q === '"' || q === "'" || q === '`') return quotedValue(text, p + 1, q);
  // In a string (see above), or after a query's `?` or `&`, a value ends at `&` too:
  // `"key1=value1&key2=value2"` is a query.
  return bareValue(text, p, (!quoted && QUOTES.includes(opener ?? ' ')) || opener === '&' || opener === '?');
}

const PREFIX_CHARS = '@rbuRBU';
const QUOTES = '"\'`';

/**
 * The length of the assignment operator at `p`, or 0: `::=`, `:=`, `?=`, `.=`, `||=`, `=>`, a
 * lone `=` (not `==`, `=~`) or `:` (not `::`), or `,` (in that order of preference).
 */
function operatorAt(text: string, p: number): number {
  const c0 = text.charCodeAt(p);
  const c1 = text.charCodeAt(p + 1);
  if (c0 === 58) {
    if (c1 === 58) return text.charCodeAt(p + 2) === 61 ? 3 : 0;
    return c1 === 61 ? 2 : 1;
  }
  if (c0 === 61) {
    if (c1 === 62) return 2;
    return c1 === 61 || c1 === 126 ? 0 : 1;
  }
  if ((c0 === 63 || c0 === 46) && c1 === 61) return 2;
  if (c0 === 124 && c1 === 124 && text.charCodeAt(p + 2) === 61) return 3;
  return c0 === 44 ? 1 : 0;
}

function skipSpaces(text: string, p: number): number {
  let i = p;
  while (i < text.length && i - p < 8 && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function quotedValue(text: string, start: number, quote: string): { start: number; end: number } | undefined {
  for (let i = start; i < text.length && i - start <= MAX_VALUE; i++) {
    const c = text[i];
    if (c === quote) return i > start ? { start, end: i } : undefined;
    if (c === '\\' || c === '\n') return undefined; // escapes and multi-line strings are decoded first
  }
  return undefined;
}

/** Chars that end a bare value: whitespace, quotes and punctuation (and ESC, see below). */
const BARE_VALUE_END = /[\s"'`,;(){}[\]<>]/;
/** BARE_VALUE_END for ASCII, as a table (this runs per char of every bare value), and a terminal's ESC (a colour code). */
const BARE_VALUE_END_ASCII = Uint8Array.from({ length: 128 }, (_, c) => (BARE_VALUE_END.test(String.fromCharCode(c)) || c === 27 ? 1 : 0));
const endsBareValue = (c: number) => (c < 128 ? BARE_VALUE_END_ASCII[c] === 1 : BARE_VALUE_END.test(String.fromCharCode(c)));

function bareValue(text: string, from: number, inString = false): { start: number; end: number } | undefined {
  // Past a colour code before the value (`DB_PASSWORD=\x1b[32m…`, captured terminal output).
  const start = pastColourCodes(text, from);
  let i = start;
  while (i < text.length && i - start <= MAX_VALUE && !endsBareValue(text.charCodeAt(i)) && !(inString && text.charCodeAt(i) === 38)) {
    // `=` only as trailing base64 padding: `a=b=c` is a chain of assignments, not one value.
    if (text[i] === '=' && !/^=*(?:[\s"'`,;)}\]]|\\[nrt]|$)/.test(text.slice(i, i + 4))) break;
    // An escaped line break or tab ends it as a blank would (a JSON string of lines).
    if (text.charCodeAt(i) === 92 && isEscapedBlankLetter(text.charCodeAt(i + 1))) break;
    i++;
  }
  if (i === start || i - start > MAX_VALUE) return undefined;
  // Followed by a call, an index or an operator: an expression, not a literal (a colour code
  // after it is none).
  const after = text[i];
  if ((after === '[' && text.charCodeAt(i - 1) !== 27) || after === '(' || after === '{') return undefined;
  if (/^[ \t]*(?:\+|\?\?|\|\||&&|\?|\*|\/|%|\.[A-Za-z])/.test(text.slice(i, i + 4))) return undefined;
  return { start, end: i };
}

function xmlElementValue(text: string, start: number, name: string): { start: number; end: number } | undefined {
  let s = start;
  while (s < text.length && s - start < 200 && /\s/.test(text[s]!)) s++;
  let e = s;
  while (e < text.length && e - s <= MAX_VALUE && text[e] !== '<' && text[e] !== '\n') e++;
  let close = e;
  while (close < text.length && close - e < 200 && /\s/.test(text[close]!)) close++;
  if (!text.startsWith(`</${name}>`, close) || e === s) return undefined;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return { start: s, end: e };
}

/** Segments of a value by case and digit changes: identifiers have long ones, random strings short. */
function meanSegmentLength(value: string): number {
  const segments = value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^A-Za-z0-9]+/g);
  return segments ? value.length / segments.length : value.length;
}

function charClasses(value: string): number {
  return Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9]/.test(value)) + Number(/[^A-Za-z0-9]/.test(value));
}

/** Values that are code or data rather than a credential. */
function looksLikeNonSecret(value: string): boolean {
  return (
    /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) || // member expression: process.env.TOKEN
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value) || // CONSTANT_NAME
    /^[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+$/.test(value) || // kebab/snake identifiers, config keys
    /^[a-z]{2,}(?:[A-Z][a-z]{2,}[0-9]{0,3})+$/.test(value) || // camelCase identifier made of words
    /^(?:[A-Z][a-z]{2,}[0-9]{0,3}){2,}(?:\$[0-9]+)?$/.test(value) || // PascalCase type name (ArrowToken$1)
    /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) || // a path
    /:\/\//.test(value) || // a URL (credentials in URLs have their own detectors)
    /\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env|jks|keystore|js|ts|py|go|rb|java|html|css|png|svg)$/i.test(value) || // a file name
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) || // a UUID
    /^(?:sha(?:1|256|384|512)|md5)[-:]/i.test(value) || // an integrity hash
    /^(?:sk|rk|pk)_test_|^pk_live_/.test(value) || // Stripe test-mode and publishable keys (found by their own detectors)
    /^(?:true|false|null|none|nil|undefined|yes|no|on|off)$/i.test(value) ||
    /^[0-9.:_-]+$/.test(value) || // numbers, versions, dates, ports
    /%[-+ #0]*[0-9]*(?:\.[0-9]*)?[sdifeEgGxXqvr]|\{[0-9]*\}|\{[a-z_]+\}|#\{|\$\{|\$\(|\{\{|<%/.test(value) || // format strings, templates
    /\\[dwsbDWSB]|\[\^|\(\?[:=!<]|\.[*+]\??|^\^|\$\/|^\/.*\/[gimsuy]*$/.test(value) || // regex literals
    /^\$[A-Za-z_{]|^%[A-Za-z_]+%$|^!(?:vault|Ref|Sub|GetAtt|secret)\b|^&|^\*[A-Za-z]/.test(value) || // $VAR, %VAR%, YAML tags/anchors
    /^(?:new|await|function|lambda|async|require|import|typeof|this|self|static|return)\b/.test(value)
  );
}

/** The assigned name: the identifier before the value (skipping quotes, types and the operator). */
function assignedName(context: MatchContext): string {
  const before = context.text.slice(Math.max(0, context.start - 160), context.start);
  return /([A-Za-z0-9_.$-]+)["'\]]?(?:\s*:\s*[&*]?[\w<>[\]., ']{1,30}?|\s+[A-Za-z_][\w.[\]*]{0,30})?\s*(?:::=|:=|\?=|\.=|\|\|=|=>|=|:|,)\s*[@rbuRBU]?["'`]?$/.exec(before)?.[1] ??
    /<([A-Za-z0-9_.:-]+)>\s*$/.exec(before)?.[1] ??
    /([A-Za-z0-9_.-]+)["']\s+value\s*=\s*["']$/.exec(before)?.[1] ??
    '';
}

function isGenericSecret(value: string, context: MatchContext): boolean {
  const name = lastMatch && lastMatch.text === context.text && lastMatch.start === context.start ? lastMatch.name : assignedName(context);
  const password = /pass|pwd/i.test(name);
  if (value.length < (password ? 8 : 10)) return false;
  if (/\s/.test(value) || looksLikeNonSecret(value)) return false;
  if (name.length > 2 && value.toLowerCase().includes(name.replace(/^\$/, '').toLowerCase())) return false; // type ArrowToken = ArrowToken$1
  if (!/[0-9]/.test(value) || charClasses(value) < 2) return false;
  const quoted = /["'`]$/.test(context.text.slice(Math.max(0, context.start - 1), context.start));
  // A bare word in code is an identifier unless it reads as random: short case/digit runs.
  if (!quoted && (/\$/.test(value) || meanSegmentLength(value) >= 3)) return false;
  if (meanSegmentLength(value) >= 4.5) return false;
  const entropy = shannonEntropy(value);
  return entropy >= (password ? 2.5 : value.length >= 20 ? 3.3 : 3);
}

export const GENERIC_DETECTORS: DetectorSpec[] = [
  {
    id: 'generic-secret-assignment',
    description: 'High-entropy value assigned to a key/secret/token/password-like name, in the assignment syntax of common languages and config formats',
    keywords: ['key', 'secret', 'token', 'pass', 'pwd', 'credential'],
    match: matchAssignment,
    validate: isGenericSecret,
    fps: [
      'const secretName = process.env.SECRET_NAME;\nconst token = getToken();\npassword: ${{ secrets.DB_PASSWORD }}',
      'type ArrowToken = ArrowToken$1;',
      'const tokenPattern = /^[A-Za-z0-9]{32}$/;\nconst keyRe = "\\\\d{4}-[a-z]+";',
      'log.info("token %s refreshed for %d", tokenId, userId)\nsecret_template = "{0}-{1}-{2}"',
      'apiKey: config.apiKey || defaultKey,\nkey = options.key ?? DEFAULT_KEY',
      'password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256',
    ],
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
