import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** The schema of a file answer (CSV, XLSX, PDF, MP3…): bytes, described by their media type. */
export const BINARY_SCHEMA = { type: 'string', format: 'binary' } as const;

function files(mediaTypes: readonly string[]): Record<string, { schema: typeof BINARY_SCHEMA }> {
  return Object.fromEntries(mediaTypes.map((type) => [type, { schema: BINARY_SCHEMA }]));
}

/**
 * A 200 that is the view as JSON, or (by a `format` query parameter) the same numbers as a file
 * of one of `fileTypes`. The plugin cannot read such a route's return type (`View |
 * StreamableFile`), so the document says it here: the view's schema for JSON, bytes for the rest.
 */
export function ApiJsonOrFile(
  view: Type<unknown>,
  description: string,
  ...fileTypes: string[]
): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(view),
    ApiOkResponse({
      description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(view) } },
        ...files(fileTypes),
      },
    }),
  );
}

/** A success (200 unless told) whose body is a file of one of `mediaTypes`. */
export function ApiFileResponse(
  description: string,
  mediaTypes: readonly string[],
  status = 200,
): MethodDecorator {
  return ApiResponse({ status, description, content: files(mediaTypes) });
}

/** The schema of a value that is one of `views` (a union of classes). */
export function oneOfSchema(...views: Type<unknown>[]): { oneOf: { $ref: string }[] } {
  return { oneOf: views.map((view) => ({ $ref: getSchemaPath(view) })) };
}

/** A 200 whose JSON is one of `views`: the union the plugin cannot read from a return type. */
export function ApiOkOneOf(description: string, ...views: Type<unknown>[]): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(...views),
    ApiOkResponse({ description, schema: oneOfSchema(...views) }),
  );
}
