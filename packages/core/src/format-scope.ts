import { isScopeToken } from './lib/scope-grammar.js';

/**
 * Formats scopes as an RFC 6749 §3.3 scope string: distinct tokens in the given order, joined by
 * single spaces. The inverse of {@link parseScope} for canonical strings. Every element must be a
 * scope-token and there must be at least one, otherwise a `TypeError` (a caller mistake).
 *
 * @example
 * ```ts
 * import { formatScope } from '@scopeladder/core';
 *
 * formatScope(['agent', 'bot']); // 'agent bot'
 * formatScope(['bot', 'bot']);   // 'bot'
 * ```
 */
export function formatScope(scopes: readonly string[]): string {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new TypeError('formatScope: expected a non-empty array of scope-tokens');
  }
  const seen = new Set<string>();
  scopes.forEach((scope: unknown, index) => {
    if (!isScopeToken(scope)) throw new TypeError(`formatScope: scopes[${index}] is not an RFC 6749 scope-token`);
    seen.add(scope);
  });
  return [...seen].join(' ');
}
