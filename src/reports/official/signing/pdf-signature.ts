import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import signpdf from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import type Forge from 'node-forge';
import { pdfNameText } from './pdf-name';
import { pdfTextString } from './pdf-text-string';

/** node-forge, loaded by the first certificate read or signature rather than at start-up (~0.15 s). */
function loadForge(): typeof Forge {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node-forge') as typeof Forge;
}

/** What a PKCS#12 file holds that matters here. */
export interface P12Summary {
  subject: string;
  notAfter: Date;
}

interface P12Contents {
  key: Forge.pki.rsa.PrivateKey;
  certificate: Forge.pki.Certificate;
  certificates: Forge.pki.Certificate[];
}

/**
 * Opens a PKCS#12 file with its password and checks it holds a private key with its certificate;
 * throws (with a message fit for the caller) otherwise.
 */
export function readP12(p12: Buffer, password: string): P12Summary {
  const { certificate } = openP12(p12, password);
  return {
    subject: certificate.subject.attributes
      .map((attribute) => `${attribute.shortName ?? attribute.name}=${String(attribute.value)}`)
      .join(', '),
    notAfter: certificate.validity.notAfter,
  };
}

function openP12(p12: Buffer, password: string): P12Contents {
  const forge = loadForge();
  let parsed: Forge.pkcs12.Pkcs12Pfx;
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
    const publicKey = candidate.publicKey as Forge.pki.rsa.PublicKey;
    return publicKey.n?.equals(key.n) && publicKey.e?.equals(key.e);
  });
  if (!certificate) throw new Error('no certificate of the PKCS#12 file matches its private key');
  for (const each of certificates) decodeUtf8Names(each);
  return { key, certificate, certificates };
}

/**
 * forge reads a UTF8String name (as Vietnamese CAs write them: "CN=Sở …") as its bytes and
 * encodes the value as UTF-8 again when it writes the certificate into the CMS, which would then
 * no longer be the CA's certificate: keep names decoded, so they are written back byte for byte.
 */
function decodeUtf8Names(certificate: Forge.pki.Certificate): void {
  const forge = loadForge();
  for (const attribute of [...certificate.subject.attributes, ...certificate.issuer.attributes]) {
    const tagged = attribute as { valueTagClass?: number; value?: unknown };
    if (tagged.valueTagClass === forge.asn1.Type.UTF8 && typeof tagged.value === 'string') {
      tagged.value = forge.util.decodeUtf8(tagged.value);
    }
  }
}

/**
 * A CMS detached signature (SHA-256; content type, signing time and message digest signed) by
 * the key of a PKCS#12 file, with its certificates. As @signpdf/signer-p12 does, with the names
 * of UTF-8 certificates kept intact.
 */
class P12CmsSigner extends Signer {
  constructor(private readonly contents: P12Contents) {
    super();
  }

  override sign(pdf: Buffer, signingTime?: Date): Promise<Buffer> {
    const forge = loadForge();
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdf.toString('binary'));
    for (const certificate of this.contents.certificates) p7.addCertificate(certificate);
    p7.addSigner({
      key: this.contents.key,
      certificate: this.contents.certificate,
      digestAlgorithm: forge.pki.oids.sha256,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
        {
          type: forge.pki.oids.signingTime,
          value: (signingTime ?? new Date()) as unknown as string,
        },
        { type: forge.pki.oids.messageDigest },
      ],
    });
    p7.sign({ detached: true });
    return Promise.resolve(Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary'));
  }
}

export interface SignatureInfo {
  reason: string;
  location: string;
  name: string;
  contactInfo: string;
  signingTime: Date;
}

/** The signature dictionary's text strings, by their keys. */
const TEXT_KEYS = {
  reason: 'Reason',
  location: 'Location',
  name: 'Name',
  contactInfo: 'ContactInfo',
} as const;

type TextField = keyof typeof TEXT_KEYS;

/**
 * Stand-ins for the signature dictionary's text strings, each as long as the hex string that
 * replaces it. The placeholder writes a non-ASCII text string as UTF-16 code units and then
 * encodes that as UTF-8 (`FE FF` became `C3 BE C3 BF`: readers showed "Ã¾Ã¿" and every Vietnamese
 * letter as two; @signpdf issue 174): it gets ASCII of the right length, which it writes as it is,
 * and `withTextStrings` puts the UTF-16BE hex string in its place, byte for byte, so no offset of
 * the update moves.
 */
function standIns(info: SignatureInfo): Record<TextField, { standIn: string; hex: string }> {
  const fields = {} as Record<TextField, { standIn: string; hex: string }>;
  for (const [field, letter] of [
    ['reason', 'R'],
    ['location', 'L'],
    ['name', 'N'],
    ['contactInfo', 'C'],
  ] as const) {
    const hex = pdfTextString(info[field]);
    // `(…)` and `<…>` both take two delimiters.
    fields[field] = { standIn: letter.repeat(hex.length - 2), hex };
  }
  return fields;
}

/** The update after `from` with each `/Key (stand-in)` written `/Key <FEFF…>`. */
function withTextStrings(
  pdf: Buffer,
  from: number,
  fields: Record<TextField, { standIn: string; hex: string }>,
): Buffer {
  const out = Buffer.from(pdf);
  for (const field of Object.keys(TEXT_KEYS) as TextField[]) {
    const { standIn, hex } = fields[field];
    const written = `/${TEXT_KEYS[field]} (${standIn})`;
    const at = out.indexOf(written, from, 'latin1');
    if (at < 0) throw new Error(`the signature placeholder has no /${TEXT_KEYS[field]} to fill`);
    out.write(`/${TEXT_KEYS[field]} ${hex}`, at, 'latin1');
  }
  return out;
}

/**
 * Signs a PDF (PAdES baseline, SubFilter ETSI.CAdES.detached): a signature dictionary with
 * /ByteRange and a /Contents placeholder is appended as an incremental update, then the CMS
 * detached signature (SHA-256, signing time and message digest signed) fills /Contents.
 * /Reason, /Location, /Name and /ContactInfo are text strings in UTF-16BE with its byte order mark.
 */
export async function signPdf(
  pdf: Buffer,
  p12: Buffer,
  password: string,
  info: SignatureInfo,
): Promise<Buffer> {
  const fields = standIns(info);
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: fields.reason.standIn,
    location: fields.location.standIn,
    name: fields.name.standIn,
    contactInfo: fields.contactInfo.standIn,
    signingTime: info.signingTime,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    signatureLength: 16384,
    // The build dictionary's /App /Name is a PDF name (Adobe's signature build dictionary
    // reference), and the placeholder writes the text after a slash as it is: escaped here.
    appName: pdfNameText('Loa xã'),
  });
  // The placeholder appends to the PDF (less a trailing newline): the stand-ins are after it.
  const update = withTextStrings(withPlaceholder, pdf.length - 2, fields);
  return signpdf.sign(update, new P12CmsSigner(openP12(p12, password)), info.signingTime);
}
