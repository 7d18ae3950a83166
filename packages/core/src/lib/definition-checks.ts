// Shared by the checks of a policy definition (compile-policy.ts, tenancy.ts): every mistake is a
// TypeError naming where it is, when the policy is defined.

/** Property names that would reach a prototype: never a name in a definition. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A mistake in a policy definition: a `TypeError` naming where it is. */
export function fail(where: string, message: string): never {
  throw new TypeError(`definePolicy: ${where}: ${message}`);
}

/** A plain object (`{}` or `Object.create(null)`), not an array, a class instance or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
