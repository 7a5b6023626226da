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
import { isPlainText } from './text';
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

describe('control characters and bidirectional controls', () => {
  const ONE_LINE = 'must be one line without control characters or bidirectional controls';

  it('refuses them in a title and a name, as the tester sent them', async () => {
    for (const [metatype, field, value] of [
      [CreateBulletinDto, 'title', 'Tin\u0000 lạ\u0007 \u202ecba'],
      [CreateWindowDto, 'name', '\u0000\u0007 Tối\u202e'],
      [CreateDeviceDto, 'name', 'Cụm\u0000 loa\b lạ'],
    ] as const) {
      const error = await refusal(metatype, { [field]: value });
      expect([error.code, error.message]).toContain('VALIDATION_FAILED');
      expect(error.message).toContain(`${field} ${ONE_LINE}`);
    }
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['backspace', '\b'],
    ['escape', '\u001b'],
    ['DEL', '\u007f'],
    ['a C1 control (NEL)', '\u0085'],
    ['a C1 control (CSI)', '\u009b'],
    ['left-to-right mark', '\u200e'],
    ['right-to-left mark', '\u200f'],
    ['Arabic letter mark', '\u061c'],
    ['left-to-right embedding', '\u202a'],
    ['right-to-left override', '\u202e'],
    ['left-to-right isolate', '\u2066'],
    ['pop directional isolate', '\u2069'],
  ])('refuses %s anywhere, in one line or many', (_name, character) => {
    expect(isPlainText(`Loa ${character}xã`)).toBe(false);
    expect(isPlainText(`Loa ${character}xã`, true)).toBe(false);
  });

  it('takes line breaks and tabs only in a text of several lines', () => {
    for (const text of ['Dòng 1\nDòng 2', 'Cột 1\tCột 2', 'Dòng 1\r\nDòng 2']) {
      expect(isPlainText(text)).toBe(false);
      expect(isPlainText(text, true)).toBe(true);
    }
  });

  it('takes Vietnamese, other scripts and the joiners they need', () => {
    for (const text of ['Tiêm chủng đợt 2 — thôn Đông', 'Ả Rập: مرحبا', 'emoji 👨‍👩‍👧', 'a\u00a0b']) {
      expect(isPlainText(text)).toBe(true);
    }
  });

  it("takes a bulletin body's and a description's line breaks, and refuses their BEL", async () => {
    await expect(
      validate(UpdateBulletinDto, { body: 'Thôn 1:\tsáng\nThôn 2:\tchiều' }),
    ).resolves.toMatchObject({ body: 'Thôn 1:\tsáng\nThôn 2:\tchiều' });
    await expect(
      validate(UpdateCampaignDto, { description: 'Đợt 1\nĐợt 2' }),
    ).resolves.toMatchObject({ description: 'Đợt 1\nĐợt 2' });
    const error = await refusal(UpdateTopicDto, { description: 'Chủ đề\u0007' });
    expect(error.message).toContain(
      'description must not contain control characters (line breaks and tabs aside) or bidirectional controls',
    );
  });

  it('checks each string of a list', async () => {
    const error = await refusal(CreateSourceDto, {
      name: 'VOV1',
      urls: ['https://example.vn/vov1', 'https://example.vn/\u202evov'],
    });
    expect(error.message).toContain(
      'urls must each be one line without control characters or bidirectional controls',
    );
  });
});
