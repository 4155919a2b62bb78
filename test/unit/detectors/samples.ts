// Fake credentials for every built-in detector, generated from a seeded PRNG at run time so no
// scannable literal token lives in the repository sources. Shared by the unit tests, the
// fixture generator (test/fixtures/secrets/generate.ts) and the benchmark.

import { BUILTIN_SECRET_DETECTORS, type DetectorSpec } from '../../../extension/core/detectors';
import { base62, crc32 } from '../../../extension/core/detectors/checksum';
import { charsetChars, shapeSource } from '../../../extension/core/detectors/shape';

/** A deterministic PRNG (mulberry32). */
export type Rng = () => number;
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Always picks the first character of a charset: turns any format into an obvious non-secret. */
export const degenerateRng: Rng = () => 0;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const URLSAFE = ALNUM + '_-';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

export function pick(r: Rng, charset: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += charset[Math.floor(r() * charset.length)];
  return s;
}
const alnum = (r: Rng, n: number) => pick(r, ALNUM, n);
const hex = (r: Rng, n: number) => pick(r, HEX, n);
const b64 = (r: Rng, n: number) => pick(r, B64, n);
// Keep the last char alphanumeric so a value never ends in `-`/`_` (looks like a cut token).
const urlsafe = (r: Rng, n: number) => pick(r, URLSAFE, n - 1) + pick(r, ALNUM, 1);
const digits = (r: Rng, n: number) => pick(r, '123456789', 1) + pick(r, DIGITS, n - 1);
const base64url = (s: string) => Buffer.from(s).toString('base64url');
const uuid = (r: Rng) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;

function pemBody(r: Rng, lines: number, joiner: string): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(b64(r, 64));
  out.push(`${b64(r, 40)}==`);
  return out.join(joiner);
}
const pem = (label: string) => (r: Rng) => `-----BEGIN ${label}-----\n${pemBody(r, 8, '\n')}\n-----END ${label}-----`;

/**
 * How a sample is embedded: `assign` puts the value in a `NAME = value` statement of the file's
 * language; `block` is multi-line text placed as-is (the value occurs inside it).
 */
export interface Sample {
  detector: string;
  /** Generates the secret value (what the detector must report). */
  value: (r: Rng) => string;
  /** For `assign`: the variable name (SCREAMING_CASE; lower-cased in YAML/TOML/JSON). */
  name?: string;
  /** For blocks: the surrounding text; `value` is inserted where `$VALUE` is. */
  block?: string;
  /** File kinds this sample can live in (default: any). */
  kinds?: readonly FileKind[];
  /** A text this detector must NOT report (documented placeholder, template, test key…). */
  negative?: string;
}

export type FileKind = 'ts' | 'py' | 'go' | 'yaml' | 'toml' | 'properties' | 'env' | 'json';
export const FILE_KINDS: readonly FileKind[] = ['ts', 'py', 'go', 'yaml', 'toml', 'properties', 'env', 'json'];

const PUTTY = (r: Rng) =>
  [
    'PuTTY-User-Key-File-3: ssh-rsa',
    'Encryption: none',
    'Comment: deploy@build-07',
    'Public-Lines: 2',
    b64(r, 64),
    `${b64(r, 40)}=`,
    'Private-Lines: 3',
    b64(r, 64),
    b64(r, 64),
    `${b64(r, 20)}==`,
    `Private-MAC: ${hex(r, 64)}`,
  ].join('\n');

const JWT = (r: Rng) =>
  `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify({ sub: digits(r, 8), role: 'admin', iat: 1718000000 + Math.floor(r() * 1e6) }))}.${urlsafe(r, 43)}`;

/** Samples written by hand, for detectors whose value has no simple shape (or needs context). */
const HANDWRITTEN: readonly Sample[] = [
  { detector: 'aws-access-key-id', value: (r) => `AKIA${pick(r, BASE32, 16)}`, name: 'AWS_ACCESS_KEY_ID', negative: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE' },
  { detector: 'aws-secret-access-key', value: (r) => b64(r, 40), name: 'AWS_SECRET_ACCESS_KEY', negative: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { detector: 'aws-session-token', value: (r) => `IQoJb3JpZ2luX2VjE${b64(r, 300)}`, name: 'AWS_SESSION_TOKEN', negative: 'AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE…' },
  {
    detector: 'gcp-service-account-key',
    value: (r) => `-----BEGIN PRIVATE KEY-----\\n${pemBody(r, 8, '\\n')}\\n-----END PRIVATE KEY-----\\n`,
    kinds: ['json'],
    block: '{\n  "type": "service_account",\n  "project_id": "acme-billing-prod",\n  "private_key_id": "3f9c2a7d41e0b8c6a5d4e3f2a1b0c9d8e7f6a5b4",\n  "private_key": "$VALUE",\n  "client_email": "billing-sync@acme-billing-prod.iam.gserviceaccount.com",\n  "client_id": "104857392016473829105"\n}',
    negative: '{ "type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n", "client_email": "sa@project.iam.gserviceaccount.com" }',
  },
  { detector: 'google-api-key', value: (r) => `AIza${urlsafe(r, 35)}`, name: 'GOOGLE_MAPS_KEY', negative: 'const mapsKey = "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";' },
  { detector: 'gcp-oauth-client-secret', value: (r) => `GOCSPX-${urlsafe(r, 28)}` , name: 'GOOGLE_CLIENT_SECRET' },
  { detector: 'gcp-oauth-access-token', value: (r) => `ya29.${urlsafe(r, 120)}`, name: 'GCLOUD_ACCESS' },
  {
    detector: 'azure-storage-connection-string',
    value: (r) => `${b64(r, 86)}==`,
    block: 'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeassets;AccountKey=$VALUE;EndpointSuffix=core.windows.net"',
    kinds: ['env', 'properties', 'toml'],
    negative: 'UseDevelopmentStorage=true; AccountKey=<your-account-key>',
  },
  { detector: 'azure-storage-account-key', value: (r) => `${b64(r, 86)}==`, name: 'AZURE_STORAGE_ACCOUNT_KEY' },
  { detector: 'azure-ad-client-secret', value: (r) => `${alnum(r, 3)}8Q~${pick(r, ALNUM + '_~.-', 33)}${alnum(r, 1)}`, name: 'AAD_APP_CREDENTIAL' },
  { detector: 'azure-client-secret-assignment', value: (r) => alnum(r, 36), name: 'AZURE_CLIENT_SECRET', negative: 'AZURE_CLIENT_SECRET=${AZURE_CLIENT_SECRET}' },
  { detector: 'digitalocean-token', value: (r) => `dop_v1_${hex(r, 64)}`, name: 'DIGITALOCEAN_ACCESS' },
  { detector: 'heroku-api-key', value: uuid, name: 'HEROKU_API_KEY', negative: 'HEROKU_API_KEY=00000000-0000-0000-0000-000000000000' },
  { detector: 'heroku-platform-token', value: (r) => `HRKU-${urlsafe(r, 60)}`, name: 'HEROKU_PLATFORM' },
  { detector: 'github-pat-fine-grained', value: (r) => `github_pat_${alnum(r, 22)}_${alnum(r, 59)}`, name: 'GH_FINE_GRAINED' },
  { detector: 'gitlab-pat', value: (r) => `glpat-${urlsafe(r, 20)}`, name: 'GITLAB_PAT', negative: 'GITLAB_TOKEN=glpat-<your-token-here>' },
  { detector: 'gitlab-runner-token', value: (r) => `glrt-${urlsafe(r, 26)}`, name: 'CI_RUNNER_AUTH' },
  { detector: 'gitlab-deploy-token', value: (r) => `gldt-${urlsafe(r, 20)}`, name: 'GITLAB_DEPLOY' },
  { detector: 'gitlab-pipeline-trigger-token', value: (r) => `glptt-${hex(r, 40)}`, name: 'GITLAB_TRIGGER' },
  { detector: 'atlassian-api-token', value: (r) => `ATATT3xFfGF0${urlsafe(r, 170)}=${hex(r, 8).toUpperCase()}`, name: 'JIRA_API' },
  { detector: 'linear-api-key', value: (r) => `lin_api_${alnum(r, 40)}`, name: 'LINEAR_API' },
  { detector: 'slack-bot-token', value: (r) => `xoxb-${digits(r, 12)}-${digits(r, 13)}-${alnum(r, 24)}`, name: 'SLACK_BOT', negative: 'SLACK_BOT_TOKEN=xoxb-your-bot-token' },
  { detector: 'slack-user-token', value: (r) => `xoxp-${digits(r, 12)}-${digits(r, 12)}-${digits(r, 13)}-${hex(r, 32)}`, name: 'SLACK_USER' },
  { detector: 'slack-app-token', value: (r) => `xapp-1-A${pick(r, UPPER + DIGITS, 10)}-${digits(r, 13)}-${hex(r, 64)}`, name: 'SLACK_APP' },
  { detector: 'slack-webhook-url', value: (r) => `T${pick(r, UPPER + DIGITS, 10)}/B${pick(r, UPPER + DIGITS, 10)}/${alnum(r, 24)}`, block: 'SLACK_ALERTS_HOOK = "https://hooks.slack.com/services/$VALUE"', kinds: ['py', 'toml', 'env'], negative: 'webhook: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX' },
  {
    detector: 'discord-bot-token',
    value: (r) => `${Buffer.from(digits(r, 18)).toString('base64')}.${urlsafe(r, 6)}.${urlsafe(r, 38)}`,
    name: 'DISCORD_BOT',
    negative: 'DISCORD_BOT_TOKEN = "MTAxMDEwMTAxMDEwMTAxMDEw.XXXXXX.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
  },
  { detector: 'discord-webhook-url', value: (r) => urlsafe(r, 68), block: 'DISCORD_WEBHOOK = "https://discord.com/api/webhooks/1187345098123456789/$VALUE"', kinds: ['py', 'env', 'toml'] },
  { detector: 'telegram-bot-token', value: (r) => `${digits(r, 10)}:AA${urlsafe(r, 33)}`, name: 'TELEGRAM_BOT', negative: 'TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
  { detector: 'twilio-api-key', value: (r) => `SK${hex(r, 32)}`, name: 'TWILIO_API_SID' },
  { detector: 'twilio-auth-token', value: (r) => hex(r, 32), name: 'TWILIO_AUTH_TOKEN', negative: 'TWILIO_AUTH_TOKEN=your_auth_token' },
  { detector: 'sendgrid-api-key', value: (r) => `SG.${urlsafe(r, 22)}.${urlsafe(r, 43)}`, name: 'SENDGRID' },
  { detector: 'mailgun-api-key', value: (r) => `key-${hex(r, 32)}`, name: 'MAILGUN_PRIVATE' },
  { detector: 'mailchimp-api-key', value: (r) => `${hex(r, 32)}-us${1 + Math.floor(r() * 20)}`, name: 'MAILCHIMP' },
  { detector: 'stripe-secret-key', value: (r) => `sk_live_${alnum(r, 99)}`, name: 'STRIPE_SECRET', negative: `STRIPE_SECRET_KEY=sk_test_${'4eC39HqLyjWDarjtT1zdp7dc'}` },
  { detector: 'stripe-restricted-key', value: (r) => `rk_live_${alnum(r, 99)}`, name: 'STRIPE_RESTRICTED' },
  { detector: 'stripe-webhook-secret', value: (r) => `whsec_${alnum(r, 32)}`, name: 'STRIPE_WEBHOOK' },
  { detector: 'square-access-token', value: (r) => `EAAA${urlsafe(r, 60)}`, name: 'SQUARE_ACCESS' },
  { detector: 'square-oauth-secret', value: (r) => `sq0csp-${urlsafe(r, 43)}`, name: 'SQUARE_APP' },
  { detector: 'shopify-access-token', value: (r) => `shpat_${hex(r, 32)}`, name: 'SHOPIFY_ADMIN' },
  { detector: 'shopify-shared-secret', value: (r) => `shpss_${hex(r, 32)}`, name: 'SHOPIFY_APP' },
  { detector: 'openai-api-key', value: (r) => `sk-proj-${urlsafe(r, 74)}T3BlbkFJ${urlsafe(r, 74)}`, name: 'OPENAI', negative: 'OPENAI_API_KEY="sk-..."' },
  { detector: 'openai-project-key', value: (r) => `sk-proj-${urlsafe(r, 156)}`, name: 'OPENAI_PROJECT' },
  { detector: 'anthropic-api-key', value: (r) => `sk-ant-api03-${urlsafe(r, 93)}AA`, name: 'ANTHROPIC', negative: 'ANTHROPIC_API_KEY=sk-ant-api03-...' },
  { detector: 'anthropic-admin-key', value: (r) => `sk-ant-admin01-${urlsafe(r, 93)}AA`, name: 'ANTHROPIC_ADMIN' },
  { detector: 'huggingface-token', value: (r) => `hf_${pick(r, UPPER + LOWER, 34)}`, name: 'HF', negative: 'from huggingface_hub import hf_hub_download' },
  { detector: 'pypi-token', value: (r) => `pypi-AgEIcHlwaS5vcmc${urlsafe(r, 150)}`, name: 'PYPI_UPLOAD' },
  { detector: 'datadog-api-key', value: (r) => hex(r, 32), name: 'DD_API_KEY' },
  { detector: 'newrelic-api-key', value: (r) => `NRAK-${pick(r, UPPER + DIGITS, 27)}`, name: 'NEW_RELIC_USER' },
  { detector: 'newrelic-license-key', value: (r) => `${hex(r, 36)}NRAL`, name: 'NEW_RELIC_LICENSE' },
  { detector: 'sentry-dsn', value: (r) => hex(r, 32), block: 'SENTRY_DSN = "https://$VALUE@o450123.ingest.us.sentry.io/4507012345678"', kinds: ['py', 'env', 'toml', 'ts'] },
  { detector: 'sentry-auth-token', value: (r) => `sntryu_${hex(r, 64)}`, name: 'SENTRY_AUTH' },
  { detector: 'databricks-token', value: (r) => `dapi${hex(r, 32)}`, name: 'DATABRICKS' },
  { detector: 'notion-token', value: (r) => `ntn_${digits(r, 11)}${alnum(r, 34)}Q`, name: 'NOTION_INTEGRATION' },
  { detector: 'doppler-token', value: (r) => `dp.st.prd.${alnum(r, 43)}`, name: 'DOPPLER' },
  { detector: 'vault-token', value: (r) => `hvs.CAESI${urlsafe(r, 86)}`, name: 'VAULT', negative: 'VAULT_TOKEN=hvs.xxxxxxxxxxxxxxxxxxxxxxxx' },
  { detector: 'age-secret-key', value: (r) => `AGE-SECRET-KEY-1${pick(r, BECH32, 58)}`, name: 'AGE_IDENTITY' },
  { detector: 'private-key-rsa', value: pem('RSA PRIVATE KEY'), block: '$VALUE', negative: '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----' },
  { detector: 'private-key-ec', value: pem('EC PRIVATE KEY'), block: '$VALUE' },
  { detector: 'private-key-dsa', value: pem('DSA PRIVATE KEY'), block: '$VALUE' },
  { detector: 'private-key-pkcs8', value: pem('PRIVATE KEY'), block: '$VALUE' },
  { detector: 'private-key-pkcs8-encrypted', value: pem('ENCRYPTED PRIVATE KEY'), block: '$VALUE' },
  { detector: 'private-key-openssh', value: pem('OPENSSH PRIVATE KEY'), block: '$VALUE' },
  {
    detector: 'private-key-truncated',
    // The first five lines of a key, as `head -6` prints them.
    value: (r) => `-----BEGIN PRIVATE KEY-----\n${pemBody(r, 5, '\n').split('\n').slice(0, 5).join('\n')}`,
    block: '$ head -6 deploy/key.pem\n$VALUE\n$ ',
    negative: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n(truncated)\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n',
  },
  { detector: 'pgp-private-key-block', value: (r) => `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${pemBody(r, 8, '\n')}\n=${b64(r, 4)}\n-----END PGP PRIVATE KEY BLOCK-----`, block: '$VALUE' },
  { detector: 'private-key-putty', value: PUTTY, block: '$VALUE', negative: 'PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: <your key>\nPrivate-MAC: <mac>' },
  {
    detector: 'jwt',
    value: JWT,
    name: 'SESSION_JWT',
    negative: 'const example = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";',
  },
  {
    detector: 'database-url-password',
    value: (r) => alnum(r, 20),
    block: 'DATABASE_URL = "postgresql://orders_svc:$VALUE@orders-db.prod.acme.internal:5432/orders?sslmode=require"',
    kinds: ['py', 'env', 'toml', 'yaml', 'ts'],
    negative: 'DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev\nMONGO_URL=mongodb+srv://${MONGO_USER}:${MONGO_PASSWORD}@cluster0.mongodb.net/app',
  },
  {
    detector: 'url-basic-auth',
    value: (r) => alnum(r, 24),
    block: 'ARTIFACTS_MIRROR = "https://ci-bot:$VALUE@artifacts.acme.internal/repository/pypi/simple"',
    kinds: ['py', 'env', 'toml', 'yaml', 'ts'],
    negative: 'url = "https://user:password@host.example/path"',
  },
  { detector: 'generic-secret-assignment', value: (r) => `${alnum(r, 30)}9k`, name: 'PAYMENTS_SIGNING_SECRET', negative: 'const secretName = process.env.SECRET_NAME;\nconst token = getToken();\npassword: ${{ secrets.DB_PASSWORD }}' },
  {
    detector: 'jwt-base64',
    value: (r) => Buffer.from(JWT(r)).toString('base64'),
    block: 'apiVersion: v1\nkind: Secret\ndata:\n  session: $VALUE',
    kinds: ['yaml', 'env', 'py'],
    negative: 'data:\n  config: ZXlKaGJHY2lPaUo=',
  },
  { detector: 'private-key-base64', value: (r) => Buffer.from(pem('RSA PRIVATE KEY')(r)).toString('base64'), name: 'TLS_KEY_B64' },
  {
    detector: 'private-key-ssh2-encrypted',
    value: (r) => `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "rsa-key-20260101"\n${pemBody(r, 6, '\n')}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----`,
    block: '$VALUE',
  },
  {
    detector: 'openvpn-static-key',
    value: (r) => `-----BEGIN OpenVPN Static key V1-----\n${Array.from({ length: 16 }, () => hex(r, 32)).join('\n')}\n-----END OpenVPN Static key V1-----`,
    block: '$VALUE',
  },
  {
    detector: 'npmrc-basic-auth',
    value: (r) => Buffer.from(`ci-bot:${pick(r, ALNUM, 20)}`).toString('base64'),
    block: 'registry=https://artifacts.acme.internal/api/npm/npm/\nalways-auth=true\nemail=ci-bot@acme.example\n_auth=$VALUE\n',
    negative: '_auth=${NPM_AUTH}\n_auth=dXNlcjpwYXNzd29yZA==',
  },
  {
    detector: 'docker-config-auth',
    value: (r) => Buffer.from(`ci-bot:${alnum(r, 24)}`).toString('base64'),
    block: '{ "auths": { "registry.acme.internal": { "auth": "$VALUE" } } }',
    kinds: ['json', 'ts', 'py'],
    negative: '{ "auths": { "registry.acme.internal": { "auth": "dXNlcjpwYXNzd29yZA==" } } }',
  },
  { detector: 'bearer-token', value: (r) => `${alnum(r, 40)}7`, block: 'curl -H "Authorization: Bearer $VALUE" https://api.acme.internal/v1/orders', kinds: ['ts', 'py', 'go', 'env'], negative: 'curl -H "Authorization: Bearer $TOKEN" https://api.example.com' },
];

/** A sample generated from a detector's documented shape (and its checksum, if any). */
export function sampleFromSpec(spec: DetectorSpec): Sample | undefined {
  const shape = spec.shape;
  if (!shape) return undefined;
  const context = spec.sampleContext;
  const value = (r: Rng): string => {
    let out = '';
    for (const part of shape) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const n = typeof part.n === 'number' ? part.n : part.n[0] + Math.floor(r() * (part.n[1] - part.n[0] + 1));
      out += pick(r, charsetChars(part.set), n);
    }
    if (spec.checksum === 'crc32-base62') {
      const cut = out.indexOf('_') + 1;
      const random = out.slice(cut, out.length - 6);
      out = out.slice(0, cut) + random + base62(crc32(random), 6);
    }
    return out;
  };
  const sample: Sample = { detector: spec.id, value };
  if (context?.includes('$VALUE')) {
    sample.block = context;
    if (!context.includes('\n')) sample.kinds = ['py', 'env', 'toml', 'ts', 'go'];
  } else {
    sample.name = context ?? spec.id.toUpperCase().replace(/-/g, '_');
  }
  if (spec.fps?.length) sample.negative = spec.fps.join('\n');
  return sample;
}

/**
 * False positives derived from a shape: every random run one char too short (a truncated or
 * mistyped token), and every run filled with `x` (a documentation placeholder). Same context.
 */
export function lookalikesFromSpec(spec: DetectorSpec, r: Rng): string[] {
  const shape = spec.shape;
  const sample = sampleFromSpec(spec);
  if (!shape || !sample) return [];
  const render = (value: string) => (sample.block ? sample.block.replace('$VALUE', value) : `const ${sample.name ?? 'SECRET'} = "${value}";`);
  const build = (run: (set: string, n: number) => string) =>
    shape.map((part) => (typeof part === 'string' ? part : run(charsetChars(part.set), typeof part.n === 'number' ? part.n : part.n[0]))).join('');
  const placeholder = render(build((_set, n) => 'x'.repeat(n)));
  // Truncation is a lookalike only where the pattern is exactly the documented shape (not a range around it).
  if (!spec.pattern?.source.includes(shapeSource(shape))) return [placeholder];
  return [render(build((set, n) => pick(r, set, Math.max(0, n - 1)))), placeholder];
}

/** One sample per built-in detector, in pack order: the handwritten one, else one from its shape. */
export const SAMPLES: readonly Sample[] = BUILTIN_SECRET_DETECTORS.map((spec) => {
  const written = HANDWRITTEN.find((s) => s.detector === spec.id);
  const derived = sampleFromSpec(spec);
  const sample = written ?? derived;
  if (!sample) throw new Error(`no sample for built-in detector ${spec.id}`);
  return sample;
});

/** Handwritten samples whose detector is not in the pack (a renamed or removed id). */
export const ORPHAN_SAMPLES = HANDWRITTEN.filter((s) => !BUILTIN_SECRET_DETECTORS.some((d) => d.id === s.detector)).map((s) => s.detector);

/** The sample as one snippet of code: the text and where the value sits in it. */
export function renderSample(sample: Sample, r: Rng): { text: string; value: string; start: number } {
  const value = sample.value(r);
  const text = sample.block ? sample.block.replace('$VALUE', value) : `const ${sample.name ?? 'SECRET'} = "${value}";`;
  return { text, value, start: text.indexOf(value) };
}

/** A random value with a digit in it (the generic detector wants one), shaped like no provider's token. */
export function genericSecret(seed: number): string {
  return `${pick(rng(seed), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 27)}7Qz`;
}

/** One assignment per syntax the generic detector reads; `$V` is the value. */
export const GENERIC_SYNTAXES: Record<string, string> = {
  '.env as a JSON tool result (`cat .env`), the secret on its first line': '{"type":"tool_result","content":"SECRET_KEY=$V\\nDEBUG=1\\n"}',
  "a container's env in `docker inspect`": '"Env": ["PATH=/usr/local/bin", "DB_PASSWORD=$V"]',
  'terminal output with colour codes (a CI log echoing a script)': '2024-05-01T10:00:00.1234567Z \x1b[36;1mexport DB_PASSWORD=$V\x1b[0m',
  'a colour code between the name and the value': 'DB_PASSWORD=\x1b[32m$V\x1b[0m',
  '`grep --color` output (the name marked)': '.env:\x1b[01;31m\x1b[KSECRET_KEY\x1b[m\x1b[K=$V',
  "Kubernetes env (`kubectl get deploy -o yaml`)": '        env:\n        - name: DB_PASSWORD\n          value: $V\n',
  'ECS / Terraform env pairs (JSON)': '"environment": [{"name": "STRIPE_WEBHOOK_SECRET", "value": "$V"}]',
  'Go var with type': 'var webhookToken string = "$V"',
  'Go short assignment': 'signingSecret := "$V"',
  'Go struct field': 'cfg := Config{APIKey: "$V"}',
  'Java field': 'private static final String API_SECRET = "$V";',
  'Java System.setProperty': 'System.setProperty("PAYMENTS_TOKEN", "$V");',
  'Kotlin typed val': 'val clientSecret: String = "$V"',
  'C# verbatim string': 'public const string ApiKey = @"$V";',
  'C# property initializer': 'options.ClientSecret = "$V";',
  'PHP variable': "$apiKey = '$V';",
  'PHP append': "$signingKey .= '$V';",
  'PHP array': "'api_secret' => '$V',",
  'Ruby symbol hash': ':auth_token => "$V",',
  'Ruby keyword hash': "auth_token: '$V',",
  'Rust const': 'const API_TOKEN: &str = "$V";',
  'Rust let with static str': "let secret: &'static str = \"$V\";",
  'shell export': 'export DEPLOY_TOKEN=$V',
  'shell quoted': "DEPLOY_TOKEN='$V'",
  'Makefile ::=': 'REGISTRY_PASSWORD ::= $V',
  'Makefile ?=': 'REGISTRY_PASSWORD ?= $V',
  'Terraform / HCL': 'resource "x" "y" {\n  api_key = "$V"\n}',
  'XML element': '<apiKey>$V</apiKey>',
  'XML element spanning lines': '<config>\n  <clientSecret>\n    $V\n  </clientSecret>\n</config>',
  'XML appSettings': '<add key="ClientSecret" value="$V" />',
  properties: 'payments.signing.secret=$V',
  'properties with colon': 'payments.signing.secret: $V',
  TOML: 'webhook_secret = "$V"',
  'YAML bare': 'webhook_secret: $V',
  'YAML quoted': 'webhook_secret: "$V"',
  '.env': 'WEBHOOK_SECRET=$V',
  JSON: '{ "webhookSecret": "$V" }',
  Python: 'WEBHOOK_SECRET = "$V"',
  'Python os.environ': 'os.environ["WEBHOOK_SECRET"] = "$V"',
  'JavaScript object': 'const cfg = { accessToken: `$V` };',
  'password field': 'db_password = "Tr0ub4dor&3x"',
};

/** A GitHub classic token with a valid CRC32 (generated; not a real token). */
export function fakeGithubToken(seed: number): string {
  return SAMPLES.find((s) => s.detector === 'github-pat-classic')!.value(rng(seed));
}

export interface DecodingCase {
  name: string;
  /** The text, the encoded form of the secret inside it (what must be reported) and the detector. */
  build: (seed: number) => { text: string; encoded: string; detector: string };
}

/** A sample AWS secret key with a `/` at chars 9 and 25 (the chars JSON and URL encoding escape). */
const withSlashes = (secret: string) => `${secret.slice(0, 9)}/${secret.slice(10, 25)}/${secret.slice(26)}`;

/** One case per decoding the scanner performs. */
const base64Of = (text: string) => Buffer.from(text).toString('base64');
/** The base64 chars that encode decoded chars [from, to): whole 4-char groups. */
const groupsOf = (from: number, to: number): [number, number] => [Math.floor(from / 3) * 4, Math.ceil(to / 3) * 4];

export const DECODING_CASES: readonly DecodingCase[] = [
  {
    name: 'string literals concatenated across lines',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const encoded = `${t.slice(0, 20)}" +\n    "${t.slice(20)}`;
      return { text: `const deployToken = "${encoded}";\n`, encoded, detector: 'github-pat-classic' };
    },
  },
  {
    name: 'adjacent string literals on one line (Python, C: one string, no operator)',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const encoded = `${t.slice(0, 20)}" "${t.slice(20)}`;
      return { text: `DEPLOY = ("${encoded}")\n`, encoded, detector: 'github-pat-classic' };
    },
  },
  {
    name: 'JavaScript template literals concatenated',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const encoded = `${t.slice(0, 20)}\` + \`${t.slice(20)}`;
      return { text: `const deploy = \`${encoded}\`;\n`, encoded, detector: 'github-pat-classic' };
    },
  },
  {
    name: 'a shell line continuation inside a value (backslash, line break)',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const encoded = `${t.slice(0, 20)}\\\n${t.slice(20)}`;
      return { text: `export GITHUB_TOKEN=${encoded}\n./deploy.sh\n`, encoded, detector: 'github-pat-classic' };
    },
  },
  {
    name: "a .env's private key in a JSON transcript line (`cat .env` as a tool result: the key's escaped line breaks escaped again, single quotes)",
    build: (seed) => {
      const key = SAMPLES.find((s) => s.detector === 'private-key-pkcs8')!.value(rng(seed)).replaceAll('\n', '\\n');
      const text = `${JSON.stringify({ type: 'tool_result', content: `FIREBASE_PROJECT_ID=acme-prod\nFIREBASE_PRIVATE_KEY='${key}'\n` })}\n`;
      return { text, encoded: key.replaceAll('\\', '\\\\'), detector: 'private-key-pkcs8' };
    },
  },
  {
    name: 'HTML character references (an AWS key pair in a page, every / as &#x2F;)',
    build: (seed) => {
      const secret = withSlashes(SAMPLES.find((s) => s.detector === 'aws-secret-near-access-key-id')!.value(rng(seed)));
      const encoded = secret.replace(/\//g, '&#x2F;');
      return { text: `<tr><td>AKIAQ3EGUJ7ZFRW5XKLP</td><td>${encoded}</td></tr>\n`, encoded, detector: 'aws-secret-near-access-key-id' };
    },
  },
  {
    name: 'JSON string escapes (\\u0041, \\/)',
    build: (seed) => {
      const v = SAMPLES.find((s) => s.detector === 'slack-webhook-url')!.value(rng(seed));
      const [team, bot, secret] = v.split('/') as [string, string, string];
      const encoded = `${team}\\/${bot}\\/${secret.slice(0, 4)}\\u00${secret.charCodeAt(4).toString(16)}${secret.slice(5)}`;
      return { text: `{"alerts": {"hook": "https:\\/\\/hooks.slack.com\\/services\\/${encoded}"}}`, encoded, detector: 'slack-webhook-url' };
    },
  },
  {
    name: 'JSON inside a JSON string (escaped quotes: a tool result, a log line)',
    build: (seed) => {
      const value = genericSecret(seed);
      const text = JSON.stringify({ role: 'tool', content: JSON.stringify({ service: 'billing', db_password: value }) });
      return { text, encoded: value, detector: 'generic-secret-assignment' };
    },
  },
  {
    name: 'URL encoding',
    build: (seed) => {
      const v = SAMPLES.find((s) => s.detector === 'aws-secret-access-key')!.value(rng(seed)).replace(/[+/]/g, 'x').slice(0, 36) + '+/+/';
      const encoded = v.replace(/\+/g, '%2B').replace(/\//g, '%2F');
      return { text: `https://deploy.acme.internal/hook?aws_secret_access_key=${encoded}&region=eu-west-1`, encoded, detector: 'aws-secret-access-key' };
    },
  },
  {
    name: "base64 of a bare value (a Kubernetes Secret's data: holds the key id alone)",
    build: () => {
      const encoded = base64Of('AKIAQ3EGUJ7ZFRW5XKLP');
      return { text: `kind: Secret\ndata:\n  a: ${encoded}\n`, encoded, detector: 'aws-access-key-id' };
    },
  },
  {
    name: 'an AWS key pair across an encoding boundary: the key id plain, its secret key base64 in the next message',
    build: (seed) => {
      const secret = SAMPLES.find((s) => s.detector === 'aws-secret-near-access-key-id')!.value(rng(seed));
      const encoded = base64Of(secret);
      return { text: `[user] my key id is AKIAQ3EGUJ7ZFRW5XKLP\n[assistant] ok\n[user] and the secret, base64: ${encoded}\n`, encoded, detector: 'aws-secret-near-access-key-id' };
    },
  },
  {
    name: 'an AWS key pair across an encoding boundary: the key id hex-encoded, its secret key plain',
    build: (seed) => {
      const secret = SAMPLES.find((s) => s.detector === 'aws-secret-near-access-key-id')!.value(rng(seed));
      return { text: `key_id_hex: ${Buffer.from('AKIAQ3EGUJ7ZFRW5XKLP').toString('hex')}\nsecret: ${secret}\n`, encoded: secret, detector: 'aws-secret-near-access-key-id' };
    },
  },
  {
    name: 'an AWS key pair in pretty-printed JSON: the key id on one line, its secret key on the next with every / escaped (PHP json_encode)',
    build: (seed) => {
      const secret = withSlashes(SAMPLES.find((s) => s.detector === 'aws-secret-near-access-key-id')!.value(rng(seed)));
      const encoded = secret.replace(/\//g, '\\/');
      return { text: `{\n    "AccessKeyId": "AKIAQ3EGUJ7ZFRW5XKLP",\n    "Key": "${encoded}"\n}\n`, encoded, detector: 'aws-secret-near-access-key-id' };
    },
  },
  {
    name: 'an AWS key pair in a form body: the key id on one line, its secret key URL-encoded on the next',
    build: (seed) => {
      const secret = withSlashes(SAMPLES.find((s) => s.detector === 'aws-secret-near-access-key-id')!.value(rng(seed)));
      const encoded = encodeURIComponent(secret);
      return { text: `id=AKIAQ3EGUJ7ZFRW5XKLP&\nk=${encoded}&region=eu-west-1\n`, encoded, detector: 'aws-secret-near-access-key-id' };
    },
  },
  {
    name: 'base64 under an innocuous key',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const encoded = Buffer.from(`machine: build-07\ntoken: ${t}\n`).toString('base64');
      return { text: `settings:\n  blob: "${encoded}"\n`, encoded: encoded.slice(Math.floor(24 / 3) * 4, Math.ceil((25 + t.length) / 3) * 4), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'base64url',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const raw = Buffer.from(`{"ci":"${t}"}`).toString('base64url');
      return { text: `CONFIG_BLOB=${raw}\n`, encoded: raw.slice(Math.floor(7 / 3) * 4, Math.ceil((7 + t.length) / 3) * 4), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'base64 of base64 (a Kubernetes secret holding a Docker config whose auth is user:token)',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const auth = base64Of(`ci-bot:${t}`);
      const config = `{"auths":{"registry.acme.internal":{"auth":"${auth}"}}}`;
      const outer = base64Of(config);
      const text = `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${outer}\n`;
      // The token's chars in `auth`, those chars' in `config`, and theirs in `outer`: each level maps a decoded char to its 4-char group.
      const inConfig = config.indexOf(auth);
      const [from, to] = groupsOf(inConfig + groupsOf(7, 7 + t.length)[0], inConfig + groupsOf(7, 7 + t.length)[1]);
      return { text, encoded: outer.slice(from, to), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'base64 of base64 of base64 (one level more than a Kubernetes secret of a Docker config)',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const inner = `ci-bot:${t}`;
      const l1 = base64Of(inner);
      const l2 = base64Of(`{"auth":"${l1}"}`);
      const l3 = base64Of(`blob: ${l2}\n`);
      // The token's chars at each level, mapped outward one level at a time to whole 4-char groups.
      let [from, to] = groupsOf(7, 7 + t.length);
      [from, to] = groupsOf(9 + from, 9 + to);
      [from, to] = groupsOf(6 + from, 6 + to);
      return { text: `stage: deploy\nnested: ${l3}\n`, encoded: l3.slice(from, to), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'JSON escapes inside base64',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const escaped = `${t.slice(0, 10)}\\u00${t.charCodeAt(10).toString(16)}${t.slice(11)}`;
      const payload = `{"ci":{"token":"${escaped}"}}`;
      const outer = base64Of(payload);
      const at = payload.indexOf(escaped);
      const [from, to] = groupsOf(at, at + escaped.length);
      return { text: `env:\n  CI_BLOB: ${outer}\n`, encoded: outer.slice(from, to), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'base64 wrapped at 76 columns (the base64 command), indented in YAML, the token across a line break',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const payload = `machine: build-07.acme.internal\nuser: ci\ntoken: ${t}\n`;
      const joined = base64Of(payload);
      const lines = joined.match(/.{1,76}/g)!;
      const indent = '    ';
      const text = `data:\n  config: |\n${lines.map((l) => indent + l).join('\n')}\n`;
      // Offsets in `joined` to offsets in `text`: line k starts after the header and k full lines.
      const header = 'data:\n  config: |\n'.length;
      const at = (j: number) => header + Math.floor(j / 76) * (76 + indent.length + 1) + indent.length + (j % 76);
      const tokenAt = payload.indexOf(t);
      const [from, to] = groupsOf(tokenAt, tokenAt + t.length);
      return { text, encoded: text.slice(at(from), at(to - 1) + 1), detector: 'github-pat-classic' };
    },
  },
  {
    name: "base64 of UTF-16LE text (PowerShell's -EncodedCommand)",
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const script = `$env:GH_TOKEN = '${t}'; gh auth status`;
      const encoded = Buffer.from(script, 'utf16le').toString('base64');
      const at = script.indexOf(t);
      const [from, to] = groupsOf(2 * at, 2 * (at + t.length));
      return { text: `powershell.exe -NoProfile -EncodedCommand ${encoded}\n`, encoded: encoded.slice(from, to), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'base64 of text with a byte order mark (UTF-8 and UTF-16LE, as Windows tools write it)',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const body = `[deploy]\ntoken = ${t}\n`;
      const encoded = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]).toString('base64');
      const at = body.indexOf(t);
      const [from, to] = groupsOf(2 + 2 * at, 2 + 2 * (at + t.length));
      const utf8 = Buffer.from(`\ufeff${body}`).toString('base64');
      return { text: `settings.ini: ${encoded}\nsettings-utf8.ini: ${utf8}\n`, encoded: encoded.slice(from, to), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'base64 of UTF-8 text with non-ASCII chars (an accent first, a CJK comment)',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const payload = `é # 設定ファイル: デプロイ用\ntoken: ${t}\n`;
      const encoded = Buffer.from(payload).toString('base64');
      const at = Buffer.byteLength(payload.slice(0, payload.indexOf(t)));
      const [from, to] = groupsOf(at, at + t.length);
      return { text: `config_blob: ${encoded}\n`, encoded: encoded.slice(from, to), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'hex (xxd -p, toString("hex"))',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const encoded = Buffer.from(`ci: ${t}\n`).toString('hex');
      return { text: `const blob = "${encoded}";\n`, encoded: encoded.slice(8, 8 + 2 * t.length), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'hex wrapped at 60 columns (xxd -p), the token across a line break',
    build: (seed) => {
      const t = fakeGithubToken(seed);
      const payload = `host: build-07\ntoken: ${t}\n`;
      const joined = Buffer.from(payload).toString('hex');
      const text = `${joined.match(/.{1,60}/g)!.join('\n')}\n`;
      const at = (j: number) => Math.floor(j / 60) * 61 + (j % 60);
      const tokenAt = payload.indexOf(t);
      return { text: `$ xxd -p creds.txt\n${text}`, encoded: text.slice(at(2 * tokenAt), at(2 * (tokenAt + t.length) - 1) + 1), detector: 'github-pat-classic' };
    },
  },
  {
    name: 'YAML folded block scalar',
    build: (seed) => {
      const value = genericSecret(seed);
      return { text: `payments:\n  signing_secret: >-\n    ${value}\n  region: eu\n`, encoded: value, detector: 'generic-secret-assignment' };
    },
  },
  {
    name: '+-prefixed diff lines (a token split over two added lines of a patch, joined by +)',
    build: (seed) => {
      // A private key in a patch is found without the diff view (its detector reads past the
      // `+` of each line); a literal split over two added lines is joined only once they are.
      const t = fakeGithubToken(seed);
      const added = [`const deployToken = "${t.slice(0, 20)}" +`, `  "${t.slice(20)}";`];
      const patch = `diff --git a/deploy/ci.ts b/deploy/ci.ts\n--- a/deploy/ci.ts\n+++ b/deploy/ci.ts\n@@ -1,1 +1,3 @@\n const x = 1;\n${added.map((l) => `+${l}`).join('\n')}\n`;
      const start = patch.indexOf(t.slice(0, 20));
      const end = patch.indexOf(t.slice(20)) + t.length - 20;
      return { text: patch, encoded: patch.slice(start, end), detector: 'github-pat-classic' };
    },
  },
];

/** A diff of a YAML block of literals, each holding base64 of a diff of a YAML block of escaped literals: each level's views are as long as its text, several times over. */
export function nestedDecodings(): string {
  const inner = `@@ -1,9 +1,9 @@\n+k: |\n${'+  "abcdefgh\\/ij" +\n'.repeat(8)}`;
  return `@@ -1,9 +1,9 @@\n+k: |\n${`+  "${Buffer.from(inner).toString('base64')}\\/ij" +\n`.repeat(4)}`.repeat(300);
}
