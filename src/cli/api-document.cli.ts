import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { resolve } from 'node:path';
import { createApiDocument } from '../api-document';
import { useApiPrefix } from '../app.factory';
import { AppModule } from '../app.module';

/**
 * `node dist/cli/api-document.cli.js`: writes the OpenAPI document (/api/docs-json) to stdout,
 * for `npm run api:types` (scripts/api-types.js). The application graph is built in preview mode:
 * no provider is created, so nothing connects to a database, Redis or a port. The variables are
 * fixed, so the document does not depend on the machine's `.env`.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create(
    AppModule.register({
      http: true,
      env: {
        NODE_ENV: 'development',
        DATABASE_URL: 'sqlite::memory:',
        JWT_SECRET: 'api-document-preview-has-no-secret-to-keep',
        CONFIG_DIR: resolve(__dirname, '../../config'),
        LOG_LEVEL: 'silent',
      },
    }),
    { preview: true, logger: false, bodyParser: false, abortOnError: false },
  );
  useApiPrefix(app);
  process.stdout.write(`${JSON.stringify(createApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
