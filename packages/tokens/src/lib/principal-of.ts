import type { Principal } from '@scopeladder/core';

const KINDS: ReadonlySet<unknown> = new Set([undefined, 'user', 'bot']);

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

/**
 * A frozen copy of what an application's `resolvePrincipal` returned, after checking it is a
 * {@link Principal}: a non-empty string `id`, an array of string `scopes`, and `kind`,
 * `organization` and `organizationPath` of the right types. Anything else is the application's
 * bug: a `TypeError` (answered as the generic 500 and reported), never a principal with a guessed
 * shape. The message names the member, never its value.
 */
export function principalOf(value: unknown, where: string): Principal {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where}: resolvePrincipal must return a principal, null or undefined`);
  const candidate = value as Record<string, unknown>;
  const { id, scopes, kind, organization, organizationPath } = candidate;
  if (typeof id !== 'string' || id.length === 0) throw new TypeError(`${where}: the principal's id must be a non-empty string`);
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    throw new TypeError(`${where}: the principal's scopes must be an array of strings`);
  }
  if (!KINDS.has(kind)) throw new TypeError(`${where}: the principal's kind must be "user", "bot" or undefined`);
  if (!isOptionalString(organization) || !isOptionalString(organizationPath)) {
    throw new TypeError(`${where}: the principal's organization and organizationPath must be strings or undefined`);
  }
  return Object.freeze({ ...candidate, id, scopes: Object.freeze([...(scopes as string[])]) });
}
