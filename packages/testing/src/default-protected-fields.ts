import { PROTECTED_FIELDS } from './lib/defaults.js';

/**
 * The fields the field-aware invariants check by default, besides any the policy itself
 * declares protected (`policy.protectedFields`): `role`, `scopes`, `organization`, `apiToken` —
 * what a principal could raise itself with by editing its own record.
 *
 * @example
 * ```ts
 * import { DEFAULT_PROTECTED_FIELDS, assertNoSelfEscalation } from '@scopeladder/testing';
 *
 * assertNoSelfEscalation(policy, { fields: [...DEFAULT_PROTECTED_FIELDS, 'quota'] });
 * ```
 */
export const DEFAULT_PROTECTED_FIELDS: readonly string[] = PROTECTED_FIELDS;
