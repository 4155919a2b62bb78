// The generic assignment detector: a high-entropy value assigned to a secret-like name is found
// in the assignment syntax of each common language and config format, and what is clearly code
// (identifiers, type names, references, calls, format strings, regex literals, templates) is not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_SECRET_DETECTORS, compileDetectors, scanText } from '../../../extension/core/detectors';
import { GENERIC_SYNTAXES, genericSecret } from './samples';

const compiled = compileDetectors(BUILTIN_SECRET_DETECTORS);

describe('generic-secret-assignment finds values in', () => {
  for (const [syntax, template] of Object.entries(GENERIC_SYNTAXES)) {
    test(syntax, () => {
      const value = template.includes('$V') ? genericSecret(syntax.length) : 'Tr0ub4dor&3x';
      const text = template.replace('$V', value);
      const matches = scanText(text, compiled);
      const m = matches.find((x) => x.detector === 'generic-secret-assignment');
      assert.ok(m, `not found; got ${matches.map((x) => x.detector).join(', ') || 'nothing'}`);
      assert.equal(text.slice(m.start, m.end), value);
    });
  }
});

const CODE = [
  'type ArrowToken = ArrowToken$1;',
  'export type KeyboardToken = TokenKind.Keyboard;',
  'const token = getToken(request);',
  'const apiKey = process.env.OPENAI_API_KEY;',
  'let secretKey = config.secretKey || defaultSecretKey;',
  'token: this.token,',
  'password = form.elements.namedItem("password")',
  'const tokenRe = /^[A-Za-z0-9_-]{20,40}$/;',
  'const keyPattern = "^[a-z0-9]{32}\\\\d+$";',
  'secret_fmt = "%s-%s-%d"',
  'key = "{0}-{1}-v2"',
  'tokenUrl: "https://login.example.com/oauth2/v2.0/token"',
  'password: ${{ secrets.DB_PASSWORD }}',
  'password: !vault |',
  'API_KEY = os.environ["ACME_API_KEY"]',
  'if (key === "ArrowDown") return;',
  'const key = `${prefix}:${userId}:v2`;',
  'primaryKey: "order_id2024"',
  'accessKeyId: AccessKeyIdentifier3,',
  'var tokenKind TokenKind = TokenKind2',
  'private String secretName = "billing/stripe-2";',
  'keyFile = "/etc/ssl/private/server2.key"',
  'password := hashPassword(password1)',
  'token_type = "Bearer"',
  'secret = SecretStr(secret_value1)',
  'key: Key1 = Key1.Enter',
  'token=token=token=token=token2',
  // Pairs whose value is a reference or a template.
  '- name: API_KEY\n  valueFrom:\n    secretKeyRef: {name: api, key: key}',
  '- name: API_TOKEN\n  value: ${{ secrets.API_TOKEN }}',
  '{"name": "token_type", "value": "Bearer12345678"}',
  // A query in a string starts with an assignment too.
  "'QUERY_STRING': 'key1=value1&key2=value2y',",
  'data = "key2=value2x&key3=value3&key4=value4"',
];

test('clear code is not reported', () => {
  const text = CODE.join('\n');
  const found = scanText(text, compiled).map((m) => `${m.detector}: ${text.slice(m.start, m.end)}`);
  assert.deepEqual(found, []);
});

// A keyword followed by a space and a word is where a type annotation (`token string = …`)
// may start; the search for its `=` must stay within the chars it reads. Unbounded, 2 MB of
// such prose took about 4 s (quadratic), 8 MB several minutes.
test('prose full of keywords without an `=` stays linear: 2 MB in well under a second and a half', () => {
  for (const unit of ['key word ', 'token: value ', 'password is ']) {
    const text = unit.repeat(Math.ceil((2 << 20) / unit.length));
    const started = performance.now();
    scanText(text, compiled);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1500, `${JSON.stringify(unit)}: ${elapsed.toFixed(0)} ms`);
  }
});

test('in a JSON string a value ends at an escaped line break, and a .netrc read as a tool result is found', () => {
  const value = genericSecret(3);
  const env = `{"content":"HOME=/root\\nSECRET_KEY=${value}\\nDEBUG=1\\n"}`;
  assert.deepEqual(scanText(env, compiled).map((m) => env.slice(m.start, m.end)), [value]);
  const netrc = JSON.stringify({ content: `machine github.com\n  login alice\n  password ${value}\n` });
  assert.deepEqual(scanText(netrc, compiled).map((m) => [m.detector, netrc.slice(m.start, m.end)]), [['netrc-password', value]]);
});
