import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { CreateApiKeyDto } from '../auth/api-keys.controller';
import { CreateBulletinDto, UpdateBulletinDto } from '../bulletins/dto/bulletin.dto';
import { CreateCampaignDto, UpdateCampaignDto } from '../campaigns/dto/campaign.dto';
import { CreateDeviceDto, UpdateDeviceDto } from '../fleet/dto/device.dto';
import { CreateWindowDto, UpdateWindowDto } from '../schedule/dto/window.dto';
import { CreateSourceDto, UpdateSourceDto } from '../sources/dto/source.dto';
import { CreateTopicDto, UpdateTopicDto } from '../topics/dto/topic.dto';
import { DomainError } from './domain-error';
import { validationPipe } from './validation';

type Metatype = NonNullable<ArgumentMetadata['metatype']>;

async function validate(metatype: Metatype, body: object): Promise<unknown> {
  return validationPipe().transform(body, { type: 'body', metatype });
}

async function refusal(metatype: Metatype, body: object): Promise<DomainError> {
  try {
    await validate(metatype, body);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${metatype.name} accepted ${JSON.stringify(body)}`);
}

/** Each DTO's required text field (its other fields may be missing: only this one's message is read). */
const REQUIRED_TEXT: [Metatype, string][] = [
  [CreateDeviceDto, 'name'],
  [UpdateDeviceDto, 'name'],
  [CreateTopicDto, 'name'],
  [UpdateTopicDto, 'name'],
  [CreateApiKeyDto, 'name'],
  [CreateSourceDto, 'name'],
  [UpdateSourceDto, 'name'],
  [CreateWindowDto, 'name'],
  [UpdateWindowDto, 'name'],
  [CreateBulletinDto, 'title'],
  [UpdateBulletinDto, 'title'],
  [CreateCampaignDto, 'name'],
  [UpdateCampaignDto, 'name'],
];

describe('required text fields', () => {
  it.each(REQUIRED_TEXT)('%p refuses a blank %s', async (metatype, field) => {
    for (const blank of ['', '   ', '\t\n ']) {
      const error = await refusal(metatype, { [field]: blank });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain(`${field} must not be blank`);
    }
  });

  it('hands the service the trimmed name', async () => {
    await expect(validate(CreateDeviceDto, { name: '  Loa chợ  ' })).resolves.toMatchObject({
      name: 'Loa chợ',
    });
    await expect(validate(UpdateTopicDto, { name: ' Kinh tế số ' })).resolves.toMatchObject({
      name: 'Kinh tế số',
    });
  });
});
