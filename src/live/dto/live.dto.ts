import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, Matches } from 'class-validator';
import { ZonesProperty } from '../../schedule/dto/schedule.dto';
import { TOPIC_CODE_PATTERN } from '../../topics/dto/topic.dto';
import { Omittable } from '../../common/validation';

/**
 * `POST /communes/:commune/live`: a live announcement, optionally counted for campaign topics, and
 * in a commune with devices optionally to some zones only.
 */
export class OpenLiveDto {
  @ApiPropertyOptional({ type: [String], example: ['chinh-quyen-so'] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TOPIC_CODE_PATTERN, { each: true, message: 'topics must be topic codes' })
  topics?: string[];

  /** The zones whose devices play it (a commune with devices); left out: every device. */
  @ApiPropertyOptional({ type: [String], example: ['thon-1'] })
  @ZonesProperty()
  zones?: string[];
}
