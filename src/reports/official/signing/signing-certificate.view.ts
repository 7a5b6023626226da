export class SigningCertificateView {
  provinceCode!: string;
  subject!: string;
  notAfter!: string;
  uploadedAt!: string;
}
