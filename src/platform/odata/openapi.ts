import { isSelectable, isSortable, type EntityDefinition, type PropertyType } from './entity-model.js';

/**
 * The OpenAPI 3.0 pieces every OData service's document is made of — a property's value schema, the
 * system query options, the weak ETag headers — written once so the ERP's and the Sales Web API's
 * documents describe the shared machinery alike. Each API builds its own document from its own entity
 * descriptions (the ones its queries run on), so a document cannot list a field the API does not
 * serve. Parameters follow Microsoft's OpenAPI converter for OData: `$select` and `$orderby` as
 * comma-separated arrays whose items name the entity's properties.
 */

export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header';
  description?: string;
  required?: boolean;
  schema: JsonSchema;
  style?: 'form' | 'simple';
  explode?: boolean;
}

export type OperationObject = Record<string, unknown>;
export type PathItem = Partial<Record<'get' | 'post' | 'patch' | 'put' | 'delete', OperationObject>>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers: Array<{ url: string; description?: string }>;
  security: Array<Record<string, string[]>>;
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

/** The OpenAPI version of every document Tandem publishes (what @fastify/swagger writes too). */
export const OPENAPI_VERSION = '3.0.3';

export const BEARER_SCHEME = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } as const;

/** The JSON value of a property of this type, as both APIs write it. */
export function propertyValueSchema(type: PropertyType): JsonSchema {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'guid':
      return { type: 'string', format: 'uuid' };
    case 'int':
    case 'enum':
      return { type: 'integer', format: 'int32' };
    case 'decimal':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'date':
      return { type: 'string', format: 'date' };
  }
}

/** A `$ref` to a component schema. */
export function ref(kind: 'schemas' | 'parameters' | 'responses', name: string): { $ref: string } {
  return { $ref: `#/components/${kind}/${name}` };
}

/** A comma-separated list parameter (`$select=name,city`) whose items are limited to `names`. */
function listParameter(name: string, names: readonly string[], description: string): ParameterObject {
  return {
    name,
    in: 'query',
    description,
    style: 'form',
    explode: false,
    schema: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...names] } },
  };
}

/**
 * The OData error body both APIs answer with (`{"error":{"code","message"}}`); `description` says
 * what the code is in that API's words.
 */
export function odataErrorSchema(description: string): JsonSchema {
  return {
    type: 'object',
    description,
    properties: {
      error: {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' } },
        required: ['code', 'message'],
      },
    },
    required: ['error'],
  };
}

/** A response component whose body is the document's `error` schema. */
export function errorResponse(description: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: ref('schemas', 'error') } } };
}

export type QueryOption = '$select' | '$filter' | '$orderby' | '$top' | '$skip' | '$count' | '$expand';

/** The system query options `options` of one entity set, their allowed names taken from `entity`. */
export function queryOptionParameters(
  entity: EntityDefinition,
  options: readonly QueryOption[],
  limits: { maxTop?: number } = {},
): ParameterObject[] {
  const parameters: Record<QueryOption, () => ParameterObject> = {
    $select: () =>
      listParameter(
        '$select',
        entity.properties.filter(isSelectable).map((p) => p.name),
        'The properties to return (the key always comes along).',
      ),
    $filter: () => ({
      name: '$filter',
      in: 'query',
      description:
        "Rows to return: comparisons (eq ne gt ge lt le), and/or/not, contains/startswith/endswith, e.g. name eq 'Contoso'. Text compares without regard to case.",
      schema: { type: 'string' },
    }),
    $orderby: () =>
      listParameter(
        '$orderby',
        entity.properties.filter(isSortable).flatMap((p) => [p.name, `${p.name} desc`]),
        'Sort order; the key breaks ties so pages are stable.',
      ),
    $top: () => ({
      name: '$top',
      in: 'query',
      description: 'At most this many rows.',
      schema: {
        type: 'integer',
        minimum: 0,
        ...(limits.maxTop !== undefined ? { maximum: limits.maxTop } : {}),
      },
    }),
    $skip: () => ({
      name: '$skip',
      in: 'query',
      description: 'Skip this many rows.',
      schema: { type: 'integer', minimum: 0 },
    }),
    $count: () => ({
      name: '$count',
      in: 'query',
      description: 'true adds @odata.count, the number of rows matching $filter.',
      schema: { type: 'boolean' },
    }),
    $expand: () =>
      listParameter(
        '$expand',
        (entity.navigations ?? []).map((n) => n.name),
        'Related records to include; each may carry its own options in parentheses, e.g. currency($select=code).',
      ),
  };
  return options
    .filter((o) => o !== '$expand' || (entity.navigations ?? []).length > 0)
    .map((o) => parameters[o]());
}

export const SKIP_TOKEN_PARAMETER: ParameterObject = {
  name: '$skiptoken',
  in: 'query',
  description: 'Continuation of a previous page: follow @odata.nextLink rather than writing it.',
  schema: { type: 'string' },
};

export const IF_MATCH_PARAMETER: ParameterObject = {
  name: 'If-Match',
  in: 'header',
  description:
    'The @odata.etag read (W/"<version>"): the write is refused with 412 if the record changed since. * matches any version.',
  schema: { type: 'string' },
};

export const PREFER_PAGE_SIZE_PARAMETER: ParameterObject = {
  name: 'Prefer',
  in: 'header',
  description: 'odata.maxpagesize=<n> pages the result; the next page is at @odata.nextLink.',
  schema: { type: 'string' },
};

/** A collection response: `{ "@odata.context", "@odata.count"?, "value": [...], "@odata.nextLink"? }`. */
export function collectionSchema(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: {
      '@odata.context': { type: 'string' },
      '@odata.count': { type: 'integer' },
      value: { type: 'array', items: item },
      '@odata.nextLink': { type: 'string', description: 'The next page, when there is one.' },
    },
    required: ['value'],
  };
}

/** The methods an OpenAPI path item may hold, as fastify names them. */
export const OPERATION_METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;
