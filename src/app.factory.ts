import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { ProblemFilter } from './common/problem.filter';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { validationPipe } from './common/validation';

export const API_PREFIX = 'api/v1';
export const JSON_BODY_LIMIT = '4mb';

/** Middleware, pipes, filters and docs shared by `main.ts` and the end-to-end tests. */
export function configureHttpApp(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
        },
      },
    }),
  );
  // The web app (src/web) lives outside the API prefix: its page at `/`, its files at `/assets/…`.
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: '/', method: RequestMethod.GET },
      { path: 'assets/*path', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Loa xã API')
      .setDescription('Lập lịch, phát và kiểm tra nhật ký bản tin trên đài truyền thanh cơ sở')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

export async function createHttpApp(
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(options), {
    bufferLogs: true,
  });
  app.set('trust proxy', app.get<AppConfig>(APP_CONFIG).http.trustedProxies);
  // A batch of as-run records (up to 5,000) is a few megabytes of JSON; Express's default is 100 kB.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  configureHttpApp(app);
  return app;
}
