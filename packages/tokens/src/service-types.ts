import type { HttpErrorOptions, MongoAbility, Policy, Principal } from '@scopeladder/core';

/**
 * What `login` and `refresh` answer: exactly the ChatShipper token response.
 *
 * @example
 * ```ts
 * const response: TokenResponse = await auth.login({ email, password });
 * // { tokenType: 'Bearer', token: 'eyJ…', refreshToken: '5f0c…a1b.9c2e…', user: '5f0c…a1b', scope: 'admin' }
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
  /** The granted scope: the user's current role, e.g. `"admin"`. */
  readonly scope: string;
}

/** Credentials for {@link AuthService.login}. */
export interface LoginInput {
  readonly email: string;
  readonly password: string;
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
    };

/**
 * The result of {@link AuthService.authenticate}: who acts, what they may do, and how they proved it.
 *
 * @example
 * ```ts
 * const { principal, ability, token } = await auth.authenticate(req.headers.authorization);
 * if (token.kind === 'apiKey') log.info({ bot: principal.id, key: token.keyId });
 * ability.can('list', 'Conversation');
 * ```
 */
export interface AuthContext {
  readonly principal: Principal;
  /** The CASL ability of the principal, from the service's policy. */
  readonly ability: MongoAbility;
  readonly token: AuthenticatedToken;
}

/** A freshly created API key. `apiKey` is shown once and never stored in clear. */
export interface CreateApiKeyResult {
  readonly id: string;
  readonly apiKey: string;
  readonly userId: string;
  readonly scopes: readonly string[];
}

/**
 * The auth service the adapters and applications use. Created by `createAuthService`.
 *
 * @example
 * ```ts
 * try {
 *   req.auth = await auth.authenticate(req.headers.authorization);
 * } catch (error) {
 *   const { status, headers, body } = httpErrorFor(error, auth.http);
 *   res.writeHead(status, headers).end(JSON.stringify(body));
 * }
 * ```
 * Every method rejects only with `ScopeladderError`s (codes from core), never with anything else.
 */
export interface AuthService {
  /** The policy decisions are made with (from core: `chatshipperPolicy` or `definePolicy(...)`). */
  readonly policy: Policy;
  /** The options for core's `httpErrorFor` (realm, expired-token status): adapters pass them through. */
  readonly http: HttpErrorOptions;
  /** Email + password → tokens. Throttled per email and per `context.source`. */
  login(input: LoginInput, context?: RequestContext): Promise<TokenResponse>;
  /** Rotates a refresh token. Reuse of a spent one revokes its family. */
  refresh(refreshToken: string, context?: RequestContext): Promise<TokenResponse>;
  /**
   * Authenticates an `Authorization` header value. Pass the raw value(s) as the framework gives
   * them: `undefined` (absent), a string, or an array (several headers: malformed).
   */
  authenticate(authorization: string | readonly string[] | undefined): Promise<AuthContext>;
  /** Revokes the session behind an access token: the token and its refresh family. */
  logout(accessToken: string): Promise<void>;
  /** Creates an API key for a bot user, with scopes no higher than the bot's role. */
  createApiKey(botUserId: string, scopes: readonly string[]): Promise<CreateApiKeyResult>;
  /** Revokes one API key by id. */
  revokeApiKey(keyId: string): Promise<boolean>;
  /** Revokes every API key of a user (call when deleting a bot). */
  revokeApiKeysOfUser(userId: string): Promise<number>;
  /** The public signing keys as a JWKS (asymmetric algorithms only; empty for HS256). */
  jwks(): Promise<{ keys: readonly Record<string, unknown>[] }>;
}
