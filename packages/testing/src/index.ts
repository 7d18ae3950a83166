// Public entry point of @scopeladder/testing. Types are exported explicitly with `export type`.
export { arbitraries } from './arbitraries/index.js';
export type { AuthorizationHeaderOptions, HostileAuthorization, HostileAuthorizationKind } from './arbitraries/headers.js';
export type { JwtShapedOptions } from './arbitraries/jwt.js';
export type { GeneratedPolicyDefinition, LadderArbitraryOptions, MonotoneMatrixOptions, PolicyDefinitionOptions } from './arbitraries/policies.js';
export type { PrincipalArbitraryOptions } from './arbitraries/principals.js';
export type { ScopeListOptions } from './arbitraries/scopes.js';
export type { GeneratedOrganization, OrganizationTreeOptions, PlacedRecord } from './arbitraries/organizations.js';
export type { GeneratedTarget, Ownership, PolicyVocabulary } from './arbitraries/subjects.js';
export type { ScopeSource } from './lib/scope-source.js';

export { PolicyAssertionError } from './errors.js';
export type { PolicyAssertionDetails } from './errors.js';
export type { InvariantOptions } from './lib/run-property.js';
export type { PolicyUnderTest } from './policy-under-test.js';
export { DEFAULT_PROTECTED_FIELDS } from './default-protected-fields.js';

export { assertCascadeMonotonic } from './assert-cascade-monotonic.js';
export type { AssertCascadeMonotonicOptions } from './assert-cascade-monotonic.js';
export { assertDenyByDefault } from './assert-deny-by-default.js';
export type { AssertDenyByDefaultOptions } from './assert-deny-by-default.js';
export { assertUnknownScopesGrantNothing } from './assert-unknown-scopes-grant-nothing.js';
export type { AssertUnknownScopesGrantNothingOptions } from './assert-unknown-scopes-grant-nothing.js';
export { assertSelfIsolation } from './assert-self-isolation.js';
export type { AssertSelfIsolationOptions } from './assert-self-isolation.js';
export { assertTenantIsolation } from './assert-tenant-isolation.js';
export type { AssertTenantIsolationOptions } from './assert-tenant-isolation.js';
export { assertNoSelfEscalation } from './assert-no-self-escalation.js';
export type { AssertNoSelfEscalationOptions } from './assert-no-self-escalation.js';
export { assertDeterministic } from './assert-deterministic.js';
export type { AssertDeterministicOptions } from './assert-deterministic.js';
export { assertRulesSurviveJson } from './assert-rules-survive-json.js';
export type { AssertRulesSurviveJsonOptions, ClientAbility } from './assert-rules-survive-json.js';
export { assertPolicyInvariants } from './assert-policy-invariants.js';
export type { AssertPolicyInvariantsOptions, PolicyInvariant } from './assert-policy-invariants.js';

export { computeDecisionTable } from './compute-decision-table.js';
export type { DecisionCell, DecisionTable, DecisionTableOptions, DecisionTableRow } from './compute-decision-table.js';
export { decisionTable } from './decision-table.js';
export type { DecisionTableFormat, DecisionTableRenderOptions } from './decision-table.js';
export { assertDecisionTable } from './assert-decision-table.js';
export type { AssertDecisionTableOptions } from './assert-decision-table.js';
export { UPDATE_ENV, assertDecisionTableFile } from './assert-decision-table-file.js';
export type { AssertDecisionTableFileOptions, AssertDecisionTableFileResult } from './assert-decision-table-file.js';
