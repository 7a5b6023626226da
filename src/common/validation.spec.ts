import 'reflect-metadata';
import { ArgumentMetadata, ValidationError } from '@nestjs/common';
import { ValidationError as FailedCheck } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { UpdateBulletinDto } from '../bulletins/dto/bulletin.dto';
import { CreateCampaignDto } from '../campaigns/dto/campaign.dto';
import { CreateDeviceDto } from '../fleet/dto/device.dto';
import { PutPolicyDto } from '../policy/dto/policy.dto';
import { CreateScheduleItemDto, EmergencyDto } from '../schedule/dto/schedule.dto';
import { DomainError } from './domain-error';
import { validationMessages, validationPipe } from './validation';

async function refusal(metatype: ArgumentMetadata['metatype'], body: unknown): Promise<string> {
  try {
    await validationPipe().transform(body, { type: 'body', metatype });
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
  throw new Error('the body was accepted');
}

function failed(property: string, constraints?: string[], children: ValidationError[] = []) {
  const error = new FailedCheck();
  error.property = property;
  error.value = 'a value that failed';
  error.constraints = constraints && Object.fromEntries(constraints.map((m, i) => [`c${i}`, m]));
  error.children = children;
  return error;
}

describe('validationMessages', () => {
  it('names a nested property by its path once', async () => {
    expect(await refusal(PutPolicyDto, { quietHours: { from: '25:00', to: '05:00' } })).toBe(
      'quietHours.from must be a local time HH:mm',
    );
  });

  it('names a property of an array element by its index', async () => {
    const message = await refusal(CreateCampaignDto, {
      code: 'th-cds-2026',
      name: 'Chuyển đổi số',
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
      rules: [{ topic: 'Kinh tế số', minDailySeconds: 60 }],
    });
    expect(message).toContain('rules.0.topic must be a topic code');
    expect(message).not.toContain('rules.0.rules');
  });

  it('does not repeat a path the message already begins with, at any depth', () => {
    const error = failed('records', undefined, [
      failed('0', undefined, [
        failed('window', undefined, [
          failed('from', ['records.0.window.from must be a local time HH:mm']),
          failed('to', ['to must be a local time HH:mm']),
        ]),
      ]),
    ]);
    expect(validationMessages(error)).toEqual([
      'records.0.window.from must be a local time HH:mm',
      'records.0.window.to must be a local time HH:mm',
    ]);
  });

  it('says once that a missing field is required', async () => {
    const bulletinId = '0b9f4a53-8c3f-4c6e-9a59-3c1b7e0c2d11';
    expect(await refusal(CreateScheduleItemDto, { bulletinId })).toBe('startsAt is required');
  });

  it('says a field is required in its own words when one of its checks has them', async () => {
    const relay = {
      sourceId: '0b9f4a53-8c3f-4c6e-9a59-3c1b7e0c2d11',
      startsAt: '2026-12-08T05:30:00+07:00',
    };
    expect(await refusal(CreateScheduleItemDto, relay)).toBe(
      'durationSeconds is required for a relay (sourceId)',
    );
  });

  it('says once that a field may be left out but not null', async () => {
    expect(await refusal(UpdateBulletinDto, { topics: null, audioId: null })).toBe(
      'topics may be left out, but not null; audioId may be left out, but not null',
    );
    expect(await refusal(CreateScheduleItemDto, { bulletinId: null, startsAt: null })).toBe(
      'bulletinId must not be null; startsAt must not be null',
    );
  });

  it('takes null where it clears a field', async () => {
    await expect(
      validationPipe().transform({ body: null }, { type: 'body', metatype: UpdateBulletinDto }),
    ).resolves.toEqual({ body: null });
  });

  it('refuses an unknown field even when it is null', async () => {
    expect(await refusal(UpdateBulletinDto, { colour: null })).toBe(
      'property colour should not exist',
    );
  });

  it('says each distinct message once', async () => {
    const message = await refusal(CreateScheduleItemDto, {
      bulletinId: '0b9f4a53-8c3f-4c6e-9a59-3c1b7e0c2d11',
      startsAt: 'tomorrow',
    });
    expect(message).toBe(
      'startsAt must be an ISO 8601 instant with an offset, e.g. 2025-10-06T05:30:00+07:00',
    );
  });

  it('leaves a top-level message as it is', () => {
    expect(validationMessages(failed('name', ['name must be a string']))).toEqual([
      'name must be a string',
    ]);
  });

  it('says only the kind a value must be when it is of another kind', async () => {
    expect(await refusal(CreateDeviceDto, { name: 'Cụm loa thôn 1', zones: 'thon-1' })).toBe(
      'zones must be a list (array) of zone codes, e.g. ["thon-1"]',
    );
    expect(await refusal(EmergencyDto, { bulletinId: randomUUID(), zones: 'thon-1' })).toBe(
      'zones must be a list (array) of zone codes, e.g. ["thon-1"]',
    );
    // Of the right kind, every failed check is said.
    expect(await refusal(CreateDeviceDto, { name: 'Cụm loa thôn 1', zones: ['Thôn 1'] })).toContain(
      'each zone must be 1 to 32 lower-case letters',
    );
    expect(await refusal(CreateDeviceDto, { name: 42 })).toBe('name must be a string');
  });
});
