/**
 * The instrumentation scope (the tracer's and the meter's name and version) this package
 * records under, for a view, a sampler or a query that selects scopeladder's telemetry.
 *
 * @example
 * ```ts
 * import { INSTRUMENTATION_SCOPE } from '@scopeladder/otel';
 *
 * console.log(INSTRUMENTATION_SCOPE.name); // '@scopeladder/otel'
 * ```
 */
export const INSTRUMENTATION_SCOPE = Object.freeze({ name: '@scopeladder/otel', version: '0.1.0' } as const);

/**
 * The names of the spans recorded. Both are `INTERNAL` spans, children of the span active
 * when scopeladder published the event (the HTTP request's span under the usual HTTP
 * instrumentation).
 *
 * | span | from | duration |
 * |---|---|---|
 * | `scopeladder.authenticate` | every `AuthService.authenticate` call (`scopeladder:authenticate`) | the call's |
 * | `scopeladder.authorize` | every guard decision (`scopeladder:decision`) | none (an instant: the decision itself) |
 *
 * @example
 * ```ts
 * import { SPAN_NAMES } from '@scopeladder/otel';
 *
 * const isScopeladderSpan = (name: string): boolean => Object.values(SPAN_NAMES).includes(name as never);
 * ```
 */
export const SPAN_NAMES = Object.freeze({
  authenticate: 'scopeladder.authenticate',
  authorize: 'scopeladder.authorize',
} as const);

/**
 * The names of the metric instruments, following OpenTelemetry's naming guidelines (a
 * `scopeladder.` namespace, units in UCUM with `{annotations}`, no `_total` suffix, durations
 * in seconds).
 *
 * | metric | instrument | unit | attributes |
 * |---|---|---|---|
 * | `scopeladder.decisions` | counter | `{decision}` | `scopeladder.decision.outcome`, `scopeladder.decision.reason`, `scopeladder.action`, `scopeladder.subject` |
 * | `scopeladder.authentication.failures` | counter | `{failure}` | `error.type` (the error code), `scopeladder.credential.kind` |
 * | `scopeladder.authentication.duration` | histogram | `s` | `scopeladder.authentication.outcome`, `scopeladder.credential.kind`, `error.type` on failure |
 * | `scopeladder.refresh.reuses` | counter | `{reuse}` | none |
 * | `scopeladder.credential.events` | counter | `{event}` | `scopeladder.credential.event` (the event's `type`) |
 *
 * @example
 * ```ts
 * import { METRIC_NAMES } from '@scopeladder/otel';
 *
 * console.log(METRIC_NAMES.refreshReuses); // 'scopeladder.refresh.reuses'
 * ```
 */
export const METRIC_NAMES = Object.freeze({
  decisions: 'scopeladder.decisions',
  authenticationFailures: 'scopeladder.authentication.failures',
  authenticationDuration: 'scopeladder.authentication.duration',
  refreshReuses: 'scopeladder.refresh.reuses',
  credentialEvents: 'scopeladder.credential.events',
} as const);

/**
 * The attribute keys recorded. `error.type` and `http.route` are OpenTelemetry's standard
 * attributes; the others are namespaced `scopeladder.*` (semantic conventions have no
 * authorization attributes). An attribute whose value is `null` in the message is left out.
 * No attribute ever holds a token, a key, a password, a hash, an email or a record.
 *
 * Principal ids (`scopeladder.principal.id`) identify people: they are recorded on spans
 * only, never on metrics, and only when the `principalId` option is left on.
 *
 * @example
 * ```ts
 * import { ATTRIBUTES } from '@scopeladder/otel';
 *
 * console.log(ATTRIBUTES.decisionReason); // 'scopeladder.decision.reason'
 * ```
 */
export const ATTRIBUTES = Object.freeze({
  /** OpenTelemetry's `error.type`: the error code (`ERR_TOKEN_EXPIRED`, …) of a failed authentication. */
  errorType: 'error.type',
  /** OpenTelemetry's `http.route`: the path template of the guarded route, when the adapter named it `"METHOD /path"`. */
  httpRoute: 'http.route',
  /** The route exactly as the adapter named it (`"GET /v2/users/:id"`). */
  route: 'scopeladder.route',
  /** `'jwt'`, `'apiKey'` or `'provider'` (another issuer's token, at a `createJwtVerifier` verifier): the kind of credential presented (absent when the header had none). */
  credentialKind: 'scopeladder.credential.kind',
  /** `'success'` or `'failure'`. */
  authenticationOutcome: 'scopeladder.authentication.outcome',
  /** The principal's id (spans only, see the `principalId` option). */
  principalId: 'scopeladder.principal.id',
  /** `'user'` or `'bot'`. */
  principalKind: 'scopeladder.principal.kind',
  /** The organization the principal acts in. */
  organization: 'scopeladder.organization',
  /** The session (refresh family) of an accepted access token. */
  sessionId: 'scopeladder.session.id',
  /** The public id of an accepted API key (never the key). */
  apiKeyId: 'scopeladder.api_key.id',
  /** `'allow'` or `'deny'`. */
  decisionOutcome: 'scopeladder.decision.outcome',
  /** `'granted'`, a `DecisionReason` (`insufficient_scope`, `not_self`, …) or `'not_found'`. */
  decisionReason: 'scopeladder.decision.reason',
  /** `'type'` or `'record'`. */
  decisionLevel: 'scopeladder.decision.level',
  /** The error a denial answered (`ERR_INSUFFICIENT_SCOPE`, `ERR_FORBIDDEN`, `ERR_NOT_FOUND`). */
  decisionCode: 'scopeladder.decision.code',
  /** The action checked (`"update"`). */
  action: 'scopeladder.action',
  /** The subject type checked (`"User"`). */
  subject: 'scopeladder.subject',
  /** The field refused on a field denial. */
  field: 'scopeladder.field',
  /** On a denial, the lowest scope that would allow it. */
  requiredScope: 'scopeladder.required_scope',
  /** A credential event's `type` (`login.failed`, `refresh.reused`, …). */
  credentialEvent: 'scopeladder.credential.event',
} as const);
