// Key material: PEM private keys of every kind, OpenSSH, PuTTY, PGP, and JSON Web Tokens.
// The whole block is the secret, so a redactor removes the key and its armour together.
import type { DetectorSpec } from '../types';
import { shannonEntropy } from '../entropy';
import { decodeBase64 } from './fragments';
import { run } from './make';
import { escapeLiteral } from '../shape';

/**
 * The body between the armour lines must be base64 (plus RFC 1421 headers such as
 * `Proc-Type:`), whether the newlines are real or JSON-escaped `\n`.
 */
export function hasBase64Body(value: string): boolean {
  // Line breaks real, JSON-escaped or URL-encoded (a form body); armour lines (also after a
  // diff's `-`/`+`) are not body; a one-line paste has its line breaks as spaces.
  const lines = value
    .replace(/\\r|\\n|%0[AaDd]/g, '\n')
    .replace(/-----(?:BEGIN|END) [A-Z0-9 ]{1,40}-----/g, '\n')
    .split(/\r?\n/);
  let body = '';
  for (const raw of lines) {
    // What may decorate a line of key material: a line number (`cat -n`, an agent's file read
    // with →), a diff's or patch's mark, a comment's `#`, `//`, `*` or `>`, the quotes, `+`
    // and `,` of a string literal.
    const line = raw.replace(LINE_PREFIX, '').replace(LINE_SUFFIX, '');
    // RFC 1421 and PGP headers (Proc-Type:, DEK-Info:, Version:).
    if (line === '' || /^[A-Za-z][A-Za-z-]*:/.test(line)) continue;
    // Base64, or (pasted on one line) base64 in pieces of 16 chars or more: prose between the
    // armour lines, `...` or `(truncated)` is no key.
    const pieces = line.split(/\s+/);
    for (let k = 0; k < pieces.length; k++) {
      const piece = pieces[k]!;
      if (!/^[A-Za-z0-9+/=]+$/.test(piece) || (pieces.length > 1 && k < pieces.length - 1 && piece.length < 16)) return false;
      body += piece;
    }
  }
  // Real key material is random (~6 bits/char); `AAAA…` bodies are documentation.
  return body.length >= 64 && shannonEntropy(body) >= 4;
}

/** A line number and its separator, then marks and quotes (bounded: it runs on every line of a 16,000-char body). */
const LINE_PREFIX = /^\s{0,12}(?:\d{1,7}\s{0,4}(?:→|\t|:|\|)\s{0,4})?[-+#>/*"'\s]{0,8}/;
/** Quotes, `+`, `,`, `;`, `)` and blanks after a line of a string literal. */
const LINE_SUFFIX = /["'+,;)\s]{0,8}$/;

/** A line break in a key as printed, JSON-escaped or URL-encoded. */
const BODY_LINE_BREAK = '(?:\\r?\\n|(?:\\\\r)?\\\\n|(?:%0[Dd])?%0[Aa])';
/**
 * What may precede a line of key material: blanks and a line number (`cat -n`, an agent's file
 * read), then the `>` of an e-mail reply or a Markdown quote, a comment's `#`, `//` or `*`, or a
 * diff's `-` or `+`.
 */
const BODY_LINE_LEAD = '[ \\t]{0,12}(?:[0-9]{1,7}(?:→|\\t))?(?:(?:[-+>#*]|//)[ \\t]?){0,3}';

/** BODY_MAX: the longest body a block pattern reads looking for its end line. */
const BODY_MAX = 16000;

function pemBlock(id: string, description: string, label: string, priority = 30): DetectorSpec {
  const armour = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  return {
    id,
    description,
    keywords: [armour.toLowerCase()],
    pattern: new RegExp(`${escapeLiteral(armour)}[\\s\\S]{64,${BODY_MAX}}?${escapeLiteral(end)}`),
    // A header without its end line would otherwise be read 16,000 chars ahead at every hit.
    requires: { pattern: new RegExp(escapeLiteral(end)), within: armour.length + BODY_MAX },
    validate: hasBase64Body,
    priority,
  };
}

/** A JWT: three base64url parts whose header is JSON naming an `alg`, with a random signature. */
export function isJwt(value: string): boolean {
  const header = decodeBase64(value.slice(0, value.indexOf('.')));
  if (!header || shannonEntropy(value.slice(value.lastIndexOf('.') + 1)) < 3) return false;
  try {
    const parsed = JSON.parse(header) as unknown;
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

export const KEY_DETECTORS: DetectorSpec[] = [
  pemBlock('private-key-rsa', 'RSA private key, PEM (PKCS#1)', 'RSA PRIVATE KEY'),
  pemBlock('private-key-ec', 'EC private key, PEM', 'EC PRIVATE KEY'),
  pemBlock('private-key-dsa', 'DSA private key, PEM', 'DSA PRIVATE KEY'),
  pemBlock('private-key-pkcs8', 'Private key, PEM (PKCS#8, any algorithm)', 'PRIVATE KEY'),
  pemBlock('private-key-pkcs8-encrypted', 'Encrypted private key, PEM (PKCS#8)', 'ENCRYPTED PRIVATE KEY'),
  pemBlock('private-key-openssh', 'OpenSSH private key', 'OPENSSH PRIVATE KEY'),
  pemBlock('pgp-private-key-block', 'PGP / GPG private key block', 'PGP PRIVATE KEY BLOCK'),
  {
    // A read cut short (`head`, an agent's file read with a line limit, a paste) sends most of a
    // key without its END line, where the block detectors above want one.
    id: 'private-key-truncated',
    description: 'The start of a PEM or OpenSSH private key without its END line: the armour and at least three full lines of key material',
    keywords: ['-----begin '],
    pattern: new RegExp(
      `-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:${BODY_LINE_BREAK}${BODY_LINE_LEAD}[A-Za-z0-9+/]{60,76}){3,400}(?:${BODY_LINE_BREAK}${BODY_LINE_LEAD}[A-Za-z0-9+/]{1,76}={0,2}(?![A-Za-z0-9+/=]))?`,
    ),
    validate: hasBase64Body,
    // Below the block detectors: a whole block is reported by its own.
    priority: 25,
  },
  {
    id: 'private-key-putty',
    description: 'PuTTY private key file (.ppk)',
    keywords: ['putty-user-key-file-'],
    pattern: /PuTTY-User-Key-File-[23]: [\s\S]{50,16000}?Private-MAC: [0-9a-f]{40,64}/,
    requires: { pattern: /Private-MAC: /, within: 'PuTTY-User-Key-File-2: '.length + BODY_MAX },
    validate: (value) => /Private-Lines: [0-9]+/.test(value) && shannonEntropy(value.slice(value.lastIndexOf(' ') + 1)) >= 3,
    priority: 30,
  },
  {
    id: 'jwt',
    description: 'JSON Web Token (header.payload.signature whose header is JSON with an alg)',
    keywords: ['eyj'],
    pattern: /(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000}(?![A-Za-z0-9_.-])/,
    // The jwt.io sample token is documentation, not a credential.
    placeholders: ['~SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
    validate: isJwt,
    priority: 15,
  },
  {
    id: 'jwt-base64',
    description: 'JSON Web Token wrapped in base64 (ZXlK…: base64 of eyJ…), as in Kubernetes secrets and env dumps',
    keywords: ['zxlk'],
    pattern: /(?<![A-Za-z0-9+/])ZXlK[A-Za-z0-9+/]{40,12000}={0,2}(?![A-Za-z0-9+/=])/,
    validate: (value) => {
      const decoded = decodeBase64(value);
      return decoded !== undefined && isJwt(decoded.trim());
    },
    priority: 16,
  },
  {
    id: 'private-key-base64',
    description: 'PEM private key wrapped in base64 (LS0tLS1CRUdJTi…: base64 of -----BEGIN …PRIVATE KEY-----)',
    keywords: ['ls0tls1crudjti'],
    // Above private-key-* found in the decoded view: this one reports exactly the encoded run.
    priority: 31,
    pattern: /(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,30000}={0,2}(?![A-Za-z0-9+/=])/,
    validate: (value) => {
      const decoded = decodeBase64(value);
      return decoded !== undefined && /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/.test(decoded.slice(0, 60)) && hasBase64Body(decoded);
    },
  },
  {
    id: 'private-key-ssh2-encrypted',
    description: 'SSH.com / Tectia SSH2 encrypted private key (---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----)',
    keywords: ['---- begin ssh2 encrypted private key ----'],
    pattern: /---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----[\s\S]{64,16000}?---- END SSH2 ENCRYPTED PRIVATE KEY ----/,
    requires: { pattern: /---- END SSH2 ENCRYPTED PRIVATE KEY ----/, within: '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----'.length + BODY_MAX },
    validate: (value) => hasBase64Body(value.replace(/^---- [A-Z0-9 ]+ ----$/gm, '')),
    priority: 30,
  },
  {
    ...pemBlock('openvpn-static-key', 'OpenVPN static key (tls-auth / tls-crypt key file)', 'OpenVPN Static key V1'),
    keywords: ['-----begin openvpn static key v1-----'],
    validate: (value) => /(?:[0-9a-f]{32}\s*){8,}/.test(value) && shannonEntropy(value.replace(/-----[^-]+-----|\s/g, '')) >= 3.5,
  },
  {
    id: 'wireguard-private-key',
    description: 'WireGuard private key (PrivateKey = <44-char base64>) in a wg-quick config',
    keywords: ['privatekey'],
    pattern: /PrivateKey\s{0,4}=\s{0,4}([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])/,
    secretGroup: 1,
    shape: [run('b64', 42), 'A='],
    sampleContext: '[Interface]\nAddress = 10.8.0.2/24\nPrivateKey = $VALUE\nDNS = 10.8.0.1',
    minEntropy: 4,
    priority: 25,
  },
];
