// Credentials embedded in URLs: database / broker connection strings and basic auth.
import type { DetectorSpec } from '../types';

/** Default or documentation passwords that do not protect anything worth reporting. */
const DEFAULT_PASSWORDS = ['password', 'pass', 'passwd', 'pwd', 'secret', 'postgres', 'root', 'admin', 'mysql', 'guest', 'test', 'user', 'mongo', 'redis', 'rabbitmq', 'token', 'x-oauth-basic'];

/** `$DB_PASSWORD`, `%(password)s`, `{password}`: a template, not a value. */
function notTemplated(value: string): boolean {
  return !/^(?:\$[A-Za-z_{(]|%[A-Za-z_(]|\{[^}]*\}$|:)/.test(value);
}

const DATABASE_SCHEMES = ['postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'amqps', 'mssql', 'sqlserver', 'cockroachdb', 'clickhouse', 'oracle', 'neo4j', 'couchbase'];

export const URL_DETECTORS: DetectorSpec[] = [
  {
    id: 'database-url-password',
    description: 'Database or message-broker connection URL with a password (postgres://, mysql://, mongodb+srv://, redis://, amqp://…)',
    keywords: [...new Set(DATABASE_SCHEMES.map((s) => s.replace(/\+.*/, '')))],
    pattern: new RegExp(
      `(?<![A-Za-z0-9+.-])(?:${DATABASE_SCHEMES.map((s) => s.replace('+', '\\+')).join('|')})(?:\\+[a-z0-9]{1,20})?://[^\\s:/@'"\`<>]{0,128}:(?<password>[^\\s@'"\`/<>]{1,256})@[A-Za-z0-9.\\[_-]`,
      'i',
    ),
    secretGroup: 'password',
    placeholders: DEFAULT_PASSWORDS,
    validate: notTemplated,
    priority: 12,
  },
  {
    id: 'url-basic-auth',
    description: 'Password or token in a URL (scheme://user:password@host)',
    keywords: ['://'],
    pattern: /:\/\/[^\s:/@'"`<>]{1,128}:(?<password>[^\s@'"`/<>]{3,256})@[A-Za-z0-9.[_-]/,
    secretGroup: 'password',
    placeholders: DEFAULT_PASSWORDS,
    validate: notTemplated,
    priority: 8,
  },
];
