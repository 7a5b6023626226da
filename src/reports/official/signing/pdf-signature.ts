import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { P12Signer } from '@signpdf/signer-p12';
import signpdf from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';

/** What a PKCS#12 file holds that matters here. */
export interface P12Summary {
  subject: string;
  notAfter: Date;
}

/**
 * Opens a PKCS#12 file with its password and checks it holds a private key with its certificate;
 * throws (with a message fit for the caller) otherwise.
 */
export function readP12(p12: Buffer, password: string): P12Summary {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
    parsed = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch {
    // node-forge reads the password of AES-encrypted files (OpenSSL 3's default) as bytes and of
    // the MAC as UCS-2: only an ASCII password opens both the same way.
    const hint = /[^\x20-\x7e]/.test(password)
      ? ' (a password with non-ASCII characters, e.g. Vietnamese letters, is not supported: export the file again with an ASCII password)'
      : '';
    throw new Error(`not a PKCS#12 file, or the password does not open it${hint}`);
  }
  const keys = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[
      forge.pki.oids.pkcs8ShroudedKeyBag
    ] ?? []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const key = keys.find((bag) => bag.key)?.key;
  if (!key) throw new Error('the PKCS#12 file holds no RSA private key');
  const certificates = (
    parsed.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []
  ).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  const certificate = certificates.find((candidate) => {
    const publicKey = candidate.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n?.equals(key.n) && publicKey.e?.equals(key.e);
  });
  if (!certificate) throw new Error('no certificate of the PKCS#12 file matches its private key');
  return {
    subject: certificate.subject.attributes
      .map((attribute) => `${attribute.shortName ?? attribute.name}=${utf8(attribute.value)}`)
      .join(', '),
    notAfter: certificate.validity.notAfter,
  };
}

/** forge gives a UTF8String's bytes as a binary string. */
function utf8(value: unknown): string {
  try {
    return forge.util.decodeUtf8(String(value));
  } catch {
    return String(value);
  }
}

export interface SignatureInfo {
  reason: string;
  location: string;
  name: string;
  contactInfo: string;
  signingTime: Date;
}

/**
 * Signs a PDF (PAdES baseline, SubFilter ETSI.CAdES.detached): a signature dictionary with
 * /ByteRange and a /Contents placeholder is appended as an incremental update, then the CMS
 * detached signature (SHA-256, signing time and message digest signed) fills /Contents.
 */
export async function signPdf(
  pdf: Buffer,
  p12: Buffer,
  password: string,
  info: SignatureInfo,
): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: info.reason,
    location: info.location,
    name: info.name,
    contactInfo: info.contactInfo,
    signingTime: info.signingTime,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    signatureLength: 16384,
    appName: 'Loa xã',
  });
  const signer = new P12Signer(p12, { passphrase: password });
  return signpdf.sign(withPlaceholder, signer, info.signingTime);
}
