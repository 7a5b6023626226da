import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { CurrentUser, Roles } from '../../../auth/access.decorators';
import { AuthUser } from '../../../auth/auth-user';
import { DomainError } from '../../../common/domain-error';
import { SigningCertificatesService, SigningCertificateView } from './signing-certificates.service';

const MAX_P12_BYTES = 64 * 1024;

export class SigningCertificateUploadDto {
  @IsString()
  @MaxLength(500)
  password!: string;
}

/** The certificate that signs official reports (admins). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/signing-certificate')
@Roles('admin')
export class SigningCertificateController {
  constructor(private readonly certificates: SigningCertificatesService) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' }, password: { type: 'string' } },
    },
  })
  @ApiOperation({
    summary: 'Uploads the PKCS#12 certificate that signs official reports (password kept sealed)',
  })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_P12_BYTES, files: 1 } }))
  upload(
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @Body() body: SigningCertificateUploadDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<SigningCertificateView> {
    if (!file) throw new DomainError('VALIDATION_FAILED', 'The multipart body has no "file" part');
    return this.certificates.upload(file.buffer, body.password, actor);
  }

  @Get()
  @ApiOperation({ summary: "The current signing certificate's subject and validity" })
  current(): Promise<SigningCertificateView> {
    return this.certificates.current();
  }
}
