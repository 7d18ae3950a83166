import { assertCascadeMonotonic } from './assert-cascade-monotonic.js';
import { assertDenyByDefault } from './assert-deny-by-default.js';
import { assertDeterministic } from './assert-deterministic.js';
import { assertNoSelfEscalation } from './assert-no-self-escalation.js';
import { assertRulesSurviveJson } from './assert-rules-survive-json.js';
import { assertSelfIsolation } from './assert-self-isolation.js';
import { assertTenantIsolation } from './assert-tenant-isolation.js';
import { assertUnknownScopesGrantNothing } from './assert-unknown-scopes-grant-nothing.js';
import { WRITE_ACTIONS } from './lib/defaults.js';
import { checkPolicy } from './lib/check-policy.js';
import type { InvariantOptions } from './lib/run-property.js';
import type { PolicyUnderTest } from './policy-under-test.js';

/**
 * The invariants {@link assertPolicyInvariants} runs, by name.
 *
 * @example
 * ```ts
 * assertPolicyInvariants(policy, { skip: ['rulesSurviveJson'] satisfies PolicyInvariant[] });
 * ```
 */
export type PolicyInvariant =
  | 'cascadeMonotonic'
  | 'denyByDefault'
  | 'unknownScopesGrantNothing'
  | 'selfIsolation'
  | 'noSelfEscalation'
  | 'deterministic'
  | 'rulesSurviveJson'
  | 'tenantIsolation';

/**
 * Options of {@link assertPolicyInvariants}.
 *
 * @example
 * ```ts
 * assertPolicyInvariants(policy, { numRuns: 200, fields: ['role', 'plan'], skip: ['deterministic'] });
 * ```
 */
export interface AssertPolicyInvariantsOptions extends InvariantOptions {
  /** Fields checked by every invariant that checks fields. Default: `DEFAULT_PROTECTED_FIELDS` plus the policy's protected fields. */
  readonly fields?: readonly string[] | undefined;
  /** Invariants not to run. */
  readonly skip?: readonly PolicyInvariant[] | undefined;
}

/**
 * Runs every invariant that applies to the policy, in order: cascade monotonicity, deny by
 * default, unknown scopes grant nothing, self isolation, no self-escalation (when the policy has
 * a `create` or `update` action), determinism, rules surviving JSON (when it has
 * `rulesFor`), and tenant isolation (when it has `tenancy`). Stops at the first failure, which throws a {@link PolicyAssertionError}.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertPolicyInvariants } from '@scopeladder/testing';
 *
 * it('keeps every invariant', () => assertPolicyInvariants(chatshipperPolicy));
 * ```
 */
export function assertPolicyInvariants(policy: PolicyUnderTest, options: AssertPolicyInvariantsOptions = {}): void {
  checkPolicy('assertPolicyInvariants', policy);
  const { skip = [], ...shared } = options;
  if (!Array.isArray(skip)) throw new TypeError('assertPolicyInvariants: options.skip must be an array of invariant names');
  const run = (name: PolicyInvariant, assertion: () => void): void => {
    if (!skip.includes(name)) assertion();
  };
  run('cascadeMonotonic', () => assertCascadeMonotonic(policy, shared));
  run('denyByDefault', () => assertDenyByDefault(policy, shared));
  run('unknownScopesGrantNothing', () => assertUnknownScopesGrantNothing(policy, shared));
  run('selfIsolation', () => assertSelfIsolation(policy, { numRuns: shared.numRuns, seed: shared.seed, path: shared.path }));
  if (policy.actions.some((action) => WRITE_ACTIONS.includes(action))) {
    run('noSelfEscalation', () => assertNoSelfEscalation(policy, shared));
  }
  run('deterministic', () => assertDeterministic(policy, shared));
  if (policy.rulesFor !== undefined) run('rulesSurviveJson', () => assertRulesSurviveJson(policy, shared));
  if (typeof policy.tenancy === 'object' && policy.tenancy !== null) {
    run('tenantIsolation', () => assertTenantIsolation(policy, { numRuns: shared.numRuns, seed: shared.seed, path: shared.path }));
  }
}
