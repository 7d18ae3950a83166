// Services, users and tokens shared by the authentication and HTTP suites.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createAuthService, createMemoryDirectory, hashPassword, type AuthService, type AuthServiceOptions } from '@scopeladder/tokens';
import { SignJWT } from 'jose';
import { createRandom, hexId, pick } from '../lib/random.js';

export const ISSUER = 'https://bench.scopeladder.invalid';
export const AUDIENCE = 'chatshipper-api';
export const PASSWORD = 'correct horse battery staple';

/** The organization every bench user belongs to (chatshipperPolicy has tenancy: sessions act in one). */
export const ORGANIZATION = '64a000000000000000000001';

/** The users every service knows: one per scope, and a bot user for API keys. */
export const USERS = {
  guest: { id: '64b000000000000000000001', email: 'guest@bench.invalid', role: 'guest', organization: ORGANIZATION },
  agent: { id: '64b000000000000000000002', email: 'agent@bench.invalid', role: 'agent', organization: ORGANIZATION },
  admin: { id: '64b000000000000000000003', email: 'admin@bench.invalid', role: 'admin', organization: ORGANIZATION },
  bot: { id: '64b000000000000000000004', email: 'bot@bench.invalid', role: 'bot', kind: 'bot' as const, organization: ORGANIZATION },
} as const;

/** A user directory with the users above (cheap scrypt cost: logins happen only during setup). */
export async function createBenchDirectory() {
  const passwordHash = await hashPassword(PASSWORD, { N: 2 ** 10 });
  return createMemoryDirectory(
    [{ ...USERS.guest, passwordHash }, { ...USERS.agent, passwordHash }, { ...USERS.admin, passwordHash }, { ...USERS.bot }],
    { organizations: [{ id: ORGANIZATION, path: ORGANIZATION }] },
  );
}

/** An HS256 service as an application would configure it (defaults, plus issuer and audience). */
export function createHsService(directory: AuthServiceOptions['directory'], secret: string, extra: Partial<AuthServiceOptions> = {}): AuthService {
  return createAuthService({ directory, keys: { algorithm: 'HS256', secret }, issuer: ISSUER, audience: AUDIENCE, ...extra });
}

/** An EdDSA (Ed25519) service. */
export function createEdService(
  directory: AuthServiceOptions['directory'],
  privateKey: KeyObject,
  extra: Partial<AuthServiceOptions> = {},
): AuthService {
  return createAuthService({
    directory,
    keys: { algorithm: 'EdDSA', keys: [{ kid: ED_KID, privateKey }] },
    issuer: ISSUER,
    audience: AUDIENCE,
    ...extra,
  });
}

export const ED_KID = 'bench-ed25519-1';

/** A fresh HS256 secret (64 hex characters). */
export function createSecret(): string {
  return randomBytes(32).toString('hex');
}

/** A fresh Ed25519 key pair. */
export function createEdKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

/** Signing material for {@link mintAccessTokens}. */
export type MintKey = { readonly algorithm: 'HS256'; readonly secret: string } | { readonly algorithm: 'EdDSA'; readonly privateKey: KeyObject };

/**
 * `count` distinct access tokens in the service's format (header `{ alg, typ: 'at+jwt', kid? }`;
 * claims `sub`, `scope`, `iat`, `exp`, `jti`, `iss`, `aud`, `sid`), each a different user session,
 * as a busy API sees them. Minting them directly is much faster than `count` logins.
 */
export async function mintAccessTokens(key: MintKey, count: number, seed = 7): Promise<string[]> {
  const random = createRandom(seed);
  const now = Math.floor(Date.now() / 1000);
  const signingKey = key.algorithm === 'HS256' ? new TextEncoder().encode(key.secret) : key.privateKey;
  const header = key.algorithm === 'HS256' ? { alg: 'HS256', typ: 'at+jwt' } : { alg: 'EdDSA', typ: 'at+jwt', kid: ED_KID };
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ scope: pick(random, ['guest', 'agent', 'bot', 'admin']), sid: hexId(random) })
        .setProtectedHeader(header)
        .setSubject(hexId(random))
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + 24 * 3600)
        .setJti(hexId(random))
        .sign(signingKey),
    );
  }
  return tokens;
}
