// Public entry point of @scopeladder/tokens. Types are exported explicitly with `export type`.
export { createAuthService } from './create-auth-service.js';
export type { AuthServiceOptions, Duration, LoginThrottleOptions } from './create-auth-service.js';
export { createJwtVerifier } from './create-jwt-verifier.js';
export type { JwtClaims, JwtVerifier, JwtVerifierOptions, OrganizationOf, ProviderKeySet } from './create-jwt-verifier.js';
export { createMemoryStore } from './create-memory-store.js';
export type { MemoryStoreOptions, MemoryTokenStore } from './create-memory-store.js';
export { assertApiKeyRecord } from './store-checks/assert-api-key-record.js';
export { assertRefreshTokenRecord } from './store-checks/assert-refresh-token-record.js';
export { assertRevokeFamiliesOptions } from './store-checks/assert-revoke-families-options.js';
export { assertRotateRefreshArguments } from './store-checks/assert-rotate-refresh-arguments.js';
export { assertStoreDuration } from './store-checks/assert-store-duration.js';
export { assertStoreText } from './store-checks/assert-store-text.js';
export { assertStoreTime } from './store-checks/assert-store-time.js';
export { createMemoryDirectory } from './create-memory-directory.js';
export type { MemoryDirectoryOptions, MemoryUserDirectory } from './create-memory-directory.js';
export { hashPassword } from './hash-password.js';
export type { HashPasswordOptions } from './hash-password.js';
export { verifyPassword } from './verify-password.js';
export type {
  AsymmetricKeyEntry,
  AsymmetricKeysOptions,
  HmacKeysOptions,
  JsonWebKeySet,
  KeyInput,
  PublicJsonWebKey,
  SigningAlgorithm,
  SigningKeysOptions,
} from './lib/keys.js';
export type { RandomSource } from './lib/secrets.js';
export type { AccessTokenUser } from './lib/access-token.js';
export type { AnyPolicy, PolicyActionOf, PolicyResourceOf, Register, RegisteredPolicy } from './register.js';
export type { OrganizationRecord, UserDirectory, UserRecord } from './directory.js';
export type {
  ApiKeyCache,
  ApiKeyRecord,
  RefreshTokenRecord,
  RevokeFamiliesOptions,
  RotateRefreshResult,
  ThrottleState,
  TokenStore,
} from './store.js';
export type {
  AuthContext,
  AuthService,
  AuthenticatedToken,
  Authenticator,
  CreateApiKeyOptions,
  CreateApiKeyResult,
  EndSessionsOptions,
  LoginInput,
  RefreshOptions,
  RequestContext,
  TokenResponse,
} from './service-types.js';
