import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';

/** `POST /communes/:commune/live`: a live announcement, optionally counted for campaign topics. */
export class OpenLiveDto {
  @ApiPropertyOptional({ type: [String], example: ['chinh-quyen-so'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TOPIC_CODE_PATTERN, { each: true, message: 'topics must be topic codes' })
  topics?: string[];
}
