import { apiKey, authorizationHeader, bearerToken, hostileAuthorizationHeader } from './headers.js';
import { hostileJwt, jwtShaped } from './jwt.js';
import { ladder, monotoneMatrix, policy, policyDefinition } from './policies.js';
import { junkId, otherId, principal, principalId } from './principals.js';
import { memberships, organizationTree, placedRecord, tenantPrincipal } from './organizations.js';
import { hostileScope, hostileScopeString, junkScope, scope, scopeList, scopeString, scopeToken, unknownScope } from './scopes.js';
import { action, junkAction, resourceType, subjectInstance, target, unknownAction, unknownResourceType } from './subjects.js';

/**
 * fast-check arbitraries for authorization tests. Scope arbitraries take a policy, a ladder or an
 * array of scope names; vocabulary arbitraries take a policy.
 *
 * | group | arbitraries |
 * |---|---|
 * | scopes | `scopeToken`, `scope`, `unknownScope`, `hostileScope`, `junkScope`, `scopeList`, `scopeString`, `hostileScopeString` |
 * | principals | `principalId`, `otherId`, `junkId`, `principal` |
 * | vocabulary | `action`, `unknownAction`, `junkAction`, `resourceType`, `unknownResourceType`, `subjectInstance`, `target` |
 * | policies | `ladder`, `monotoneMatrix`, `policyDefinition`, `policy` |
 * | credentials | `bearerToken`, `apiKey`, `authorizationHeader`, `hostileAuthorizationHeader`, `jwtShaped`, `hostileJwt` |
 * | organizations | `organizationTree`, `memberships`, `tenantPrincipal`, `placedRecord` |
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { arbitraries } from '@scopeladder/testing';
 *
 * fc.assert(fc.property(arbitraries.principal(chatshipperPolicy, { unknownScopes: true }), (principal) =>
 *   chatshipperPolicy.can(principal, 'create', 'Service') === principal.scopes.includes('admin'),
 * ));
 * ```
 */
export const arbitraries = Object.freeze({
  scopeToken,
  scope,
  unknownScope,
  hostileScope,
  junkScope,
  scopeList,
  scopeString,
  hostileScopeString,
  principalId,
  otherId,
  junkId,
  principal,
  action,
  unknownAction,
  junkAction,
  resourceType,
  unknownResourceType,
  subjectInstance,
  target,
  ladder,
  monotoneMatrix,
  policyDefinition,
  policy,
  bearerToken,
  apiKey,
  authorizationHeader,
  hostileAuthorizationHeader,
  jwtShaped,
  hostileJwt,
  organizationTree,
  memberships,
  tenantPrincipal,
  placedRecord,
});
