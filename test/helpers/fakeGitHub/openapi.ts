/**
 * GitHub's OpenAPI description (npm `@octokit/openapi`) as response validators for the fake server.
 * Each description is read, converted from OpenAPI 3.0 to JSON Schema and handed to one Ajv once
 * per process; a validator per operation and status is compiled on first use and cached.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Which description: github.com, or GitHub Enterprise Server 3.19 (the `/api/v3` prefix). */
export type Flavor = 'api.github.com' | 'ghes-3.19';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema?: JsonObject }>;
}

interface Operation {
  operationId: string;
  externalDocs?: { url?: string };
  responses: Record<string, ResponseObject>;
}

interface Description {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonObject>; responses: Record<string, ResponseObject> };
}

interface Loaded {
  doc: Description;
  ajv: Ajv;
  validators: Map<string, ValidateFunction | null>;
}

/** Where the converted `components` live inside Ajv; `#/components/...` refs are rewritten to it. */
const ROOT = 'https://fake-github.invalid/openapi';
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
const SCHEMA_ONE = new Set(['items', 'additionalProperties', 'not', 'additionalItems', 'contains', 'propertyNames', 'if', 'then', 'else']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
/** OpenAPI-only or annotation keywords that JSON Schema validation does not need. */
const DROPPED = new Set(['nullable', 'discriminator', 'example', 'examples', 'xml', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly', 'description', 'title']);

const loaded = new Map<Flavor, Loaded>();

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * OpenAPI 3.0 schema → JSON Schema for Ajv: `nullable: true` becomes a `null` type (and a `null`
 * enum member) or an `anyOf` with `null`; a `oneOf` with a `discriminator` becomes `anyOf`
 * (GitHub's discriminated unions, e.g. private/public user, are not mutually exclusive); local
 * `$ref`s point into the Ajv copy of `components`.
 */
export function toJsonSchema(schema: Json): Json {
  if (!isObject(schema)) return schema;
  let out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else if (SCHEMA_ONE.has(key)) {
      out[key] = Array.isArray(value) ? value.map(toJsonSchema) : toJsonSchema(value);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(toJsonSchema);
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = value.startsWith('#/') ? ROOT + value : value;
    } else if (!DROPPED.has(key) && !key.startsWith('x-')) {
      out[key] = value;
    }
  }
  if (schema.discriminator !== undefined && out.oneOf !== undefined) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      out = { anyOf: [{ type: 'null' }, out] };
    }
  }
  return out;
}

/**
 * Known places where the description is stricter than what GitHub sends. Each patch is a
 * documented fact about the live API, so a test seeding that value is not reported as drift.
 */
function patchKnownGaps(schemas: Record<string, Json>): void {
  // GitHub marks check runs older than 14 days "stale" (docs: "About status checks"); the enum omits it.
  const checkRun = schemas['check-run'];
  if (isObject(checkRun) && isObject(checkRun.properties)) {
    const conclusion = checkRun.properties.conclusion;
    if (isObject(conclusion) && Array.isArray(conclusion.enum) && !conclusion.enum.includes('stale')) {
      conclusion.enum = [...conclusion.enum, 'stale'];
    }
  }
  // A deployment status created without URLs carries "" for them (the description's own default is
  // "", which its `format: uri` then rejects).
  const deploymentStatus = schemas['deployment-status'];
  if (isObject(deploymentStatus) && isObject(deploymentStatus.properties)) {
    for (const key of ['target_url', 'log_url', 'environment_url']) {
      const prop = deploymentStatus.properties[key];
      if (isObject(prop) && prop.format === 'uri') deploymentStatus.properties[key] = { anyOf: [{ ...prop }, { type: 'string', maxLength: 0 }] };
    }
  }
}

function fileOf(flavor: Flavor): string {
  return require.resolve(`@octokit/openapi/generated/${flavor}.json`);
}

/** The description and its Ajv, loaded once per process (about 0.25 s the first time). */
export function load(flavor: Flavor): Loaded {
  const known = loaded.get(flavor);
  if (known) return known;
  const doc = JSON.parse(readFileSync(fileOf(flavor), 'utf8')) as Description;
  const schemas: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(doc.components.schemas)) schemas[name] = toJsonSchema(schema);
  patchKnownGaps(schemas);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('uri-template', true);
  ajv.addSchema({ $id: ROOT, components: { schemas } });
  const entry: Loaded = { doc, ajv, validators: new Map() };
  loaded.set(flavor, entry);
  return entry;
}

/** The operation at this method and OpenAPI path template, if the description has it. */
export function operation(flavor: Flavor, method: string, template: string): Operation | undefined {
  return load(flavor).doc.paths[template]?.[method.toLowerCase()];
}

/** The documentation URL GitHub puts in error bodies of this operation. */
export function docsUrl(flavor: Flavor, method: string, template: string): string {
  return operation(flavor, method, template)?.externalDocs?.url ?? (flavor === 'api.github.com' ? 'https://docs.github.com/rest' : 'https://docs.github.com/enterprise-server@3.19/rest');
}

function responseSchema(doc: Description, response: ResponseObject | undefined): JsonObject | null | undefined {
  if (!response) return undefined;
  let resolved = response;
  if (response.$ref) {
    const name = response.$ref.replace('#/components/responses/', '');
    resolved = doc.components.responses[name] ?? {};
  }
  return resolved.content?.['application/json']?.schema ?? null;
}

const GENERIC_ERROR = { $ref: `${ROOT}#/components/schemas/basic-error` };
const GENERIC_VALIDATION = { $ref: `${ROOT}#/components/schemas/validation-error` };

/** One response that does not match the description. */
export interface SchemaProblem {
  operationId: string;
  status: number;
  errors: Array<{ instancePath: string; message: string; schemaPath: string; params: Record<string, unknown> }>;
}

function simplify(errors: ErrorObject[] | null | undefined): SchemaProblem['errors'] {
  return (errors ?? []).slice(0, 20).map((e) => ({ instancePath: e.instancePath, message: e.message ?? e.keyword, schemaPath: e.schemaPath, params: e.params as Record<string, unknown> }));
}

/**
 * Validates a JSON response body against the description. Returns null when valid. A 2xx status the
 * operation does not document is a problem; an undocumented error status is checked against
 * GitHub's generic error body (`basic-error`, or `validation-error` for 422), since GitHub can
 * answer any request with such an error.
 */
export function validateResponse(flavor: Flavor, method: string, template: string, status: number, body: unknown): SchemaProblem | null {
  const entry = load(flavor);
  const op = operation(flavor, method, template);
  if (!op) {
    return { operationId: `${method.toUpperCase()} ${template}`, status, errors: [{ instancePath: '', message: `no operation ${method.toUpperCase()} ${template} in ${flavor}`, schemaPath: '', params: {} }] };
  }
  const key = `${method.toLowerCase()} ${template} ${status}`;
  let validator = entry.validators.get(key);
  if (validator === undefined) {
    const documented = op.responses[String(status)] ?? op.responses.default;
    let schema: JsonObject | null | undefined = responseSchema(entry.doc, documented);
    if (schema === undefined) {
      if (status >= 200 && status < 300) {
        return { operationId: op.operationId, status, errors: [{ instancePath: '', message: `status ${status} is not documented for ${op.operationId}`, schemaPath: '', params: {} }] };
      }
      schema = status === 422 ? GENERIC_VALIDATION : GENERIC_ERROR;
    }
    validator = schema === null ? null : entry.ajv.compile(toJsonSchema(schema) as JsonObject);
    entry.validators.set(key, validator);
  }
  if (validator === null) {
    // Documented without a body (204, 304): a body would be drift.
    if (body === undefined || (status >= 400 && isObject(body as Json))) return null;
    return { operationId: op.operationId, status, errors: [{ instancePath: '', message: `status ${status} of ${op.operationId} has no body`, schemaPath: '', params: {} }] };
  }
  if (validator(body)) return null;
  return { operationId: op.operationId, status, errors: simplify(validator.errors) };
}

/** Whether a component schema declares a property (e.g. `release.immutable`). */
export function schemaHasProperty(flavor: Flavor, schema: string, property: string): boolean {
  const s = load(flavor).doc.components.schemas[schema];
  return isObject(s) && isObject(s.properties) && property in s.properties;
}
