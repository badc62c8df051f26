import { z } from 'zod';
import {
  ArticlePageSchema,
  ArticleResponseSchema,
  ArticleWithRevisionSchema,
  ListArticlesQuerySchema,
  PublishArticleBodySchema,
  RetractArticleBodySchema,
  ReviseArticleBodySchema,
  RevisionListSchema,
  TagListSchema,
} from '../contract/articles';
import { ErrorBodySchema } from '../contract/errors';
import { EventPageSchema, EventsQuerySchema } from '../contract/events';

interface Operation {
  method: 'get' | 'post' | 'patch';
  path: string;
  summary: string;
  editor?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  ok: { status: number; schema: z.ZodType };
  errors: number[];
}

const OPERATIONS: Operation[] = [
  { method: 'post', path: '/api/articles', summary: 'Publish an article', editor: true, body: PublishArticleBodySchema,
    ok: { status: 201, schema: ArticleWithRevisionSchema }, errors: [400, 401, 403, 413, 415, 429] },
  { method: 'get', path: '/api/articles', summary: 'Newest articles, by tag and language, keyset-paged',
    query: ListArticlesQuerySchema, ok: { status: 200, schema: ArticlePageSchema }, errors: [400] },
  { method: 'get', path: '/api/articles/{idOrSlug}', summary: 'One article by id or slug',
    ok: { status: 200, schema: ArticleResponseSchema }, errors: [404] },
  { method: 'patch', path: '/api/articles/{id}', summary: 'Revise an article (If-Match: "<version>")', editor: true,
    body: ReviseArticleBodySchema, ok: { status: 200, schema: ArticleWithRevisionSchema },
    errors: [400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429] },
  { method: 'post', path: '/api/articles/{id}/retract', summary: 'Retract an article (it stays as a tombstone)',
    editor: true, body: RetractArticleBodySchema, ok: { status: 200, schema: ArticleWithRevisionSchema },
    errors: [400, 401, 403, 404, 409, 412, 413, 415, 429] },
  { method: 'get', path: '/api/articles/{id}/revisions', summary: 'Revisions, oldest first',
    ok: { status: 200, schema: RevisionListSchema }, errors: [404] },
  { method: 'get', path: '/api/tags', summary: 'Tags with article counts', ok: { status: 200, schema: TagListSchema }, errors: [] },
  { method: 'get', path: '/api/events', summary: 'The event log after a seq', query: EventsQuerySchema,
    ok: { status: 200, schema: EventPageSchema }, errors: [400] },
];

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });

/** The OpenAPI 3.1 document, generated from the same zod schemas the server parses with. */
export function buildOpenApiDocument(version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of OPERATIONS) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema: jsonSchema(schema as z.ZodType, 'input'),
      })),
    ];
    const responses: Record<string, object> = {
      [op.ok.status]: { description: 'OK', content: { 'application/json': { schema: jsonSchema(op.ok.schema, 'output') } } },
    };
    for (const status of op.errors) {
      responses[status] = { description: 'Error', content: { 'application/json': { schema: jsonSchema(ErrorBodySchema, 'output') } } };
    }
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
      ...(op.editor ? { security: [{ bearer: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Dateline', version, description: 'Real-time breaking-news backend' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
