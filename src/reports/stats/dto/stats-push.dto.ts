import { IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';
import { Omittable } from '../../../common/validation';

/** A province's push target: where its finished days go, and the secret that signs them. */
export class StatsPushTargetDto {
  /** The receiver's URL (`https://…`; `http://` for a receiver on the same network). */
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url!: string;

  /** The HMAC-SHA256 key of the signature header, 16 to 200 characters; never served back. */
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret!: string;

  /** First local day pushed (default: the last finished day when first configured). */
  @Omittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startsOn must be a date YYYY-MM-DD' })
  startsOn?: string;
}
