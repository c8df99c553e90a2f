import { z } from 'zod';
import {
  BEARER_SCHEME,
  errorResponse,
  odataErrorSchema,
  collectionSchema,
  IF_MATCH_PARAMETER,
  OPENAPI_VERSION,
  PREFER_PAGE_SIZE_PARAMETER,
  propertyValueSchema,
  queryOptionParameters,
  ref,
  SKIP_TOKEN_PARAMETER,
  type JsonSchema,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type PathItem,
} from '../../platform/odata/openapi.js';
import { EXPANDABLE, RECORD_ENTITIES } from '../entities.js';
import type { FieldSpec, RecordEntity } from '../record-entity.js';
import { MAX_CHANGES_PAGE } from '../change-feed.js';
import { batchBody, MAX_BATCH_REQUESTS } from './batch.js';
import { API_ROOTS, applicationBody, assignBody, companyEntity, newCompanyBody } from './dispatch.js';

/**
 * The ERP API's OpenAPI document: Business Central API v2.0 under /api/v2.0/, the change feed under
 * /api/tandem/sync/v1.0/ and user administration under /api/tandem/admin/v1.0/. The record types'
 * paths and fields are generated from RECORD_ENTITIES — the same field lists the API reads, writes
 * and filters by — and request bodies from the zod schemas the API parses them with, so the document
 * cannot promise a field or an option the API does not serve.
 *
 * It is a document of its own rather than part of /docs/json: the API routes every request itself
 * (one catch-all route per root, as OData paths carry keys inside segments), answers in Business
 * Central's error shape and is called by BC clients that expect a document of BC's API alone.
 */

export const ERP_OPENAPI_PATH = '/docs/erp-api/json';

const V2 = API_ROOTS.v2.slice(0, -1);
const SYNC = API_ROOTS.sync.slice(0, -1);
const ADMIN = API_ROOTS.admin.slice(0, -1);
const COMPANY = `${V2}/companies({company_id})`;

const COMPANY_ID: ParameterObject = {
  name: 'company_id',
  in: 'path',
  required: true,
  description: 'The company id (GET /api/v2.0/companies lists them).',
  schema: { type: 'string', format: 'uuid' },
};

function recordId(entity: RecordEntity): ParameterObject {
  return {
    name: 'id',
    in: 'path',
    required: true,
    description: `The ${entity.entityName}'s id (a GUID).`,
    schema: { type: 'string', format: 'uuid' },
  };
}

function zodBody(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonSchema;
}

/** Fields BC does not let a client write: sent back as read, they are ignored. */
function isReadOnly(field: FieldSpec): boolean {
  return field.readOnly === true || field.type === 'datetime' || (!field.column && !field.virtual);
}

function fieldSchema(field: FieldSpec): JsonSchema {
  const schema: JsonSchema = { ...propertyValueSchema(field.type) };
  const notes: string[] = [];
  if (field.maxLength !== undefined) schema.maxLength = field.maxLength;
  if (field.values) {
    schema.enum = [...field.values];
    notes.push('Matched without regard to case; a space may be written _x0020_, as BC writes it.');
  }
  if (field.upper) notes.push('A code: upper-cased on input.');
  if (field.type === 'date') notes.push('An empty date is 0001-01-01.');
  if (field.aliases?.length) notes.push(`Also accepted on input as ${field.aliases.join(', ')}.`);
  if (isReadOnly(field)) schema.readOnly = true;
  if (notes.length) schema.description = notes.join(' ');
  return schema;
}

function recordSchema(entity: RecordEntity): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    '@odata.etag': { type: 'string', readOnly: true, description: 'W/"<version>": send it as If-Match.' },
  };
  for (const field of entity.fields) properties[field.name] = fieldSchema(field);
  for (const navigation of entity.odata.navigations ?? []) {
    const target = EXPANDABLE[navigation.name];
    if (!target) throw new Error(`No expandable entity for ${entity.entitySet}.${navigation.name}`);
    properties[navigation.name] = {
      allOf: [ref('schemas', target.entityName)],
      nullable: true,
      readOnly: true,
      description: `Present with $expand=${navigation.name}.`,
    };
  }
  return { type: 'object', title: entity.caption, properties };
}

const ERRORS = {
  '400': ref('responses', 'badRequest'),
  '401': ref('responses', 'unauthorized'),
  '403': ref('responses', 'forbidden'),
  '404': ref('responses', 'notFound'),
};

function jsonResponse(description: string, schema: JsonSchema) {
  return { description, content: { 'application/json': { schema } } };
}

function recordPaths(entity: RecordEntity): Record<string, PathItem> {
  const tags = [entity.entitySet];
  const one = ref('schemas', entity.entityName);
  const update = (method: 'PATCH' | 'PUT'): OperationObject => ({
    tags,
    operationId: `${entity.entitySet}.${method === 'PATCH' ? 'update' : 'replace'}`,
    summary:
      method === 'PATCH'
        ? `Change a ${entity.entityName}: only the properties sent`
        : `Change a ${entity.entityName} (PUT is taken as PATCH)`,
    parameters: [COMPANY_ID, recordId(entity), { ...IF_MATCH_PARAMETER, required: true }],
    requestBody: { required: true, content: { 'application/json': { schema: one } } },
    responses: {
      '200': jsonResponse(`The ${entity.entityName} as changed`, one),
      ...ERRORS,
      '412': ref('responses', 'preconditionFailed'),
    },
  });
  return {
    [`${COMPANY}/${entity.entitySet}`]: {
      get: {
        tags,
        operationId: `${entity.entitySet}.list`,
        summary: `List ${entity.entitySet}`,
        parameters: [
          COMPANY_ID,
          ...queryOptionParameters(entity.odata, [
            '$select',
            '$filter',
            '$orderby',
            '$top',
            '$skip',
            '$count',
            '$expand',
          ]),
          SKIP_TOKEN_PARAMETER,
          PREFER_PAGE_SIZE_PARAMETER,
        ],
        responses: {
          '200': jsonResponse(`A page of ${entity.entitySet}`, collectionSchema(one)),
          ...ERRORS,
        },
      },
      post: {
        tags,
        operationId: `${entity.entitySet}.create`,
        summary: `Create a ${entity.entityName}${entity.numberSeries ? `; a blank ${entity.keyField} takes the next number of its series` : ''}`,
        parameters: [COMPANY_ID],
        requestBody: { required: true, content: { 'application/json': { schema: one } } },
        responses: {
          '201': jsonResponse(`The new ${entity.entityName}`, one),
          ...ERRORS,
          '409': ref('responses', 'conflict'),
        },
      },
    },
    [`${COMPANY}/${entity.entitySet}({id})`]: {
      get: {
        tags,
        operationId: `${entity.entitySet}.get`,
        summary: `Read a ${entity.entityName}`,
        parameters: [
          COMPANY_ID,
          recordId(entity),
          ...queryOptionParameters(entity.odata, ['$select', '$expand']),
        ],
        responses: { '200': jsonResponse(`The ${entity.entityName}`, one), ...ERRORS },
      },
      patch: update('PATCH'),
      put: update('PUT'),
      delete: {
        tags,
        operationId: `${entity.entitySet}.delete`,
        summary: `Delete a ${entity.entityName}`,
        parameters: [COMPANY_ID, recordId(entity), { ...IF_MATCH_PARAMETER, required: true }],
        responses: {
          '204': { description: 'Deleted' },
          ...ERRORS,
          '409': ref('responses', 'conflict'),
          '412': ref('responses', 'preconditionFailed'),
        },
      },
    },
  };
}

/** The fields of a company on the wire beyond the ones $filter and $orderby may name. */
const COMPANY_WIRE_ONLY: Record<string, JsonSchema> = {
  '@odata.etag': { type: 'string' },
  systemVersion: { type: 'string' },
  timestamp: { type: 'integer', description: 'The row version.' },
  systemCreatedBy: { type: 'string', format: 'uuid' },
  systemModifiedBy: { type: 'string', format: 'uuid' },
};

function companySchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...COMPANY_WIRE_ONLY };
  for (const p of companyEntity.properties) properties[p.name] = propertyValueSchema(p.type);
  return { type: 'object', properties };
}

function companyPaths(): Record<string, PathItem> {
  const tags = ['companies'];
  const one = ref('schemas', 'company');
  return {
    [`${V2}/companies`]: {
      get: {
        tags,
        operationId: 'companies.list',
        summary: 'List the companies',
        parameters: queryOptionParameters(companyEntity, ['$select', '$filter', '$orderby', '$top', '$skip']),
        responses: { '200': jsonResponse('The companies', collectionSchema(one)), ...ERRORS },
      },
      post: {
        tags,
        operationId: 'companies.create',
        summary: 'Create a company, with its local currency',
        requestBody: { required: true, content: { 'application/json': { schema: zodBody(newCompanyBody) } } },
        responses: { '201': jsonResponse('The new company', one), ...ERRORS },
      },
    },
    [COMPANY]: {
      get: {
        tags,
        operationId: 'companies.get',
        summary: 'Read a company',
        parameters: [COMPANY_ID],
        responses: { '200': jsonResponse('The company', one), ...ERRORS },
      },
    },
    [`${COMPANY}/generalLedgerSetup`]: {
      get: {
        tags,
        operationId: 'generalLedgerSetup.list',
        summary: "The company's general ledger setup (its local currency)",
        parameters: [COMPANY_ID],
        responses: {
          '200': jsonResponse('One setup record', collectionSchema(ref('schemas', 'generalLedgerSetup'))),
          ...ERRORS,
        },
      },
    },
  };
}

function batchPath(): Record<string, PathItem> {
  return {
    [`${V2}/$batch`]: {
      post: {
        tags: ['$batch'],
        operationId: 'batch',
        summary: `Run up to ${MAX_BATCH_REQUESTS} requests in order (OData JSON batch)`,
        description:
          'Each request stands alone unless the batch is sent with Isolation: snapshot, which makes it one transaction: the first failure rolls everything back. A request whose dependsOn failed answers 424.',
        parameters: [
          {
            name: 'Isolation',
            in: 'header',
            description: 'snapshot: all or nothing.',
            schema: { type: 'string', enum: ['snapshot'] },
          },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: zodBody(batchBody) } } },
        responses: {
          '200': jsonResponse('One response per request, by id', ref('schemas', 'batchResponse')),
          ...ERRORS,
        },
      },
    },
  };
}

function changeFeedPath(): Record<string, PathItem> {
  return {
    [`${SYNC}/companies({company_id})/changes`]: {
      get: {
        tags: ['change feed'],
        operationId: 'changes.list',
        summary:
          "A company's records of one type changed after a row version, deletions included, oldest first",
        parameters: [
          COMPANY_ID,
          {
            name: 'entity',
            in: 'query',
            required: true,
            schema: { type: 'string', enum: RECORD_ENTITIES.map((e) => e.entitySet) },
          },
          {
            name: 'after',
            in: 'query',
            description: 'The lastRowVersion of the previous page (0 or absent: from the start).',
            schema: { type: 'integer', minimum: 0 },
          },
          { name: 'top', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_CHANGES_PAGE } },
        ],
        responses: { '200': jsonResponse('A page of changes', ref('schemas', 'changePage')), ...ERRORS },
      },
    },
  };
}

function adminPaths(): Record<string, PathItem> {
  const tags = ['administration'];
  const user = ref('schemas', 'user');
  const userId: ParameterObject = {
    name: 'user_id',
    in: 'path',
    required: true,
    description: "The ERP user's id.",
    schema: { type: 'string', format: 'uuid' },
  };
  return {
    [`${ADMIN}/users`]: {
      get: {
        tags,
        operationId: 'users.list',
        summary: 'The ERP users and their permission sets',
        responses: { '200': jsonResponse('The users', collectionSchema(user)), ...ERRORS },
      },
    },
    [`${ADMIN}/users({user_id})`]: {
      get: {
        tags,
        operationId: 'users.get',
        summary: 'One ERP user',
        parameters: [userId],
        responses: { '200': jsonResponse('The user', user), ...ERRORS },
      },
    },
    [`${ADMIN}/users({user_id})/permissionSets`]: {
      post: {
        tags,
        operationId: 'users.assignPermissionSet',
        summary: 'Assign a permission set',
        parameters: [userId],
        requestBody: { required: true, content: { 'application/json': { schema: zodBody(assignBody) } } },
        responses: { '201': jsonResponse('The user with the set', user), ...ERRORS },
      },
    },
    [`${ADMIN}/users({user_id})/permissionSets('{code}')`]: {
      delete: {
        tags,
        operationId: 'users.removePermissionSet',
        summary: 'Remove a permission set',
        parameters: [userId, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '204': { description: 'Removed' }, ...ERRORS },
      },
    },
    [`${ADMIN}/applications`]: {
      post: {
        tags,
        operationId: 'applications.register',
        summary: 'Register an application (client credentials) as an ERP user',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: zodBody(applicationBody) } },
        },
        responses: { '201': jsonResponse('The application user', user), ...ERRORS },
      },
    },
    [`${ADMIN}/permissionSets`]: {
      get: {
        tags,
        operationId: 'permissionSets.list',
        summary: 'The permission sets and what each allows',
        responses: {
          '200': jsonResponse('The permission sets', collectionSchema(ref('schemas', 'permissionSet'))),
          ...ERRORS,
        },
      },
    },
    [`${ADMIN}/auditLog`]: {
      get: {
        tags,
        operationId: 'auditLog.list',
        summary: 'The last 1,000 administrative changes, newest first',
        responses: {
          '200': jsonResponse('Audit entries', collectionSchema(ref('schemas', 'auditEntry'))),
          ...ERRORS,
        },
      },
    },
  };
}

const SUPPORT_SCHEMAS: Record<string, JsonSchema> = {
  error: odataErrorSchema("Business Central's error shape; the message ends with the correlation id."),
  generalLedgerSetup: {
    type: 'object',
    properties: {
      '@odata.etag': { type: 'string' },
      id: { type: 'string', format: 'uuid' },
      allowPostingFrom: { type: 'string', format: 'date' },
      allowPostingTo: { type: 'string', format: 'date' },
      additionalReportingCurrency: { type: 'string' },
      localCurrencyCode: { type: 'string' },
      localCurrencySymbol: { type: 'string' },
      lastModifiedDateTime: { type: 'string', format: 'date-time' },
    },
  },
  batchResponse: {
    type: 'object',
    properties: {
      responses: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            status: { type: 'integer' },
            headers: { type: 'object', additionalProperties: { type: 'string' } },
            body: { description: 'The response body of that request, if any.' },
          },
          required: ['id', 'status', 'headers'],
        },
      },
    },
    required: ['responses'],
  },
  change: {
    type: 'object',
    properties: {
      rowVersion: { type: 'integer' },
      changeType: { type: 'string', enum: ['upserted', 'deleted'] },
      id: { type: 'string', format: 'uuid' },
      key: { type: 'string', description: "The record's number or code." },
      lastModifiedBy: {
        type: 'string',
        format: 'uuid',
        description: 'Directory object id of who changed it.',
      },
      lastModifiedDateTime: { type: 'string', format: 'date-time' },
      record: { type: 'object', description: 'The record as the v2.0 API shows it (upserts only).' },
    },
    required: ['rowVersion', 'changeType', 'id', 'key', 'lastModifiedBy', 'lastModifiedDateTime'],
  },
  changePage: {
    type: 'object',
    properties: {
      '@odata.context': { type: 'string' },
      value: { type: 'array', items: ref('schemas', 'change') },
      lastRowVersion: { type: 'integer', description: 'Pass it as after= for the next page.' },
      '@odata.nextLink': { type: 'string' },
    },
    required: ['value', 'lastRowVersion'],
  },
  user: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      kind: { type: 'string', enum: ['user', 'application'] },
      userName: { type: 'string' },
      displayName: { type: 'string' },
      email: { type: 'string', nullable: true },
      applicationId: { type: 'string', nullable: true },
      state: { type: 'string', enum: ['Enabled', 'Disabled'] },
      disabledReason: { type: 'string', nullable: true },
      licensed: { type: 'boolean' },
      permissionSets: { type: 'array', items: { type: 'string' } },
      lastModifiedDateTime: { type: 'string', format: 'date-time' },
    },
  },
  permissionSet: {
    type: 'object',
    properties: {
      roleId: { type: 'string' },
      name: { type: 'string' },
      permissions: {
        type: 'object',
        description: 'Object → the rights held on it (read, insert, modify, delete).',
        additionalProperties: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  auditEntry: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      at: { type: 'string', format: 'date-time' },
      actorId: { type: 'string', format: 'uuid' },
      actorName: { type: 'string' },
      action: { type: 'string' },
      targetType: { type: 'string' },
      targetId: { type: 'string', nullable: true },
      details: { type: 'object' },
    },
  },
};

/** The whole document, its server being the address clients reach Tandem at. */
export function erpOpenApiDocument(serverUrl: string): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { company: companySchema(), ...SUPPORT_SCHEMAS };
  for (const entity of RECORD_ENTITIES) schemas[entity.entityName] = recordSchema(entity);
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Tandem ERP API (Business Central API v2.0)',
      version: '2.0',
      description:
        'The ERP records in the shape of Business Central API v2.0, the change feed the bridge synchronises from, and user administration. Call with a bearer token from /oauth2/v2.0/token; what a caller may do is decided by its ERP permission sets.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'companies' },
      ...RECORD_ENTITIES.map((e) => ({ name: e.entitySet, description: e.caption })),
      { name: '$batch' },
      { name: 'change feed' },
      { name: 'administration' },
    ],
    paths: {
      ...companyPaths(),
      ...Object.assign({}, ...RECORD_ENTITIES.map(recordPaths)),
      ...batchPath(),
      ...changeFeedPath(),
      ...adminPaths(),
    },
    components: {
      schemas,
      responses: {
        badRequest: errorResponse('The request is not valid; the message says what to change.'),
        unauthorized: errorResponse('No valid access token.'),
        forbidden: errorResponse(
          "The caller's permission sets do not allow it; the message names one that does.",
        ),
        notFound: errorResponse('No such company, record or resource.'),
        conflict: errorResponse('A record with that key exists, or others still refer to this one.'),
        preconditionFailed: errorResponse('The record changed since the If-Match version was read.'),
      },
      securitySchemes: { bearer: BEARER_SCHEME },
    },
  };
}
