/**
 * Reading Tandem's published OpenAPI documents in tests: fetching them, and checking one is a
 * structurally sound OpenAPI 3.0 document (what a client generator needs before anything else).
 */

export type OpenApi = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
};

export type Operation = {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown } | { $ref: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export async function fetchDocument(baseUrl: string, path: string): Promise<OpenApi> {
  const response = await fetch(`${baseUrl}${path}`);
  if (response.status !== 200)
    throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as OpenApi;
}

/** Every `$ref` string anywhere in `value`, with where it was found. */
function collectRefs(value: unknown, where: string, out: Array<{ ref: string; where: string }>): void {
  if (Array.isArray(value)) value.forEach((v, i) => collectRefs(v, `${where}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') out.push({ ref: v, where });
      else collectRefs(v, `${where}.${key}`, out);
    }
}

function resolvePointer(document: unknown, pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The structural problems of a document, in words (empty when sound): the OpenAPI version, info,
 * paths starting with '/', every operation with responses, unique operation ids, every path
 * template variable declared as a required path parameter, and every $ref resolving.
 */
export function structuralProblems(document: OpenApi): string[] {
  const problems: string[] = [];
  if (!/^3\.0\.\d+$/.test(document.openapi)) problems.push(`openapi is ${document.openapi}, not 3.0.x`);
  if (!document.info?.title || !document.info?.version) problems.push('info needs a title and a version');
  if (!document.paths || Object.keys(document.paths).length === 0) problems.push('no paths');
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`path ${path} does not start with /`);
    const variables = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) {
        if (method !== 'parameters' && method !== 'summary' && method !== 'description')
          problems.push(`${path} has ${method}, which is not an operation`);
        continue;
      }
      const at = `${method.toUpperCase()} ${path}`;
      if (!operation.responses || Object.keys(operation.responses).length === 0)
        problems.push(`${at} has no responses`);
      if (operation.operationId) {
        if (operationIds.has(operation.operationId))
          problems.push(`${at}: operationId ${operation.operationId} is used twice`);
        operationIds.add(operation.operationId);
      }
      const parameters = (operation.parameters ?? []).map((p) =>
        '$ref' in p
          ? (resolvePointer(document, p.$ref) as { name: string; in: string; required?: boolean })
          : p,
      );
      for (const variable of variables) {
        const declared = parameters.find((p) => p?.in === 'path' && p.name === variable);
        if (!declared?.required)
          problems.push(`${at}: path variable {${variable}} is not a required path parameter`);
      }
      for (const p of parameters)
        if (p?.in === 'path' && !variables.includes(p.name))
          problems.push(`${at}: path parameter ${p.name} is not in the path`);
    }
  }
  const refs: Array<{ ref: string; where: string }> = [];
  collectRefs(document, '#', refs);
  for (const { ref, where } of refs)
    if (resolvePointer(document, ref) === undefined) problems.push(`${where}: $ref ${ref} does not resolve`);
  return problems;
}

/** The properties a component schema declares (following allOf). */
export function schemaProperties(document: OpenApi, name: string): string[] {
  const schema = document.components?.schemas?.[name] as { properties?: Record<string, unknown> } | undefined;
  if (!schema) throw new Error(`The document has no schema ${name}`);
  return Object.keys(schema.properties ?? {});
}
