import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { CurrentUser, Roles } from '../../../auth/access.decorators';
import { AuthUser } from '../../../auth/auth-user';
import { DomainError } from '../../../common/domain-error';
import { GeoService } from '../../../geo/geo.service';
import { SigningCertificatesService, SigningCertificateView } from './signing-certificates.service';

const MAX_P12_BYTES = 64 * 1024;

export class SigningCertificateUploadDto {
  @Matches(/^\d{2}$/, { message: 'provinceCode must be a 2-digit province code' })
  provinceCode!: string;

  @IsString()
  @MaxLength(500)
  password!: string;
}

/** Each province's certificate that signs its official reports (admins). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/signing-certificate')
@Roles('admin')
export class SigningCertificateController {
  constructor(
    private readonly certificates: SigningCertificatesService,
    private readonly geo: GeoService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary' },
        password: { type: 'string' },
        provinceCode: { type: 'string' },
      },
    },
  })
  @ApiOperation({
    summary: "Uploads the PKCS#12 that signs a province's official reports (password kept sealed)",
  })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_P12_BYTES, files: 1 } }))
  upload(
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @Body() body: SigningCertificateUploadDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<SigningCertificateView> {
    if (!file) throw new DomainError('VALIDATION_FAILED', 'The multipart body has no "file" part');
    return this.certificates.upload(
      this.geo.province(body.provinceCode).code,
      file.buffer,
      body.password,
      actor,
    );
  }

  @Get(':province')
  @ApiOperation({ summary: "A province's signing certificate: subject and validity" })
  current(@Param('province') province: string): Promise<SigningCertificateView> {
    return this.certificates.current(this.geo.province(province).code);
  }
}
