import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SettingsService } from '../database/settings.service';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JWT_ALGORITHM, resolveJwtSecret } from './jwt-secret';
import { LoginAudit } from './login-audit';
import { LoginLimiter } from './login-limiter';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG, SettingsService],
      useFactory: async (config: AppConfig, settings: SettingsService) => {
        // A KeyObject made once: given the secret as a string, jsonwebtoken first tries (and
        // fails) to parse it as a PEM public key on every verify, ~1.5 ms of CPU per request.
        const key = createSecretKey(Buffer.from(await resolveJwtSecret(config.auth, settings)));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { expiresIn: config.auth.jwtTtlSeconds, algorithm: JWT_ALGORITHM },
          verifyOptions: { algorithms: [JWT_ALGORITHM] },
        };
      },
    }),
  ],
  controllers: [AuthController, ApiKeysController],
  providers: [
    AuthService,
    ApiKeysService,
    TokenService,
    LoginLimiter,
    LoginAudit,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [TokenService, UsersModule],
})
export class AuthModule {}
