import type { HttpErrorOptions, PolicyAbility, Principal } from '@scopeladder/core';
import type { JsonWebKeySet } from './lib/keys.js';
import type { AnyPolicy, PolicyActionOf, PolicyResourceOf, RegisteredPolicy } from './register.js';

/**
 * What `login` and `refresh` answer: the ChatShipper token response and, beside it, RFC 6749
 * §5.1's (`access_token`, `token_type`, `expires_in`, `refresh_token`; `scope` is shared), so
 * ChatShipper's clients and standard OAuth 2.0 clients read the same answer.
 *
 * @example
 * ```ts
 * const response: TokenResponse = await service.login({ email, password });
 * // { tokenType: 'Bearer', token: 'eyJ…', refreshToken: '5f0c…a1b.9c2e…', user: '5f0c…a1b', scope: 'admin',
 * //   access_token: 'eyJ…', token_type: 'Bearer', expires_in: 86400, refresh_token: '5f0c…a1b.9c2e…' }
 * ```
 */
export interface TokenResponse {
  readonly tokenType: 'Bearer';
  /** The access token (a JWT). */
  readonly token: string;
  /** `<user id>.<80 hex>`; replaces any earlier one. */
  readonly refreshToken: string;
  /** The user's id. */
  readonly user: string;
  /**
   * The granted scope: the user's current role (in the session's organization, with
   * memberships), e.g. `"admin"` — or the lower scope the session was narrowed to.
   */
  readonly scope: string;
  /** RFC 6749 §5.1: the access token, the same as `token`. */
  readonly access_token: string;
  /** RFC 6749 §5.1: `"Bearer"` (RFC 6750). */
  readonly token_type: 'Bearer';
  /** RFC 6749 §5.1: the access token's lifetime in seconds (`exp - iat`). */
  readonly expires_in: number;
  /** RFC 6749 §5.1: the refresh token, the same as `refreshToken`. */
  readonly refresh_token: string;
}

/**
 * Options of {@link AuthService.refresh}.
 *
 * @example
 * ```ts
 * const options: RefreshOptions = { scope: 'agent' }; // from now on the session acts as agent at most
 * ```
 */
export interface RefreshOptions {
  /**
   * RFC 6749 §6 `scope`: narrows the session to this scope (a space-delimited scope string; its
   * highest scope counts), never widens it — one above what the session holds now is
   * `ERR_SCOPE_NOT_ALLOWED`. The narrowing stays with the session for every later refresh.
   */
  readonly scope?: string | undefined;
}

/**
 * Credentials for {@link AuthService.login}.
 *
 * @example
 * ```ts
 * const input: LoginInput = { email: 'eve@example.com', password: 's3cret-passphrase', organization: 'c1' };
 * ```
 */
export interface LoginInput {
  readonly email: string;
  readonly password: string;
  /**
   * For users with memberships: the organization (an id) the session acts in — one of the user's
   * membership organizations or a descendant of one. Default: the first membership's. One the
   * user does not reach is refused like a wrong password (`ERR_INVALID_CREDENTIALS`). For users
   * without memberships it may only name their own `organization`.
   */
  readonly organization?: string | undefined;
  /**
   * RFC 6749 §4.3.2 `scope`: narrows the session to this scope (a space-delimited scope string;
   * its highest scope counts), for example an admin logging in as `agent`. Never widens it: a
   * scope above the user's role is `ERR_SCOPE_NOT_ALLOWED` (checked only once the password is
   * right), a malformed or unknown one `ERR_SCOPE_MALFORMED` / `ERR_SCOPE_NOT_ALLOWED`. The
   * session keeps the narrowing when refreshed.
   */
  readonly scope?: string | undefined;
}

/** Per-call context for throttling and auditing. */
export interface RequestContext {
  /** The client's address (for per-source login throttling). */
  readonly source?: string | undefined;
}

/** What the verified credential was. */
export type AuthenticatedToken =
  | {
      readonly kind: 'jwt';
      readonly jti: string;
      /** Epoch seconds. */
      readonly issuedAt: number;
      /** Epoch seconds. */
      readonly expiresAt: number;
      readonly familyId: string;
    }
  | {
      readonly kind: 'apiKey';
      /** The key's public id (never the secret). */
      readonly keyId: string;
    }
  | {
      /** An access token of another issuer (an identity provider), verified by `createJwtVerifier`. */
      readonly kind: 'provider';
      /** The token's `iss`. */
      readonly issuer: string;
      /** The token's `jti`, when it has one. */
      readonly jti?: string | undefined;
      /** Epoch seconds, when the token has an `iat`. */
      readonly issuedAt?: number | undefined;
      /** Epoch seconds. */
      readonly expiresAt: number;
    }
  | {
      /** The application's own authentication (an adapter's `resolvePrincipal`): scopeladder verified no credential. */
      readonly kind: 'application';
    };

/**
 * The result of {@link AuthService.authenticate}: who acts, what they may do, and how they proved it.
 * `P` is the policy type (default: the {@link RegisteredPolicy}); the ability takes only its
 * actions and subject types, so `ability.can('lsit', 'Conversation')` does not compile.
 *
 * @example
 * ```ts
 * const { principal, ability, token } = await service.authenticate(req.headers.authorization);
 * if (token.kind === 'apiKey') log.info({ bot: principal.id, key: token.keyId });
 * ability.can('list', 'Conversation');
 * ```
 */
export interface AuthContext<P extends AnyPolicy = RegisteredPolicy> {
  readonly principal: Principal;
  /** The CASL ability of the principal, from the service's policy (typed with its actions and subject types). */
  readonly ability: PolicyAbility<PolicyActionOf<P>, PolicyResourceOf<P>>;
  readonly token: AuthenticatedToken;
}

/**
 * Options of {@link AuthService.endSessionsOfUser}.
 *
 * @example
 * ```ts
 * // A password change by the user itself: every other session ends, this one goes on.
 * const options: EndSessionsOptions = req.auth.token.kind === 'jwt' ? { except: req.auth.token.familyId } : {};
 * await service.endSessionsOfUser(req.auth.principal.id, options);
 * ```
 */
export interface EndSessionsOptions {
  /** A session to keep: the `familyId` of an `AuthenticatedToken` (`kind: 'jwt'`), usually the caller's. */
  readonly except?: string | undefined;
}

/**
 * Options of {@link AuthService.createApiKey}.
 *
 * @example
 * ```ts
 * const options: CreateApiKeyOptions = { organization: 'c1' };
 * ```
 */
export interface CreateApiKeyOptions {
  /**
   * For bots with memberships: the organization (an id) the key is bound to — the bot must reach
   * it. Default: the bot's first membership's. For bots without memberships it may only name
   * their own `organization`.
   */
  readonly organization?: string | undefined;
}

/** A freshly created API key. `apiKey` is shown once and never stored in clear. */
export interface CreateApiKeyResult {
  readonly id: string;
  readonly apiKey: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  /** The organization the key is bound to (bots with memberships only). */
  readonly organization?: string | undefined;
}

/**
 * What the adapters need to authenticate a request from its `Authorization` header(s): a
 * policy, core's HTTP options and `authenticate`. Our own {@link AuthService} is one, and so is
 * the verifier of an identity provider's access tokens (`createJwtVerifier`): either is the
 * adapters' `service` option. `authenticate` rejects only with `ScopeladderError`s.
 *
 * @example
 * ```ts
 * const authenticator: Authenticator = createJwtVerifier({
 *   issuer: 'https://example.eu.auth0.com/',
 *   audience: 'https://api.example.com',
 *   algorithms: ['RS256'],
 *   jwks: new URL('https://example.eu.auth0.com/.well-known/jwks.json'),
 *   typ: 'JWT',
 *   scopes: { claim: 'permissions', map: { 'chatshipper:admin': 'admin' } },
 *   organization: { claim: 'org_id' },
 * });
 * const { principal } = await authenticator.authenticate(req.headers.authorization);
 * ```
 */
export interface Authenticator<P extends AnyPolicy = RegisteredPolicy> {
  /** The policy decisions are made with, with its own types. */
  readonly policy: P;
  /** The options for core's `httpErrorFor` (realm, expired-token status, resource metadata URL): adapters pass them through. */
  readonly http: HttpErrorOptions;
  /**
   * Authenticates an `Authorization` header value. Pass the raw value(s) as the framework gives
   * them: `undefined` (absent), a string, or an array (several headers: malformed).
   */
  authenticate(authorization: string | readonly string[] | undefined): Promise<AuthContext<P>>;
}

/**
 * The auth service the adapters and applications use. Created by `createAuthService`.
 *
 * @example
 * ```ts
 * try {
 *   req.auth = await service.authenticate(req.headers.authorization);
 * } catch (error) {
 *   const { status, headers, body } = httpErrorFor(error, service.http);
 *   res.writeHead(status, headers).end(JSON.stringify(body));
 * }
 * ```
 * Every method rejects only with `ScopeladderError`s (codes from core), never with anything else.
 *
 * `P` is the policy type: `createAuthService({ policy })` infers it (`chatshipperPolicy`'s when no
 * policy is given), and the adapters carry it into their guards; a bare `AuthService` is
 * `AuthService<RegisteredPolicy>` (see {@link Register}).
 */
export interface AuthService<P extends AnyPolicy = RegisteredPolicy> extends Authenticator<P> {
  /** The policy decisions are made with (from core: `chatshipperPolicy` or `definePolicy(...)`), with its own types. */
  readonly policy: P;
  /** The options for core's `httpErrorFor` (realm, expired-token status, resource metadata URL): adapters pass them through. */
  readonly http: HttpErrorOptions;
  /** Email + password → tokens. Throttled per email and per `context.source`. */
  login(input: LoginInput, context?: RequestContext): Promise<TokenResponse>;
  /** Rotates a refresh token. Reuse of a spent one revokes its family. `options.scope` narrows the session. */
  refresh(refreshToken: string, context?: RequestContext, options?: RefreshOptions): Promise<TokenResponse>;
  /**
   * Authenticates an `Authorization` header value. Pass the raw value(s) as the framework gives
   * them: `undefined` (absent), a string, or an array (several headers: malformed).
   */
  authenticate(authorization: string | readonly string[] | undefined): Promise<AuthContext<P>>;
  /** Revokes the session behind an access token: the token and its refresh family. */
  logout(accessToken: string): Promise<void>;
  /**
   * RFC 7009 revocation: ends the session behind a refresh token or an access token (the token,
   * its refresh family and every access token issued from it). Resolves whether or not the
   * token was known, valid or already revoked — nothing to tell the caller; only a store failure
   * rejects (`ERR_STORE_UNAVAILABLE`). An API key is not revoked this way (see `revokeApiKey`).
   *
   * @example
   * ```ts
   * await service.revoke(refreshToken); // the session is over, on every instance sharing the store
   * ```
   */
  revoke(token: string): Promise<void>;
  /**
   * Ends every session of a user at once, on every instance sharing the store (except
   * `options.except`); resolves how many. Their access tokens answer `ERR_TOKEN_REVOKED` (401
   * `invalid_token`) from the next request, their refresh tokens `ERR_REFRESH_INVALID`; a new
   * login works at once. Call it after deleting a user, changing its role or its password, or
   * changing its memberships (a membership removed, a role changed in an organization) — after the
   * directory write. Adds no lookup to `authenticate`. (Refresh re-reads the role in the
   * session's organization anyway; this ends the access tokens already issued.)
   *
   * @example
   * ```ts
   * await users.update(id, { role: 'agent' });
   * await service.endSessionsOfUser(id); // the old admin tokens stop now; logging in again gives 'agent'
   * ```
   */
  endSessionsOfUser(userId: string, options?: EndSessionsOptions): Promise<number>;
  /**
   * Resolves when `password` is the user's current password; otherwise rejects
   * `ERR_CURRENT_PASSWORD_INVALID` (403). Counts as a login attempt of the user's email and of
   * `context.source` (`ERR_LOGIN_THROTTLED` over the limit), with the same scrypt work whether or
   * not the user exists. For re-authentication, e.g. before changing one's own password.
   *
   * @example
   * ```ts
   * const { id } = req.auth.principal;
   * const { currentPassword, password } = (req.body ?? {}) as Record<string, unknown>;
   * if (typeof password !== 'string') throw new ScopeladderError('ERR_INVALID_REQUEST', 'Expected { currentPassword, password }');
   * // A missing or non-string current password is a wrong one: 403, counted like a failed login.
   * await service.confirmPassword(id, typeof currentPassword === 'string' ? currentPassword : '', { source: req.ip });
   * await users.update(id, { passwordHash: await hashPassword(password) });
   * const { token } = req.auth;
   * await service.endSessionsOfUser(id, token.kind === 'jwt' ? { except: token.familyId } : {});
   * ```
   */
  confirmPassword(userId: string, password: string, context?: RequestContext): Promise<void>;
  /**
   * Creates an API key for a bot user, with scopes no higher than the bot's role. A bot with
   * memberships gets a key bound to one organization (`options.organization`, default its first
   * membership's): at every request the key acts there, its scopes capped by the bot's live role
   * there, and refused (`ERR_API_KEY_INVALID`) once the bot no longer reaches it.
   */
  createApiKey(botUserId: string, scopes: readonly string[], options?: CreateApiKeyOptions): Promise<CreateApiKeyResult>;
  /** Revokes one API key by id. */
  revokeApiKey(keyId: string): Promise<boolean>;
  /** Revokes every API key of a user (call when deleting a bot). */
  revokeApiKeysOfUser(userId: string): Promise<number>;
  /**
   * The public keys of the key set as a JWKS (asymmetric algorithms only; `{ keys: [] }` for
   * HS256): every configured key, the published-but-not-yet-signing ones included. Typed so that
   * jose takes it as it is: `createLocalJWKSet(await service.jwks())`.
   */
  jwks(): Promise<JsonWebKeySet>;
}
