import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readOrCreateSecretFile } from '../common/secret-file';
import { AppConfig } from '../config/app-config';
import { SettingsService } from '../database/settings.service';

/** Where versions before 2026-12 kept a generated secret, in clear, in `app_setting`. */
export const LEGACY_JWT_SECRET_SETTING = 'jwt-secret';
export const JWT_ALGORITHM = 'HS256';

const logger = new Logger('JwtSecret');

/**
 * The secret tokens are signed with: `JWT_SECRET`, else the file `JWT_SECRET_FILE` (generated at
 * first start). A secret an older version left in the database moves to the file (so tokens issued
 * before the upgrade stay valid) and is deleted from the database.
 */
export async function resolveJwtSecret(
  auth: AppConfig['auth'],
  settings: SettingsService,
): Promise<string> {
  const legacy = await settings.get(LEGACY_JWT_SECRET_SETTING);
  let secret: string;
  if (auth.jwtSecret !== undefined) {
    secret = auth.jwtSecret;
  } else {
    const file = await readOrCreateSecretFile(
      auth.jwtSecretFile,
      () => legacy ?? randomBytes(48).toString('base64url'),
    );
    if (file.created) {
      logger.log(
        `${legacy !== undefined ? 'Moved the JWT secret from the database to' : 'Generated a JWT secret in'} ${auth.jwtSecretFile}`,
      );
    }
    if (legacy !== undefined && file.secret !== legacy) {
      logger.warn(
        `${auth.jwtSecretFile} differs from the secret found in the database: tokens signed before the upgrade are no longer valid`,
      );
    }
    if (file.secret.length < 32) {
      throw new Error(`${auth.jwtSecretFile} must hold a secret of at least 32 characters`);
    }
    secret = file.secret;
  }
  if (legacy !== undefined) {
    await settings.delete(LEGACY_JWT_SECRET_SETTING);
    logger.log('Deleted the JWT secret an older version kept in the database');
  }
  return secret;
}
