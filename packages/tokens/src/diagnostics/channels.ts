/**
 * The `node:diagnostics_channel` channel that carries every guard decision: one
 * {@link DecisionMessage} per check an adapter's guard (`authorize`, a route's `config.scopeladder`)
 * made. An application's own `auth.ability.can(…)` in a handler is not published.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { DECISION_CHANNEL, type DecisionMessage } from '@scopeladder/tokens/diagnostics';
 *
 * subscribe(DECISION_CHANNEL, (message) => {
 *   const decision = message as DecisionMessage;
 *   if (!decision.allowed) console.log(decision.principalId, decision.action, decision.subject, decision.reason);
 * });
 * ```
 */
export const DECISION_CHANNEL = 'scopeladder:decision';

/**
 * The channel that carries every `AuthService.authenticate` result: one
 * {@link AuthenticateMessage} per call, success or failure (the adapters' `authenticate`
 * middleware calls it once per request).
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { AUTHENTICATE_CHANNEL, type AuthenticateMessage } from '@scopeladder/tokens/diagnostics';
 *
 * subscribe(AUTHENTICATE_CHANNEL, (message) => {
 *   const result = message as AuthenticateMessage;
 *   if (!result.ok) console.log('authentication failed', result.code, result.credential);
 * });
 * ```
 */
export const AUTHENTICATE_CHANNEL = 'scopeladder:authenticate';

/**
 * The channel that carries the credential lifecycle: logins, refreshes (and refresh-token
 * reuse, which revokes the session), logouts, sessions ended, API keys created and revoked,
 * login throttling engaged, the token store unavailable and recovered. One
 * {@link CredentialEvent} per event; its `type` tells which.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { CREDENTIAL_CHANNEL, type CredentialEvent } from '@scopeladder/tokens/diagnostics';
 *
 * subscribe(CREDENTIAL_CHANNEL, (message) => {
 *   const event = message as CredentialEvent;
 *   if (event.type === 'refresh.reused') console.warn('session revoked after refresh-token reuse', event.userId, event.sessionId);
 * });
 * ```
 */
export const CREDENTIAL_CHANNEL = 'scopeladder:credential';

/**
 * Every channel name scopeladder publishes on, for a subscriber that wants them all (an audit
 * log, the no-secret test).
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { DIAGNOSTICS_CHANNELS } from '@scopeladder/tokens/diagnostics';
 *
 * for (const name of DIAGNOSTICS_CHANNELS) subscribe(name, (message) => console.log(name, JSON.stringify(message)));
 * ```
 */
export const DIAGNOSTICS_CHANNELS = Object.freeze([DECISION_CHANNEL, AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL] as const);

/**
 * The version of the message shapes, carried by every message as `version`. It changes only
 * when a field is removed, renamed or changes meaning — in a major release of
 * `@scopeladder/tokens`. Fields and credential event types are added in minor releases without
 * changing it: a subscriber ignores fields and `type`s it does not know.
 *
 * @example
 * ```ts
 * import { DIAGNOSTICS_VERSION } from '@scopeladder/tokens/diagnostics';
 *
 * if (message.version !== DIAGNOSTICS_VERSION) return; // a shape this subscriber was not written for
 * ```
 */
export const DIAGNOSTICS_VERSION = 1;
