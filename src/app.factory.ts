import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { createApiDocument } from './api-document';
import { AppModule, AppModuleOptions } from './app.module';
import { TokenService } from './auth/token.service';
import { LoadShedder, loadShedding } from './common/load-shedder';
import { ProblemFilter, reasonPhrase, sendProblem, toProblem } from './common/problem.filter';
import { validationPipe } from './common/validation';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { adminOnly } from './queue/queue-dashboard.auth';
import { UsersService } from './users/users.service';

export const API_PREFIX = 'api/v1';
export const HEALTH_PATH = `/${API_PREFIX}/health`;
export const API_DOCS_PATH = 'api/docs';
/** Every path SwaggerModule serves: the UI and its files, the JSON and the YAML document. */
const API_DOCS_PATHS = [`/${API_DOCS_PATH}`, `/${API_DOCS_PATH}-json`, `/${API_DOCS_PATH}-yaml`];

function isHealthCheck(request: Request): boolean {
  return request.path.replace(/\/+$/, '') === HEALTH_PATH;
}

/** The web app (src/web) lives outside the API prefix: its page at `/`, its files at `/assets/…`. */
export function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: '/', method: RequestMethod.GET },
      { path: 'assets/*path', method: RequestMethod.GET },
    ],
  });
}

/** Middleware, pipes, filters and docs shared by `main.ts` and the end-to-end tests. */
export function configureHttpApp(app: INestApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(app.get(Logger));
  // First of all: past its bounds a request is refused before any work is spent on it. Health
  // stays outside, so a monitor sees an overloaded service as alive.
  app.use(loadShedding(new LoadShedder(config.http), isHealthCheck));
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
  useApiPrefix(app);
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  configureApiDocs(app, config);
}

/** API_DOCS: `on` serves the docs to anyone, `admin` to admins' tokens only, `off` not at all (404). */
function configureApiDocs(app: INestApplication, config: AppConfig): void {
  if (config.http.apiDocs === 'off') return;
  if (config.http.apiDocs === 'admin') {
    app.use(
      API_DOCS_PATHS,
      adminOnly(app.get(TokenService), app.get(UsersService), 'the API docs'),
    );
  }
  // Built on the first request for the docs (and kept), not at every start: scanning every
  // route and DTO took ~90 ms of the start-up (BENCHMARKS.md, Start-up).
  const document = () => createApiDocument(app);
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: `${API_DOCS_PATH}-json`,
    yamlDocumentUrl: `${API_DOCS_PATH}-yaml`,
  });
}

export async function createHttpApp(
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ ...options, http: true }),
    {
      bufferLogs: true,
      // No body is read before access is decided: the AccessGuard reads JSON bodies once it has,
      // within each route's limits; upload and import routes read theirs in their interceptors.
      bodyParser: false,
    },
  );
  app.set('trust proxy', app.get<AppConfig>(APP_CONFIG).http.trustedProxies);
  configureHttpApp(app);
  // Nest answers unknown paths under the API prefix; after every route, the rest of the paths
  // (outside the prefix) and errors raised outside Nest (bull-board's own body parser) get a
  // problem with a code too, not Express's HTML page.
  await app.init();
  app.use((request: Request, response: Response) => {
    sendProblem(request, response, {
      statusCode: 404,
      error: reasonPhrase(404),
      message: `Cannot ${request.method} ${request.path}`,
      code: 'ROUTE_NOT_FOUND',
    });
  });
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) return next(error);
    sendProblem(request, response, toProblem(error));
  });
  return app;
}
