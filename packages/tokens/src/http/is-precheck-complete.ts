import { checksNoFields } from '../lib/guard-decision.js';
import type { GuardSpec } from './guard-types.js';

/**
 * Whether {@link precheckGuard} is a guard's whole decision: no `load`, and no field that could
 * be checked (`fields: false` or `[]`, or no `fields` for an action other than `create`/`update`).
 * {@link runGuard} would then authorize exactly the same thing again and resolve `undefined`, so
 * an adapter that prechecked may skip it. Depends on the spec alone: decide it once per route.
 *
 * @example
 * ```ts
 * import { isPrecheckComplete } from '@scopeladder/tokens/http';
 *
 * isPrecheckComplete({ action: 'list', subject: 'Conversation' }); // true
 * isPrecheckComplete({ action: 'update', subject: 'User' }); // false: the body's fields are checked
 * isPrecheckComplete({ action: 'fetch', subject: 'User', load }); // false: the record decides
 * ```
 */
export function isPrecheckComplete(spec: GuardSpec<never>): boolean {
  return spec.load === undefined && checksNoFields(spec);
}
