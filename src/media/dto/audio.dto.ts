import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { AUDIO_STATUSES, AudioStatus } from '../entities/audio-asset.entity';
import { Omittable } from '../../common/validation';
import { PlainText } from '../../common/text';

export class SynthesizeAudioDto {
  @ApiProperty({
    description: 'Vietnamese text to read. Numbers, dates and times are read the Vietnamese way.',
    example: 'Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10, từ 05:30 sáng mai…',
  })
  @IsString()
  @PlainText({ multiline: true })
  @IsNotEmpty()
  text!: string;

  @ApiPropertyOptional({
    description: 'Regional voice: Bắc (default), Trung or Nam (espeak-ng ids accepted too).',
    example: 'Bắc',
  })
  @Omittable()
  @IsString()
  @PlainText()
  voice?: string;
}

/** The multipart body of an upload (documentation only; multer reads it). */
export class UploadAudioDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The recording, any format ffprobe decodes',
  })
  file!: unknown;
}

export class ListAudioQueryDto {
  @ApiPropertyOptional({ enum: AUDIO_STATUSES })
  @Omittable()
  @IsIn(AUDIO_STATUSES)
  status?: AudioStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class PreviewReadingDto {
  @ApiProperty({
    description:
      'Text as typed or pasted (from a PDF letter too): answered cleaned, as it will be read, and with each number, date and abbreviation beside its reading.',
    example: 'Mô hình chính quyền 02 cấp, từ ngày 10/10/2025, UBND xã…',
  })
  @IsString()
  @PlainText({ multiline: true })
  @IsNotEmpty()
  text!: string;
}
