import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ProblemDto } from './common/problem.dto';

/**
 * The OpenAPI document of the API, as /api/docs-json serves it and as `npm run api:types`
 * reads it (src/cli/api-document.cli.ts) to generate the web app's types.
 */
export function createApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Loa xã API')
      .setDescription('Lập lịch, phát và kiểm tra nhật ký bản tin trên đài truyền thanh cơ sở')
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .addTag(
        'stats',
        'Open statistics feed (schemaVersion 1) per commune and day, and its signed daily push: ' +
          'docs/stats-feed.md',
      )
      // Every refusal has the one form the exception filter writes (src/common/problem.filter.ts).
      .addGlobalResponse({
        status: '4XX',
        description: 'Refused: the problem, with a code the web app translates',
        type: ProblemDto,
      })
      .build(),
  );
}
