/**
 * What every route module of the fake GitHub shares: the handler contract (`Ctx`, `Reply`,
 * `Route`), GitHub's error answers, request-body checks and pagination.
 */
import { errorBody, type World } from './objects';
import type { Flavor } from './openapi';
import type { RepoState } from './state';

/** What a handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An error answer (GitHub's error body); thrown by handlers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? status));
  }
}

/**
 * What simulation code needs from the server (handlers get it through `Ctx`; seeding helpers
 * through the server): the object builders' world, the injected clock and fresh ids.
 */
export interface Engine {
  w: World;
  /** Login the token belongs to. */
  login: string;
  nextId(): number;
  /** The injected clock, milliseconds since the epoch. */
  clock(): number;
}

/** What a handler gets. */
export interface Ctx extends Engine {
  /** The repository of `/repos/{owner}/{repo}/…` routes (resolved before the handler; 404 when unknown). */
  repo: RepoState;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** Request headers, lower-case names, without credentials. */
  headers: Record<string, string>;
  /** Which description the server answers for (github.com or GHES). */
  flavor: Flavor;
  /** `documentation_url` of this operation. */
  docs: string;
  now(): string;
  /** Absolute URL of this request with other query values (for `Link`). */
  urlWith(query: Record<string, string>): string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The OpenAPI path template, exactly as in the description's `paths`. */
  template: string;
  /** Path parameters that may contain `/` (the description's `x-multi-segment`). */
  multiSegment?: string[];
  /** What `x-accepted-github-permissions` names when this operation is refused for a permission. */
  permission: string;
  handler(ctx: Ctx): Promise<Reply>;
}

// ---------------------------------------------------------------------------------------------
// errors

export function notFound(ctx: Ctx, message = 'Not Found'): HttpError {
  return new HttpError(404, errorBody(message, ctx.docs, 404));
}

export function unprocessable(ctx: Ctx, message: string): HttpError {
  return new HttpError(422, errorBody(message, ctx.docs, 422));
}

export function validationFailed(ctx: Ctx, errors: Array<Record<string, unknown>>): HttpError {
  return new HttpError(422, errorBody('Validation Failed', ctx.docs, 422, { errors }));
}

// ---------------------------------------------------------------------------------------------
// request bodies

export type FieldType = 'string' | 'boolean' | 'integer' | 'object' | 'string[]' | 'integer[]';

function hasType(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'integer':
      return Number.isInteger(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'integer[]':
      return Array.isArray(v) && v.every((x) => Number.isInteger(x));
    default:
      return typeof v === t;
  }
}

function typeName(t: FieldType): string {
  if (t === 'string[]' || t === 'integer[]') return 'an array';
  return `${t === 'integer' || t === 'object' ? 'an' : 'a'} ${t}`;
}

/**
 * Checks request fields the way GitHub's schema validation answers (422 "Invalid request.").
 * `nullable` names fields that also accept `null`; `permitted` (when given) rejects any other key
 * the way strict GitHub schemas do ("is not a permitted key").
 */
export function checkBody(
  ctx: Ctx,
  spec: Record<string, FieldType | readonly string[]>,
  required: string[] = [],
  opts: { nullable?: string[]; strict?: boolean } = {},
): Record<string, unknown> {
  const body = ctx.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    if (required.length === 0 && body === undefined) return {};
    throw unprocessable(ctx, 'Invalid request.\n\nInvalid input: object is expected.');
  }
  const b = body as Record<string, unknown>;
  if (opts.strict) {
    for (const k of Object.keys(b)) if (!(k in spec)) throw unprocessable(ctx, `Invalid request.\n\n"${k}" is not a permitted key.`);
  }
  for (const k of required) {
    if (b[k] === undefined) throw unprocessable(ctx, `Invalid request.\n\n"${k}" wasn't supplied.`);
  }
  const nullable = opts.nullable ?? ['name', 'body'];
  for (const [k, t] of Object.entries(spec)) {
    const v = b[k];
    if (v === undefined) continue;
    if (Array.isArray(t)) {
      if (typeof v !== 'string' || !t.includes(v)) throw unprocessable(ctx, `Invalid request.\n\nFor 'properties/${k}', ${JSON.stringify(v)} is not one of ${JSON.stringify(t)}.`);
    } else if (!hasType(v, t as FieldType)) {
      if (v === null && nullable.includes(k)) continue;
      throw unprocessable(ctx, `Invalid request.\n\nFor 'properties/${k}', ${JSON.stringify(v)} is not ${typeName(t as FieldType)}.`);
    }
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// pagination

export function intParam(v: string | undefined, fallback: number): number {
  if (v === undefined || !/^\d+$/.test(v)) return fallback;
  return Number(v);
}

/** One page of `items` (`per_page` ≤ 100, default 30) and GitHub's `Link` header when there are more pages. */
export function paginate<T>(ctx: Ctx, items: T[], defaultPerPage = 30): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(intParam(ctx.query.per_page, defaultPerPage), 1), 100);
  const page = Math.max(intParam(ctx.query.page, 1), 1);
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: linkHeader(ctx, items.length, perPage, page) };
}

export function linkHeader(ctx: Ctx, total: number, perPage: number, page: number): Record<string, string> {
  const last = Math.max(Math.ceil(total / perPage), 1);
  const links: string[] = [];
  const at = (p: number, rel: string) => links.push(`<${ctx.urlWith({ ...ctx.query, per_page: String(perPage), page: String(p) })}>; rel="${rel}"`);
  if (page > 1) at(Math.min(page - 1, last), 'prev');
  if (page < last) {
    at(page + 1, 'next');
    at(last, 'last');
  }
  if (page > 1) at(1, 'first');
  return links.length > 0 ? { link: links.join(', ') } : {};
}

// ---------------------------------------------------------------------------------------------
// time

/** GitHub's timestamp format: ISO 8601 without milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
