import type { GuardSpec } from './guard-types.js';

/**
 * Throws a `TypeError` for a guard that cannot work: an empty action or subject, a `load` that
 * is not a function, a `fields` that is neither `false`, an array nor a function. Call it where
 * the guard is declared, so misuse fails at startup rather than on the first request.
 *
 * @example
 * ```ts
 * import { assertGuardSpec } from '@scopeladder/tokens/http';
 *
 * function authorize(action: string, subject: string, options = {}) {
 *   const spec = { ...options, action, subject };
 *   assertGuardSpec(spec, 'authorize'); // TypeError: authorize: action must be a non-empty string
 *   return spec;
 * }
 * ```
 */
export function assertGuardSpec(spec: GuardSpec<never>, where: string): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`${where}: a guard must be an object { action, subject }`);
  if (typeof spec.action !== 'string' || spec.action === '') {
    throw new TypeError(`${where}: action must be a non-empty string`);
  }
  if (typeof spec.subject !== 'string' || spec.subject === '') {
    throw new TypeError(`${where}: subject must be a non-empty string (a subject type such as "User")`);
  }
  if (spec.load !== undefined && typeof spec.load !== 'function') {
    throw new TypeError(`${where}: load must be a function`);
  }
  const { fields } = spec;
  if (fields !== undefined && fields !== false && typeof fields !== 'function' && !Array.isArray(fields)) {
    throw new TypeError(`${where}: fields must be false, an array of field names or a function`);
  }
}
