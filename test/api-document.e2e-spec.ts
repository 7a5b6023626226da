import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The OpenAPI document (/api/docs-json) describes what each route answers: a schema for every
 * success (not a bare `{"type":"object"}`, nor a view with one inside: a file is its media type with
 * a binary schema), and the one problem schema for every refusal. It is
 * the document of the build, whose Swagger plugin reads the views' properties (ts-jest does not
 * run the plugin), made as `npm run api:types` makes it (the server built first when stale).
 */

const ROOT = join(__dirname, '..');
const PROBLEM_REF = '#/components/schemas/ProblemDto';

/**
 * Operations whose success is not described yet. Empty: every operation is described (a file
 * answer by its media type with a binary schema); the list stays for an operation that cannot be
 * yet, and only shrinks: describing one of them fails this test until it leaves the list.
 */
const NOT_DESCRIBED_YET: string[] = [];

interface Schema {
  type?: string;
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: unknown;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  description?: string;
  responses: Record<string, ResponseObject>;
}
interface ApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

function apiDocument(): ApiDocument {
  const json = execFileSync(
    process.execPath,
    [join(ROOT, 'scripts', 'api-types.js'), '--document'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(json) as ApiDocument;
}

/** No schema, `{"type":"object"}` with nothing in it, or an array of such. */
function isBare(schema: Schema | undefined): boolean {
  if (!schema) return true;
  if (schema.type === 'array') return isBare(schema.items);
  if (schema.$ref || schema.allOf || schema.oneOf || schema.anyOf) return false;
  if (schema.type === 'object' || schema.type === undefined) {
    return !schema.properties && schema.additionalProperties === undefined;
  }
  return false;
}

/** A success is described when each of its media types has a schema that is not bare. */
function describesSuccess(status: string, response: ResponseObject): boolean {
  if (status === '204') return true;
  const media = Object.values(response.content ?? {});
  return media.length > 0 && media.every((entry) => !isBare(entry.schema));
}

function operations(document: ApiDocument): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

/** What an operation says in words: its description and its responses'. */
function descriptions(operation: Operation): string[] {
  return [
    operation.description ?? '',
    ...Object.values(operation.responses).map((response) => response.description ?? ''),
  ];
}

/** The views a refusal's fields are documented by (`…View`), as the descriptions name them. */
function viewsNamed(operation: Operation): string[] {
  return descriptions(operation).flatMap((text) => text.match(/\b[A-Z][A-Za-z]*View\b/g) ?? []);
}

/**
 * What the broadcast policy refuses (the saves of the program log, a live session), and the views
 * of their refusals.
 */
const POLICY_REFUSALS: [string, string[]][] = [
  ['POST /api/v1/communes/{commune}/schedule', ['ItemPolicyRefusalView']],
  ['PATCH /api/v1/communes/{commune}/schedule/items/{itemId}', ['ItemPolicyRefusalView']],
  ['POST /api/v1/communes/{commune}/windows', ['WindowPolicyRefusalView']],
  [
    'PATCH /api/v1/communes/{commune}/windows/{id}',
    ['WindowPolicyRefusalView', 'ItemPolicyRefusalView'],
  ],
  ['POST /api/v1/communes/{commune}/playout-log', ['PolicyRefusalView']],
  ['POST /api/v1/communes/{commune}/live', ['LivePolicyRefusalView']],
];

describe('the OpenAPI document', () => {
  let document: ApiDocument;

  beforeAll(() => {
    document = apiDocument();
  }, 180_000);

  it('gives every success a schema, and lists what is not described yet truly', () => {
    const undescribed = operations(document)
      .filter(([, operation]) => {
        const successes = Object.entries(operation.responses).filter(([status]) =>
          /^2/.test(status),
        );
        return (
          successes.length === 0 ||
          !successes.every(([status, response]) => describesSuccess(status, response))
        );
      })
      .map(([name]) => name);
    expect(undescribed.filter((name) => !NOT_DESCRIBED_YET.includes(name))).toEqual([]);
    expect(NOT_DESCRIBED_YET.filter((name) => !undescribed.includes(name))).toEqual([]);
    expect(operations(document).length).toBeGreaterThan(100);
  });

  it('describes every property of every schema (no bare object inside a view)', () => {
    const bare = Object.entries(document.components.schemas).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([, property]) => isBare(property))
        .map(([property]) => `${name}.${property}`),
    );
    expect(bare).toEqual([]);
  });

  it('answers every refusal of every operation with the one problem schema', () => {
    const wrong: string[] = [];
    for (const [name, operation] of operations(document)) {
      const refusals = Object.entries(operation.responses).filter(([status]) => /^4/.test(status));
      if (!refusals.some(([status]) => status === '4XX')) wrong.push(`${name}: no 4XX`);
      for (const [status, response] of refusals) {
        const refs = Object.values(response.content ?? {}).map((entry) => entry.schema?.$ref);
        if (refs.length === 0 || refs.some((ref) => ref !== PROBLEM_REF)) {
          wrong.push(`${name} ${status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('registers every view that a description names for the fields of a refusal', () => {
    const schemas = document.components.schemas;
    const missing = operations(document).flatMap(([name, operation]) =>
      viewsNamed(operation)
        .filter((view) => !(view in schemas))
        .map((view) => `${name}: ${view}`),
    );
    expect(missing).toEqual([]);
  });

  it("names the broadcast policy's refusal, with the rule and its Vietnamese message, on everything it refuses", () => {
    const byName = new Map(operations(document));
    for (const [name, views] of POLICY_REFUSALS) {
      expect({ name, views: viewsNamed(byName.get(name)!) }).toEqual({
        name,
        views: expect.arrayContaining(views),
      });
      for (const view of views) {
        expect({
          view,
          properties: Object.keys(document.components.schemas[view].properties!),
        }).toEqual({ view, properties: expect.arrayContaining(['code', 'rule', 'messageVi']) });
      }
    }
    expect(Object.keys(document.components.schemas.ItemPolicyRefusalView.properties!)).toEqual(
      expect.arrayContaining(['startsAt', 'endsAt']),
    );
    expect(Object.keys(document.components.schemas.WindowPolicyRefusalView.properties!)).toContain(
      'window',
    );
    expect(Object.keys(document.components.schemas.LivePolicyRefusalView.properties!)).toContain(
      'quietHours',
    );
  });
});
