import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SettingsService } from '../database/settings.service';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { TokenService } from './token.service';

export const JWT_SECRET_SETTING = 'jwt-secret';

@Global()
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG, SettingsService],
      useFactory: async (config: AppConfig, settings: SettingsService) => ({
        secret:
          config.auth.jwtSecret ??
          (await settings.getOrCreate(JWT_SECRET_SETTING, () =>
            randomBytes(48).toString('base64url'),
          )),
        signOptions: { expiresIn: config.auth.jwtTtlSeconds },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          {
            name: 'login',
            ttl: config.auth.loginThrottleTtlSeconds * 1000,
            limit: config.auth.loginThrottleLimit,
          },
        ],
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    LoginThrottlerGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [TokenService, UsersModule],
})
export class AuthModule {}
