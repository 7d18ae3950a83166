import type { GuardPolicy, GuardSpec } from './guard-types.js';

/** The longest name quoted in an error message (a guard's names are the developer's, not secrets). */
const MAX_QUOTED = 64;

/**
 * Throws a `TypeError` for a guard that cannot work: an empty action or subject, an action or
 * subject type the policy does not know (when `policy` is given and lists its `actions` and
 * `resources`: such a guard would deny everyone), a `load` that is not a function, a `fields`
 * that is neither `false`, an array nor a function. Call it where the guard is declared, so
 * misuse fails at startup rather than as a 403 on every request.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertGuardSpec } from '@scopeladder/tokens/http';
 *
 * function authorize(action: string, subject: string, options = {}) {
 *   const spec = { ...options, action, subject };
 *   assertGuardSpec(spec, 'authorize', chatshipperPolicy); // TypeError: authorize: unknown subject type "Conversaton" (…)
 *   return spec;
 * }
 * ```
 */
export function assertGuardSpec(spec: GuardSpec<never>, where: string, policy?: GuardPolicy): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`${where}: a guard must be an object { action, subject }`);
  if (typeof spec.action !== 'string' || spec.action === '') {
    throw new TypeError(`${where}: action must be a non-empty string`);
  }
  if (typeof spec.subject !== 'string' || spec.subject === '') {
    throw new TypeError(`${where}: subject must be a non-empty string (a subject type such as "User")`);
  }
  if (policy !== undefined) {
    assertKnown(policy.actions, spec.action, `${where}: unknown action`);
    assertKnown(policy.resources, spec.subject, `${where}: unknown subject type`);
  }
  if (spec.load !== undefined && typeof spec.load !== 'function') {
    throw new TypeError(`${where}: load must be a function`);
  }
  const { fields } = spec;
  if (fields !== undefined && fields !== false && typeof fields !== 'function' && !Array.isArray(fields)) {
    throw new TypeError(`${where}: fields must be false, an array of field names or a function`);
  }
}

// A policy that does not list its names (not one of core's) cannot be checked here; its own
// `authorize` still denies what it does not know.
function assertKnown(known: readonly string[] | undefined, name: string, message: string): void {
  if (!Array.isArray(known) || known.includes(name)) return;
  const quoted = JSON.stringify(name.length > MAX_QUOTED ? `${name.slice(0, MAX_QUOTED)}…` : name);
  throw new TypeError(`${message} ${quoted}: the policy knows ${known.map((entry) => JSON.stringify(entry)).join(', ')}`);
}
