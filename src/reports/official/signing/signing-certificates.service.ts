import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../../auth/audit.service';
import { AuthUser } from '../../../auth/auth-user';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/domain-error';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { Db } from '../../../database/db.service';
import { SigningCertificate } from '../entities/signing-certificate.entity';
import { OfficialReportModel } from '../official-content';
import { loadSealingKey, openPassword, sealPassword } from './password-box';
import { readP12, signPdf } from './pdf-signature';
import { SigningCertificateView } from './signing-certificate.view';

function view(row: SigningCertificate): SigningCertificateView {
  return {
    provinceCode: row.provinceCode,
    subject: row.subject,
    notAfter: row.notAfter.toISOString(),
    uploadedAt: row.uploadedAt.toISOString(),
  };
}

/**
 * The certificate official reports are signed with. Its PKCS#12 file is kept in the database;
 * the password that opens it only sealed (AES-256-GCM) with a key kept in SIGNING_KEY_FILE
 * (generated at first use, mode 0600), so a stolen database or backup does not sign anything.
 */
@Injectable()
export class SigningCertificatesService {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(
    provinceCode: string,
    p12: Buffer,
    password: string,
    actor: AuthUser,
  ): Promise<SigningCertificateView> {
    let summary;
    try {
      summary = readP12(p12, password);
    } catch (error) {
      throw new DomainError('SIGNING_CERTIFICATE_INVALID', (error as Error).message);
    }
    const row: SigningCertificate = {
      provinceCode,
      p12: p12.toString('base64'),
      passwordCipher: sealPassword(password, await this.sealingKey()),
      subject: summary.subject.slice(0, 500),
      notAfter: summary.notAfter,
      uploadedBy: actor.id,
      uploadedAt: this.clock.now(),
    };
    await this.db.write(async (manager) => {
      await manager.upsert(SigningCertificate, row, ['provinceCode']);
      await this.audit.record(
        {
          action: 'reports.signing-certificate.uploaded',
          actor,
          targetType: 'signing_certificate',
          targetId: provinceCode,
          provinceCode,
          detail: { subject: row.subject, notAfter: row.notAfter.toISOString() },
        },
        manager,
      );
    });
    return view(row);
  }

  async current(provinceCode: string): Promise<SigningCertificateView> {
    return view(await this.row(provinceCode));
  }

  /**
   * A province's report signed with the province's certificate (PAdES, ETSI.CAdES.detached).
   * A commune's own report is not: the province's certificate is not the commune's to sign with.
   */
  async sign(pdf: Buffer, model: OfficialReportModel): Promise<Buffer> {
    if (model.numbers.scope !== 'province') {
      throw new DomainError(
        'FORBIDDEN',
        "Only a province's report is signed (with the province's certificate)",
      );
    }
    const row = await this.row(model.numbers.provinceCode);
    const password = openPassword(row.passwordCipher, await this.sealingKey());
    return signPdf(pdf, Buffer.from(row.p12, 'base64'), password, {
      reason: `Ký phát hành: ${model.text.subject}`.slice(0, 300),
      location: model.text.place,
      name: model.text.signerName || model.text.issuingBody,
      contactInfo: model.text.issuingBody,
      signingTime: this.clock.now(),
    });
  }

  private async row(provinceCode: string): Promise<SigningCertificate> {
    const row = await this.db.manager.findOneBy(SigningCertificate, { provinceCode });
    if (!row) {
      throw new DomainError(
        'SIGNING_CERTIFICATE_NOT_FOUND',
        `No signing certificate uploaded for province ${provinceCode}`,
      );
    }
    return row;
  }

  private sealingKey(): Promise<Buffer> {
    this.key ??= loadSealingKey(this.config.reports.signingKeyFile);
    return this.key;
  }
}

export { SigningCertificateView } from './signing-certificate.view';
