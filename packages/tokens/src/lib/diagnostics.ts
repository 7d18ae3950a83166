// Publishing on node:diagnostics_channel (the contract: ../diagnostics/). Every publisher checks
// `hasSubscribers` first and builds its message only then: nobody listening costs one property
// read. Messages carry ids, names and codes only — never a token, key, password, hash or record.
import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { isScopeladderError, type Principal } from '@scopeladder/core';
import { AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL, DECISION_CHANNEL } from '../diagnostics/channels.js';
import type { AuthenticateMessage, CredentialEvent, DecisionMessage } from '../diagnostics/messages.js';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { ServiceContext } from './context.js';

export const decisionChannel = channel(DECISION_CHANNEL);
export const authenticateChannel = channel(AUTHENTICATE_CHANNEL);
export const credentialChannel = channel(CREDENTIAL_CHANNEL);

/** Publishes an accepted credential; `started` is the `performance.now()` the call began at. */
export function publishAuthenticated(result: AuthContext<AnyPolicy>, started: number): void {
  if (!authenticateChannel.hasSubscribers) return;
  const { principal, token } = result;
  const message: AuthenticateMessage = {
    version: 1,
    ok: true,
    credential: token.kind === 'application' ? null : token.kind,
    code: null,
    principalId: principal.id,
    principalKind: token.kind === 'jwt' ? 'user' : token.kind === 'apiKey' ? 'bot' : (principal.kind ?? null),
    organization: principal.organization ?? null,
    sessionId: token.kind === 'jwt' ? token.familyId : null,
    keyId: token.kind === 'apiKey' ? token.keyId : null,
    durationMs: performance.now() - started,
  };
  authenticateChannel.publish(message);
}

/** Publishes a refused credential of kind `credential` (`null`: none recognised). */
export function publishAuthenticationFailure(credential: AuthenticateMessage['credential'], error: unknown, started: number): void {
  if (!authenticateChannel.hasSubscribers) return;
  const message: AuthenticateMessage = {
    version: 1,
    ok: false,
    credential,
    code: isScopeladderError(error) ? error.code : 'ERR_INTERNAL',
    principalId: null,
    principalKind: null,
    organization: null,
    sessionId: null,
    keyId: null,
    durationMs: performance.now() - started,
  };
  authenticateChannel.publish(message);
}

/** Publishes a credential event; the caller checked `credentialChannel.hasSubscribers`. */
export function publishCredential(event: CredentialEvent): void {
  credentialChannel.publish(event);
}

/** `RequestContext.source` as a message field: a string (bounded), else `null`. */
export function sourceField(source: unknown): string | null {
  return typeof source === 'string' && source !== '' ? source.slice(0, 256) : null;
}

/**
 * Notes a failed store call: the first `ERR_STORE_UNAVAILABLE` after a working store (or the
 * service's first call) publishes `store.unavailable`. Other errors tell nothing about the store.
 */
export function noteStoreFailure(context: ServiceContext, error: unknown): void {
  const { storeHealth } = context;
  if (storeHealth.unavailable || !isScopeladderError(error) || error.code !== 'ERR_STORE_UNAVAILABLE') return;
  storeHealth.unavailable = true;
  if (credentialChannel.hasSubscribers) publishCredential({ version: 1, type: 'store.unavailable' });
}

/** Notes a store call that answered: after `store.unavailable`, publishes `store.recovered`. */
export function noteStoreAnswered(context: ServiceContext): void {
  const { storeHealth } = context;
  if (!storeHealth.unavailable) return;
  storeHealth.unavailable = false;
  if (credentialChannel.hasSubscribers) publishCredential({ version: 1, type: 'store.recovered' });
}

/** Where a guard decided, for its decision message. */
export interface DecisionPoint {
  readonly principal: Principal;
  readonly action: string;
  readonly subject: string;
  readonly level: DecisionMessage['level'];
  readonly route: string | null;
}

/** Publishes an allowed decision; the caller checked `decisionChannel.hasSubscribers`. */
export function publishAllowed(point: DecisionPoint): void {
  decisionChannel.publish(decisionMessage(point, true, 'granted', null, null, null));
}

/**
 * Publishes the denial `error` is, if it is one: a policy denial (`ERR_INSUFFICIENT_SCOPE`,
 * `ERR_FORBIDDEN`, with its denial context) or `ERR_NOT_FOUND`. Anything else (a field name
 * refused, a body that is not an object, a failing `load`) was no decision: nothing published.
 */
export function publishDenial(point: DecisionPoint, error: unknown): void {
  if (!isScopeladderError(error)) return;
  const { denial } = error;
  if (denial !== undefined && (error.code === 'ERR_INSUFFICIENT_SCOPE' || error.code === 'ERR_FORBIDDEN')) {
    const reason = denial.reason as DecisionMessage['reason'];
    decisionChannel.publish(decisionMessage(point, false, reason, denial.requiredScope, error.code, denial.field ?? null));
  } else if (error.code === 'ERR_NOT_FOUND') {
    decisionChannel.publish(decisionMessage(point, false, 'not_found', null, 'ERR_NOT_FOUND', null));
  }
}

function decisionMessage(
  point: DecisionPoint,
  allowed: boolean,
  reason: DecisionMessage['reason'],
  requiredScope: string | null,
  code: DecisionMessage['code'],
  field: string | null,
): DecisionMessage {
  const { principal } = point;
  return {
    version: 1,
    allowed,
    principalId: principal.id,
    principalKind: principal.kind ?? null,
    organization: principal.organization ?? null,
    action: point.action,
    subject: point.subject,
    level: point.level,
    field,
    reason,
    requiredScope,
    code,
    route: point.route,
  };
}
