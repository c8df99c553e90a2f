import {
  BEARER_SCHEME,
  errorResponse,
  odataErrorSchema,
  collectionSchema,
  IF_MATCH_PARAMETER,
  OPENAPI_VERSION,
  propertyValueSchema,
  queryOptionParameters,
  ref,
  SKIP_TOKEN_PARAMETER,
  type JsonSchema,
  type OpenApiDocument,
  type ParameterObject,
  type PathItem,
} from '../../platform/odata/openapi.js';
import { allEntities } from './entities.js';
import { SERVICE_PATH } from './service-path.js';
import { QUERY_POLICY } from './record-read.js';
import { ROLE_ASSOCIATION } from './role-association.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * The Sales Web API's OpenAPI document, generated from the same entity descriptions as its
 * `$metadata` CSDL (entities.ts): the entity sets with their properties, lookups (`@odata.bind`),
 * navigations, alternate keys and what may be written, so the two documents and the service cannot
 * disagree. `$metadata` stays what Dataverse clients read; this document is for people and for
 * OpenAPI tools, and mirrors what Microsoft's OData-to-OpenAPI converter makes of a CSDL.
 *
 * It is a document of its own rather than part of /docs/json: the Web API routes every request below
 * its service root itself (keys sit inside path segments), answers in Dataverse's error shape, and
 * its clients expect a document of the Web API alone.
 */

export const SALES_WEBAPI_OPENAPI_PATH = '/docs/sales-webapi/json';

const PREFER: ParameterObject = {
  name: 'Prefer',
  in: 'header',
  description:
    'return=representation answers a write with the record; odata.maxpagesize=<n> pages a list; odata.include-annotations="*" adds formatted values; odata.track-changes starts change tracking (entity sets that support it).',
  schema: { type: 'string' },
};

const IF_NONE_MATCH: ParameterObject = {
  name: 'If-None-Match',
  in: 'header',
  description:
    'On GET: the @odata.etag read, answered 304 if unchanged. On PATCH: * refuses to update (create only).',
  schema: { type: 'string' },
};

const ODATA_ENTITY_ID = {
  'OData-EntityId': { description: 'The URL of the record', schema: { type: 'string' } },
};

const ERRORS = {
  '400': ref('responses', 'badRequest'),
  '401': ref('responses', 'unauthorized'),
  '403': ref('responses', 'forbidden'),
  '404': ref('responses', 'notFound'),
  '429': ref('responses', 'tooManyRequests'),
};

function json(description: string, schema: JsonSchema) {
  return { description, content: { 'application/json': { schema } } };
}

function keyParameter(entity: SalesEntity): ParameterObject {
  const alternates = entity.alternateKeys.map((k) => k.map((a) => `${a}='…'`).join(','));
  return {
    name: entity.definition.key,
    in: 'path',
    required: true,
    description: `The ${entity.logicalName}'s id (a GUID)${alternates.length ? `, or an alternate key: ${alternates.join('; ')}` : ''}.`,
    schema: { type: 'string' },
  };
}

/** The properties of a record as the Web API answers them, its navigations (with $expand) after. */
function recordSchema(entity: SalesEntity): JsonSchema {
  const writable = new Map(entity.writable.map((a) => [a.name, a]));
  const properties: Record<string, JsonSchema> = {
    '@odata.etag': { type: 'string', readOnly: true, description: 'W/"<version>": send it as If-Match.' },
  };
  for (const p of entity.definition.properties) {
    // versionnumber is a 64-bit row version (Edm.Int64 in $metadata).
    const schema: JsonSchema =
      p.name === 'versionnumber' ? { type: 'integer', format: 'int64' } : propertyValueSchema(p.type);
    const attribute = writable.get(p.name);
    if (attribute?.maxLength !== undefined) schema.maxLength = attribute.maxLength;
    if (p.enumValues) schema.enum = [...p.enumValues];
    if (p.nullable) schema.nullable = true;
    if (!attribute) schema.readOnly = true;
    const lookup = entity.lookups.find((l) => `_${l.attribute}_value` === p.name);
    if (lookup)
      schema.description = lookup.writable
        ? `The ${lookup.attribute} lookup; set it with ${lookup.targets.map((t) => `${t.navigation}@odata.bind`).join(' or ')}.`
        : `The ${lookup.attribute} lookup, set by the system.`;
    const labels = entity.optionLabels[p.name];
    if (labels)
      schema.description = Object.entries(labels)
        .map(([value, label]) => `${value} = ${label}`)
        .join(', ');
    properties[p.name] = schema;
  }
  for (const lookup of entity.lookups)
    for (const t of lookup.targets)
      properties[t.navigation] = {
        allOf: [ref('schemas', t.logicalName)],
        nullable: true,
        readOnly: true,
        description: `Present with $expand=${t.navigation}.`,
      };
  for (const nav of entity.definition.navigations ?? [])
    if (nav.kind === 'collection')
      properties[nav.name] = {
        type: 'array',
        items: ref('schemas', logicalNameOf(nav.target().entitySet)),
        readOnly: true,
        description: `Present with $expand=${nav.name}.`,
      };
  return { type: 'object', properties };
}

/** A POST or PATCH body: the writable attributes and the bindable lookups. */
function inputSchema(entity: SalesEntity, mode: 'create' | 'update'): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const a of entity.writable) {
    if (mode === 'update' && a.name === entity.definition.key) continue;
    const schema: JsonSchema = { ...propertyValueSchema(a.type), nullable: true };
    if (a.maxLength !== undefined) schema.maxLength = a.maxLength;
    if (a.enumValues) schema.enum = [...a.enumValues];
    properties[a.name] = schema;
  }
  for (const lookup of entity.lookups.filter((l) => l.writable))
    for (const t of lookup.targets)
      properties[`${t.navigation}@odata.bind`] = {
        type: 'string',
        nullable: true,
        description: `The ${t.logicalName} to link: /${t.entitySet}(<id>), an absolute URL, or $<Content-ID> in a change set; null clears it.`,
      };
  if (entity.ownership === 'user')
    properties['ownerid@odata.bind'] = {
      type: 'string',
      description: 'Assign the record: /systemusers(<id>) (needs the Assign privilege).',
    };
  const required =
    mode === 'create' ? entity.writable.filter((a) => a.requiredOnCreate).map((a) => a.name) : [];
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

let logicalNames = new Map<string, string>();
function logicalNameOf(entitySet: string): string {
  return logicalNames.get(entitySet) ?? entitySet;
}

function entityPaths(entity: SalesEntity): Record<string, PathItem> {
  const set = `${SERVICE_PATH}/${entity.entitySet}`;
  const record = `${set}({${entity.definition.key}})`;
  const key = keyParameter(entity);
  const tags = [entity.entitySet];
  const one = ref('schemas', entity.logicalName);
  const body = (mode: 'create' | 'update') => ({
    required: true,
    content: { 'application/json': { schema: ref('schemas', `${entity.logicalName}.${mode}`) } },
  });
  const paths: Record<string, PathItem> = {
    [set]: {
      get: {
        tags,
        operationId: `${entity.entitySet}.list`,
        summary: `List ${entity.entitySet} the caller may read`,
        parameters: [
          ...queryOptionParameters(
            entity.definition,
            ['$select', '$filter', '$orderby', '$top', '$count', '$expand'],
            {
              maxTop: QUERY_POLICY.maxTop,
            },
          ),
          SKIP_TOKEN_PARAMETER,
          ...(entity.changeTracking
            ? [
                {
                  name: '$deltatoken',
                  in: 'query',
                  description: 'The changes since the @odata.deltaLink this token came from.',
                  schema: { type: 'string' },
                },
              ]
            : []),
          PREFER,
        ],
        responses: { '200': json(`A page of ${entity.entitySet}`, collectionSchema(one)), ...ERRORS },
      },
      ...(entity.writableSet
        ? {
            post: {
              tags,
              operationId: `${entity.entitySet}.create`,
              summary: `Create a ${entity.logicalName}`,
              parameters: [PREFER],
              requestBody: body('create'),
              responses: {
                '201': json('Created (Prefer: return=representation)', one),
                '204': { description: 'Created', headers: ODATA_ENTITY_ID },
                ...ERRORS,
              },
            },
          }
        : {}),
    },
    [`${set}/$count`]: {
      get: {
        tags,
        operationId: `${entity.entitySet}.count`,
        summary: `How many ${entity.entitySet} the caller may read (match $filter)`,
        parameters: queryOptionParameters(entity.definition, ['$filter']),
        responses: {
          '200': { description: 'The number', content: { 'text/plain': { schema: { type: 'integer' } } } },
          ...ERRORS,
        },
      },
    },
    [record]: {
      get: {
        tags,
        operationId: `${entity.entitySet}.get`,
        summary: `Read a ${entity.logicalName}`,
        parameters: [
          key,
          ...queryOptionParameters(entity.definition, ['$select', '$expand']),
          IF_NONE_MATCH,
          PREFER,
        ],
        responses: {
          '200': json(`The ${entity.logicalName}`, one),
          '304': { description: 'Not modified since the If-None-Match version' },
          ...ERRORS,
        },
      },
      ...(entity.writableSet
        ? {
            patch: {
              tags,
              operationId: `${entity.entitySet}.upsert`,
              summary: `Update a ${entity.logicalName}, or create it with this key (upsert)`,
              parameters: [key, IF_MATCH_PARAMETER, IF_NONE_MATCH, PREFER],
              requestBody: body('update'),
              responses: {
                '200': json('Updated (Prefer: return=representation)', one),
                '201': json('Created (Prefer: return=representation)', one),
                '204': { description: 'Updated or created', headers: ODATA_ENTITY_ID },
                ...ERRORS,
                '412': ref('responses', 'preconditionFailed'),
              },
            },
            delete: {
              tags,
              operationId: `${entity.entitySet}.delete`,
              summary: `Delete a ${entity.logicalName}`,
              parameters: [key, IF_MATCH_PARAMETER],
              responses: {
                '204': { description: 'Deleted' },
                ...ERRORS,
                '412': ref('responses', 'preconditionFailed'),
              },
            },
          }
        : {}),
    },
  };
  const properties = entity.definition.properties.map((p) => p.name);
  const property: ParameterObject = {
    name: 'property',
    in: 'path',
    required: true,
    schema: { type: 'string', enum: properties },
  };
  const writableProperties = new Set(entity.writable.map((a) => a.name));
  paths[`${record}/{property}`] = {
    get: {
      tags,
      operationId: `${entity.entitySet}.getProperty`,
      summary: 'Read one property',
      parameters: [key, property],
      responses: {
        '200': json('The value', {
          type: 'object',
          properties: { '@odata.context': { type: 'string' }, value: {} },
        }),
        ...ERRORS,
      },
    },
    ...(entity.writableSet
      ? {
          put: {
            tags,
            operationId: `${entity.entitySet}.putProperty`,
            summary: `Set one property (one of ${[...writableProperties].join(', ')})`,
            parameters: [key, property],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { value: {} }, required: ['value'] },
                },
              },
            },
            responses: { '204': { description: 'Set' }, ...ERRORS },
          },
          delete: {
            tags,
            operationId: `${entity.entitySet}.clearProperty`,
            summary: 'Clear one property (set it to null)',
            parameters: [key, property],
            responses: { '204': { description: 'Cleared' }, ...ERRORS },
          },
        }
      : {}),
  };
  for (const nav of entity.definition.navigations ?? []) {
    const target = logicalNameOf(nav.target().entitySet);
    paths[`${record}/${nav.name}`] = {
      get: {
        tags,
        operationId: `${entity.entitySet}.${nav.name}`,
        summary:
          nav.kind === 'single' ? `The linked ${target}` : `The ${nav.target().entitySet} linked to it`,
        parameters: [
          key,
          ...queryOptionParameters(
            nav.target(),
            nav.kind === 'single' ? ['$select'] : ['$select', '$filter', '$orderby', '$top'],
          ),
        ],
        responses: {
          '200': json(
            nav.kind === 'single' ? `The ${target}` : `The ${nav.target().entitySet}`,
            nav.kind === 'single' ? ref('schemas', target) : collectionSchema(ref('schemas', target)),
          ),
          ...(nav.kind === 'single' ? { '204': { description: 'Nothing is linked' } } : {}),
          ...ERRORS,
        },
      },
    };
  }
  return paths;
}

/** The N:N association between users and roles: read, associate, disassociate. */
function roleAssociationPaths(): Record<string, PathItem> {
  const user = `${SERVICE_PATH}/systemusers({systemuserid})/${ROLE_ASSOCIATION}`;
  const userId: ParameterObject = {
    name: 'systemuserid',
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  };
  const tags = ['systemusers'];
  return {
    [user]: {
      get: {
        tags,
        operationId: 'systemusers.roles',
        summary: "The user's security roles",
        parameters: [
          userId,
          ...queryOptionParameters(allEntities().find((e) => e.entitySet === 'roles')!.definition, [
            '$select',
          ]),
        ],
        responses: { '200': json('The roles', collectionSchema(ref('schemas', 'role'))), ...ERRORS },
      },
    },
    [`${user}/$ref`]: {
      post: {
        tags,
        operationId: 'systemusers.associateRole',
        summary: 'Give the user a role (System Administrator only)',
        parameters: [userId],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  '@odata.id': { type: 'string', description: 'The URL of the role: …/roles(<id>)' },
                },
                required: ['@odata.id'],
              },
            },
          },
        },
        responses: { '204': { description: 'Associated' }, ...ERRORS },
      },
      delete: {
        tags,
        operationId: 'systemusers.disassociateRoleById',
        summary: 'Take a role away, named by $id',
        parameters: [
          userId,
          {
            name: '$id',
            in: 'query',
            required: true,
            description: 'The URL of the role',
            schema: { type: 'string' },
          },
        ],
        responses: { '204': { description: 'Disassociated' }, ...ERRORS },
      },
    },
    [`${user}({roleid})/$ref`]: {
      delete: {
        tags,
        operationId: 'systemusers.disassociateRole',
        summary: 'Take a role away',
        parameters: [
          userId,
          { name: 'roleid', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: { '204': { description: 'Disassociated' }, ...ERRORS },
      },
    },
  };
}

function servicePaths(): Record<string, PathItem> {
  const tags = ['service'];
  return {
    [`${SERVICE_PATH}/`]: {
      get: {
        tags,
        operationId: 'serviceDocument',
        summary: 'The service document: the entity sets',
        responses: {
          '200': json('The entity sets', {
            type: 'object',
            properties: {
              '@odata.context': { type: 'string' },
              value: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { name: { type: 'string' }, kind: { type: 'string' }, url: { type: 'string' } },
                },
              },
            },
          }),
          ...ERRORS,
        },
      },
    },
    [`${SERVICE_PATH}/$metadata`]: {
      get: {
        tags,
        operationId: 'metadata',
        summary: 'The CSDL metadata document (OData 4.0 XML), as Dataverse clients read it',
        responses: {
          '200': { description: 'CSDL', content: { 'application/xml': { schema: { type: 'string' } } } },
          ...ERRORS,
        },
      },
    },
    [`${SERVICE_PATH}/WhoAmI`]: {
      get: {
        tags,
        operationId: 'WhoAmI',
        summary: 'The caller: its user, business unit and organisation (also as WhoAmI())',
        responses: { '200': json('Who the caller is', ref('schemas', 'WhoAmIResponse')), ...ERRORS },
      },
    },
    [`${SERVICE_PATH}/$batch`]: {
      post: {
        tags,
        operationId: 'batch',
        summary: 'Run several requests in one (multipart/mixed); a change set is all or nothing',
        parameters: [PREFER],
        requestBody: {
          required: true,
          content: {
            'multipart/mixed': {
              schema: {
                type: 'string',
                description: 'OData multipart batch; the boundary in the Content-Type.',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'One response part per request',
            content: { 'multipart/mixed': { schema: { type: 'string' } } },
          },
          ...ERRORS,
        },
      },
    },
  };
}

/** The whole document, its server being the address clients reach Tandem at. */
export function salesWebApiOpenApiDocument(serverUrl: string): OpenApiDocument {
  const entities = allEntities();
  logicalNames = new Map(entities.map((e) => [e.entitySet, e.logicalName]));
  const schemas: Record<string, JsonSchema> = {
    error: odataErrorSchema("Dataverse's error shape; code is a hexadecimal HRESULT such as 0x80040217."),
    WhoAmIResponse: {
      type: 'object',
      properties: {
        '@odata.context': { type: 'string' },
        BusinessUnitId: { type: 'string', format: 'uuid' },
        UserId: { type: 'string', format: 'uuid' },
        OrganizationId: { type: 'string', format: 'uuid' },
      },
    },
  };
  for (const entity of entities) {
    schemas[entity.logicalName] = recordSchema(entity);
    if (entity.writableSet) {
      schemas[`${entity.logicalName}.create`] = inputSchema(entity, 'create');
      schemas[`${entity.logicalName}.update`] = inputSchema(entity, 'update');
    }
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Tandem Sales Web API (Dataverse Web API v9.2)',
      version: '9.2',
      description: `The Sales records in the shape of the Dataverse Web API, under ${SERVICE_PATH}. The CSDL at ${SERVICE_PATH}/$metadata describes the same entities for Dataverse clients. Call with a bearer token from /oauth2/v2.0/token; rows a caller may not read do not exist for it.`,
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    tags: [{ name: 'service' }, ...entities.map((e) => ({ name: e.entitySet }))],
    paths: {
      ...servicePaths(),
      ...Object.assign({}, ...entities.map(entityPaths)),
      ...roleAssociationPaths(),
    },
    components: {
      schemas,
      responses: {
        badRequest: errorResponse('The request is not valid; the message says what to change.'),
        unauthorized: errorResponse('No valid access token.'),
        forbidden: errorResponse('The caller lacks the privilege; the message names it.'),
        notFound: errorResponse('No such record, or the caller may not read it.'),
        preconditionFailed: errorResponse('The record changed since the If-Match version was read.'),
        tooManyRequests: errorResponse('A service protection limit was reached; wait Retry-After seconds.'),
      },
      securitySchemes: { bearer: BEARER_SCHEME },
    },
  };
}
