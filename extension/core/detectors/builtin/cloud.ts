// Cloud providers: AWS, Google Cloud, Azure, DigitalOcean, Heroku.
import type { DetectorSpec } from '../types';
import { END, END_B64, START, assignment, nearby } from './fragments';
import { hasBase64Body } from './keys';
import { named, run, token } from './make';

export const CLOUD_DETECTORS: DetectorSpec[] = [
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id (AKIA… long-term, ASIA… temporary)',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    // Key ids are base32 after the 4-char prefix.
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Za-z0-9])/,
    minEntropy: 3,
    priority: 20,
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key assigned to an aws_secret_access_key-like name',
    keywords: ['secret_access_key', 'secretaccesskey', 'secret-access-key', 'aws_secret', 'awssecret', 'aws-secret'],
    pattern: assignment('(?:secret[_-]?access[_-]?key|aws[_-]?secret)', `[A-Za-z0-9/+]{40}${END_B64}`),
    secretGroup: 1,
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'aws-session-token',
    description: 'AWS STS session token (IQoJb3JpZ2lu… / FwoGZXIvYXdz…)',
    keywords: ['iqojb3jpz2lu', 'fwogzxivyxdz', 'fqogzxivyxdz'],
    pattern: /(?<![A-Za-z0-9/+])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+]{80,2000}={0,2}(?![A-Za-z0-9/+=])/,
    minEntropy: 4,
    priority: 20,
  },
  {
    id: 'gcp-service-account-key',
    description: 'Google Cloud service-account JSON key (private_key beside client_email)',
    keywords: ['"private_key"'],
    pattern: /"private_key"\s{0,4}:\s{0,4}"(-----BEGIN PRIVATE KEY-----(?:\\r)?\\n[A-Za-z0-9+/=\\]{64,8000}?-----END PRIVATE KEY-----(?:\\r)?(?:\\n)?)"/,
    // "private_key", blanks, `:`, blanks, `"`, the header, \r\n and up to 8,000 chars of body.
    requires: { pattern: /-----END PRIVATE KEY-----/, within: 13 + 4 + 1 + 4 + 1 + 27 + 4 + 8000 },
    secretGroup: 1,
    validate: (value, context) => hasBase64Body(value) && nearby(/"client_email"\s*:/, 4000)(value, context),
    priority: 40,
  },
  {
    id: 'google-api-key',
    description: 'Google API key (AIza…): Google Cloud, Maps, Firebase and Google AI Studio / Gemini keys',
    keywords: ['aiza'],
    pattern: new RegExp(`${START}AIza[0-9A-Za-z_-]{35}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'gcp-oauth-client-secret',
    description: 'Google Cloud OAuth client secret (GOCSPX-…)',
    keywords: ['gocspx-'],
    pattern: new RegExp(`${START}GOCSPX-[A-Za-z0-9_-]{28}${END}`),
    minEntropy: 3,
    priority: 20,
  },
  {
    id: 'gcp-oauth-access-token',
    description: 'Google OAuth 2.0 access token (ya29.…)',
    keywords: ['ya29.'],
    pattern: new RegExp(`${START}ya29\\.[0-9A-Za-z_-]{30,1000}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'azure-storage-connection-string',
    description: 'Azure Storage account key inside a connection string (AccountKey=…)',
    keywords: ['accountkey='],
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/i,
    secretGroup: 1,
    minEntropy: 4,
    priority: 30,
  },
  {
    id: 'azure-storage-account-key',
    description: 'Azure Storage account key (88-char base64) assigned to a storage key name',
    keywords: ['storage'],
    pattern: assignment('storage[_-]?(?:account[_-]?)?(?:access[_-]?)?key', `[A-Za-z0-9+/]{86}==${END_B64}`),
    secretGroup: 1,
    minEntropy: 4,
    priority: 20,
  },
  {
    id: 'azure-ad-client-secret',
    description: 'Microsoft Entra ID (Azure AD) application client secret (…8Q~…)',
    keywords: ['q~'],
    anchor: 'window',
    window: { before: 4, after: 40 },
    pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/,
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'azure-client-secret-assignment',
    description: 'Azure client secret assigned to AZURE_CLIENT_SECRET / ARM_CLIENT_SECRET-like names',
    keywords: ['azure_client_secret', 'arm_client_secret', 'azureclientsecret', 'azure-client-secret'],
    pattern: assignment('(?:azure|arm)[_-]?client[_-]?secret', `[A-Za-z0-9_~.+/=-]{32,44}${END}`),
    secretGroup: 1,
    minEntropy: 3.5,
    priority: 15,
  },
  {
    id: 'digitalocean-token',
    description: 'DigitalOcean personal access, OAuth or refresh token (dop_v1_/doo_v1_/dor_v1_)',
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    pattern: new RegExp(`${START}do[opr]_v1_[a-f0-9]{64}${END}`),
    minEntropy: 3,
    priority: 20,
  },
  {
    id: 'heroku-api-key',
    description: 'Heroku API key (a UUID assigned to a heroku…key/token name)',
    keywords: ['heroku'],
    pattern: assignment('heroku[A-Za-z0-9_.-]{0,20}?(?:api[_-]?)?(?:key|token)', '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f-])'),
    secretGroup: 1,
    priority: 20,
  },
  {
    id: 'heroku-platform-token',
    description: 'Heroku platform API token (HRKU-…)',
    keywords: ['hrku-'],
    pattern: new RegExp(`${START}HRKU-[A-Za-z0-9_-]{60}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  {
    id: 'aws-secret-near-access-key-id',
    description: 'AWS secret access key (40 base64 chars) without a telling name, within a few lines of an AKIA/ASIA access key id',
    keywords: ['akia', 'asia'],
    anchor: 'window',
    window: { before: 300, after: 300 },
    // After any char but a base64 one, padding or a dot (`b=…` and `?k=…` pair; the tail of
    // `dGVzdA==…` and a later segment of a dotted token, a JWS or JWE, do not), or after an
    // escaped line break or tab that no view decodes (`\n` in a JSON transcript, `%0A` in a
    // form); and before none that would make it part of a longer value: more base64, padding, or
    // an escape the escapes view decodes (the first 40 chars of `…%2B…`, `…\/…`, `…&#x2F;…`, or a
    // word continued on the next line): the view reads the value whole.
    pattern: /(?:(?<![A-Za-z0-9/+.]|==)|(?<=\\[nrt]|%0[9ADad]))[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]|%[2-7][0-9A-Fa-f]|\\\/|\\u[0-9A-Fa-f]{4}|&(?:#[xX]?[0-9A-Fa-f]{1,6}|sol|plus|equals|lowbar);|\\\r?\n[A-Za-z0-9/+=]|\\\\(?:\\r)?\\n[A-Za-z0-9/+=])/,
    shape: [run('b64', 40)],
    sampleContext: 'use key AKIAQ3EGUJ7ZFRW5XKLP with secret $VALUE in us-east-1',
    validate: (value, context) =>
      /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value) && !/^[A-Za-z]+$/.test(value) &&
      nearby(/(?:AKIA|ASIA)[A-Z2-7]{16}/, 300)(value, context) && !/^[a-f0-9]+$/i.test(value) &&
      // A JWT's header (base64 of `{"…`) before the dot of its payload.
      !(value.startsWith('eyJ') && context.text.charCodeAt(context.end) === 46),
    minEntropy: 4.3,
    priority: 15,
    fps: ['aws_access_key_id = AKIAQ3EGUJ7ZFRW5XKLP\n# commit 0d7e3a1f9b2c4d5e6f708192a3b4c5d6e7f80912'],
  },
  token('aws-bedrock-api-key', 'Amazon Bedrock long-term API key (ABSKQmVkcm9ja0FQSUtleS…)', ['ABSKQmVkcm9ja0FQSUtleS', run('b64', 110)], {
    pattern: /(?<![A-Za-z0-9+/])ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{40,400}={0,2}(?![A-Za-z0-9+/=])/,
    minEntropy: 4,
  }),
  token('aws-appsync-api-key', 'AWS AppSync GraphQL API key (da2-…)', ['da2-', run('lowerNum', 26)], { minEntropy: 3.5 }),
  token('amazon-mws-auth-token', 'Amazon Marketplace Web Service auth token (amzn.mws.<uuid>)', ['amzn.mws.', run('hex', 8), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 12)]),
  token('gcp-oauth-refresh-token', 'Google OAuth 2.0 refresh token (1//0…)', ['1//0', run('url', 99)], {
    pattern: /(?<![A-Za-z0-9_/-])1\/\/0[A-Za-z0-9_-]{40,400}(?![A-Za-z0-9_-])/,
    minEntropy: 4,
  }),
  token('firebase-cloud-messaging-server-key', 'Firebase Cloud Messaging legacy server key (AAAA…:APA91b…)', ['AAAA', run('url', 7), ':APA91b', run('url', 134)], {
    keywords: [':apa91b'],
    anchor: 'window',
    window: { before: 11, after: 140 },
    pattern: /(?<![A-Za-z0-9_-])AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}(?![A-Za-z0-9_-])/,
    minEntropy: 4,
  }),
  named('cloudflare-api-token', 'Cloudflare API token (40 url-safe chars) assigned to a Cloudflare / CF_API_TOKEN name', ['cloudflare', 'cf_api', 'cf-api', 'cf_token', 'cf_account'], [run('url', 40)], 'CLOUDFLARE_API_TOKEN', { minEntropy: 4 }),
  named('cloudflare-global-api-key', 'Cloudflare global API key (37 hex) assigned to a Cloudflare / CF_API_KEY name', ['cloudflare', 'cf_api_key', 'cf_key'], [run('hex', 37)], 'CLOUDFLARE_GLOBAL_API_KEY', { after: '(?![A-Za-z0-9])', priority: 19 }),
  token('cloudflare-origin-ca-key', 'Cloudflare Origin CA key (v1.0-<24 hex>-<146 hex>)', ['v1.0-', run('hex', 24), '-', run('hex', 146)]),
  token('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID (LTAI…)', ['LTAI', run('alnum', 20)], { pattern: new RegExp(`${START}LTAI[A-Za-z0-9]{12,20}${END}`), minEntropy: 3.5 }),
  named('alibaba-access-key-secret', 'Alibaba Cloud AccessKey secret (30 alphanumerics) assigned to an Alibaba/Aliyun secret name', ['alibaba', 'aliyun', 'alicloud'], [run('alnum', 30)], 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', { minEntropy: 4 }),
  token('tencent-cloud-secret-id', 'Tencent Cloud SecretId (AKID…)', ['AKID', run('alnum', 32)], { minEntropy: 3.8 }),
  named('tencent-cloud-secret-key', 'Tencent Cloud SecretKey (32 alphanumerics) assigned to a Tencent secret name', ['tencent', 'tencentcloud', 'qcloud'], [run('alnum', 32)], 'TENCENTCLOUD_SECRET_KEY', { minEntropy: 4 }),
  token('scaleway-access-key', 'Scaleway API access key (SCW…)', ['SCW', run('upperNum', 17)], { minEntropy: 3.3 }),
  named('scaleway-secret-key', 'Scaleway API secret key (a UUID) assigned to a Scaleway / SCW_SECRET_KEY name', ['scaleway', 'scw_secret'], [run('hex', 8), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 4), '-', run('hex', 12)], 'SCW_SECRET_KEY', { after: '(?![A-Za-z0-9-])' }),
  token('yandex-api-key', 'Yandex Cloud API key (AQVN…)', ['AQVN', run('url', 36)], { pattern: new RegExp(`${START}AQVN[A-Za-z0-9_-]{35,38}${END}`), minEntropy: 4 }),
  token('yandex-iam-token', 'Yandex Cloud IAM token (t1.<payload>.<86-char signature>)', ['t1.', run('url', 60), '.', run('url', 86)], {
    pattern: new RegExp(`${START}t1\\.[A-Za-z0-9_-]{20,300}={0,2}\\.[A-Za-z0-9_-]{86}={0,2}${END}`),
    minEntropy: 4,
  }),
  token('yandex-static-access-key', 'Yandex Cloud static access key secret (YC…)', ['YC', run('url', 38)], { minEntropy: 4 }),
  named('ibm-cloud-api-key', 'IBM Cloud API key (44 url-safe chars) assigned to an IBM name', ['ibm', 'ibmcloud'], [run('url', 44)], 'IBMCLOUD_API_KEY', { minEntropy: 4 }),
  named('linode-token', 'Linode / Akamai Cloud personal access token (64 hex) assigned to a Linode name', ['linode'], [run('hex', 64)], 'LINODE_TOKEN', { after: '(?![A-Za-z0-9])' }),
  named('vultr-api-key', 'Vultr API key (36 upper-case alphanumerics) assigned to a Vultr name', ['vultr'], [run('upperNum', 36)], 'VULTR_API_KEY', { minEntropy: 3.8 }),
  token('backblaze-application-key', 'Backblaze B2 application key (K00…)', ['K00', run('alnum', 28)], {
    pattern: /(?<![A-Za-z0-9+/])K00[0-9A-Za-z+/]{28}(?![A-Za-z0-9+/=])/,
    keywords: ['k00'],
    minEntropy: 4,
  }),
  token('akamai-edgegrid-token', 'Akamai EdgeGrid client token or access token (akab-…-…)', ['akab-', run('lowerNum', 16), '-', run('lowerNum', 16)], { minEntropy: 3.5 }),
  named('fastly-api-token', 'Fastly API token (32 url-safe chars) assigned to a Fastly name', ['fastly'], [run('url', 32)], 'FASTLY_API_TOKEN', { minEntropy: 4 }),
  named('digitalocean-spaces-secret', 'DigitalOcean Spaces secret key (43 base64 chars) assigned to a Spaces name', ['spaces_secret', 'spaces-secret', 'do_spaces_secret', 'spaces_access_secret'], [run('b64', 43)], 'SPACES_SECRET_KEY', { after: END_B64, minEntropy: 4 }),
  token('openshift-user-token', 'OpenShift OAuth user token (sha256~…)', ['sha256~', run('url', 43)], { minEntropy: 4 }),
  token('oci-auth-token-assignment', 'Oracle Cloud auth token assigned to an OCI auth-token name', [run('alnum', 20)], {
    keywords: ['oci_auth_token', 'oci-auth-token', 'oci_cli_auth_token'],
    pattern: assignment('oci[_-](?:cli[_-])?auth[_-]token', `[A-Za-z0-9()<>:;.+{}#_\\[\\]-]{20}${END}`),
    secretGroup: 1,
    sampleContext: 'OCI_AUTH_TOKEN',
    minEntropy: 3.5,
  }),
];
