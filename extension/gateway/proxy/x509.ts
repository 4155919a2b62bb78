// Minting X.509 certificates: ECDSA P-256 keys from node:crypto, the certificate structures from
// @peculiar/asn1-x509 (RFC 5280 schemas; no global polyfills, unlike @peculiar/x509's DI
// container). Only what the proxy CA needs: a name-constrained CA and short-lived server leaves.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_serverAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  NameConstraints,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function name(commonName: string, organization?: string): Name {
  const rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  return new Name([...(organization ? [rdn(ORGANIZATION, organization)] : []), rdn(COMMON_NAME, commonName)]);
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function spkiOf(publicKey: KeyObject): SubjectPublicKeyInfo {
  return AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
function keyId(spki: SubjectPublicKeyInfo): ArrayBuffer {
  const digest = createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
}

/** A positive 128-bit serial (high bit clear, first byte non-zero so the DER stays 16 bytes). */
function serial(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 16);
}

function toPem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** DER length octets. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** ecdsa-with-SHA256 AlgorithmIdentifier (parameters absent, RFC 5758). */
const ECDSA_SHA256_DER = Buffer.from(AsnConvert.serialize(new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 })));

/**
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING },
 * assembled from the TBS bytes that were signed (not serialized a second time: minting speed).
 */
function signCertificate(tbs: TBSCertificate, issuerKey: KeyObject): string {
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsDer, { key: issuerKey, dsaEncoding: 'der' });
  const bitString = Buffer.concat([Buffer.from([0x03]), derLength(signature.length + 1), Buffer.from([0x00]), signature]);
  const body = Buffer.concat([tbsDer, ECDSA_SHA256_DER, bitString]);
  const der = Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
  return toPem(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength));
}

export interface CaSpec {
  commonName: string;
  keys: KeyPair;
  notBefore: Date;
  notAfter: Date;
  /**
   * DNS names the CA may issue for (RFC 5280 name constraints): `example.com` permits that name
   * and every name below it. All IP addresses are excluded. Empty: no constraint.
   */
  permittedDns: readonly string[];
}

export function createCaCertificate(spec: CaSpec): string {
  const spki = spkiOf(spec.keys.publicKey);
  const subject = name(spec.commonName, 'Airlock');
  const extensions: Extension[] = [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
    extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(spki))),
  ];
  if (spec.permittedDns.length > 0) {
    const constraints = new NameConstraints({
      permittedSubtrees: new GeneralSubtrees(spec.permittedDns.map((dns) => new GeneralSubtree({ base: new GeneralName({ dNSName: dns }) }))),
      excludedSubtrees: new GeneralSubtrees([new GeneralSubtree({ base: new GeneralName({ iPAddress: '0.0.0.0/0' }) }), new GeneralSubtree({ base: new GeneralName({ iPAddress: '::/0' }) })]),
    });
    extensions.push(extension(id_ce_nameConstraints, true, constraints));
  }
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial(),
    signature: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    issuer: subject,
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  return signCertificate(tbs, spec.keys.privateKey);
}

export interface LeafSpec {
  /** The DNS name the leaf is for (its only subjectAltName). */
  host: string;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  issuer: { commonName: string; privateKey: KeyObject; publicKey: KeyObject };
}

export function createLeafCertificate(spec: LeafSpec): string {
  return leafMinter(spec.issuer, spec.publicKey)(spec.host, spec.notBefore, spec.notAfter);
}

/**
 * Mints server leaves for one issuer and one leaf key: everything that does not depend on the
 * host (names, key identifiers, fixed extensions) is computed once.
 */
export function leafMinter(issuer: LeafSpec['issuer'], leafPublicKey: KeyObject): (host: string, notBefore: Date, notAfter: Date) => string {
  const spki = spkiOf(leafPublicKey);
  const issuerName = name(issuer.commonName, 'Airlock');
  const fixed = [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
    extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
    extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(spki))),
    extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId(spkiOf(issuer.publicKey))) })),
  ];
  return (host, notBefore, notAfter) => {
    const tbs = new TBSCertificate({
      version: Version.v3,
      serialNumber: serial(),
      signature: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
      issuer: issuerName,
      validity: new Validity({ notBefore, notAfter }),
      subject: name(host),
      subjectPublicKeyInfo: spki,
      extensions: new Extensions([...fixed, extension(id_ce_subjectAltName, false, new SubjectAlternativeName([new GeneralName({ dNSName: host })]))]),
    });
    return signCertificate(tbs, issuer.privateKey);
  };
}
