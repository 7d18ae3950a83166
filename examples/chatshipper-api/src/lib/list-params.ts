import { ScopeladderError } from '@scopeladder/core';
import { isId } from './ids.js';

/** The page size of a list without `?limit=`. */
export const DEFAULT_LIMIT = 100;
/** The largest `?limit=`. */
export const MAX_LIMIT = 1000;
/** The largest `?offset=` (beyond it no list of this server has records). */
export const MAX_OFFSET = 1_000_000_000;

/** What a list request asks for: a page, and optionally one organization's subtree. */
export interface ListParams {
  readonly limit: number;
  readonly offset: number;
  /** `?organization=<id>`: narrow to that organization's subtree. */
  readonly organization: string | undefined;
}

const DIGITS = /^\d{1,10}$/;

function invalid(message: string): ScopeladderError {
  return new ScopeladderError('ERR_INVALID_REQUEST', message);
}

function readInteger(query: Readonly<Record<string, unknown>>, name: string, min: number, max: number, fallback: number): number {
  const value = query[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !DIGITS.test(value)) throw invalid(`${name} must be an integer from ${min} to ${max}`);
  const number = Number(value);
  if (number < min || number > max) throw invalid(`${name} must be an integer from ${min} to ${max}`);
  return number;
}

/**
 * Reads `?limit=&offset=&organization=` of a list request: `limit` 1–1000 (default 100), `offset`
 * ≥ 0 (default 0), `organization` an id. Anything else (a repeated parameter, a sign, a
 * fraction, a value out of range) is `ERR_INVALID_REQUEST` (400). Other parameters are ignored.
 *
 * @example
 * ```ts
 * readListParams({ limit: '20', offset: '40' }); // { limit: 20, offset: 40, organization: undefined }
 * readListParams({ limit: '0' }); // throws ERR_INVALID_REQUEST
 * ```
 */
export function readListParams(query: Readonly<Record<string, unknown>> | undefined): ListParams {
  const params = query ?? {};
  const organization = params['organization'];
  if (organization !== undefined && !isId(organization)) throw invalid('organization must be an organization id');
  return {
    limit: readInteger(params, 'limit', 1, MAX_LIMIT, DEFAULT_LIMIT),
    offset: readInteger(params, 'offset', 0, MAX_OFFSET, 0),
    organization,
  };
}

const ORIGIN = /^https?:\/\/[A-Za-z0-9.:[\]-]{1,261}$/;

/**
 * The `Link` header value pointing to the next page: an absolute URL (clients resolve it without
 * a base) on `origin` (`protocol://host` as the client addressed the server; one that is not a
 * plain `http(s)://host[:port]` falls back to `http://localhost`).
 *
 * @example
 * ```ts
 * nextLink('http://api.example.com', '/v2/contacts', { limit: 2, offset: 0, organization: undefined });
 * // '<http://api.example.com/v2/contacts?limit=2&offset=2>; rel="next"'
 * ```
 */
export function nextLink(origin: string | undefined, path: string, params: ListParams): string {
  const base = origin !== undefined && ORIGIN.test(origin) ? origin : 'http://localhost';
  const search = new URLSearchParams({ limit: String(params.limit), offset: String(params.offset + params.limit) });
  if (params.organization !== undefined) search.set('organization', params.organization);
  return `<${base}${path}?${search.toString()}>; rel="next"`;
}
