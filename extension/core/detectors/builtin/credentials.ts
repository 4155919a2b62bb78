// Credentials written into commands, headers and connection strings rather than issued as
// tokens: curl/wget/CLI flags, Authorization and API-key headers, JDBC/ODBC/ADO.NET connection
// strings, .netrc, Docker and kubeconfig auth entries.
import type { DetectorSpec } from '../types';
import { decodeBase64 } from './fragments';
import { run } from './make';

/** Passwords that document a flag rather than protect anything. */
const DOC_PASSWORDS = ['password', 'pass', 'passwd', 'secret', 'changeme', 'pwd', 'token', 'xxx', 'root', 'admin', 'test', 'user'];

/** Blanks between the fields of a credential file, typed or JSON-escaped (a tool result): a regex source. */
const BLANKS = '(?:\\s|\\\\[nrt]){1,40}';
/** A non-blank char that starts no escaped blank: a regex source. */
const WORD_CHAR = '(?:(?!\\\\[nrt])\\S)';

/** A shell/template reference (`$PASS`, `${PASS}`, `%PASS%`, `{{ pass }}`, `$(cat f)`), not a value. */
function literal(value: string): boolean {
  return !/^(?:\$|%[A-Za-z_]|\{\{|<|\*+$)/.test(value) && !/\$\{|\$\(|\{\{/.test(value);
}

/** The body of an HTTP Basic credential: base64 of `user:password`. */
function isBasicCredential(value: string): boolean {
  const decoded = decodeBase64(value);
  if (!decoded || !/^[\x20-\x7e]+$/.test(decoded)) return false;
  const colon = decoded.indexOf(':');
  const password = decoded.slice(colon + 1);
  return colon > 0 && password.length >= 3 && !DOC_PASSWORDS.includes(password.toLowerCase()) && new Set(password).size > 4;
}

export const CREDENTIAL_DETECTORS: DetectorSpec[] = [
  {
    id: 'curl-basic-auth',
    description: 'Password given to curl (or wget/httpie) with -u / --user user:password on a command line',
    keywords: ['curl', 'wget', 'http '],
    anchor: 'window',
    window: { before: 0, after: 400 },
    pattern: /(?:curl|wget|http)\b[^\n|;&]{0,300}?\s(?:-u|--user|-a|--auth)(?:\s{1,4}|=)["']?[^\s:"']{1,64}:(?<password>[^\s"'@]{3,128})(?=["']?(?:\s|$))/,
    secretGroup: 'password',
    placeholders: DOC_PASSWORDS,
    validate: literal,
    shape: [run('alnum', 18)],
    sampleContext: 'curl -sS -u deploy-bot:$VALUE https://ci.acme.internal/api/json',
    fps: ['curl -u user:password https://example.com', 'curl -u "$USER:$PASS" https://api.acme.internal', 'curl -u admin: https://localhost'],
    minEntropy: 2.5,
    priority: 14,
  },
  {
    id: 'wget-password',
    description: 'Password given to wget with --password= / --http-password= / --ftp-password=',
    keywords: ['password='],
    pattern: /(?<=--(?:http-|ftp-|proxy-)?)password=["']?(?<password>[^\s"']{4,128})/,
    secretGroup: 'password',
    placeholders: DOC_PASSWORDS,
    validate: (value, context) => literal(value) && /(?:wget|--(?:http-|ftp-|proxy-)?password=)/.test(context.text.slice(Math.max(0, context.start - 40), context.start)),
    shape: [run('alnum', 16)],
    sampleContext: 'wget --user=mirror --password=$VALUE https://mirror.acme.internal/dist/app.tar.gz',
    minEntropy: 2.5,
    priority: 13,
  },
  {
    id: 'authorization-header-credential',
    description: 'Credential in an Authorization header (Basic, Token, Bearer-like schemes) on a command line, in code or in a captured request',
    keywords: ['authorization:', 'authorization":', "authorization':", 'authorization=', 'authorization", "', "authorization', '"],
    anchor: 'window',
    window: { before: 0, after: 600 },
    pattern: /Authorization["']?\s{0,2}(?:[:=]|,)\s{0,2}["']?\s{0,2}(?:Basic|Token|token|Digest username=|SSWS|ApiKey|Api-Key|Key|GenieKey|Splunk|DSN|Klaviyo-API-Key|Zoho-oauthtoken)\s{1,4}(?<secret>[A-Za-z0-9._~+/=:-]{12,1200})/i,
    secretGroup: 'secret',
    validate: (value, context) => {
      if (!literal(value)) return false;
      const scheme = /(Basic)\s+$/i.exec(context.text.slice(Math.max(0, context.start - 12), context.start));
      return scheme ? isBasicCredential(value) : /[0-9]/.test(value) && /[A-Za-z]/.test(value);
    },
    shape: [run('alnum', 40)],
    sampleContext: 'curl -H "Authorization: Token $VALUE" https://api.acme.internal/v2/builds',
    fps: ['curl -H "Authorization: Bearer $TOKEN" https://api.example.com', 'headers = {"Authorization": "Basic " + encoded}'],
    minEntropy: 3.2,
    priority: 6,
  },
  {
    id: 'api-key-header',
    description: 'Key in an X-API-Key / Api-Key / X-Auth-Token style request header',
    keywords: ['x-api-key', 'api-key:', 'x-auth-token', 'x-access-token', 'x-goog-api-key', 'ocp-apim-subscription-key', 'private-token'],
    anchor: 'window',
    window: { before: 2, after: 300 },
    pattern: /(?:X-API-Key|Api-Key|X-Auth-Token|X-Access-Token|x-goog-api-key|Ocp-Apim-Subscription-Key|PRIVATE-TOKEN)["']?\s{0,2}[:=,]\s{0,2}["']?(?<secret>[A-Za-z0-9._~+/=-]{16,300})(?![A-Za-z0-9._~+/=-])/i,
    secretGroup: 'secret',
    validate: (value) => literal(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value),
    shape: [run('alnum', 32)],
    sampleContext: 'curl -H "X-API-Key: $VALUE" https://api.acme.internal/v1/reports',
    fps: ['curl -H "X-API-Key: $API_KEY" https://api.acme.internal', "res.setHeader('X-Api-Key', apiKey)"],
    minEntropy: 3.3,
    priority: 7,
  },
  {
    id: 'cli-password-flag',
    description: 'Password passed on a command line to mysql/psql/mongo/redis-cli/sshpass/docker login/kubectl/htpasswd (-p…, --password …, -a …, --token …)',
    keywords: ['mysql', 'mysqldump', 'mongo', 'mongosh', 'redis-cli', 'sshpass', 'docker login', 'podman login', 'helm registry login', 'kubectl', 'oc login', 'htpasswd -b'],
    anchor: 'window',
    window: { before: 0, after: 300 },
    pattern: /(?:mysql(?:dump|admin)?|mongo(?:sh|dump|restore)?|redis-cli|sshpass|docker login|podman login|helm registry login|kubectl|oc login|htpasswd -b[a-zA-Z]*)\b[^\n|;&]{0,200}?\s(?:-p(?=\S)|--password(?:=|\s{1,3})|-a\s{1,3}|-p\s{1,3}|--token(?:=|\s{1,3})|--pass(?:=|\s{1,3}))["']?(?<password>[^\s"']{4,256})/,
    secretGroup: 'password',
    placeholders: DOC_PASSWORDS,
    validate: (value) => literal(value) && !/^-/.test(value),
    shape: [run('alnum', 20)],
    sampleContext: 'mysql -h orders-db.acme.internal -u orders -p$VALUE orders < dump.sql',
    fps: ['mysql -u root -p', 'docker login -u ci --password-stdin', 'redis-cli -a "$REDIS_PASSWORD" ping'],
    minEntropy: 2.8,
    priority: 13,
  },
  {
    id: 'jdbc-url-password',
    description: 'Password in a JDBC URL property (jdbc:…;password=… / ?password=… / &password=…)',
    keywords: ['jdbc:'],
    anchor: 'window',
    window: { before: 0, after: 500 },
    // jdbc:mysql://user:pass@host is found by database-url-password; this covers the
    // property forms SQL Server, Oracle and most drivers use.
    // The scheme is taken whole (a lookahead and a backreference: an atomic group), so it never
    // gives chars back to the lazy part after it: each hit costs at most 300 steps, not 12,000.
    pattern: /jdbc:(?=([a-z0-9:+]{2,40}))\1[^\s"'`<>]{0,300}?[;?&](?:password|pwd)=(?<password>[^\s;&"'`<>]{3,128})/i,
    // jdbc:, the scheme (40) and the rest (300) come before the separator.
    requires: { pattern: /[;?&](?:password|pwd)=/i, within: 5 + 40 + 300 },
    secretGroup: 'password',
    shape: [run('alnum', 20)],
    sampleContext: 'DB_URL = "jdbc:sqlserver://sql01.acme.internal:1433;databaseName=orders;user=orders_app;password=$VALUE;encrypt=true"',
    placeholders: DOC_PASSWORDS,
    validate: literal,
    fps: ['jdbc:postgresql://localhost:5432/app?user=app&password=${DB_PASSWORD}'],
    minEntropy: 2.5,
    priority: 13,
  },
  {
    id: 'connection-string-password',
    description: 'Password in an ODBC / ADO.NET / OLE DB connection string (Server=…;…Password=…; / Pwd=…)',
    keywords: ['password=', 'pwd='],
    anchor: 'window',
    window: { before: 300, after: 200 },
    pattern: /(?:Server|Data Source|Host|Driver|Address|Addr|Network Address|DSN)\s{0,2}=[^;\n"'`]{1,200};[^\n"'`]{0,300}?(?:Password|Pwd)\s{0,2}=\s{0,2}(?<password>\{[^}\n]{3,128}\}|[^;\n"'`{}]{3,128})(?=;|["'`]|$)/i,
    secretGroup: 'password',
    placeholders: DOC_PASSWORDS,
    validate: (value) => literal(value.replace(/^\{|\}$/g, '')),
    shape: [run('alnum', 20)],
    sampleContext: 'ConnectionStrings__Orders = "Server=tcp:orders.database.windows.net,1433;Initial Catalog=orders;User ID=orders_app;Password=$VALUE;Encrypt=True;"',
    fps: ['Server=localhost;Database=app;User Id=sa;Password=<YourStrong@Passw0rd>;', 'Server=db;Uid=app;Pwd=$(DB_PASSWORD);'],
    minEntropy: 2.5,
    priority: 13,
  },
  {
    id: 'netrc-password',
    description: 'Password in a .netrc / _netrc entry (machine … login … password …)',
    keywords: ['machine '],
    anchor: 'window',
    window: { before: 0, after: 300 },
    // Blanks between the fields as typed or JSON-escaped (`cat ~/.netrc` as an agent's tool
    // result has its line breaks as `\n`).
    pattern: new RegExp(`machine${BLANKS}[A-Za-z0-9.-]{1,200}${BLANKS}login${BLANKS}${WORD_CHAR}{1,100}${BLANKS}password${BLANKS}(?<password>${WORD_CHAR}{4,256})`),
    secretGroup: 'password',
    placeholders: DOC_PASSWORDS,
    validate: literal,
    shape: [run('alnum', 24)],
    sampleContext: 'machine artifacts.acme.internal login ci-bot password $VALUE',
    minEntropy: 2.8,
    priority: 14,
  },
  {
    id: 'npmrc-basic-auth',
    description: 'Base64 user:password in an .npmrc (`_auth=…`, `//registry/:_auth=…`), as Artifactory and Nexus registries are set up',
    keywords: ['_auth='],
    anchor: 'window',
    window: { before: 0, after: 420 },
    pattern: /_auth=["']?(?<secret>[A-Za-z0-9+/]{8,400}={0,2})(?![A-Za-z0-9+/=])/,
    secretGroup: 'secret',
    validate: isBasicCredential,
    sampleContext: 'registry=https://artifacts.acme.internal/api/npm/npm/\nalways-auth=true\n_auth=$VALUE',
    priority: 15,
    fps: ['_auth=${NPM_AUTH}', '_auth=dXNlcjpwYXNzd29yZA=='],
  },
  {
    id: 'pgpass-password',
    description: 'Password on a PostgreSQL .pgpass line (hostname:port:database:username:password)',
    // The port field: Postgres' own, or any.
    keywords: [':5432:', ':*:'],
    anchor: 'window',
    window: { before: 300, after: 300 },
    // A whole line, typed or after an escaped line break or a string's quote (`cat ~/.pgpass` as
    // a tool result).
    // The password is the rest of the line: an /etc/passwd or /etc/shadow line (`root:*:0:0:…`)
    // has more fields.
    pattern: /(?:(?<![^\n])|(?<=\\n|"))[A-Za-z0-9.*_-]{1,200}:(?:5432|\*):[^:\s\\]{1,100}:[^:\s\\]{1,100}:(?<password>(?:(?!\\[nrt])[^\s:]){6,256})(?![^\s"\\])/,
    secretGroup: 'password',
    placeholders: DOC_PASSWORDS,
    validate: literal,
    shape: [run('alnum', 24)],
    sampleContext: 'db.acme.internal:5432:billing:billing_app:$VALUE',
    minEntropy: 2.8,
    priority: 14,
    fps: ['localhost:5432:postgres:postgres:postgres', 'hostname:5432:database:username:password', 'daemon:*:1:1:daemon:/usr/sbin:/usr/sbin/nologin', 'nobody:*:19000:0:99999:7:::'],
  },
  {
    id: 'docker-config-auth',
    description: 'Registry credential in a Docker config.json "auths" entry ("auth": base64 of user:password)',
    keywords: ['"auth"'],
    pattern: /"auth"\s{0,4}:\s{0,4}"(?<secret>[A-Za-z0-9+/]{8,400}={0,2})"/,
    secretGroup: 'secret',
    validate: (value, context) => isBasicCredential(value) && /"auths"\s*:/.test(context.text.slice(Math.max(0, context.start - 2000), context.start)),
    sampleContext: '{ "auths": { "registry.acme.internal": { "auth": "$VALUE" } } }',
    minEntropy: 3,
    priority: 16,
  },
  {
    id: 'kubeconfig-credential',
    description: 'Client key, token or password in a kubeconfig user entry (client-key-data:, token:, password:)',
    keywords: ['client-key-data:'],
    pattern: /client-key-data:\s{0,4}["']?(?<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,20000}={0,2})/,
    secretGroup: 'secret',
    shape: ['LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo', run('b64', 200)],
    sampleContext: 'users:\n- name: admin\n  user:\n    client-key-data: $VALUE',
    minEntropy: 4,
    priority: 30,
  },
];
