import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, ValidationTypes } from 'class-validator';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { PLAIN_TEXT } from './text';
import { isNullable } from './validation';

/** Every source file that declares checks for the ValidationPipe (DTOs, query classes). */
function checkedSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return checkedSources(path);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) return [];
    if (path.endsWith('deferred-requires.ts')) return [];
    const text = readFileSync(path, 'utf8');
    return /from 'class-validator'|common\/validation'/.test(text) ? [path] : [];
  });
}

/** Each class with checks, and its properties that a condition may leave unchecked. */
function conditionalProperties(): Array<[new () => object, string[]]> {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<new () => object, ValidationMetadata[]>;
  };
  return [...storage.validationMetadatas].map(([target, metadatas]) => [
    target,
    [
      ...new Set(
        metadatas
          .filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION)
          .map((metadata) => metadata.propertyName),
      ),
    ],
  ]);
}

describe('optional fields and null', () => {
  beforeAll(async () => {
    for (const path of checkedSources(join(__dirname, '..'))) await import(path);
  });

  it("uses Omittable or Nullable, never class-validator's IsOptional (which lets null through)", () => {
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<new () => object, ValidationMetadata[]>;
    };
    const isOptional = [...storage.validationMetadatas].flatMap(([target, metadatas]) =>
      metadatas
        .filter((metadata) => metadata.name === 'isOptional')
        .map((metadata) => `${target.name}.${metadata.propertyName}`),
    );
    expect(isOptional).toEqual([]);
  });

  it('refuses null for every field that may be left out, unless it is @Nullable()', async () => {
    const classes = conditionalProperties();
    const wrong: string[] = [];
    let checked = 0;
    for (const [target, properties] of classes) {
      for (const property of properties) {
        const instance = plainToInstance(target, { [property]: null });
        const errors = await validate(instance);
        const refused = errors.some((error) => error.property === property);
        const nullable = isNullable(target.prototype, property);
        if (refused === nullable) {
          wrong.push(`${target.name}.${property} ${nullable ? 'refuses' : 'takes'} null`);
        }
        checked += 1;
      }
    }
    expect(wrong).toEqual([]);
    // The walk did find the DTOs (the bulletin's edit among them).
    expect(classes.map(([target]) => target.name)).toContain('UpdateBulletinDto');
    expect(checked).toBeGreaterThan(100);
  });
});

/**
 * String fields that are not text a person reads back: secrets, codes and keys that no view,
 * export or report ever shows (and, for a login, refusing would only say less than "wrong password").
 */
const MACHINE_TEXT = [
  'LoginDto.username',
  'LoginDto.password',
  'CreateUserDto.username', // @Matches(/^[a-z0-9._-]{3,64}$/) already
  'CreateUserDto.password',
  'UpdateUserDto.password',
  'StatsPushTargetDto.secret',
  'SigningCertificateUploadDto.password',
  'CalendarQueryDto.token',
  'EnrolDto.code',
  'EnrolDto.publicKey',
  'CommuneReportQueryDto.campaign', // a campaign code (@Matches)
  'OfficialScopeDto.campaign', // a campaign code (@Matches)
];

describe('user text', () => {
  beforeAll(async () => {
    for (const path of checkedSources(join(__dirname, '..'))) await import(path);
  });

  it('puts every string field under the one rule of @PlainText(), unless it is machine text', () => {
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<new () => object, ValidationMetadata[]>;
    };
    const missing: string[] = [];
    const strings: string[] = [];
    for (const [target, metadatas] of storage.validationMetadatas) {
      for (const metadata of metadatas.filter((entry) => entry.name === 'isString')) {
        const field = `${target.name}.${metadata.propertyName}`;
        strings.push(field);
        const ruled = metadatas.some(
          (entry) =>
            entry.name === PLAIN_TEXT &&
            entry.propertyName === metadata.propertyName &&
            Boolean(entry.each) === Boolean(metadata.each),
        );
        if (!ruled && !MACHINE_TEXT.includes(field)) missing.push(field);
      }
    }
    expect(missing).toEqual([]);
    // Every exemption still names a string field (a renamed one cannot stay exempt by mistake).
    expect(MACHINE_TEXT.filter((field) => !strings.includes(field))).toEqual([]);
    expect(strings).toEqual(
      expect.arrayContaining(['CreateBulletinDto.title', 'OfficialTextDto.paragraphs']),
    );
  });
});
